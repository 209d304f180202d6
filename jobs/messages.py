"""Message jobs: the daily summary of the messages people chose to get once a day."""

from __future__ import annotations

from jobs.registry import job
from jobs.runtime import JobContext
from jobs.tracking import tracked_run
from store.messages.summary import send_daily_summaries

__all__ = ["daily_summaries"]


@job("daily_summaries", retries=3, retry_delay=60)
def daily_summaries(ctx: JobContext) -> int:
    """One summary to each person with messages held for it; safe to run twice."""
    with tracked_run(ctx, kind="summaries", key="daily") as (session, run):
        sent = send_daily_summaries(session, ctx.settings)
        run.counts = {"sent": sent}
    if sent:
        ctx.queue.enqueue("deliver_outbox")
    return sent
