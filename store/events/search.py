"""Finding upcoming event dates: filters, distance from a coarse home point, soonest or nearest, by page.

Distances are filtered in SQL with a bounding box (indexed) and a flat-earth squared distance.
That approximation stays in SQL on purpose: the query must filter and order by distance before
it pages, SQLite has no trigonometry, and plain arithmetic lets SQLite and PostgreSQL agree
(within a town it orders as the great-circle distance does). Each distance on the page is then
Hearth's one distance function (``store.places.points.distance_km``, the matcher's), and a date
beyond the limit by that measure is dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from matcher.compat import EARTH_RADIUS_KM
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import (
    ACCESS_FEATURES,
    KINDS,
    Event,
    EventError,
    Occurrence,
    SeatCount,
    Venue,
    event_tags,
)
from store.events.needs import offers_clause
from store.events.signups import seat_summary
from store.messages.headers import has_control_characters
from store.places.points import distance_km
from store.profiles.taxonomy import INTEREST_TAGS, interest_label

__all__ = [
    "SORTS", "MAX_PAGE", "MAX_TEXT", "NEXT_DATES", "EventQuery", "DateHit", "Hit", "SearchPage", "keywords",
    "search_events", "upcoming_occurrences",
]

SORTS = ("soonest", "nearest")

MAX_PAGE = 500

_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


#: The longest keyword search a resident may type.
MAX_TEXT = 100

#: How many next dates a repeating event's card lists.
NEXT_DATES = 3


@dataclass(frozen=True)
class EventQuery:
    """What a resident is looking for; every part is optional. ``text`` is keywords, each of
    which must appear in the title, description, place (venue or centre), kind or a topic."""

    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    access: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    origin: tuple[float, float] | None = field(default=None, repr=False)
    within_km: float | None = None
    sort: str = "soonest"
    page: int = 1
    per_page: int = 20
    text: str = ""


@dataclass(frozen=True)
class DateHit:
    """One matching date of an event in the results, with its seats."""

    occurrence_id: int
    local_date: date
    starts_at: datetime
    ends_at: datetime
    timezone: str
    seats: SeatCount


@dataclass(frozen=True)
class Hit:
    """One event in the results (a repeating event is one hit), with its next matching dates:
    what a listing shows, read in a few queries (no ORM objects)."""

    event_id: int
    title: str
    kind: str
    timezone: str
    place_name: str
    centre_name: str
    capacity: int
    access: tuple[str, ...]
    distance_km: float | None
    recurrence: str
    start_date: date
    start_time: time
    end_time: time
    dates: tuple[DateHit, ...]

    @property
    def first(self) -> DateHit:
        return self.dates[0]

    @property
    def occurrence_id(self) -> int:
        return self.first.occurrence_id

    @property
    def local_date(self) -> date:
        return self.first.local_date

    @property
    def starts_at(self) -> datetime:
        return self.first.starts_at

    @property
    def ends_at(self) -> datetime:
        return self.first.ends_at

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.first.seats.taken, 0)

    @property
    def waiting(self) -> int:
        return self.first.seats.waiting

    @property
    def is_recurring(self) -> bool:
        return self.recurrence != "none"


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    page: int
    has_next: bool
    query: EventQuery
    total: int = 0


def keywords(text: str) -> list[str]:
    """The words of a keyword search, lower-cased, without repeats.

    >>> keywords("  Walk  in the PARK walk ")
    ['walk', 'in', 'the', 'park']
    """
    return list(dict.fromkeys(w.casefold() for w in (text or "").split()))


def _check(q: EventQuery) -> None:
    if len(q.text or "") > MAX_TEXT:
        raise EventError(f"Please search with a few words (up to {MAX_TEXT} characters).", "q")
    if has_control_characters(q.text or ""):
        raise EventError("Your search has a special character we can't look for. Please retype it.", "q")
    if len(keywords(q.text)) > 8:
        raise EventError("Please search with at most 8 words.", "q")
    if any(k not in dict(KINDS) for k in q.kinds):
        raise EventError("Please choose kinds of event from the list.", "kind")
    if any(t not in INTEREST_TAGS for t in q.tags):
        raise EventError("Please choose topics from the list.", "tags")
    if any(a not in ACCESS_FEATURES for a in q.access):
        raise EventError("Please choose access needs from the list.", "access")
    if q.date_from and q.date_to and q.date_to < q.date_from:
        raise EventError("The end of the date range is before its start.", "date_to")
    if q.within_km is not None and not 0 < q.within_km <= 500:
        raise EventError("Please give a distance from 1 to 500 km.", "within_km")
    if q.sort not in SORTS:
        raise EventError("Please sort by soonest or nearest.", "sort")
    if not 1 <= q.page <= MAX_PAGE or not 1 <= q.per_page <= 100:
        raise EventError("That page doesn't exist.", "page")


def _flat_distance_sq(origin: tuple[float, float]):
    lat0, lon0 = origin
    kx = _KM_PER_DEGREE * math.cos(math.radians(lat0))
    dy = (Occurrence.lat - lat0) * _KM_PER_DEGREE
    dx = (Occurrence.lon - lon0) * kx
    return dy * dy + dx * dx


def _word_clause(word: str):
    """Where one keyword may appear: title, description, the venue's or centre's name and address,
    the kind (its key or its label) and the topics (their labels)."""
    kinds = [key for key, label in KINDS if word in key or word in label.casefold()]
    tags = [tag for tag in INTEREST_TAGS if word in tag.casefold() or word in interest_label(tag).casefold()]
    options = [func.lower(column).contains(word, autoescape=True)
               for column in (Event.title, Event.description, Venue.name, Venue.address, Centre.name)]
    if kinds:
        options.append(Event.kind.in_(kinds))
    if tags:
        options.append(Event.id.in_(select(event_tags.c.event_id).where(event_tags.c.tag.in_(tags))))
    return or_(*options)


def _filtered(q: EventQuery, now: datetime, *columns):
    """The upcoming, not cancelled dates that match every filter of ``q``, as a query of ``columns``."""
    # The occurrences table's cancelled_at also covers cancelled events: cancelling one marks
    # every date still to come.
    query = select(*columns).select_from(Occurrence).where(Occurrence.starts_at > now,
                                                           Occurrence.cancelled_at.is_(None))
    words = keywords(q.text)
    if q.kinds or q.tags or q.access or words:
        query = query.join(Event, Event.id == Occurrence.event_id)
    if words:
        query = query.join(Centre, Centre.id == Event.centre_id).outerjoin(Venue, Venue.id == Event.venue_id)
        query = query.where(*(_word_clause(w) for w in words))
    if q.kinds:
        query = query.where(Event.kind.in_(q.kinds))
    if q.tags:
        query = query.where(Event.id.in_(select(event_tags.c.event_id).where(event_tags.c.tag.in_(q.tags))))
    if q.access:
        query = query.where(*offers_clause(q.access))  # the one needs rule (store.events.needs)
    if q.date_from:
        query = query.where(Occurrence.local_date >= q.date_from)
    if q.date_to:
        query = query.where(Occurrence.local_date <= q.date_to)
    if q.origin and q.within_km:
        lat0, lon0 = q.origin
        dlat = q.within_km / _KM_PER_DEGREE
        dlon = q.within_km / (_KM_PER_DEGREE * max(math.cos(math.radians(lat0)), 0.01))
        query = query.where(
            and_(Occurrence.lat.between(lat0 - dlat, lat0 + dlat), Occurrence.lon.between(lon0 - dlon, lon0 + dlon)),
            _flat_distance_sq(q.origin) <= q.within_km * q.within_km * 1.002,  # the flat metric's error stays far below this
        )
    if q.sort == "nearest" and q.origin:
        query = query.where(Occurrence.lat.is_not(None))
    return query


def search_events(session: Session, q: EventQuery, *, now: datetime | None = None) -> SearchPage:
    """Events with upcoming, not cancelled dates matching ``q``: one hit per event (a repeating
    event is one card) with its next matching dates. Sorting by nearest needs an origin (else soonest).
    ``total`` counts the matching events over all pages.

    Raises ``EventError`` for filters outside the vocabularies or a search that is too long.
    """
    _check(q)
    now = now or utcnow()
    nearest = q.sort == "nearest" and q.origin is not None
    # Rank events by their soonest matching date (or their nearest one), on the narrow tables.
    k1 = func.min(_flat_distance_sq(q.origin)) if nearest else func.min(Occurrence.starts_at)
    ranked = session.execute(
        _filtered(q, now, Occurrence.event_id, k1.label("k1"), func.min(Occurrence.starts_at).label("k2"))
        .group_by(Occurrence.event_id)
        .order_by(k1, func.min(Occurrence.starts_at), Occurrence.event_id)
        .offset((q.page - 1) * q.per_page)
        .limit(q.per_page + 1)
    ).all()
    has_next = len(ranked) > q.per_page
    ids = [row.event_id for row in ranked[: q.per_page]]
    total = session.scalar(_filtered(q, now, func.count(func.distinct(Occurrence.event_id)))) or 0
    if not ids:
        return SearchPage([], q.page, has_next, q, total)
    events = {row.id: row for row in session.execute(
        select(Event.id, Event.title, Event.kind, Event.timezone, Event.capacity, Event.step_free, Event.hearing_loop,
               Event.quiet, Event.recurrence, Event.start_date, Event.start_time, Event.end_time,
               Centre.name.label("centre_name"), func.coalesce(Venue.name, Centre.name).label("place_name"))
        .join(Centre, Centre.id == Event.centre_id)
        .outerjoin(Venue, Venue.id == Event.venue_id)
        .where(Event.id.in_(ids))
    )}
    # The next few matching dates of each event on the page, in one query.
    numbered = _filtered(
        q, now, Occurrence.id, Occurrence.event_id, Occurrence.local_date, Occurrence.starts_at, Occurrence.ends_at,
        Occurrence.lat, Occurrence.lon,
        func.row_number().over(partition_by=Occurrence.event_id,
                               order_by=(Occurrence.starts_at, Occurrence.id)).label("n"),
    ).where(Occurrence.event_id.in_(ids)).subquery()
    date_rows = session.execute(
        select(numbered).where(numbered.c.n <= NEXT_DATES).order_by(numbered.c.event_id, numbered.c.n)
    ).all()
    seats = seat_summary(session, [r.id for r in date_rows])
    dates: dict[int, list] = {i: [] for i in ids}
    points: dict[int, tuple[float, float]] = {}
    for r in date_rows:
        tz = events[r.event_id].timezone
        dates[r.event_id].append(DateHit(r.id, r.local_date, r.starts_at, r.ends_at, tz, seats[r.id]))
        if r.lat is not None:
            points.setdefault(r.event_id, (r.lat, r.lon))
    hits = []
    for event_id in ids:
        row = events[event_id]
        distance = None
        if q.origin and event_id in points:
            distance = distance_km(q.origin, points[event_id])
        if q.within_km is not None and distance is not None and distance > q.within_km:
            continue
        if not dates[event_id]:
            continue
        access = tuple(f for f in ACCESS_FEATURES if getattr(row, f))
        hits.append(Hit(event_id, row.title, row.kind, row.timezone, row.place_name, row.centre_name, row.capacity,
                        access, distance, row.recurrence, row.start_date, row.start_time, row.end_time,
                        tuple(dates[event_id])))
    return SearchPage(hits, q.page, has_next, q, total)


def upcoming_occurrences(session: Session, *, start: datetime | None = None, end: datetime | None = None,
                         include_cancelled: bool = False) -> list[Occurrence]:
    """Every date from ``start`` (default now) to ``end``, soonest first, for jobs such as matching."""
    query = select(Occurrence).join(Occurrence.event).options(contains_eager(Occurrence.event))
    query = query.where(Occurrence.starts_at >= (start or utcnow()))
    if end is not None:
        query = query.where(Occurrence.starts_at < end)
    if not include_cancelled:
        query = query.where(Occurrence.cancelled_at.is_(None), Event.cancelled_at.is_(None))
    return list(session.scalars(query.order_by(Occurrence.starts_at, Occurrence.id)).unique())
