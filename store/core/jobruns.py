"""Job runs: start, progress, finish and fail a record of background work."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.db import utcnow
from store.core.models import JobRun, RunStatus

__all__ = ["start_run", "set_progress", "finish_run", "fail_run", "recent_runs"]


def start_run(
    session: Session, *, kind: str, key: str, centre_id: int | None = None, requested_by_id: int | None = None
) -> JobRun:
    """A new run record, marked running."""
    run = JobRun(kind=kind, key=key, centre_id=centre_id, requested_by_id=requested_by_id,
                 status=RunStatus.RUNNING, started_at=utcnow(), attempts=1)
    session.add(run)
    session.flush()
    return run


def set_progress(session: Session, run: JobRun, fraction: float) -> None:
    run.progress = max(0.0, min(1.0, float(fraction)))
    session.flush()


def finish_run(session: Session, run: JobRun, counts: dict | None = None) -> None:
    run.status = RunStatus.SUCCEEDED
    run.progress = 1.0
    run.counts = dict(counts or {})
    run.finished_at = utcnow()
    run.error = None
    session.flush()


def fail_run(session: Session, run_id: int, error: str) -> None:
    """Record a failure (in its own unit of work: the failed one was rolled back)."""
    run = session.get(JobRun, run_id)
    if run is None:
        return
    run.status = RunStatus.FAILED
    run.error = error[:4000]
    run.finished_at = utcnow()
    session.flush()


def recent_runs(session: Session, *, kind: str | None = None, centre_id: int | None = None, limit: int = 50) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.created_at.desc(), JobRun.id.desc()).limit(limit)
    if kind:
        query = query.where(JobRun.kind == kind)
    if centre_id is not None:
        query = query.where(JobRun.centre_id == centre_id)
    return list(session.scalars(query))
