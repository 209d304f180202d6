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
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, contains_eager

from matcher.compat import EARTH_RADIUS_KM
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import (
    ACCESS_FEATURES,
    HOLDS_SEAT,
    KINDS,
    Event,
    EventError,
    Occurrence,
    SignUp,
    SignupStatus,
    Venue,
    event_tags,
)
from store.events.needs import offers_clause
from store.places.points import distance_km
from store.profiles.taxonomy import INTEREST_TAGS

__all__ = ["SORTS", "MAX_PAGE", "EventQuery", "Hit", "SearchPage", "search_events", "upcoming_occurrences"]

SORTS = ("soonest", "nearest")

MAX_PAGE = 500

_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


@dataclass(frozen=True)
class EventQuery:
    """What a resident is looking for; every part is optional."""

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


@dataclass(frozen=True)
class Hit:
    """One date in the results: what a listing shows, read in one query (no ORM objects)."""

    occurrence_id: int
    event_id: int
    title: str
    kind: str
    local_date: date
    starts_at: datetime
    ends_at: datetime
    timezone: str
    place_name: str
    capacity: int
    access: tuple[str, ...]
    distance_km: float | None
    seats_left: int
    waiting: int


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    page: int
    has_next: bool
    query: EventQuery


def _check(q: EventQuery) -> None:
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


def search_events(session: Session, q: EventQuery, *, now: datetime | None = None) -> SearchPage:
    """Upcoming, not cancelled dates matching ``q``. Sorting by nearest needs an origin (else soonest).

    Raises ``EventError`` for filters outside the vocabularies.
    """
    _check(q)
    now = now or utcnow()
    # The inner query ranks ids on the narrow occurrences table (its cancelled_at also covers
    # cancelled events: cancelling one marks every date still to come); the outer query reads
    # the page's details and seat counts: one round trip, no ORM objects.
    query = select(Occurrence.id).where(Occurrence.starts_at > now, Occurrence.cancelled_at.is_(None))
    if q.kinds or q.tags or q.access:
        query = query.join(Event, Event.id == Occurrence.event_id)
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
    distance_sq = _flat_distance_sq(q.origin) if q.origin else None
    if q.origin and q.within_km:
        lat0, lon0 = q.origin
        dlat = q.within_km / _KM_PER_DEGREE
        dlon = q.within_km / (_KM_PER_DEGREE * max(math.cos(math.radians(lat0)), 0.01))
        query = query.where(
            and_(Occurrence.lat.between(lat0 - dlat, lat0 + dlat), Occurrence.lon.between(lon0 - dlon, lon0 + dlon)),
            distance_sq <= q.within_km * q.within_km * 1.002,  # the flat metric's error stays far below this
        )
    if q.sort == "nearest" and distance_sq is not None:
        keys = (distance_sq, Occurrence.starts_at)
        query = query.where(Occurrence.lat.is_not(None))
    else:
        keys = (Occurrence.starts_at, Occurrence.id)
    ranked = (
        query.add_columns(keys[0].label("k1"), keys[1].label("k2"))
        .order_by(keys[0], keys[1], Occurrence.id)
        .offset((q.page - 1) * q.per_page)
        .limit(q.per_page + 1)
        .subquery()
    )
    rows = session.execute(
        select(*_LISTING_COLUMNS)
        .select_from(ranked)
        .join(Occurrence, Occurrence.id == ranked.c.id)
        .join(Event, Event.id == Occurrence.event_id)
        .join(Centre, Centre.id == Event.centre_id)
        .outerjoin(Venue, Venue.id == Event.venue_id)
        .order_by(ranked.c.k1, ranked.c.k2, ranked.c.id)
    ).all()
    has_next = len(rows) > q.per_page
    hits = []
    for row in rows[: q.per_page]:
        distance = None
        if q.origin and row.lat is not None:
            distance = distance_km(q.origin, (row.lat, row.lon))
        if q.within_km is not None and distance is not None and distance > q.within_km:
            continue
        access = tuple(f for f in ACCESS_FEATURES if getattr(row, f))
        hits.append(Hit(row.id, row.event_id, row.title, row.kind, row.local_date, row.starts_at, row.ends_at,
                        row.timezone, row.place_name, row.capacity, access, distance,
                        max(row.capacity - row.taken, 0), row.waiting))
    return SearchPage(hits, q.page, has_next, q)


def _count(statuses):
    return (
        select(func.count(SignUp.id))
        .where(SignUp.occurrence_id == Occurrence.id, SignUp.status.in_(statuses))
        .correlate(Occurrence)
        .scalar_subquery()
    )

_LISTING_COLUMNS = (
    Occurrence.id, Occurrence.event_id, Occurrence.local_date, Occurrence.starts_at, Occurrence.ends_at,
    Occurrence.lat, Occurrence.lon, Event.title, Event.kind, Event.timezone, Event.capacity, Event.step_free,
    Event.hearing_loop, Event.quiet, func.coalesce(Venue.name, Centre.name).label("place_name"),
    _count(HOLDS_SEAT).label("taken"), _count((SignupStatus.WAITLISTED,)).label("waiting"),
)


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
