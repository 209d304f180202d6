"""What organisers do with events: create, edit, duplicate, cancel, all checked before anything is saved."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from config import Settings
from store.accounts.models import User
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import (
    ACTIVE,
    KINDS,
    MAX_DAYS_AHEAD,
    MAX_GUESTS,
    MAX_SERIES_DAYS,
    RECURRENCES,
    TOO_FAR_AHEAD,
    Event,
    EventError,
    Occurrence,
    SignUp,
    Venue,
)
from store.events.notices import notify_cancelled, notify_changed
from store.events.signups import lock_occurrence, promote_waitlisted, seats_taken
from store.events.times import expand_dates, local_datetime
from store.messages.headers import has_control_characters
from store.places import geocoding
from store.profiles.taxonomy import DIETARY, INTEREST_TAGS, LANGUAGES

__all__ = [
    "EventDetails", "EventChange", "details_of", "check_details", "create_event", "update_event", "duplicate_event", "cancel_event",
    "cancel_occurrence", "organiser_event", "centre_events",
]

_DIETARY = {key for key, _ in DIETARY}

_LANGUAGES = {key for key, _ in LANGUAGES}


@dataclass(frozen=True)
class EventDetails:
    """Everything an organiser fills in; ``venue_address`` empty means "at the centre"."""

    title: str
    kind: str
    start_date: date
    start_time: time
    end_time: time
    description: str = ""
    tags: tuple[str, ...] = ()
    recurrence: str = "none"
    repeat_until: date | None = None
    skipped_dates: tuple[date, ...] = ()
    capacity: int = 20
    step_free: bool = False
    hearing_loop: bool = False
    quiet: bool = False
    dietary: tuple[str, ...] = ()
    language: str = "en"
    cost_note: str = ""
    signup_deadline_hours: int | None = None
    venue_name: str = ""
    venue_address: str = ""
    access_notes: str = ""
    max_guests: int = 0


@dataclass(frozen=True)
class EventChange:
    """What saving an organiser's changes did: the event, and how many people were told of it
    out of how many were signed up for a date still to come (``change_told_words`` says it)."""

    event: Event
    told: int
    signed_up: int


def details_of(event: Event) -> EventDetails:
    """An event's current details, e.g. to fill the edit form or to duplicate it."""
    return EventDetails(
        title=event.title, kind=event.kind, start_date=event.start_date, start_time=event.start_time,
        end_time=event.end_time, description=event.description, tags=tuple(event.tags),
        recurrence=event.recurrence, repeat_until=event.repeat_until,
        skipped_dates=tuple(date.fromisoformat(d) for d in event.skipped_dates or []), capacity=event.capacity,
        step_free=event.step_free, hearing_loop=event.hearing_loop, quiet=event.quiet,
        dietary=tuple(event.dietary or []), language=event.language, cost_note=event.cost_note,
        signup_deadline_hours=event.signup_deadline_hours,
        venue_name=event.venue.name if event.venue else "", venue_address=event.venue.address if event.venue else "",
        access_notes=event.access_notes or "", max_guests=event.max_guests or 0,
    )


def _clean(d: EventDetails) -> EventDetails:
    return dataclasses.replace(
        d, title=(d.title or "").strip(), description=(d.description or "").strip(),
        cost_note=(d.cost_note or "").strip(), access_notes=(d.access_notes or "").strip(), venue_name=(d.venue_name or "").strip(),
        venue_address=(d.venue_address or "").strip(), tags=tuple(dict.fromkeys(d.tags or ())),
        dietary=tuple(dict.fromkeys(d.dietary or ())),
        repeat_until=d.repeat_until if d.recurrence != "none" else None,
        skipped_dates=tuple(sorted(set(d.skipped_dates or ()))) if d.recurrence != "none" else (),
    )


def _check_not_too_far(start_date: date, now: datetime) -> None:
    """Dates far ahead are refused before any arithmetic on them (which could pass year 9999)."""
    if start_date > now.date() + timedelta(days=MAX_DAYS_AHEAD):
        raise EventError(TOO_FAR_AHEAD, "start_date")


