"""The queue: immediate in unit tests, Huey on SQLite and on the real Redis with a real consumer."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from huey import RedisHuey, SqliteHuey
from sqlalchemy import delete, select

import jobs.tasks  # noqa: F401  (registers the jobs)
from jobs.queue import Queue, make_huey
from jobs.registry import JOBS
from jobs.schedule import SCHEDULE
from store.messages.models import Message
from store.messages.outbox import queue_message


def test_every_scheduled_job_exists():
    for item in SCHEDULE:
        assert item.job in JOBS


def test_settings_choose_the_backend(settings):
    assert isinstance(make_huey(settings.replace(queue_url="")), SqliteHuey)
    assert isinstance(make_huey(settings.replace(queue_url="redis://127.0.0.1:6379/15")), RedisHuey)
    assert make_huey(settings).immediate


def test_immediate_delivery_writes_the_outbox(app, db, settings):
    queue_message(db, to_email="a@example.org", subject="Hello", body="Hi there")
    queue = app.extensions["hearth.queue"]
    assert queue.enqueue("deliver_outbox")() == 1
    assert queue.enqueue("deliver_outbox")() == 0  # safe to run twice
    assert len(list(settings.outbox_path.glob("*.eml"))) == 1


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _consume(queue: Queue, run):
    consumer = queue.consumer(workers=1)
    consumer.start()
    try:
        run()
    finally:
        consumer.stop(graceful=True)


def _delivery_through(queue: Queue, database, outbox_path):
    with database.unit_of_work() as session:
        message_id = queue_message(session, to_email="q@example.org", subject="Via the queue", body="Hello").id
    try:
        def run():
            queue.enqueue("deliver_outbox")
            assert _wait_for(lambda: any(outbox_path.glob("*.eml"))), "the consumer delivered nothing"
        _consume(queue, run)
        with database.unit_of_work() as session:
            assert session.scalar(select(Message.delivered_at).where(Message.id == message_id)) is not None
    finally:
        with database.unit_of_work() as session:
            session.execute(delete(Message).where(Message.id == message_id))


def test_sqlite_queue_with_a_real_consumer(app, settings):
    settings = settings.replace(queue_url="")
    queue = Queue(settings, app.extensions["hearth.db"])
    _delivery_through(queue, app.extensions["hearth.db"], settings.outbox_path)


@pytest.mark.redis
def test_redis_queue_with_a_real_consumer(app, settings):
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    settings = settings.replace(queue_url=url)
    huey = RedisHuey(f"hearth-test-{uuid.uuid4().hex[:8]}", url=url, utc=True)
    queue = Queue(settings, app.extensions["hearth.db"], huey=huey)
    try:
        _delivery_through(queue, app.extensions["hearth.db"], settings.outbox_path)
    finally:
        huey.storage.flush_all()


def test_readme_lists_every_scheduled_job():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for item in SCHEDULE:
        assert f"| `{item.job}` |" in readme, item.job
