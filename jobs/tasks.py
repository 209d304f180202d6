"""The jobs: thin functions that take ids, open their own unit of work and are safe to run twice."""

from __future__ import annotations

from jobs import insight, matching, reaper, reminders  # noqa: F401  (their jobs register on import)
from jobs.registry import job
from jobs.runtime import JobContext
from store.messages.outbox import deliver_pending

__all__ = ["deliver_outbox"]


@job("deliver_outbox", retries=5, retry_delay=30)
def deliver_outbox(ctx: JobContext) -> int:
    """Copy pending messages to the outbox folder and send them by SMTP when configured."""
    with ctx.database.unit_of_work() as session:
        return deliver_pending(session, ctx.settings)
