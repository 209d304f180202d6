"""Matching jobs: a run for one occurrence, the periodic plan of runs, closing finished meetings,
and refreshing recommendations."""

from __future__ import annotations

from jobs.registry import job
from jobs.runtime import JobContext
from jobs.tracking import tracked_run
from store.core.jobruns import set_progress
from store.events.models import Occurrence
from store.groups.candidates import upcoming_slots
from store.groups.matching import FANOUT_SIZE, plan_regions, run_matching
from store.groups.offers import close_finished_groups, lapse_unanswered_offers
from store.profiles.vectors import refit_vectors
from store.recommendations.operations import refresh_recommendations

__all__ = ["run_match", "match_region", "plan_matching", "close_meetings", "refresh_recs", "refit_profile_vectors"]


def _centre_of(ctx: JobContext, occurrence_id: int) -> int | None:
    """The centre an occurrence belongs to (its runs are shown to that centre's organisers)."""
    with ctx.database.unit_of_work(writer=False) as session:
        occurrence = session.get(Occurrence, occurrence_id)
        return occurrence.event.centre_id if occurrence else None


@job("run_match", retries=3, retry_delay=20)
def run_match(ctx: JobContext, occurrence_id: int, requested_by_id: int | None = None, mode: str = "new",
              region_size: int = FANOUT_SIZE) -> dict:
    """Form and offer groups for one occurrence; a second run places only people not yet placed.

    With more candidates than ``region_size``, the work is shared out as one ``match_region``
    task per region (the same regions a single run would use, so the same groups)."""
    centre_id = _centre_of(ctx, occurrence_id)
    with ctx.database.unit_of_work(writer=False) as session:
        regions = plan_regions(session, occurrence_id, region_size=region_size, seed=occurrence_id)
    if len(regions) > 1:
        with tracked_run(ctx, kind="match", key=f"occurrence={occurrence_id}", centre_id=centre_id,
                         requested_by_id=requested_by_id) as (session, run):
            run.counts = {"regions": len(regions), "candidates": sum(len(r) for r in regions), "shared_out": True}
        for index, members in enumerate(regions):
            ctx.queue.enqueue("match_region", occurrence_id, members, index, requested_by_id, mode)
        return dict(run.counts)
    return match_region(ctx, occurrence_id, regions[0] if regions else [], 0, requested_by_id, mode, shared=False)


@job("match_region", retries=3, retry_delay=20)
def match_region(ctx: JobContext, occurrence_id: int, members: list[dict], index: int = 0,
                 requested_by_id: int | None = None, mode: str = "new", shared: bool = True) -> dict:
    """Match one region's people for one occurrence: ``members`` are the candidate records the
    plan found (``plan_regions``), so the date's candidates are searched once per run."""
    centre_id = _centre_of(ctx, occurrence_id)
    key = f"occurrence={occurrence_id}" + (f":region={index}" if shared else "")
    with tracked_run(ctx, kind="match", key=key, centre_id=centre_id,
                     requested_by_id=requested_by_id) as (session, run):
        set_progress(session, run, 0.1)
        counts = run_matching(session, ctx.settings, occurrence_id, run_id=run.id, mode=mode, seed=occurrence_id,
                              region=members)
        run.counts = counts
    if counts.get("groups"):
        ctx.queue.enqueue("deliver_outbox")
    return counts


@job("plan_matching", retries=1, retry_delay=60)
def plan_matching(ctx: JobContext, centre_id: int | None = None, requested_by_id: int | None = None) -> int:
    """Queue a matching run for every upcoming occurrence (of one centre, or all)."""
    with ctx.database.unit_of_work() as session:
        ids = [o.id for o in upcoming_slots(session, centre_id=centre_id)]
    for occurrence_id in ids:
        ctx.queue.enqueue("run_match", occurrence_id, requested_by_id)
    ctx.queue.enqueue("refresh_recommendations")  # new dates on offer: rank them for everyone
    return len(ids)


@job("close_meetings", retries=3, retry_delay=30)
def close_meetings(ctx: JobContext) -> dict:
    """Let unanswered offers lapse near the day; mark met groups and send the "how did it go?"
    prompts; let unconfirmed past groups go."""
    with tracked_run(ctx, kind="close_meetings", key="all") as (session, run):
        run.counts = {**lapse_unanswered_offers(session, ctx.settings), **close_finished_groups(session, ctx.settings)}
    if run.counts.get("prompts") or run.counts.get("confirmed") or run.counts.get("dissolved"):
        ctx.queue.enqueue("deliver_outbox")
    return run.counts


@job("refresh_recommendations", retries=2, retry_delay=60)
def refresh_recs(ctx: JobContext, user_id: int | None = None) -> int:
    """Recompute recommended events for one resident (after a profile change) or for everyone."""
    with tracked_run(ctx, kind="recommendations", key=f"user={user_id or 'all'}") as (session, run):
        ranked = refresh_recommendations(session, user_ids=[user_id] if user_id else None)
        run.counts = {"residents": ranked}
    return ranked


@job("refit_vectors", retries=1, retry_delay=300)
def refit_profile_vectors(ctx: JobContext) -> int:
    """Refit the profile vectorizer on everyone's answers and recompute every vector (nightly)."""

    with tracked_run(ctx, kind="vectors", key="all") as (session, run):
        version, count = refit_vectors(session)
        run.counts = {"profiles": count, "version": version}
    return count
