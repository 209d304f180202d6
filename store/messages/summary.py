"""The daily summary: the messages a person chose to get once a day, sent as one message."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.core.db import utcnow
from store.messages import links
from store.messages.models import Message
from store.messages.outbox import queue_message
from store.messages.rendering import render

__all__ = ["send_daily_summaries"]


def send_daily_summaries(session: Session, settings: Settings, *, now: datetime | None = None) -> int:
    """One summary to each person with messages held for it; each held message is then marked
    delivered by that summary (and is never sent on its own). Returns how many summaries were
    queued. Safe to run twice: the second run finds nothing held."""
    now = now or utcnow()
    held = session.scalars(
        select(Message).where(Message.held.is_(True), Message.user_id.is_not(None))
        .order_by(Message.user_id, Message.created_at, Message.id)
    ).all()
    by_person: dict[int, list[Message]] = defaultdict(list)
    for message in held:
        by_person[message.user_id].append(message)
    sent = 0
    for user_id, messages in by_person.items():
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            continue
        content = render(
            "daily_summary", name=user.display_name.split()[0] if user.display_name else "there",
            items=[{"subject": m.subject, "link": links.message_link(settings, m.id)} for m in messages],
            preferences_link=links.preferences_link(settings),
        )
        summary = queue_message(session, to_email=user.email, user_id=user.id, content=content, kind="summary")
        for message in messages:
            message.held, message.delivered_at, message.summary_id = False, now, summary.id
        sent += 1
    session.flush()
    return sent
