"""The messages Hearth writes about events, each with a calendar file attached, through the outbox."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy.orm import Session

from config import Settings
from store.events.calendars import occurrences_calendar
from store.events.models import Occurrence
from store.events.times import describe_time
from store.messages import links
from store.messages.models import Attachment
from store.messages.outbox import queue_message
from store.messages.rendering import render

__all__ = ["notify_signed_up", "notify_promoted", "notify_from_centre", "notify_changed", "notify_cancelled"]


def _ics(occurrences, settings: Settings, *, waiting: bool = False) -> Attachment:
    return Attachment(
        filename="hearth-event.ics",
        content_type="text/calendar",
        content=occurrences_calendar(occurrences, settings, waiting=waiting).decode("utf-8"),
    )


def _date(occurrence: Occurrence) -> dict:
    """When and where one date is, for the templates' ``when_where``."""
    event = occurrence.event
    return {"when": describe_time(occurrence.starts_at, event.timezone),
            "until": describe_time(occurrence.ends_at, event.timezone, with_day=False),
            "where": ", ".join(part for part in (event.place_name, event.address) if part)}


def _link(settings: Settings, occurrence: Occurrence) -> str:
    return links.event_link(settings, occurrence.event_id, occurrence.id)


def notify_signed_up(session: Session, settings: Settings, signup, *, position: int | None) -> None:
    occurrence, user = signup.occurrence, signup.user
    content = render("event_signed_up", name=user.display_name, title=occurrence.event.title, position=position,
                     date=_date(occurrence), event_link=_link(settings, occurrence))
    queue_message(session, to_email=user.email, user_id=user.id, content=content, kind="event",
                  attachments=[_ics([occurrence], settings, waiting=position is not None)])


def notify_promoted(session: Session, settings: Settings, signup) -> None:
    occurrence, user = signup.occurrence, signup.user
    content = render("event_promoted", name=user.display_name, title=occurrence.event.title,
                     date=_date(occurrence), event_link=_link(settings, occurrence))
    queue_message(session, to_email=user.email, user_id=user.id, content=content, kind="event",
                  attachments=[_ics([occurrence], settings)])


def notify_from_centre(session: Session, settings: Settings, signup, *, subject: str, body: str) -> None:
    occurrence, user = signup.occurrence, signup.user
    event = occurrence.event
    content = render("event_from_centre", name=user.display_name, centre=event.centre.name, title=event.title,
                     when=describe_time(occurrence.starts_at, event.timezone), their_subject=subject,
                     their_message=body, event_link=_link(settings, occurrence))
    queue_message(session, to_email=user.email, user_id=user.id, content=content, kind="event")


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
        content = render("event_changed", name=user.display_name, centre=event.centre.name, title=event.title,
                         dates=[_date(s.occurrence) for s in rows], event_link=_link(settings, rows[0].occurrence))
        queue_message(session, to_email=user.email, user_id=user.id, content=content, kind="event",
                      attachments=[_ics([s.occurrence for s in rows], settings)])
    return len(people)


def notify_cancelled(session: Session, settings: Settings, signups: Iterable, *, reason: str = "") -> int:
    """Tell each person once that dates they were signed up for are cancelled."""
    people = _by_person(signups)
    for rows in people.values():
        user, event = rows[0].user, rows[0].occurrence.event
        content = render("event_cancelled", name=user.display_name, centre=event.centre.name, title=event.title,
                         dates=[describe_time(s.occurrence.starts_at, event.timezone) for s in rows],
                         reason=reason.strip(), events_link=links.events_link(settings))
        queue_message(session, to_email=user.email, user_id=user.id, content=content, kind="event",
                      attachments=[_ics([s.occurrence for s in rows], settings)])
    return len(people)