def _validate(d: EventDetails, tz: str, now: datetime, *, check_past: bool) -> None:
    if not d.title:
        raise EventError("Please give the event a title.", "title")
    if len(d.title) > 120:
        raise EventError("Please keep the title under 120 characters.", "title")
    if has_control_characters(d.title):  # it becomes an email's subject line
        raise EventError("Please write the title on one line, without line breaks or special characters.", "title")
    if d.kind not in dict(KINDS):
        raise EventError("Please choose what kind of event this is.", "kind")
    if unknown := [t for t in d.tags if t not in INTEREST_TAGS]:
        raise EventError(f"Please choose topics from the list ({', '.join(unknown)} isn't one).", "tags")
    if d.end_time <= d.start_time:
        raise EventError("The event ends before it starts. Please check the start and end times.", "end_time")
    _check_not_too_far(d.start_date, now)
    if check_past and local_datetime(d.start_date, d.start_time, tz) < now:
        raise EventError("That date and time have already passed. Please choose one from now on.", "start_date")
    if d.recurrence not in dict(RECURRENCES):
        raise EventError("Please choose how often the event repeats.", "recurrence")
    if d.recurrence != "none":
        if d.repeat_until is None:
            raise EventError("Please say until when the event repeats.", "repeat_until")
        if d.repeat_until < d.start_date:
            raise EventError("The last date is before the first one. Please check it.", "repeat_until")
        if d.repeat_until > d.start_date + timedelta(days=MAX_SERIES_DAYS):
            raise EventError("Please plan at most a year ahead; you can extend it later.", "repeat_until")
    if not 1 <= d.capacity <= 10000:
        raise EventError("Please give a number of places from 1 to 10,000.", "capacity")
    if [x for x in d.dietary if x not in _DIETARY]:
        raise EventError("Please choose dietary options from the list.", "dietary")
    if d.language not in _LANGUAGES:
        raise EventError("Please choose a language from the list.", "language")
    if len(d.cost_note) > 120:
        raise EventError("Please keep the cost note under 120 characters.", "cost_note")
    if len(d.access_notes) > 1000:
        raise EventError("Please keep the access notes under 1,000 characters.", "access_notes")
    if has_control_characters(d.access_notes, allow_line_breaks=True):
        raise EventError("The access notes have a special character that can't be shown. Please retype that part.",
                         "access_notes")
    if not 0 <= d.max_guests <= MAX_GUESTS:
        raise EventError(f"Please allow from 0 to {MAX_GUESTS} guests per resident.", "max_guests")
    if d.signup_deadline_hours is not None and not 0 <= d.signup_deadline_hours <= 720:
        raise EventError("Please give a sign-up deadline from 0 to 720 hours before the start.", "signup_deadline_hours")
    if d.venue_address and not d.venue_name:
        raise EventError("Please give the venue a name, like “St Mark's Church Hall”.", "venue_name")
    if len(d.venue_name) > 120 or len(d.venue_address) > 300:
        raise EventError("Please shorten the venue's name or address.", "venue_address")
    if has_control_characters(d.venue_name):  # group offers name the venue in their subject line
        raise EventError("Please write the venue's name on one line, without line breaks or special characters.",
                         "venue_name")
    if not expand_dates(d.start_date, d.recurrence, d.repeat_until, d.skipped_dates):
        raise EventError("Every date has been skipped. Please keep at least one.", "skipped_dates")


def check_details(session: Session, settings: Settings, details: EventDetails, tz: str,
                  now: datetime | None = None, *, check_past: bool = True) -> EventDetails:
    """The details as ``create_event`` would save them, or ``EventError`` saying what to fix: what
    an import's preview checks (the venue's address looked up too) before anything is saved."""
    d = _clean(details)
    _validate(d, tz, now or utcnow(), check_past=check_past)
    if d.venue_address:
        _geocode(session, settings, d.venue_address)
    return d


def _geocode(session: Session, settings: Settings, address: str):
    try:
        return geocoding.geocode(session, settings, address)
    except geocoding.AmbiguousPlace as exc:
        options = "; ".join(getattr(c, "label", str(c)) for c in list(getattr(exc, "candidates", []))[:3])
        hint = f" (it could be {options})" if options else ""
        raise EventError(f"That address could be more than one place{hint}. Please add the postcode or the area.",
                         "venue_address") from None
    except geocoding.OutsideServiceArea:
        raise EventError("That address is outside the area Hearth serves. Please check it.", "venue_address") from None
    except geocoding.PlaceNotFound:
        raise EventError("We couldn't find that address. Please check it, and add the town or postcode.",
                         "venue_address") from None
    except geocoding.GeocodingError as exc:
        raise EventError(str(exc), "venue_address") from None


def _venue(session: Session, settings: Settings, centre: Centre, name: str, address: str) -> Venue | None:
    if not address:
        return None
    venue = session.scalar(
        select(Venue).where(Venue.centre_id == centre.id, func.lower(Venue.address) == address.lower())
    )
    if venue is None:
        place = _geocode(session, settings, address)
        venue = Venue(centre_id=centre.id, name=name, address=address, lat=place.lat, lon=place.lon)
        session.add(venue)
    venue.name = name
    return venue


