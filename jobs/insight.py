"""Organiser-facing jobs: the nightly match-graph picture (metrics and layout) of each centre."""

from __future__ import annotations

from sqlalchemy import select

from jobs.registry import JobCall, job
from jobs.runtime import JobContext
from jobs.tracking import report_progress, tracked_run
from store.centres.models import Centre
from store.centres.operations import locate_pending_centres
from store.insight.snapshots import build_snapshot

__all__ = ["graph_snapshot", "geocode_pending"]


@job("graph_snapshot", retries=2, retry_delay=60)
def graph_snapshot(ctx: JobContext, centre_id: int | None = None, requested_by_id: int | None = None) -> int:
    """Recompute the match graph, its figures and its layout for one centre (or every centre)."""
    with ctx.database.unit_of_work() as session:
        query = select(Centre.id).order_by(Centre.id)
        ids = [centre_id] if centre_id is not None else list(session.scalars(query))
    for cid in ids:
        with tracked_run(ctx, kind="graph", key=f"centre={cid}", centre_id=cid, requested_by_id=requested_by_id,
                         redo=JobCall("graph_snapshot", (cid, requested_by_id))) as (session, run):
            centre = session.get(Centre, cid)
            if centre is None:
                continue
            snapshot = build_snapshot(session, ctx.settings, centre, seed=cid,
                                      progress=lambda fraction: report_progress(run, fraction))
            run.counts = {"members": snapshot.data["summary"]["members"], "edges": len(snapshot.data["edges"])}
    return len(ids)


@job("geocode_pending", retries=3, retry_delay=120)
def geocode_pending(ctx: JobContext) -> dict:
    """Find map points for anything still waiting for one (centres with only an address)."""
    with tracked_run(ctx, kind="geocoding", key="pending") as (session, run):
        run.counts = locate_pending_centres(session, ctx.settings)
    return run.counts
