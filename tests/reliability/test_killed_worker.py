"""A worker killed mid-run (SIGKILL) loses nothing: after a restart the work is done exactly once,
on the real SQLite queue and on the real Redis; a killed ``hearth match`` leaves no run "running"."""

from __future__ import annotations

import signal

import pytest

from jobs.queue import Queue
from jobs.reaper import reap
from reliability.helpers import hearth_env, settings_from, wait_for
from reliability.world import build_world, match_runs, placements
from store.core.db import Database, utcnow
from store.core.jobruns import REQUEUED, run_status_words
from store.core.models import RunStatus

LEASE = 2  # seconds: the worker's heartbeat renews it every half second


def _region_in_hand(database):
    """A region run the worker has started and not finished."""
    running = [r for r in match_runs(database) if r.status == RunStatus.RUNNING and ":region=" in r.key]
    return running[0] if running else None


def _lapsed(database, run_id):
    run = next(r for r in match_runs(database) if r.id == run_id)
    return run.lease_until is not None and run.lease_until < utcnow()


def _all_regions_done(database, regions):
    done = {r.key for r in match_runs(database) if r.status == RunStatus.SUCCEEDED and ":region=" in r.key}
    return len(done) == regions and placements(database)["running"] == 0


def _kill_a_worker_mid_run_and_restart(tmp_path, processes, url, queue_url):
    env = hearth_env(url, tmp_path / "instance", HEARTH_QUEUE_URL=queue_url, HEARTH_JOB_LEASE_SECONDS=LEASE,
                     HEARTH_LOG_LEVEL="info")
    settings = settings_from(env)
    database = Database(settings.database_url)
    world = build_world(database, settings, residents=300)
    queue = Queue(settings, database)  # the same queue the worker reads: what the web app would put there
    queue.enqueue("run_match", world.occurrence_id, None, "new", 150)  # shared out: two regions of 150

    first = processes(["-m", "jobs.worker", "--workers", "1"], env, tmp_path / "worker-1.log")
    in_hand = wait_for(lambda: _region_in_hand(database), what="a region run in progress")
    first.signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    killed = next(r for r in match_runs(database) if r.id == in_hand.id)
    assert killed.status == RunStatus.RUNNING, "the kill came too late: the run had finished"

    wait_for(lambda: _lapsed(database, killed.id), timeout=LEASE + 10, what="the lease to lapse")
    assert run_status_words(killed).startswith("Stopped answering")
    second = processes(["-m", "jobs.worker", "--workers", "1"], env, tmp_path / "worker-2.log")
    wait_for(lambda: _all_regions_done(database, 2), timeout=90, every=0.2, what="both regions to be matched")
    second.signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0, second.output()

    runs = match_runs(database)
    interrupted = [r for r in runs if r.status == RunStatus.INTERRUPTED]
    assert [r.id for r in interrupted] == [killed.id]
    assert interrupted[0].error == REQUEUED
    succeeded = {}
    for run in runs:
        if run.status == RunStatus.SUCCEEDED and ":region=" in run.key and run.counts.get("groups"):
            succeeded.setdefault(run.key, []).append(run)
    assert sorted(succeeded) == [f"occurrence={world.occurrence_id}:region={i}" for i in (0, 1)]
    assert all(len(v) == 1 for v in succeeded.values()), "a region formed groups twice"
    found = placements(database)
    assert found["groups"] == sum(v[0].counts["groups"] for v in succeeded.values())
    assert found["placed"] == found["distinct"] == world.residents  # everyone once, nobody twice
    assert found["offers"] == world.residents  # one offer each
    assert found["running"] == 0
    assert "interrupted run(s) found at start" in second.output()
    database.dispose()


def test_sqlite_queue_worker_killed_mid_run(tmp_path, processes, fresh_url):
    _kill_a_worker_mid_run_and_restart(tmp_path, processes, fresh_url, "")


@pytest.mark.redis
def test_redis_queue_worker_killed_mid_run(tmp_path, processes, fresh_url, redis_queue):
    _kill_a_worker_mid_run_and_restart(tmp_path, processes, fresh_url, redis_queue)


def test_hearth_match_killed_mid_run_is_not_left_running(tmp_path, processes, fresh_url):
    env = hearth_env(fresh_url, tmp_path / "instance", HEARTH_JOB_LEASE_SECONDS=LEASE)
    settings = settings_from(env)
    database = Database(settings.database_url)
    world = build_world(database, settings, residents=200)
    command = processes(["-c", "from web.console import main; main()", "match", "--centre", world.centre_slug],
                        env, tmp_path / "match.log")
    in_hand = wait_for(lambda: next((r for r in match_runs(database) if r.status == RunStatus.RUNNING), None),
                       what="the command's run")
    command.signal(signal.SIGKILL)
    command.wait(timeout=10)
    assert next(r for r in match_runs(database) if r.id == in_hand.id).status == RunStatus.RUNNING

    wait_for(lambda: _lapsed(database, in_hand.id), timeout=LEASE + 10, what="the lease to lapse")
    lapsed = next(r for r in match_runs(database) if r.id == in_hand.id)
    assert not lapsed.is_live() and run_status_words(lapsed).startswith("Stopped answering")
    assert (lapsed.job, lapsed.job_args["args"]) == ("match_region", [world.occurrence_id, None, 0, None, "new", 600])

    # The next reaper pass (every minute, and whenever a worker starts) settles it and queues it again.
    queue = Queue(settings.replace(queue_url="immediate://"), database)
    assert reap(queue.context) == 1
    runs = match_runs(database)
    assert [r.status for r in runs] == [RunStatus.INTERRUPTED, RunStatus.SUCCEEDED]
    assert runs[0].error == REQUEUED and runs[1].counts["offered"] == world.residents
    found = placements(database)
    assert found["placed"] == found["distinct"] == found["offers"] == world.residents
    assert reap(queue.context) == 0  # nothing left to settle
    database.dispose()
