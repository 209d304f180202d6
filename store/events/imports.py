"""Bringing a centre's events in from an iCalendar file (RFC 5545, through ``icalendar``).

``plan_import`` reads the file and says, event by event, what an import would do (create, change
or skip, and why) without saving anything; ``run_import`` does it, all or nothing. Each event keeps
the file's UID (``Event.import_uid``), so importing the same file again creates nothing new, and an
event changed in the file since is shown as a change. A repeat rule becomes Hearth's own recurrence
(weekly, fortnightly, or the same weekday each month), as the organisers' pages make it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.admin import EventDetails, check_details, create_event, details_of, update_event
from store.events.ical_check import CalendarFileError, check_lines
from store.events.ical_read import Skipped, check_values, event_uid, plain, raw_when, read_event
from store.events.models import KINDS, Event, EventError
from store.events.times import expand_dates, monthly_position
from store.events.words import schedule_words

__all__ = ["CREATE", "CHANGE", "SKIP", "MAX_EVENTS", "ImportRow", "ImportPlan", "plan_import", "run_import",
           "import_summary_words"]

CREATE, CHANGE, SKIP = "create", "change", "skip"

#: The most events one file may hold.
MAX_EVENTS = 1000

#: The details an import sets; the rest (places, access, a changed event's kind) stay as the organiser left them.
_IMPORTED = ("title", "description", "start_date", "start_time", "end_time", "recurrence", "repeat_until",
             "skipped_dates", "venue_name", "venue_address")

_LABELS = {"title": "title", "description": "description", "start_date": "first date", "start_time": "start time",
           "end_time": "end time", "recurrence": "repeat", "repeat_until": "last date", "skipped_dates": "dates off",
           "venue_name": "place", "venue_address": "place"}


@dataclass(frozen=True)
class ImportRow:
    """What an import does with one event of the file: ``action`` is create, change or skip;
    ``reason`` says why it is skipped, what changes, or a note on how it was read."""

    action: str
    title: str
    when: str
    reason: str = ""
    uid: str = ""
    line: int = 0
    details: EventDetails | None = dataclasses.field(default=None, repr=False)
    event_id: int | None = None


@dataclass(frozen=True)
class ImportPlan:
    rows: tuple[ImportRow, ...]

    def _of(self, action: str) -> list[ImportRow]:
        return [r for r in self.rows if r.action == action]

    @property
    def creates(self) -> list[ImportRow]:
        return self._of(CREATE)

    @property
    def changes(self) -> list[ImportRow]:
        return self._of(CHANGE)

    @property
    def skips(self) -> list[ImportRow]:
        return self._of(SKIP)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def import_summary_words(plan: ImportPlan) -> str:
    """ "2 new events, 1 changed and 3 left as they are": what an import did, or would do.

    >>> import_summary_words(ImportPlan(()))
    'nothing to bring in'
    """
    parts = []
    if plan.creates:
        parts.append(_plural(len(plan.creates), "new event", "new events"))
    if plan.changes:
        parts.append(f"{len(plan.changes)} changed")
    if plan.skips:
        parts.append(f"{len(plan.skips)} left as {'it is' if len(plan.skips) == 1 else 'they are'}")
    if not parts:
        return "nothing to bring in"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _when(d: EventDetails) -> str:
    nth = monthly_position(d.start_date) if d.recurrence == "monthly" else None
    upcoming = expand_dates(d.start_date, d.recurrence, d.repeat_until, d.skipped_dates)[:3]
    return schedule_words(d.recurrence, d.start_date, d.start_time, d.end_time, nth=nth, next_days=upcoming)


def _change(existing: Event, new: EventDetails) -> tuple[EventDetails, list[str]]:
    """The existing event's details with the file's parts; and which parts differ (in words)."""
    have = details_of(existing)
    merged = dataclasses.replace(have, **{name: getattr(new, name) for name in _IMPORTED})
    # a date the organiser cancelled in Hearth stays off
    merged = dataclasses.replace(merged, skipped_dates=tuple(sorted(set(merged.skipped_dates) | {
        d for d in have.skipped_dates if merged.recurrence != "none"})))
    differ = list(dict.fromkeys(_LABELS[n] for n in _IMPORTED if getattr(merged, n) != getattr(have, n)))
    return merged, differ


def _checked(session: Session, settings: Settings, d: EventDetails, tz: str, now: datetime, places: dict,
             *, check_past: bool = True) -> EventDetails:
    """``check_details``, looking each place up once per file (``places``: address -> error or None)."""
    if d.venue_address.casefold() in places:
        problem = places[d.venue_address.casefold()]
        if problem is not None:
            raise EventError(problem, "venue_address")
        bare = check_details(session, settings, dataclasses.replace(d, venue_address=""), tz, now,
                             check_past=check_past)
        return dataclasses.replace(bare, venue_address=d.venue_address.strip())
    try:
        checked = check_details(session, settings, d, tz, now, check_past=check_past)
    except EventError as exc:
        if exc.field == "venue_address" and d.venue_address:
            places[d.venue_address.casefold()] = str(exc)
        raise
    if d.venue_address:
        places[d.venue_address.casefold()] = None
    return checked


def plan_import(session: Session, settings: Settings, centre: Centre, data: bytes, *, kind: str = "event",
                capacity: int = 20, now: datetime | None = None) -> ImportPlan:
    """What importing ``data`` into ``centre`` would do, saving nothing. Raises ``CalendarFileError``
    (naming the line and column) for a file that isn't iCalendar or has a value that can't be read."""
    now = now or utcnow()
    if kind not in dict(KINDS):
        raise EventError("Please choose what kind of events these are.", "kind")
    text, lines = check_lines(data)
    if len(lines) > MAX_EVENTS:
        raise CalendarFileError(f"This file has {len(lines)} events; we can bring in up to {MAX_EVENTS} at once. "
                                "Please export a shorter stretch of dates.")
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as exc:
        raise CalendarFileError(f"We couldn't read this calendar ({exc}). Please export it again.") from None
    vevents = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    if len(vevents) != len(lines):  # the two readings must agree on what is an event
        raise CalendarFileError("We couldn't match up the events in this file. Please export it again.")
    tz = centre.timezone
    host = urlsplit(settings.base_url).hostname or "hearth.localhost"
    ours = re.compile(r"(event|occurrence)-\d+@" + re.escape(host), re.IGNORECASE)
    uids = [event_uid(v, str(v.get("summary", "")), v.get("dtstart") and v["dtstart"].to_ical()) for v in vevents]
    known = {e.import_uid: e for e in session.scalars(
        select(Event).where(Event.centre_id == centre.id, Event.import_uid.in_(set(uids))))}
    rows, seen, places = [], set(), {}
    for vevent, where, uid in zip(vevents, lines, uids):
        check_values(vevent, where)
        title = plain(vevent.get("summary", ""))[:120] or "(no title)"
        existing = known.get(uid)
        skip = dict(action=SKIP, title=title, when=raw_when(vevent, tz), uid=uid, line=where.begin,
                    event_id=existing.id if existing else None)
        try:
            if ours.fullmatch(uid):
                raise Skipped("This event came from Hearth itself, so it is here already.")
            if uid in seen and vevent.get("recurrence-id") is None:
                raise Skipped("The same event is in the file twice; the first one is used.")
            seen.add(uid)
            details, note = read_event(vevent, centre, tz, now, existing)
            details = dataclasses.replace(details, kind=kind, capacity=capacity)
            if existing is None:
                details = _checked(session, settings, details, tz, now, places)
                rows.append(ImportRow(CREATE, details.title, _when(details), note, uid, where.begin, details))
                continue
            if existing.is_cancelled:
                raise Skipped("It is in Hearth already and was cancelled there.")
            merged, differ = _change(existing, details)
            if not differ:
                raise Skipped("It is in Hearth already, and nothing about it has changed.")
            merged = _checked(session, settings, merged, tz, now, places,
                              check_past=merged.start_date != existing.start_date)
            reason = "New " + ", ".join(differ) + "." + (f" {note}" if note else "")
            rows.append(ImportRow(CHANGE, merged.title, _when(merged), reason, uid, where.begin, merged, existing.id))
        except Skipped as exc:
            rows.append(ImportRow(reason=str(exc), **skip))
        except EventError as exc:
            rows.append(ImportRow(reason=str(exc), **skip))
    return ImportPlan(tuple(rows))


def run_import(session: Session, settings: Settings, centre: Centre, data: bytes, *, by: User, kind: str = "event",
               capacity: int = 20, now: datetime | None = None) -> ImportPlan:
    """Import ``data`` as ``plan_import`` previews it: create the new events, change the changed ones
    (people signed up are told, as for any change). All or nothing: an ``EventError`` leaves the
    request's work to be undone by its one commit point."""
    if not by.organises(centre.id):
        raise PermissionError("not an organiser of this centre")
    now = now or utcnow()
    plan = plan_import(session, settings, centre, data, kind=kind, capacity=capacity, now=now)
    for row in plan.rows:
        try:
            if row.action == CREATE:
                event = create_event(session, settings, centre=centre, details=row.details, by=by, now=now)
                event.import_uid = row.uid
            elif row.action == CHANGE:
                update_event(session, settings, session.get(Event, row.event_id), row.details, by=by, now=now)
        except EventError as exc:
            raise EventError(f"“{row.title}” (from line {row.line}) couldn't be saved: {exc} Nothing has been "
                             "imported.", "file") from None
    session.flush()
    return plan
