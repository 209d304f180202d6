"""The reaper: runs whose lease lapsed (their worker stopped) are marked interrupted and their work queued again.

It runs every minute and whenever a worker starts. Jobs are safe to run twice, so queueing the
work again can only finish what the stopped worker had started (its uncommitted work was lost
with it). Work interrupted three times in a day is not queued a fourth time: something about it
stops the worker, and a person should look.
"""

from __future__ import annotations

import logging
from datetime import datetime

from jobs.registry import JOBS, job
from jobs.runtime import JobContext
from store.core.db import utcnow
from store.core.jobruns import NOT_REQUEUED, REQUEUED, interrupt_run, interruptions, lapsed_runs

__all__ = ["reap", "reap_runs", "MAX_INTERRUPTIONS"]

log = logging.getLogger(__name__)

#: Interruptions of the same work in a day after which it is no longer queued again.
MAX_INTERRUPTIONS = 3


def reap(ctx: JobContext, now: datetime | None = None) -> int:
    """Settle every run whose lease has lapsed; returns how many were settled.

    The work is queued again inside the unit of work that marks the runs (a queue that fails
    leaves them for the next pass), except in immediate mode, where queueing runs the job at
    once and so must wait for the marks to be committed."""
    now = now or utcnow()
    calls: list[tuple[str, list, dict]] = []
    with ctx.database.unit_of_work() as session:
        runs = lapsed_runs(session, now)
        for run in runs:
            again = bool(run.job in JOBS and run.job_args is not None
                         and interruptions(session, run) < MAX_INTERRUPTIONS - 1)
            reason = REQUEUED if again else NOT_REQUEUED
            if run.job in JOBS and not again:
                reason += " It has stopped three times today, so it was not queued again; the worker's log may say why."
            interrupt_run(session, run, reason, now=now)
            if again:
                calls.append((run.job, list(run.job_args.get("args", [])), dict(run.job_args.get("kwargs", {}))))
            log.warning("run %s (%s %s) was interrupted: its worker stopped%s", run.id, run.kind, run.key,
                        "; queued again" if again else "")
        if not ctx.queue.immediate:
            _enqueue(ctx, calls)
    if ctx.queue.immediate:
        _enqueue(ctx, calls)
    return len(runs)


def _enqueue(ctx: JobContext, calls: list[tuple[str, list, dict]]) -> None:
    for name, args, kwargs in calls:
        ctx.queue.enqueue(name, *args, **kwargs)


@job("reap_runs", retries=0, retry_delay=0)
def reap_runs(ctx: JobContext) -> int:
    """Mark runs whose worker stopped as interrupted and queue their work again."""
    return reap(ctx)
