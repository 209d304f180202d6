"""Matching as background work: run records, idempotent re-runs, failures shown, the CLI."""

from __future__ import annotations

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import func, select

from store.accounts.models import Role
from store.core.models import JobRun, RunStatus
from store.groups.models import Group
from store.messages.models import Message


@pytest.fixture
def slot(db, settings):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    for _ in range(6):
        make_resident(db)
    return centre, occurrence


def test_a_run_is_recorded_and_safe_to_repeat(app, db, slot):
    _, occurrence = slot
    queue = app.extensions["hearth.queue"]
    first = queue.enqueue("run_match", occurrence.id)()
    second = queue.enqueue("run_match", occurrence.id)()
    assert first["groups"] == 1 and second["groups"] == 0
    runs = db.scalars(select(JobRun).where(JobRun.kind == "match").order_by(JobRun.id)).all()
    assert [r.status for r in runs] == [RunStatus.SUCCEEDED, RunStatus.SUCCEEDED]
    assert runs[0].counts["groups"] == 1 and runs[0].progress == 1.0 and runs[0].duration_s is not None
    assert db.scalar(select(func.count()).select_from(Group)) == 1
    offers = db.scalar(select(func.count()).select_from(Message).where(Message.kind == "group"))
    assert offers == first["offered"]


def test_a_failing_run_shows_its_error(app, db, slot, monkeypatch):
    _, occurrence = slot
    import jobs.matching

    def broken(*args, **kwargs):
        raise RuntimeError("the matcher fell over")

    monkeypatch.setattr(jobs.matching, "run_matching", broken)
    result = app.extensions["hearth.queue"].enqueue("run_match", occurrence.id)
    with pytest.raises(Exception):
        result.get(preserve=True) if hasattr(result, "get") else result()
    run = db.scalars(select(JobRun).where(JobRun.kind == "match")).first()
    assert run.status == RunStatus.FAILED and "the matcher fell over" in run.error
    assert db.scalar(select(func.count()).select_from(Group)) == 0  # nothing half-written


def test_plan_queues_every_upcoming_date(app, db, slot):
    assert app.extensions["hearth.queue"].enqueue("plan_matching")() == 1
    assert db.scalar(select(func.count()).select_from(Group)) == 1


def test_cli_match_with_progress(runner, db, slot):
    result = runner.invoke(args=["hearth", "match", "--centre", "hyde-park-hall"])
    assert result.exit_code == 0, result.output
    assert "1 group(s) offered to 6 people" in result.output
    result = runner.invoke(args=["hearth", "match", "--centre", "nowhere"])
    assert result.exit_code == 2 and "no centre called 'nowhere'" in result.output
    result = runner.invoke(args=["hearth", "match", "--centre", "hyde-park-hall", "--slot", "abc"])
    assert result.exit_code == 2


def test_a_large_run_fans_out_one_task_per_region(app, db, settings):
    centre = make_centre(db, name="Big Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    for near in ((53.8195, -1.5775), (53.7720, -1.5650)):
        for _ in range(4):
            make_resident(db, near=near, offset_km=0.2, travel_km=10.0)
    counts = app.extensions["hearth.queue"].enqueue("run_match", occurrence.id, None, "new", 5)()
    assert counts["regions"] == 2 and counts["shared_out"]
    keys = sorted(r.key for r in db.scalars(select(JobRun).where(JobRun.kind == "match")))
    assert keys == [f"occurrence={occurrence.id}", f"occurrence={occurrence.id}:region=0",
                    f"occurrence={occurrence.id}:region=1"]
    assert db.scalar(select(func.count()).select_from(Group)) == 2
