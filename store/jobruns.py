"""Records of background work: what ran, for what, how far it got, how it ended, and why it failed."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Base, utcnow

__all__ = ["RunStatus", "JobRun", "start_run", "set_progress", "finish_run", "fail_run", "recent_runs"]


class RunStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(Base):
    """One run of a job. ``key`` names what it ran for (e.g. ``match:occurrence=12``) so a second
    run of the same work can find the first and do nothing twice."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    key: Mapped[str] = mapped_column(String(120), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True, default=None)
    status: Mapped[RunStatus] = mapped_column(
        Enum(RunStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=RunStatus.QUEUED,
    )
    progress: Mapped[float] = mapped_column(default=0.0)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


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