def _apply(event: Event, d: EventDetails, venue: Venue | None) -> None:
    for name in ("title", "kind", "description", "start_date", "start_time", "end_time", "recurrence",
                 "repeat_until", "capacity", "step_free", "hearing_loop", "quiet", "language", "cost_note",
                 "signup_deadline_hours", "access_notes", "max_guests"):
        setattr(event, name, getattr(d, name))
    event.tags = list(d.tags)
    event.dietary = list(d.dietary)
    event.skipped_dates = [day.isoformat() for day in d.skipped_dates]
    event.venue = venue


def _sync_occurrences(session: Session, event: Event, now: datetime) -> tuple[list[Occurrence], list[Occurrence]]:
    """Make the future occurrences match the event; returns (changed, cancelled) ones with people."""
    point = event.point
    wanted = expand_dates(event.start_date, event.recurrence, event.repeat_until, event.skipped_dates)
    existing = {o.local_date: o for o in event.occurrences}
    changed: list[Occurrence] = []
    for day in wanted:
        starts = local_datetime(day, event.start_time, event.timezone)
        ends = local_datetime(day, event.end_time, event.timezone)
        occurrence = existing.pop(day, None)
        if occurrence is None:
            if starts > now:
                event.occurrences.append(Occurrence(local_date=day, starts_at=starts, ends_at=ends,
                                                    lat=point and point[0], lon=point and point[1]))
            continue
        if occurrence.ends_at <= now:
            continue
        moved = (occurrence.starts_at, occurrence.ends_at) != (starts, ends) or occurrence.cancelled_at is not None
        occurrence.starts_at, occurrence.ends_at, occurrence.cancelled_at = starts, ends, None
        occurrence.lat, occurrence.lon = (point or (None, None))
        if moved:
            changed.append(occurrence)
    cancelled = []
    for occurrence in existing.values():
        if occurrence.ends_at <= now or occurrence.cancelled_at is not None:
            continue
        if _people(session, occurrence):
            occurrence.cancelled_at = now
            cancelled.append(occurrence)
        else:
            event.occurrences.remove(occurrence)
    session.flush()
    return changed, cancelled


def _people(session: Session, occurrence: Occurrence) -> list[SignUp]:
    if occurrence.id is None:
        return []
    return list(session.scalars(
        select(SignUp).where(SignUp.occurrence_id == occurrence.id, SignUp.status.in_(ACTIVE))
    ))


def create_event(session: Session, settings: Settings, *, centre: Centre, details: EventDetails, by: User,
                 now: datetime | None = None) -> Event:
    """Post a new event for a centre the person organises; raises ``EventError`` on bad input."""
    now = now or utcnow()
    if not by.organises(centre.id):
        raise PermissionError("not an organiser of this centre")
    d = _clean(details)
    _validate(d, centre.timezone, now, check_past=True)
    venue = _venue(session, settings, centre, d.venue_name, d.venue_address)
    if venue is None and (centre.lat is None or centre.lon is None):
        raise EventError("The centre has no map point yet, so please give the venue's address.", "venue_address")
    event = Event(centre=centre, timezone=centre.timezone, created_by_id=by.id)
    _apply(event, d, venue)
    session.add(event)
    session.flush()
    _sync_occurrences(session, event, now)
    return event


