"""Job runs: start, renew, finish, fail and interrupt a record of background work; find lapsed leases."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.core.db import utcnow
from store.core.models import JobRun, RunStatus

__all__ = [
    "start_run", "set_progress", "renew_lease", "finish_run", "fail_run", "interrupt_run", "lapsed_runs",
    "interruptions", "recent_runs", "run_status_words", "REQUEUED", "NOT_REQUEUED", "STOPPED_BY_HAND",
]

#: What an organiser reads beside an interrupted run.
REQUEUED = ("The worker doing this stopped before it finished. Nothing it had started was kept, "
            "and it has been queued again.")
NOT_REQUEUED = "The worker doing this stopped before it finished. Nothing it had started was kept."
STOPPED_BY_HAND = "Stopped by hand before it finished. Nothing it had started was kept."


def start_run(
    session: Session, *, kind: str, key: str, centre_id: int | None = None, requested_by_id: int | None = None,
    owner: str | None = None, lease_seconds: float | None = None, job: str | None = None,
    job_args: dict | None = None,
) -> JobRun:
    """A new run record, marked running; with ``owner`` and ``lease_seconds`` it holds a lease
    that its heartbeat must renew, and ``job``/``job_args`` say how to queue it again."""
    now = utcnow()
    run = JobRun(kind=kind, key=key, centre_id=centre_id, requested_by_id=requested_by_id,
                 status=RunStatus.RUNNING, started_at=now, attempts=1, owner=owner, job=job, job_args=job_args,
                 lease_until=now + timedelta(seconds=lease_seconds) if lease_seconds else None)
    session.add(run)
    session.flush()
    return run


def set_progress(session: Session, run: JobRun, fraction: float) -> None:
    run.progress = max(0.0, min(1.0, float(fraction)))
    session.flush()


def renew_lease(session: Session, run_id: int, owner: str, until: datetime, progress: float | None = None) -> bool:
    """Push the lease of a run still running under ``owner`` to ``until`` (and record its
    progress). False when the run is no longer this owner's to renew."""
    values: dict = {"lease_until": until}
    if progress is not None:
        values["progress"] = max(0.0, min(1.0, float(progress)))
    result = session.execute(
        update(JobRun)
        .where(JobRun.id == run_id, JobRun.owner == owner, JobRun.status == RunStatus.RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def finish_run(session: Session, run: JobRun, counts: dict | None = None) -> None:
    run.status = RunStatus.SUCCEEDED
    run.progress = 1.0
    run.counts = dict(counts or {})
    run.finished_at = utcnow()
    run.error = None
    run.lease_until = None
    session.flush()


def fail_run(session: Session, run_id: int, error: str) -> None:
    """Record a failure (in its own unit of work: the failed one was rolled back)."""
    run = session.get(JobRun, run_id)
    if run is None:
        return
    run.status = RunStatus.FAILED
    run.error = error[:4000]
    run.finished_at = utcnow()
    run.lease_until = None
    session.flush()


def interrupt_run(session: Session, run: JobRun, reason: str, *, now: datetime | None = None) -> None:
    """Mark a run that stopped before it finished; ``reason`` says what happened next."""
    run.status = RunStatus.INTERRUPTED
    run.error = reason
    run.finished_at = now or utcnow()
    run.lease_until = None
    session.flush()


def lapsed_runs(session: Session, now: datetime | None = None, *, limit: int = 100) -> list[JobRun]:
    """Runs still marked running whose lease has lapsed, locked for this unit of work (on
    PostgreSQL another reaper skips them, so each is handled once)."""
    query = (
        select(JobRun)
        .where(JobRun.status == RunStatus.RUNNING, JobRun.lease_until.is_not(None),
               JobRun.lease_until < (now or utcnow()))
        .order_by(JobRun.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def interruptions(session: Session, run: JobRun, *, within: timedelta = timedelta(days=1)) -> int:
    """How often the same work (kind and key) was interrupted lately, this run not counted."""
    since = (run.started_at or run.created_at) - within
    return session.scalar(
        select(func.count()).select_from(JobRun).where(
            JobRun.kind == run.kind, JobRun.key == run.key, JobRun.status == RunStatus.INTERRUPTED,
            JobRun.id != run.id, JobRun.created_at >= since)
    ) or 0


def recent_runs(
    session: Session, *, kind: str | None = None, centre_id: int | None = None, limit: int = 50
) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.created_at.desc(), JobRun.id.desc()).limit(limit)
    if kind:
        query = query.where(JobRun.kind == kind)
    if centre_id is not None:
        query = query.where(JobRun.centre_id == centre_id)
    return list(session.scalars(query))


def run_status_words(run: JobRun, now: datetime | None = None) -> str:
    """A run's status in an organiser's words: a running run whose worker has gone quiet says so."""
    if run.status == RunStatus.RUNNING and not run.is_live(now):
        lapsed = run.lease_until or run.started_at or run.created_at
        return f"Stopped answering at {lapsed.strftime('%H:%M')}"
    return run.status.value.capitalize()
