"""Reminders before a meeting and invitations to the weekly check-in, each sent at most once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import Role, User
from store.core.db import utcnow
from store.events.models import Event, Occurrence, SignUp, SignupStatus
from store.events.times import describe_time
from store.messages import links
from store.messages.notices import send_once
from store.messages.rendering import render
from store.profiles.models import Profile

__all__ = ["REMINDERS", "send_event_reminders", "send_checkin_invitations"]

#: (name, how long before the start) — each sign-up gets each reminder once, in its window.
REMINDERS = (("48h", timedelta(hours=48)), ("2h", timedelta(hours=2)))


def send_event_reminders(session: Session, settings: Settings, *, now: datetime | None = None) -> int:
    """Remind everyone with a seat; a reminder is due once the start is within its lead time
    (the 2-hour one replaces the 48-hour one when both are due, e.g. after a late sign-up)."""
    now = now or utcnow()
    rows = session.scalars(
        select(SignUp).join(Occurrence, SignUp.occurrence_id == Occurrence.id).join(Event, Occurrence.event_id == Event.id)
        .where(SignUp.status == SignupStatus.CONFIRMED, Occurrence.starts_at > now,
               Occurrence.starts_at <= now + REMINDERS[0][1], Occurrence.cancelled_at.is_(None),
               Event.cancelled_at.is_(None))
    ).all()
    sent = 0
    for signup in rows:
        occurrence = signup.occurrence
        due = [name for name, lead in REMINDERS if occurrence.starts_at - now <= lead]
        name = due[-1]
        event = occurrence.event
        when = describe_time(occurrence.starts_at, event.timezone)
        message = send_once(
            session, f"reminder:{name}:{signup.id}", signup.user, kind="reminder",
            content=render("event_reminder", name=signup.user.display_name, title=event.title,
                           place=event.place_name, address=event.address, when=when,
                           event_link=links.event_link(settings, event.id)),
        )
        sent += message is not None
    session.flush()
    return sent


def send_checkin_invitations(session: Session, settings: Settings, *, now: datetime | None = None) -> int:
    """Invite every active resident with a profile to this week's check-in (once per week)."""
    now = now or utcnow()
    year, week, _ = now.isocalendar()
    people = session.scalars(
        select(User).join(Profile, Profile.user_id == User.id)
        .where(User.is_active.is_(True), User.role == Role.RESIDENT, User.email_confirmed_at.is_not(None))
        .order_by(User.id)
    ).all()
    sent = 0
    for user in people:
        message = send_once(
            session, f"checkin:{year}-W{week:02d}:{user.id}", user, kind="checkin",
            content=render("checkin_invite", name=user.display_name, checkin_link=links.checkin_link(settings)),
        )
        sent += message is not None
    session.flush()
    return sent
