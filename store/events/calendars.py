"""Calendars (RFC 5545, with ``icalendar``): one event's series, single dates, and personal feeds."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Iterable
from urllib.parse import urlsplit

from icalendar import Calendar
from icalendar import Event as VEvent
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from config import Settings
from store.core.db import utcnow
from store.events.models import CalendarFeed, Event, Occurrence, SignupStatus
from store.events.times import monthly_position, to_local, zone
from store.events.words import calendar_note, calendar_status, public_calendar_status
from store.messages import links

__all__ = [
    "new_feed", "revoke_feed", "has_feed", "feed_user_id", "event_calendar", "occurrences_calendar",
    "personal_calendar", "public_calendar",
]

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_feed(session: Session, user_id: int) -> str:
    """Make a fresh feed token for a person (any old address stops working); returns the token."""
    revoke_feed(session, user_id)
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeed(user_id=user_id, token_hash=_hash(token)))
    session.flush()
    return token


def revoke_feed(session: Session, user_id: int) -> bool:
    """Turn off a person's feed; returns whether there was one."""
    result = session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    session.flush()
    return bool(result.rowcount)


def has_feed(session: Session, user_id: int) -> bool:
    return session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user_id)) is not None


def feed_user_id(session: Session, token: str) -> int | None:
    """Whose feed a token opens, or ``None``; notes when it was last read."""
    if not token or len(token) > 100:
        return None
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    now = utcnow()
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(hours=1):
        feed.last_used_at = now
    return feed.user_id


def _host(settings: Settings) -> str:
    return urlsplit(settings.base_url).hostname or "hearth.localhost"


def _with_zones(cal: Calendar, days: list[date]) -> bytes:
    """Add the VTIMEZONEs the calendar uses, covering only the years it spans."""
    if days:
        cal.add_missing_timezones(first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366))
    return cal.to_ical()


def _calendar(name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Hearth//Community events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _details(vevent: VEvent, event: Event, settings: Settings) -> None:
    vevent.add("summary", event.title)
    text = event.description.strip()
    extras = [f"Run by {event.centre.name}."]
    if event.cost_note:
        extras.append(event.cost_note)
    extras.append(f"Details and sign-up: {links.event_link(settings, event.id)}")
    vevent.add("description", (text + "\n\n" if text else "") + "\n".join(extras))
    location = ", ".join(part for part in (event.place_name, event.address) if part)
    if location:
        vevent.add("location", location)
    if event.point is not None:
        vevent.add("geo", event.point)
    vevent.add("url", links.event_link(settings, event.id))
    vevent.add("sequence", event.revision)
    vevent.add("last-modified", event.updated_at)
    vevent.add("dtstamp", utcnow())


def _local(day: date, at, tz_name: str) -> datetime:
    return datetime.combine(day, at, tzinfo=zone(tz_name))


def _rrule(event: Event) -> dict:
    until = _local(event.repeat_until, event.start_time, event.timezone).astimezone(zone("UTC"))
    if event.recurrence == "monthly":
        nth = monthly_position(event.start_date)
        return {"freq": "MONTHLY", "byday": f"{nth}{_WEEKDAYS[event.start_date.weekday()]}", "until": until}
    return {"freq": "WEEKLY", "interval": 2 if event.recurrence == "fortnightly" else 1, "until": until}


def event_calendar(event: Event, settings: Settings) -> bytes:
    """The whole event as one VEVENT: a repeat rule, skipped and cancelled dates as EXDATEs."""
    cal = _calendar()
    vevent = VEvent()
    vevent.add("uid", f"event-{event.id}@{_host(settings)}")
    vevent.add("dtstart", _local(event.start_date, event.start_time, event.timezone))
    vevent.add("dtend", _local(event.start_date, event.end_time, event.timezone))
    if event.is_recurring and event.repeat_until:
        vevent.add("rrule", _rrule(event))
        gone = {date.fromisoformat(d) for d in event.skipped_dates or []}
        gone |= {o.local_date for o in event.occurrences if o.cancelled_at is not None}
        for day in sorted(gone):
            vevent.add("exdate", _local(day, event.start_time, event.timezone))
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    _details(vevent, event, settings)
    cal.add_component(vevent)
    return _with_zones(cal, [event.start_date, event.repeat_until or event.start_date])


def _occurrence_vevent(occurrence: Occurrence, settings: Settings, status: str, note: str = "") -> VEvent:
    """One date as its own VEVENT (the same UID in every calendar that carries it)."""
    event = occurrence.event
    vevent = VEvent()
    vevent.add("uid", f"occurrence-{occurrence.id}@{_host(settings)}")
    vevent.add("dtstart", to_local(occurrence.starts_at, event.timezone))
    vevent.add("dtend", to_local(occurrence.ends_at, event.timezone))
    vevent.add("status", status)
    _details(vevent, event, settings)
    if note:
        vevent["summary"] = f"{event.title}{note}"
    return vevent


def _seat_vevent(occurrence: Occurrence, settings: Settings, status: SignupStatus | None) -> VEvent:
    """A date as one person's place for it: its status and note from ``store.events.words``."""
    return _occurrence_vevent(occurrence, settings, calendar_status(status, cancelled_date=occurrence.is_cancelled),
                              calendar_note(status))


def occurrences_calendar(occurrences: Iterable[Occurrence], settings: Settings, *, waiting: bool = False) -> bytes:
    """Single dates of events, each its own VEVENT (what a confirmation email carries)."""
    cal, days = _calendar(), []
    status = SignupStatus.WAITLISTED if waiting else SignupStatus.CONFIRMED
    for occurrence in occurrences:
        cal.add_component(_seat_vevent(occurrence, settings, status))
        days.append(occurrence.local_date)
    return _with_zones(cal, days)


def _subscription(name: str, vevents: Iterable[tuple[VEvent, date]]) -> bytes:
    """A calendar that apps subscribe to and re-read every hour: the part every feed shares."""
    cal = _calendar(name)
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    days = []
    for vevent, day in vevents:
        cal.add_component(vevent)
        days.append(day)
    return _with_zones(cal, days)


def personal_calendar(signups: Iterable, settings: Settings, *, name: str = "Hearth: my events") -> bytes:
    """A person's feed: every date they have a seat for, are waiting on or have a seat kept for,
    each with the status ``store.events.words.calendar_status`` gives it; cancellations marked."""
    return _subscription(name, ((_seat_vevent(s.occurrence, settings, s.status), s.occurrence.local_date)
                                for s in signups))


def public_calendar(occurrences: Iterable[Occurrence], settings: Settings, *, name: str) -> bytes:
    """A centre's public feed: its dates, nobody's place in them; cancelled dates marked CANCELLED."""
    return _subscription(name, ((_occurrence_vevent(o, settings, public_calendar_status(o.is_cancelled)), o.local_date)
                                for o in occurrences))
