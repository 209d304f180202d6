"""Shared fixtures: a migrated database, ``app``, ``db`` (rolled back per test), ``client``, ``runner``.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import socket

import pytest
from sqlalchemy import inspect, text

from store.core.db import make_engine
from store.core.migrate import upgrade
from store.events import ical_fetch
from store.models import Base
from web import create_app


def _test_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix):]
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'hearth-test.db'}"


def _reset_schema(engine) -> None:
    """Drop whatever an earlier run left, so the migrations are tested from nothing."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(conn)
            for table in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))


@pytest.fixture(autouse=True)
def _no_calendar_fetches_leave_the_machine(monkeypatch):
    """A calendar address given to an import resolves only on this machine: no test reaches the
    network, whatever a form is sent (the stub servers listen on 127.0.0.1)."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(socket.EAI_NONAME, "not resolved in tests")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(ical_fetch, "resolve", local_only)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _test_url(tmp_path_factory)
    engine = make_engine(url)
    _reset_schema(engine)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def settings_override(database_url, tmp_path) -> dict:
    """The settings every test app gets; a test may change this dict before ``app`` is built."""
    return {
        "env": "testing",
        "database_url": database_url,
        "instance_path": str(tmp_path / "instance"),
        "base_url": "http://localhost",
        "log_level": "warning",
        "queue_url": "immediate://",
    }


@pytest.fixture
def app(settings_override):
    app = create_app(settings_override)
    yield app
    app.extensions["hearth.db"].dispose()


@pytest.fixture
def db(app):
    """A session whose work is rolled back after the test, even what the app committed."""
    database = app.extensions["hearth.db"]
    connection = database.engine.connect()
    transaction = connection.begin()
    database.bind_to(connection)
    session = database.session()
    yield session
    session.close()
    database.unbind()
    transaction.rollback()
    connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def settings(app):
    return app.extensions["hearth.settings"]
