"""Reliability tests: real processes (workers, servers, commands) on a database of their own.

Processes started here see only committed data, so each test gets a fresh database: a SQLite
file, or on PostgreSQL (``TEST_DATABASE_URL``) a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from sqlalchemy import text

from reliability.helpers import REDIS_URL, Process
from store.core.db import make_engine
from store.core.migrate import upgrade


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


@pytest.fixture
def fresh_url(fresh_urls):
    """A migrated, empty database that other processes can reach."""
    return fresh_urls()


@pytest.fixture
def fresh_urls(blank_urls):
    """``fresh_urls()`` makes another migrated, empty database (for a test that tries twice)."""

    def make() -> str:
        url = blank_urls()
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url

    return make


@pytest.fixture
def blank_url(blank_urls):
    """A database with nothing in it, not even the migrations."""
    return blank_urls()


@pytest.fixture
def blank_urls(tmp_path):
    """``blank_urls()`` makes another database with nothing in it; all are dropped afterwards."""
    base = _postgres_url()
    schemas: list[str] = []

    def make() -> str:
        if not base:
            name = "hearth.db" if not schemas else f"hearth-{len(schemas)}.db"
            schemas.append(name)
            return f"sqlite:///{tmp_path / name}"
        schema = f"reliability_{uuid.uuid4().hex[:10]}"
        engine = make_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        schemas.append(schema)
        return base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"

    yield make
    if base and schemas:
        engine = make_engine(base)
        with engine.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def redis_queue():
    """The Redis queue URL, emptied before and after."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def processes():
    """Start processes with ``processes(args, env, log[, cwd=...])``; any still running are stopped after."""
    started: list[Process] = []

    def start(args, env, log, **options) -> Process:
        process = Process(args, env, log, **options)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
