"""Leases: a heartbeat keeps a working run's lease, the reaper settles only lapsed ones (queueing the
work again, at most three times a day), Ctrl-C marks a run stopped, and the Runs page tells the truth."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from factories import login, make_centre, make_user
from sqlalchemy import select, text

from config import load_settings
from jobs.lease import Lease
from jobs.queue import Queue
from jobs.reaper import reap
from jobs.tracking import report_progress, tracked_run
from reliability.helpers import wait_for
from store.accounts.models import Role
from store.core.db import Database, make_engine, utcnow
from store.core.jobruns import NOT_REQUEUED, REQUEUED, STOPPED_BY_HAND, start_run
from store.core.migrate import upgrade
from store.core.models import JobRun, RunStatus


def _context(url, tmp_path, lease=2):
    settings = load_settings(environ={}, override={
        "database_url": url, "instance_path": str(tmp_path / "instance"), "queue_url": "immediate://",
        "job_lease_seconds": lease, "env": "testing"})
    database = Database(settings.database_url)
    return Queue(settings, database).context


def _run(database, kind="test"):
    with database.unit_of_work(writer=False) as session:
        return session.scalars(select(JobRun).where(JobRun.kind == kind)).one()


def test_a_working_run_keeps_its_lease_and_the_reaper_leaves_it(fresh_url, tmp_path):
    ctx = _context(fresh_url, tmp_path, lease=2)
    started, release = threading.Event(), threading.Event()

    def work():
        with tracked_run(ctx, kind="test", key="slow") as (session, run):
            report_progress(run, 0.5)
            started.set()
            release.wait(10)
            run.counts = {"done": 1}

    worker = threading.Thread(target=work)
    worker.start()
    assert started.wait(10)
    first = _run(ctx.database).lease_until
    time.sleep(3)  # longer than the lease
    if not ctx.database.is_sqlite:
        # The heartbeat writes in transactions of its own, so lease and progress show mid-run.
        run = _run(ctx.database)
        assert run.lease_until > first and run.is_live() and run.progress == 0.5
        assert reap(ctx) == 0
        release.set()
    else:
        # On SQLite the working job holds the write lock: the reaper waits for it, then finds the run done.
        threading.Timer(0.5, release.set).start()
        assert reap(ctx) == 0
    worker.join(10)
    run = _run(ctx.database)
    assert run.status == RunStatus.SUCCEEDED and run.counts == {"done": 1} and run.lease_until is None
    ctx.database.dispose()


def test_the_heartbeat_renews_a_lease_between_transactions(fresh_url, tmp_path):
    ctx = _context(fresh_url, tmp_path, lease=2)
    with ctx.database.unit_of_work() as session:
        run = start_run(session, kind="test", key="beat", owner="me", lease_seconds=2)
    lease = Lease(ctx.database, run.id, "me", 2).start()
    try:
        wait_for(lambda: lease.beats >= 2, timeout=10, what="two heartbeats")
        assert _run(ctx.database).lease_until > run.lease_until
        time.sleep(2.5)
        assert _run(ctx.database).is_live()  # kept alive past its first lease
        assert reap(ctx) == 0
    finally:
        lease.stop()
    assert Lease(ctx.database, run.id, "someone else", 2).beat() is False  # not theirs to renew
    ctx.database.dispose()


def test_ctrl_c_marks_the_run_stopped_and_keeps_nothing(fresh_url, tmp_path):
    ctx = _context(fresh_url, tmp_path)
    try:
        with tracked_run(ctx, kind="test", key="by-hand") as (session, run):
            run.counts = {"half": 1}
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    run = _run(ctx.database)
    assert run.status == RunStatus.INTERRUPTED and run.error == STOPPED_BY_HAND and run.counts == {}
    assert reap(ctx) == 0  # not queued again: the person meant to stop it
    ctx.database.dispose()


def _lapsed_run(db, **fields):
    run = start_run(db, kind="recommendations", key="user=all", owner="gone:1:x", lease_seconds=60,
                    job="refresh_recommendations", job_args={"args": [None], "kwargs": {}}, **fields)
    run.lease_until = utcnow() - timedelta(seconds=1)
    db.flush()
    return run


def test_work_interrupted_three_times_a_day_is_not_queued_a_fourth(app, db):
    ctx = app.extensions["hearth.queue"].context
    reasons = []
    for _ in range(3):
        run = _lapsed_run(db)
        assert reap(ctx) == 1
        db.refresh(run)
        reasons.append(run.error)
    assert reasons[:2] == [REQUEUED, REQUEUED]
    assert reasons[2].startswith(NOT_REQUEUED) and "stopped three times" in reasons[2]
    again = db.scalars(select(JobRun).where(JobRun.kind == "recommendations", JobRun.status == RunStatus.SUCCEEDED))
    assert len(again.all()) == 2  # queued again (immediate mode: run at once) twice, not three times


def test_runs_page_shows_an_interrupted_run_and_stops_refreshing(client, db, app):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    run = start_run(db, kind="match", key="occurrence=1", centre_id=centre.id, owner="w:1:x", lease_seconds=60)
    login(client, organiser.email)
    path = f"/organiser/centres/{centre.id}/runs"
    page = client.get(path).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "A run is in progress" in page and ">Running<" in page

    run.lease_until = utcnow() - timedelta(seconds=5)  # its worker was killed
    db.flush()
    page = client.get(path).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "A run is in progress" not in page
    assert "Stopped answering at" in page

    assert reap(app.extensions["hearth.queue"].context) == 1
    page = client.get(path).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and ">Interrupted<" in page and NOT_REQUEUED in page


def test_runs_left_running_before_leases_get_one_on_upgrade(blank_url, tmp_path):
    engine = make_engine(blank_url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO job_runs (kind, key, status, progress, counts, attempts, created_at) "
                          "VALUES ('match', 'occurrence=1', 'running', 0, '{}', 1, :now)"), {"now": utcnow()})
    upgrade(engine)
    engine.dispose()
    database = Database(blank_url)
    run = _run(database, kind="match")
    assert timedelta(minutes=59) < run.lease_until - utcnow() <= timedelta(hours=1)
    assert reap(_context(blank_url, tmp_path), now=utcnow() + timedelta(hours=2)) == 1
    assert _run(database, kind="match").status == RunStatus.INTERRUPTED
    database.dispose()
