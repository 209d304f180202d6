"""Run records around a job's unit of work: progress, counts, and errors visible to organisers."""

from __future__ import annotations

import logging
import traceback
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import Session

from jobs.runtime import JobContext
from store.core.jobruns import fail_run, finish_run, start_run
from store.core.models import JobRun, RunStatus

__all__ = ["tracked_run"]

log = logging.getLogger(__name__)


@contextmanager
def tracked_run(
    ctx: JobContext, *, kind: str, key: str, centre_id: int | None = None, requested_by_id: int | None = None
) -> Iterator[tuple[Session, JobRun]]:
    """A unit of work with a run record: committed once on success; on failure the work is
    rolled back, the error is recorded in a unit of its own, and the exception re-raised so the
    queue retries with back-off."""
    with ctx.database.unit_of_work() as session:
        run = start_run(session, kind=kind, key=key, centre_id=centre_id, requested_by_id=requested_by_id)
    run_id = run.id
    try:
        with ctx.database.unit_of_work() as session:
            run = session.get(JobRun, run_id)
            yield session, run
            if run.status == RunStatus.RUNNING:
                finish_run(session, run, run.counts)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        log.warning("job %s (%s) failed: %s", kind, key, message)
        with ctx.database.unit_of_work() as session:
            fail_run(session, run_id, message + "\n" + traceback.format_exc(limit=5))
        raise
