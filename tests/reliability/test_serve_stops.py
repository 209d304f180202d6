"""The development server (``python -m web.serve``) stops on one Ctrl-C or SIGTERM, web server and
consumer together, finishing the job in hand; a second signal stops at once and the job is
queued again once its lease lapses."""

from __future__ import annotations

import signal
import time
import urllib.request

import pytest

from jobs.queue import Queue
from jobs.reaper import reap
from reliability.helpers import free_port, hearth_env, settings_from, wait_for
from reliability.world import build_world, match_runs, placements
from store.core.db import Database, utcnow
from store.core.models import RunStatus


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _serve(processes, tmp_path, url, **settings):
    port = free_port()
    env = hearth_env(url, tmp_path / "instance", HEARTH_LOG_LEVEL="info", **settings)
    server = processes(["-m", "web.serve", "--port", str(port)], env, tmp_path / "serve.log")
    wait_for(lambda: _up(port) or server.proc.poll() is not None, timeout=60, every=0.2, what="the server")
    assert server.proc.poll() is None, server.output()
    return server, env, port


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_one_signal_stops_the_server_and_the_consumer(tmp_path, processes, fresh_url, signum):
    server, _, port = _serve(processes, tmp_path, fresh_url)
    started = time.monotonic()
    server.signal(signum)
    assert server.wait(timeout=20) == 0, server.output()
    assert time.monotonic() - started < 15
    assert not _up(port)
    output = server.output()
    assert "Hearth is stopping" in output and "All workers have stopped" in output and "Hearth has stopped" in output
    assert "Traceback" not in output


def test_the_job_in_hand_is_finished_before_stopping(tmp_path, processes, fresh_url):
    server, env, _ = _serve(processes, tmp_path, fresh_url)
    settings = settings_from(env)
    database = Database(settings.database_url)
    world = build_world(database, settings, residents=200)
    Queue(settings, database).enqueue("run_match", world.occurrence_id)
    wait_for(lambda: any(r.status == RunStatus.RUNNING for r in match_runs(database)), what="the job in hand")
    server.signal(signal.SIGTERM)
    assert server.wait(timeout=60) == 0, server.output()
    assert "Finishing the job in hand first" in server.output()
    runs = match_runs(database)
    assert [r.status for r in runs] == [RunStatus.SUCCEEDED]
    found = placements(database)
    assert found["placed"] == found["distinct"] == found["offers"] == world.residents
    database.dispose()


def _second_signal(processes, tmp_path, url) -> bool:
    """One try: signal while matching is in hand, then again. False when the job finished before
    the first signal arrived (a 2-second job on a busy machine), which proves nothing either way."""
    server, env, _ = _serve(processes, tmp_path, url, HEARTH_JOB_LEASE_SECONDS=2)
    settings = settings_from(env)
    database = Database(settings.database_url)
    world = build_world(database, settings, residents=200)
    Queue(settings, database).enqueue("run_match", world.occurrence_id)
    wait_for(lambda: any(r.status == RunStatus.RUNNING for r in match_runs(database)), what="the job in hand")
    server.signal(signal.SIGINT)
    wait_for(lambda: "Finishing the job in hand first" in server.output() or server.proc.poll() is not None,
             timeout=30, what="the graceful stop")
    if "Finishing the job in hand first" not in server.output():
        assert server.wait(timeout=10) == 0, server.output()
        assert [r.status for r in match_runs(database)] == [RunStatus.SUCCEEDED], server.output()
        database.dispose()
        return False
    server.signal(signal.SIGINT)
    assert server.wait(timeout=10) == 0, server.output()
    assert "stopping now" in server.output()

    # Whatever the job had not committed went with the process; its lease lapses and the reaper
    # (every minute, and at any worker's start) queues it again.
    runs = match_runs(database)
    if runs[-1].status == RunStatus.RUNNING:
        wait_for(lambda: match_runs(database)[-1].lease_until < utcnow(), timeout=10, what="the lease to lapse")
        assert reap(Queue(settings.replace(queue_url="immediate://"), database).context) == 1
        assert [r.status for r in match_runs(database)] == [RunStatus.INTERRUPTED, RunStatus.SUCCEEDED]
    found = placements(database)
    assert found["placed"] == found["distinct"] == found["offers"] == world.residents
    assert found["running"] == 0
    database.dispose()
    return True


def test_a_second_signal_stops_at_once_and_the_job_is_queued_again(tmp_path, processes, fresh_urls):
    for attempt in range(3):
        folder = tmp_path / f"try-{attempt}"
        folder.mkdir()
        if _second_signal(processes, folder, fresh_urls()):
            return
    pytest.fail("the matching job finished before the first signal in three tries")
