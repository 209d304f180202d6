"""Core tables: records of background work, each holding a lease while it runs."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.core.db import Base, utcnow

__all__ = ["RunStatus", "JobRun"]


class RunStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class JobRun(Base):
    """One run of a job. ``key`` names what it ran for (e.g. ``match:occurrence=12``) so a second
    run of the same work can find the first and do nothing twice.

    While it runs, the run holds a lease: ``owner`` names the process doing it and ``lease_until``
    is pushed forward by its heartbeat. A lease that lapses means the worker stopped; the reaper
    marks the run interrupted and queues ``job`` again with ``job_args``."""

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
    job: Mapped[str | None] = mapped_column(String(40), default=None)
    job_args: Mapped[dict | None] = mapped_column(JSON, default=None)
    owner: Mapped[str | None] = mapped_column(String(120), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None, index=True)

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def is_live(self, now: datetime | None = None) -> bool:
        """Whether the run is still being worked on: running with a lease that has not lapsed."""
        if self.status == RunStatus.QUEUED:
            return True
        if self.status != RunStatus.RUNNING or self.lease_until is None:
            return False
        return self.lease_until > (now or utcnow())
