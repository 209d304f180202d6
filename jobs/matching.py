"""Matching jobs: a run for one occurrence, the periodic plan of runs, closing finished meetings,
and refreshing recommendations."""

from __future__ import annotations

from jobs.registry import job
from jobs.runtime import JobContext
from jobs.tracking import report_progress, tracked_run
from store.core.models import JobRun
from store.events.models import Occurrence
from store.groups.candidates import upcoming_slots
from store.groups.matching import FANOUT_SIZE, LEFT_OUT, plan_regions, run_matching
from store.groups.offers import close_finished_groups, lapse_unanswered_offers
from store.profiles.vectors import refit_vectors
from store.recommendations.operations import ranked_user_ids, refresh_recommendations

__all__ = ["run_match", "match_region", "plan_matching", "close_meetings", "refresh_recs", "refit_profile_vectors",
           "TOTALS", "REC_BATCH", "recommendation_batches"]

#: The counts a matching run adds up across its regions.
TOTALS = ("groups", "offered", "unplaced", "below_floor")

#: How many residents one ``refresh_recommendations`` job ranks when a plan refreshes everyone:
#: small enough for every worker to take a share, large enough that fitting the ranker (once per
#: batch) costs little beside the ranking.
REC_BATCH = 500


def recommendation_batches(user_ids: list[int], size: int = REC_BATCH) -> list[list[int]]:
    """``user_ids`` in order, cut into batches of at most ``size``."""
    return [user_ids[start:start + size] for start in range(0, len(user_ids), size)]


def _progress(run: JobRun, start: float = 0.1, span: float = 0.8):
    """A ``progress(items, total, label)`` wrapper for the matcher's long loops, reported on the run."""

    def wrap(items, total, label):
        for done, item in enumerate(items, start=1):
            report_progress(run, start + span * done / max(total, 1))
            yield item

    return wrap


def _queue_before_commit(ctx: JobContext, calls: list[tuple]) -> None:
    """Queue follow-up jobs before the run that plans them is marked done, so a worker stopped
    in between leaves the run to be reaped and planned again rather than the jobs lost. (In
    immediate mode queueing runs them at once, so they wait for :func:`_queue_after_commit`.)"""
    if not ctx.queue.immediate:
        for name, *args in calls:
            ctx.queue.enqueue(name, *args)


