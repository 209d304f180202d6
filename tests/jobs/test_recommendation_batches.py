"""A plan's recommendations in batches: every active resident ranked once, batches safe to repeat,
the same lists as one refresh for everybody."""

from __future__ import annotations

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

import jobs.matching
from store.accounts.models import Role, User
from store.core.models import JobRun
from store.recommendations.models import Recommendation
from store.recommendations.operations import ranked_user_ids, refresh_recommendations


@pytest.fixture
def city(db, settings):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    for title, days, tags in (("Supper club", 3, ("cooking",)), ("Morning walk", 5, ("walking",)),
                              ("Chess evening", 6, ("chess",))):
        make_event(db, settings, centre, organiser, title=title, tags=tags, days_ahead=days)
    people = [make_resident(db, interests=interests) for interests in
              (("cooking",), ("walking",), ("chess", "walking"), ("cooking", "walking"), ("pottery",))]
    people[-1].is_active = False  # a closed account is ranked by nobody
    db.flush()
    return [p.id for p in people[:-1]], people[-1].id


def _stored(db) -> list[tuple]:
    """The stored lists; scores to six places, as "coming up soon" moves on between two runs."""
    rows = db.execute(select(Recommendation.user_id, Recommendation.occurrence_id, Recommendation.rank,
                             Recommendation.score, Recommendation.reason))
    return sorted((uid, oid, rank, round(score, 6), reason) for uid, oid, rank, score, reason in rows)


def test_plan_queues_batches_covering_every_active_resident_once(app, db, city, monkeypatch):
    active, closed = city
    monkeypatch.setattr(jobs.matching, "REC_BATCH", 2)
    app.extensions["hearth.queue"].enqueue("plan_matching")()
    runs = db.scalars(select(JobRun).where(JobRun.kind == "recommendations").order_by(JobRun.id)).all()
    batches = [run.job_args["args"][1] for run in runs]
    assert len(batches) >= 2 and all(len(b) <= 2 for b in batches)
    everyone = [uid for batch in batches for uid in batch]
    assert sorted(everyone) == sorted(ranked_user_ids(db)) and len(everyone) == len(set(everyone))
    assert set(active) <= set(everyone) and closed not in everyone
    ranked = {uid for uid, *_ in _stored(db)}
    assert set(active) <= ranked and closed not in ranked
    assert sum(run.counts["residents"] for run in runs) == len(everyone)


def test_a_batch_run_twice_leaves_the_same_recommendations(app, db, city):
    active, _ = city
    queue = app.extensions["hearth.queue"]
    assert queue.enqueue("refresh_recommendations", None, active[:2])() == 2
    once = _stored(db)
    assert {uid for uid, *_ in once} == set(active[:2])
    assert queue.enqueue("refresh_recommendations", None, active[:2])() == 2
    assert _stored(db) == once
    assert queue.enqueue("refresh_recommendations", None, [])() == 0  # an empty batch ranks nobody


def test_batches_store_what_one_refresh_for_everybody_stores(db, city):
    active, _ = city
    refresh_recommendations(db)
    together = _stored(db)
    assert together
    db.execute(Recommendation.__table__.delete())
    for batch in ([active[0]], active[1:3], active[3:]):
        refresh_recommendations(db, user_ids=batch)
    assert _stored(db) == together


def test_one_resident_still_refreshed_after_a_profile_change(app, db, city):
    active, _ = city
    assert app.extensions["hearth.queue"].enqueue("refresh_recommendations", active[0])() == 1
    assert {uid for uid, *_ in _stored(db)} == {active[0]}
    assert db.get(User, active[0]).is_active


def test_the_nightly_refresh_for_everyone_is_shared_out_in_batches(app, db, city, monkeypatch):
    active, closed = city
    monkeypatch.setattr(jobs.matching, "REC_BATCH", 2)
    assert app.extensions["hearth.queue"].enqueue("refresh_recommendations")() == len(active)
    runs = db.scalars(select(JobRun).where(JobRun.kind == "recommendations").order_by(JobRun.id)).all()
    planner, batches = runs[0], runs[1:]
    assert planner.counts == {"residents": 0, "recommendation_batches": 2, "shared_out": True}
    assert [len(run.job_args["args"][1]) for run in batches] == [2, 2]
    assert sum(run.counts["residents"] for run in batches) == len(active)
    assert {uid for uid, *_ in _stored(db)} == set(active)


def test_the_nightly_refresh_of_a_small_town_is_one_job(app, db, city):
    active, _ = city
    assert app.extensions["hearth.queue"].enqueue("refresh_recommendations")() == len(active)
    [run] = db.scalars(select(JobRun).where(JobRun.kind == "recommendations")).all()
    assert run.counts == {"residents": len(active)}
