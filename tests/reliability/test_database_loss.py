"""A worker that loses its database waits quietly (one line, growing delays, nothing taken from the
queue) and carries on when the database returns. PostgreSQL only: it sits behind a TCP relay
that the test cuts and restores."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

import pytest
from huey.exceptions import RetryTask
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import jobs.matching
from config import load_settings
from jobs.consumer import DatabaseWatch
from jobs.queue import Queue
from reliability.helpers import free_port, hearth_env, settings_from, wait_for
from store.core.db import Database
from store.core.models import JobRun, RunStatus


class Relay:
    """A TCP relay on ``port`` to ``target``; :meth:`cut` drops the listener and every connection."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def open(self) -> "Relay":
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        if self.listener is not None:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets = []


@pytest.mark.postgres
def test_a_worker_waits_for_a_lost_database_and_carries_on(tmp_path, processes, fresh_url):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): a SQLite file cannot go away like a server")
    real = make_url(fresh_url)
    relay = Relay(free_port(), (real.host or "127.0.0.1", real.port or 5432)).open()
    url = real.set(port=relay.port).render_as_string(hide_password=False)
    env = hearth_env(url, tmp_path / "instance", HEARTH_LOG_LEVEL="info")
    settings = settings_from(env)
    direct = Database(fresh_url)  # the test's own way in, around the relay
    queue = Queue(settings.replace(database_url=fresh_url), direct)
    worker = processes(["-m", "jobs.worker", "--workers", "1"], env, tmp_path / "worker.log")
    try:
        wait_for(lambda: "Huey consumer started" in worker.output(), timeout=60, every=0.2, what="the worker")
        relay.cut()
        wait_for(lambda: "The database is not answering" in worker.output(), timeout=30, every=0.2,
                 what="the worker to notice")
        queue.enqueue("refresh_recommendations")  # work arriving while the database is away
        time.sleep(8)  # tries after 1, 2 and 4 seconds: all quiet
        assert queue.huey.pending_count() == 1, "the worker took a task it could not run"
        output = worker.output()
        assert output.count("The database is not answering") == 1 and "Traceback" not in output, output

        relay.open()
        wait_for(lambda: "The database answers again" in worker.output(), timeout=30, every=0.2,
                 what="the worker to see the database back")
        with direct.unit_of_work(writer=False) as session:
            def done():
                session.expire_all()
                return session.scalar(select(JobRun).where(JobRun.kind == "recommendations",
                                                           JobRun.status == RunStatus.SUCCEEDED))
            wait_for(done, timeout=30, every=0.2, what="the waiting job to run")
        assert "Traceback" not in worker.output()
    finally:
        relay.cut()
        worker.stop()
        queue.huey.storage.close()
        direct.dispose()


class _Flag:
    """A stop flag that records how long it was asked to wait instead of waiting."""

    def __init__(self):
        self.waits: list[float] = []

    def wait(self, seconds):
        self.waits.append(seconds)
        return False


def test_the_watch_backs_off_with_one_line(caplog):
    watch = DatabaseWatch(Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x"), most=8)
    flag = _Flag()
    with caplog.at_level(logging.WARNING, logger="jobs.consumer"):
        assert [watch.ready(flag) for _ in range(5)] == [False] * 5
    assert flag.waits == [1, 2, 4, 8, 8] and watch.down
    assert [r.getMessage()[:32] for r in caplog.records] == ["The database is not answering (c"]


def test_a_task_that_meets_a_lost_database_goes_back_to_the_queue(tmp_path):
    settings = load_settings(environ={}, override={"instance_path": str(tmp_path), "queue_url": "",
                                                   "database_url": f"postgresql://postgres@127.0.0.1:{free_port()}/x"})
    queue = Queue(settings, Database(settings.database_url))
    with pytest.raises(RetryTask):  # Huey puts it back with its retries untouched
        queue.tasks["refresh_recommendations"].call_local()
    assert queue.watch.down


def test_a_task_whose_own_query_fails_is_not_mistaken_for_a_lost_database(app, db, monkeypatch):
    queue = Queue(app.extensions["hearth.settings"].replace(queue_url=""), app.extensions["hearth.db"])

    def broken(*args, **kwargs):
        raise OperationalError("SELECT nonsense", {}, Exception("no such table: nonsense"))

    monkeypatch.setattr(jobs.matching, "refresh_recommendations", broken)
    with pytest.raises(OperationalError):
        queue.tasks["refresh_recommendations"].call_local()
    assert not queue.watch.down
