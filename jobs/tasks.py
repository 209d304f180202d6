"""The jobs: thin functions that take ids, open their own unit of work and are safe to run twice.

``deliver_outbox`` is the one job that commits more than once: it gives every message a unit of
work of its own. An email cannot be unsent, so a message must be marked sent the moment it has
gone; with one commit for the whole run, a failure late in the run (a message that cannot be
built, a lost database connection, a killed worker) would roll back the marks of the messages
already sent, and the retry would send them all again.
"""

from __future__ import annotations

import time
from typing import Callable

from config import Settings
from jobs import insight, matching, messages, reaper, reminders  # noqa: F401  (their jobs register on import)
from jobs.registry import job
from jobs.runtime import JobContext
from store.core.db import Database
from store.messages.delivery import Mailer, Outcome, deliver_message, pending_message_ids

__all__ = ["DELIVERY_BUDGET_SECONDS", "DELIVERY_BATCH", "drain_outbox", "deliver_outbox"]

#: A delivery run stops starting new messages after this long; the schedule starts one every
#: minute (``jobs/schedule.py``), so a backlog is worked on without a pause and runs rarely overlap.
DELIVERY_BUDGET_SECONDS = 50.0

#: How many pending ids a run reads at a time.
DELIVERY_BATCH = 200


def drain_outbox(database: Database, settings: Settings, *, budget_seconds: float = DELIVERY_BUDGET_SECONDS,
                 batch: int = DELIVERY_BATCH, clock: Callable[[], float] = time.monotonic) -> int:
    """Deliver every pending message, oldest first, each in its own unit of work, until none is
    left, the time budget is spent, or the mail server cannot be reached. Returns how many went.

    A message refused for now is left for the next run and the run moves on past it, so no
    message holds up the others; one given up is never tried again.
    """
    deadline = clock() + budget_seconds
    delivered, after_id = 0, 0
    with Mailer(settings) as mailer:
        while clock() < deadline:
            with database.unit_of_work(writer=False) as session:
                ids = pending_message_ids(session, after_id=after_id, limit=batch)
            if not ids:
                break
            for message_id in ids:
                if clock() >= deadline:
                    return delivered
                with database.unit_of_work() as session:
                    outcome = deliver_message(session, settings, message_id, mailer)
                after_id = message_id
                if outcome is Outcome.STOP:
                    return delivered
                delivered += outcome is Outcome.SENT
    return delivered


@job("deliver_outbox", retries=5, retry_delay=30)
def deliver_outbox(ctx: JobContext) -> int:
    """Copy pending messages to the outbox folder and send them by SMTP when configured."""
    return drain_outbox(ctx.database, ctx.settings)
