"""Run records around a job's unit of work: a lease with a heartbeat, progress, counts, and errors
visible to organisers."""

from __future__ import annotations

import json
import logging
import traceback
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jobs.lease import Lease, new_owner
from jobs.registry import JobCall, current_call
from jobs.runtime import JobContext
from store.core.jobruns import STOPPED_BY_HAND, fail_run, finish_run, interrupt_run, start_run
from store.core.models import JobRun, RunStatus

__all__ = ["tracked_run", "report_progress", "leases_in_hand"]

log = logging.getLogger(__name__)

#: The leases of the runs this process is working on, by run id.
_LEASES: dict[int, Lease] = {}


def report_progress(run: JobRun, fraction: float) -> None:
    """Tell organisers how far a run has come (0 to 1); it also renews the run's lease."""
    lease = _LEASES.get(run.id)
    if lease is not None:
        lease.report(fraction)


def leases_in_hand() -> list[Lease]:
    """The leases this process holds right now (the runs it is working on)."""
    return list(_LEASES.values())


def _arguments(call: JobCall | None) -> dict | None:
    """The call's arguments as JSON, or None when they cannot be stored (then it is not queued again)."""
    if call is None:
        return None
    data = {"args": list(call.args), "kwargs": dict(call.kwargs or {})}
    try:
        json.dumps(data)
    except (TypeError, ValueError):
        log.warning("job %s has arguments that cannot be stored; it will not be queued again if interrupted", call.name)
        return None
    return data


@contextmanager
def tracked_run(
    ctx: JobContext, *, kind: str, key: str, centre_id: int | None = None, requested_by_id: int | None = None,
    redo: JobCall | None = None,
) -> Iterator[tuple[Session, JobRun]]:
    """A unit of work with a run record: committed once on success; on failure the work is
    rolled back, the error is recorded in a unit of its own, and the exception re-raised so the
    queue retries with back-off.

    The run holds a lease renewed by a heartbeat while the work goes on. If the process dies,
    the lease lapses and the reaper queues ``redo`` again (default: the job call being run).
    Stopped by hand (Ctrl-C), the run is marked interrupted at once and not queued again."""
    call = redo or current_call()
    arguments = _arguments(call)
    owner = new_owner()
    seconds = ctx.settings.job_lease_seconds
    with ctx.database.unit_of_work() as session:
        run = start_run(session, kind=kind, key=key, centre_id=centre_id, requested_by_id=requested_by_id,
                        owner=owner, lease_seconds=seconds, job=call.name if arguments is not None else None,
                        job_args=arguments)
    run_id = run.id
    lease = Lease(ctx.database, run_id, owner, seconds).start()
    _LEASES[run_id] = lease
    try:
        with ctx.database.unit_of_work() as session:
            run = session.get(JobRun, run_id)
            yield session, run
            if run.status == RunStatus.RUNNING:
                finish_run(session, run, run.counts)
    except Exception as exc:
        lease.stop()
        if ctx.database.ping() is not None:  # the database went away: the queue waits for it quietly
            raise
        message = f"{type(exc).__name__}: {exc}"
        log.warning("job %s (%s) failed: %s", kind, key, message)
        _record(ctx, run_id, lambda s: fail_run(s, run_id, message + "\n" + traceback.format_exc(limit=5)))
        raise
    except BaseException:
        lease.stop()
        log.warning("job %s (%s) was stopped by hand before it finished", kind, key)
        _record(ctx, run_id, lambda s: interrupt_run(s, s.get(JobRun, run_id), STOPPED_BY_HAND))
        raise
    finally:
        lease.stop()
        _LEASES.pop(run_id, None)


def _record(ctx: JobContext, run_id: int, change) -> None:
    """Write what became of a run in a unit of work of its own; if even that fails, the lease
    lapses and the reaper settles the run."""
    try:
        with ctx.database.unit_of_work() as session:
            if session.get(JobRun, run_id) is not None:
                change(session)
    except SQLAlchemyError as exc:
        log.warning("could not record what became of run %s (%s); its lease will settle it", run_id, exc)
