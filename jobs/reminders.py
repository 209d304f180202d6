"""Reminder jobs: before a meeting (48 and 2 hours), and the weekly connectedness check-in."""

from __future__ import annotations

from jobs.registry import job
from jobs.runtime import JobContext
from jobs.tracking import tracked_run
from store.events.reminders import send_checkin_invitations, send_event_reminders

__all__ = ["send_reminders", "weekly_checkin"]


@job("send_reminders", retries=3, retry_delay=30)
def send_reminders(ctx: JobContext) -> int:
    """Remind people with a seat 48 hours and 2 hours before; each reminder goes out once."""
    with tracked_run(ctx, kind="reminders", key="events") as (session, run):
        sent = send_event_reminders(session, ctx.settings)
        run.counts = {"sent": sent}
    if sent:
        ctx.queue.enqueue("deliver_outbox")
    return sent


@job("weekly_checkin", retries=3, retry_delay=60)
def weekly_checkin(ctx: JobContext) -> int:
    """Invite residents to the short weekly check-in; once per person per week."""
    with tracked_run(ctx, kind="checkin", key="weekly") as (session, run):
        sent = send_checkin_invitations(session, ctx.settings)
        run.counts = {"sent": sent}
    if sent:
        ctx.queue.enqueue("deliver_outbox")
    return sent