def _queue_after_commit(ctx: JobContext, calls: list[tuple]) -> list:
    """In immediate mode, run the follow-up jobs now that the planning run is committed."""
    if not ctx.queue.immediate:
        return []
    return [ctx.queue.enqueue(name, *args) for name, *args in calls]


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
    task per region (the same regions a single run would use, so the same groups). The counts
    returned then say how many regions there were; in immediate mode, where the regions have
    run by the time this returns, they also add up what the regions did."""
    centre_id = _centre_of(ctx, occurrence_id)
    with ctx.database.unit_of_work(writer=False) as session:
        regions = plan_regions(session, occurrence_id, region_size=region_size, seed=occurrence_id,
                               isolated_first=ctx.settings.match_isolated_first)
    if len(regions) > 1:
        calls = [("match_region", occurrence_id, members, index, requested_by_id, mode)
                 for index, members in enumerate(regions)]
        with tracked_run(ctx, kind="match", key=f"occurrence={occurrence_id}", centre_id=centre_id,
                         requested_by_id=requested_by_id) as (session, run):
            run.counts = {"regions": len(regions), "candidates": sum(len(r) for r in regions), "shared_out": True}
            _queue_before_commit(ctx, calls)
        counts = dict(run.counts)
        if ctx.queue.immediate:
            done = [result() for result in _queue_after_commit(ctx, calls)]
            for key in TOTALS:
                counts[key] = sum(int(d.get(key, 0)) for d in done if isinstance(d, dict))
        return counts
    return match_region(ctx, occurrence_id, regions[0] if regions else [], 0, requested_by_id, mode, shared=False)


@job("match_region", retries=3, retry_delay=20)
def match_region(ctx: JobContext, occurrence_id: int, members: list[dict] | None, index: int = 0,
                 requested_by_id: int | None = None, mode: str = "new", region_size: int = FANOUT_SIZE,
                 shared: bool = True) -> dict:
    """Match one region's people for one occurrence: ``members`` are the candidate records the
    plan found (``plan_regions``), so a date's candidates are searched once per run. ``members``
    None: everyone, found here, in regions of at most ``region_size``, in this one run."""
    centre_id = _centre_of(ctx, occurrence_id)
    key = f"occurrence={occurrence_id}" + (f":region={index}" if shared and members is not None else "")
    with tracked_run(ctx, kind="match", key=key, centre_id=centre_id,
                     requested_by_id=requested_by_id) as (session, run):
        report_progress(run, 0.1)
        counts = run_matching(session, ctx.settings, occurrence_id, run_id=run.id, mode=mode, seed=occurrence_id,
                              region=members, region_size=region_size, progress=_progress(run))
        left_out = counts.pop(LEFT_OUT, [])
        if left_out:  # no group close enough in interests: recommend them events instead, now
            counts["recommended"] = refresh_recommendations(session, user_ids=left_out)
        run.counts = counts
    if counts.get("groups"):
        ctx.queue.enqueue("deliver_outbox")
    return counts


@job("plan_matching", retries=1, retry_delay=60)
def plan_matching(ctx: JobContext, centre_id: int | None = None, requested_by_id: int | None = None) -> int:
    """Queue a matching run for every upcoming occurrence (of one centre, or all).

    Its run record means a worker stopped while planning is noticed and the plan made again."""
    with tracked_run(ctx, kind="planning", key=f"centre={centre_id or 'all'}", centre_id=centre_id,
                     requested_by_id=requested_by_id) as (session, run):
        ids = [o.id for o in upcoming_slots(session, centre_id=centre_id)]
        # new dates on offer: rank them for everyone too, in batches every worker can take
        batches = recommendation_batches(ranked_user_ids(session), REC_BATCH)
        run.counts = {"dates": len(ids), "recommendation_batches": len(batches)}
        calls = [("run_match", occurrence_id, requested_by_id) for occurrence_id in ids]
        calls += [("refresh_recommendations", None, batch) for batch in batches]
        _queue_before_commit(ctx, calls)
    _queue_after_commit(ctx, calls)
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
def refresh_recs(ctx: JobContext, user_id: int | None = None, user_ids: list[int] | None = None) -> int:
    """Recompute recommended events for one resident (after a profile change), for a batch of
    residents (``user_ids``, as a plan queues them), or for everyone (the nightly run). Everyone,
    when more than one batch (``REC_BATCH``), is shared out as one job per batch, which any worker
    takes, as a plan does; returns how many people were ranked, or queued to be. Running it again
    replaces the same people's lists, so a batch retried or run twice leaves the same lists."""
    if user_ids is not None:
        who, key = list(user_ids), f"users={min(user_ids, default=0)}..{max(user_ids, default=0)}"
    else:
        who, key = ([user_id] if user_id else None), f"user={user_id or 'all'}"
    calls: list[tuple] = []
    with tracked_run(ctx, kind="recommendations", key=key) as (session, run):
        batches = recommendation_batches(ranked_user_ids(session), REC_BATCH) if who is None else []
        if len(batches) > 1:
            calls = [("refresh_recommendations", None, batch) for batch in batches]
            ranked = sum(len(batch) for batch in batches)
            run.counts = {"residents": 0, "recommendation_batches": len(batches), "shared_out": True}
            _queue_before_commit(ctx, calls)
        else:
            ranked = refresh_recommendations(session, user_ids=who) if who != [] else 0
            run.counts = {"residents": ranked}
    _queue_after_commit(ctx, calls)
    return ranked


@job("refit_vectors", retries=1, retry_delay=300)
def refit_profile_vectors(ctx: JobContext) -> int:
    """Refit the profile vectorizer on everyone's answers and recompute every vector (nightly)."""

    with tracked_run(ctx, kind="vectors", key="all") as (session, run):
        version, count = refit_vectors(session)
        run.counts = {"profiles": count, "version": version}
    return count