def update_event(session: Session, settings: Settings, event: Event, details: EventDetails, *, by: User,
                 now: datetime | None = None) -> EventChange:
    """Change an event; people signed up are told what changed, freed seats go to the waiting list.

    Returns what was done (``EventChange``): how many were told, out of how many signed up."""
    now = now or utcnow()
    if not by.organises(event.centre_id):
        raise PermissionError("not an organiser of this centre")
    if event.is_cancelled:
        raise EventError("This event has been cancelled, so it can't be changed. You can duplicate it instead.")
    d = _clean(details)
    _validate(d, event.timezone, now, check_past=d.start_date != event.start_date)
    future = [o for o in event.occurrences if o.ends_at > now and o.cancelled_at is None]
    for occurrence in future:
        lock_occurrence(session, occurrence.id)
        taken = seats_taken(session, occurrence.id)
        if taken > d.capacity:
            raise EventError(
                f"{taken} seats are already taken on {occurrence.local_date.day} {occurrence.local_date:%B} (by people "
                f"signed up and their guests), so there must be at least {taken} places. You could message them "
                "first.", "capacity")
    signed_up = {s.user_id for o in future for s in _people(session, o)}
    old = (event.start_time, event.end_time, event.venue_id, event.title)
    venue = _venue(session, settings, event.centre, d.venue_name, d.venue_address)
    _apply(event, d, venue)
    event.revision += 1
    session.flush()
    changed, cancelled = _sync_occurrences(session, event, now)
    if old != (event.start_time, event.end_time, event.venue_id, event.title):
        changed = [o for o in event.occurrences if o.ends_at > now and o.cancelled_at is None]
    told_changed = [s for o in changed for s in _people(session, o)]
    told_cancelled = [s for o in cancelled for s in _people(session, o)]
    notify_changed(session, settings, told_changed)
    notify_cancelled(session, settings, told_cancelled)
    for occurrence in event.occurrences:
        if occurrence.id is not None and occurrence.ends_at > now and occurrence.cancelled_at is None:
            promote_waitlisted(session, settings, occurrence, now=now)
    told = len({s.user_id for s in told_changed + told_cancelled})
    return EventChange(event, told, len(signed_up))


def duplicate_event(session: Session, settings: Settings, event: Event, *, by: User, start_date: date,
                    now: datetime | None = None) -> Event:
    """A copy of an event starting on ``start_date`` (a series keeps its length); nobody signed up yet."""
    _check_not_too_far(start_date, now or utcnow())
    d = details_of(event)
    shift = start_date - event.start_date
    d = dataclasses.replace(
        d, start_date=start_date,
        repeat_until=d.repeat_until + shift if d.repeat_until else None,
        skipped_dates=tuple(day + shift for day in d.skipped_dates),
    )
    return create_event(session, settings, centre=event.centre, details=d, by=by, now=now)


def cancel_event(session: Session, settings: Settings, event: Event, *, by: User, reason: str = "",
                 now: datetime | None = None) -> int:
    """Cancel every date still to come and tell everyone signed up; returns how many were told."""
    now = now or utcnow()
    if not by.organises(event.centre_id):
        raise PermissionError("not an organiser of this centre")
    if event.is_cancelled:
        raise EventError("This event was already cancelled.")
    people: list[SignUp] = []
    for occurrence in event.occurrences:
        if occurrence.ends_at > now and occurrence.cancelled_at is None:
            lock_occurrence(session, occurrence.id)
            occurrence.cancelled_at = now
            people += _people(session, occurrence)
    event.cancelled_at = now
    event.revision += 1
    session.flush()
    return notify_cancelled(session, settings, people, reason=reason)


def cancel_occurrence(session: Session, settings: Settings, occurrence: Occurrence, *, by: User,
                      reason: str = "", now: datetime | None = None) -> int:
    """Cancel one date (it becomes a skipped date of the series); returns how many were told."""
    now = now or utcnow()
    event = occurrence.event
    if not by.organises(event.centre_id):
        raise PermissionError("not an organiser of this centre")
    if occurrence.is_cancelled:
        raise EventError("This date was already cancelled.")
    if occurrence.ends_at <= now:
        raise EventError("This date has already happened.")
    lock_occurrence(session, occurrence.id)
    occurrence.cancelled_at = now
    if event.is_recurring:
        event.skipped_dates = sorted(set(event.skipped_dates or []) | {occurrence.local_date.isoformat()})
    event.revision += 1
    session.flush()
    return notify_cancelled(session, settings, _people(session, occurrence), reason=reason)


def organiser_event(session: Session, event_id: int, user: User) -> Event | None:
    """An event the person may manage, or ``None``; raises ``PermissionError`` for another centre's."""
    event = session.get(Event, event_id)
    if event is None:
        return None
    if not user.organises(event.centre_id):
        raise PermissionError("not an organiser of this centre")
    return event


def centre_events(session: Session, centre_ids, *, now: datetime | None = None, past: bool = False) -> list[Event]:
    """A centre's events with a date still to come (or, with ``past``, the ones that are over)."""
    now = now or utcnow()
    upcoming = select(Occurrence.event_id).where(Occurrence.ends_at > now)
    query = select(Event).where(Event.centre_id.in_(list(centre_ids)))
    query = query.where(Event.id.not_in(upcoming) if past else Event.id.in_(upcoming))
    # each card words its schedule from the event's dates: load them with the events, not one by one
    query = query.options(selectinload(Event.occurrences))
    return list(session.scalars(query.order_by(Event.start_date, Event.start_time, Event.id)))
