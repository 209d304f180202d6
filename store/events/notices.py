"""The messages Hearth writes about events, each with a calendar file attached, through the outbox."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy.orm import Session

from config import Settings
from store.events.calendars import occurrences_calendar
from store.events.models import Occurrence
from store.events.times import describe_time
from store.messages.models import Attachment
from store.messages.outbox import queue_message

__all__ = ["notify_signed_up", "notify_promoted", "notify_from_centre", "notify_changed", "notify_cancelled"]


def _ics(occurrences, settings: Settings, *, waiting: bool = False) -> Attachment:
    return Attachment(
        filename="hearth-event.ics",
        content_type="text/calendar",
        content=occurrences_calendar(occurrences, settings, waiting=waiting).decode("utf-8"),
    )


def _when_where(occurrence: Occurrence) -> str:
    event = occurrence.event
    when = describe_time(occurrence.starts_at, event.timezone)
    until = describe_time(occurrence.ends_at, event.timezone, with_day=False)
    where = ", ".join(part for part in (event.place_name, event.address) if part)
    return f"When: {when} until {until}\nWhere: {where}"


def _link(settings: Settings, occurrence: Occurrence) -> str:
    return f"{settings.base_url}/events/{occurrence.event_id}#date-{occurrence.id}"


def notify_signed_up(session: Session, settings: Settings, signup, *, position: int | None) -> None:
    occurrence, user = signup.occurrence, signup.user
    event = occurrence.event
    if position is None:
        subject = f"You're signed up: {event.title}"
        opening = f"Hello {user.display_name},\n\nYou have a seat at {event.title}. We're glad you're coming."
    else:
        subject = f"You're on the waiting list: {event.title}"
        opening = (
            f"Hello {user.display_name},\n\n{event.title} is full at the moment, so you're number {position} "
            "on the waiting list. If a seat comes free, it's yours straight away and we'll write to tell you."
        )
    body = (
        f"{opening}\n\n{_when_where(occurrence)}\n\n"
        f"If you can't make it, you can cancel here, and someone else can have the seat:\n{_link(settings, occurrence)}\n\n"
        "The calendar file attached adds it to your phone or computer.\n\nThe Hearth team"
    )
    queue_message(session, to_email=user.email, user_id=user.id, subject=subject, body=body, kind="event",
                  attachments=[_ics([occurrence], settings, waiting=position is not None)])


def notify_promoted(session: Session, settings: Settings, signup) -> None:
    occurrence, user = signup.occurrence, signup.user
    event = occurrence.event
    body = (
        f"Hello {user.display_name},\n\nGood news: a seat has come free at {event.title}, and it's yours. "
        f"You don't need to do anything.\n\n{_when_where(occurrence)}\n\n"
        f"If you can no longer make it, please cancel so the next person can come:\n{_link(settings, occurrence)}\n\n"
        "The Hearth team"
    )
    queue_message(session, to_email=user.email, user_id=user.id, subject=f"A seat is yours: {event.title}",
                  body=body, kind="event", attachments=[_ics([occurrence], settings)])


def notify_from_centre(session: Session, settings: Settings, signup, *, subject: str, body: str) -> None:
    occurrence, user = signup.occurrence, signup.user
    event = occurrence.event
    text = (
        f"Hello {user.display_name},\n\n{event.centre.name} has written to everyone coming to {event.title} "
        f"({describe_time(occurrence.starts_at, event.timezone)}):\n\n{body}\n\n"
        f"Event details: {_link(settings, occurrence)}\n\nThe Hearth team"
    )
    queue_message(session, to_email=user.email, user_id=user.id, subject=f"{event.title}: {subject}",
                  body=text, kind="event")


def _by_person(signups: Iterable) -> dict:
    people: dict[int, list] = defaultdict(list)
    for signup in signups:
        people[signup.user_id].append(signup)
    return people


def notify_changed(session: Session, settings: Settings, signups: Iterable) -> int:
    """Tell each person once about changed dates they are signed up for; returns how many were told."""
    people = _by_person(signups)
    for rows in people.values():
        user, event = rows[0].user, rows[0].occurrence.event
        dates = "\n\n".join(_when_where(s.occurrence) for s in rows)
        body = (
            f"Hello {user.display_name},\n\n{event.centre.name} has changed {event.title}. "
            f"Here is what it looks like now for you:\n\n{dates}\n\n"
            f"Your place is kept. If the new details don't suit you, you can cancel here:\n"
            f"{_link(settings, rows[0].occurrence)}\n\nThe attached calendar file updates your calendar.\n\nThe Hearth team"
        )
        queue_message(session, to_email=user.email, user_id=user.id, subject=f"Changed: {event.title}", body=body,
                      kind="event", attachments=[_ics([s.occurrence for s in rows], settings)])
    return len(people)


def notify_cancelled(session: Session, settings: Settings, signups: Iterable, *, reason: str = "") -> int:
    """Tell each person once that dates they were signed up for are cancelled."""
    people = _by_person(signups)
    for rows in people.values():
        user, event = rows[0].user, rows[0].occurrence.event
        dates = "\n".join("- " + describe_time(s.occurrence.starts_at, event.timezone) for s in rows)
        why = f"\n\nThey said: {reason.strip()}" if reason.strip() else ""
        body = (
            f"Hello {user.display_name},\n\nWe're sorry: {event.centre.name} has had to cancel {event.title} on:\n"
            f"{dates}{why}\n\nYou don't need to do anything. The attached calendar file removes it from your "
            f"calendar. There are other things on nearby: {settings.base_url}/events\n\nThe Hearth team"
        )
        queue_message(session, to_email=user.email, user_id=user.id, subject=f"Cancelled: {event.title}", body=body,
                      kind="event", attachments=[_ics([s.occurrence for s in rows], settings)])
    return len(people)
