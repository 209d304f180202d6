"""Events, their venues and dated occurrences; recurrence expanded in local time, stored in UTC."""

from __future__ import annotations

import calendar
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.centres import Centre
from store.db import Base, utcnow
from store.taxonomy import ACCESS_NEEDS

__all__ = [
    "KINDS",
    "RECURRENCES",
    "ACCESS_FEATURES",
    "EventError",
    "Venue",
    "Event",
    "event_tags",
    "Occurrence",
    "zone",
    "local_datetime",
    "to_local",
    "describe_time",
    "expand_dates",
    "monthly_position",
    "recurrence_label",
]

#: What an event is, as (key, label); the keys match the profile's activity kinds.
KINDS: tuple[tuple[str, str], ...] = (
    ("meal", "Shared meal"),
    ("event", "Social event"),
    ("exercise", "Exercise group"),
)
#: How an event repeats, as (key, label).
RECURRENCES: tuple[tuple[str, str], ...] = (
    ("none", "Just once"),
    ("weekly", "Every week"),
    ("fortnightly", "Every two weeks"),
    ("monthly", "Every month, on the same weekday"),
)
#: Accessibility an event offers; the keys are the profile's access needs.
ACCESS_FEATURES: tuple[str, ...] = tuple(key for key, _ in ACCESS_NEEDS)

#: How far ahead a repeating event may be planned in one go.
MAX_SERIES_DAYS = 366


class EventError(ValueError):
    """Input an organiser or resident can fix; ``field`` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


event_tags = Table(
    "event_tags",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(40), primary_key=True, index=True),
)


class Venue(Base):
    """A public place other than the centre itself, geocoded once from its address."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """What a centre runs: the details, the local start and end, how it repeats, and its seats.

    Times are wall-clock times in ``timezone`` (the centre's), so "every Tuesday at 12:30"
    stays 12:30 across daylight-saving changes; each occurrence stores its own UTC instants.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    start_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    recurrence: Mapped[str] = mapped_column(String(16), default="none")
    repeat_until: Mapped[date | None] = mapped_column(Date, default=None)
    skipped_dates: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=20)
    step_free: Mapped[bool] = mapped_column(default=False)
    hearing_loop: Mapped[bool] = mapped_column(default=False)
    quiet: Mapped[bool] = mapped_column(default=False)
    dietary: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="en")
    cost_note: Mapped[str] = mapped_column(String(120), default="")
    signup_deadline_hours: Mapped[int | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    revision: Mapped[int] = mapped_column(default=0)  # the calendar SEQUENCE: bumped on each change
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    centre: Mapped[Centre] = relationship(lazy="joined")
    venue: Mapped[Venue | None] = relationship(lazy="joined")
    tag_rows: Mapped[list["_EventTag"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="_EventTag.tag"
    )
    occurrences: Mapped[list["Occurrence"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Occurrence.starts_at"
    )

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @tags.setter
    def tags(self, values) -> None:
        wanted = list(dict.fromkeys(values))
        keep = [row for row in self.tag_rows if row.tag in wanted]
        have = {row.tag for row in keep}
        self.tag_rows = keep + [_EventTag(tag=t) for t in wanted if t not in have]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_recurring(self) -> bool:
        return self.recurrence != "none"

    @property
    def place_name(self) -> str:
        return self.venue.name if self.venue else self.centre.name

    @property
    def address(self) -> str:
        return self.venue.address if self.venue else self.centre.address

    @property
    def point(self) -> tuple[float, float] | None:
        if self.venue is not None:
            return self.venue.lat, self.venue.lon
        if self.centre.lat is None or self.centre.lon is None:
            return None
        return self.centre.lat, self.centre.lon

    @property
    def access(self) -> list[str]:
        return [key for key in ACCESS_FEATURES if getattr(self, key)]

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class _EventTag(Base):
    """One interest tag on an event (mapped onto ``event_tags``)."""

    __table__ = event_tags


class Occurrence(Base):
    """One dated instance of an event: the unit people sign up for, with its own seats."""

    __tablename__ = "event_occurrences"
    __table_args__ = (
        UniqueConstraint("event_id", "local_date", name="uq_event_occurrences_event_date"),
        Index("ix_event_occurrences_lat_lon", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

    event: Mapped[Event] = relationship(back_populates="occurrences", lazy="joined", innerjoin=True)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None or self.event.cancelled_at is not None

    @property
    def signup_closes_at(self) -> datetime:
        """When sign-ups close: the deadline before the start if there is one, else the start."""
        hours = self.event.signup_deadline_hours
        return self.starts_at - timedelta(hours=hours) if hours else self.starts_at

    def __repr__(self) -> str:
        return f"<Occurrence {self.id} of event {self.event_id} on {self.local_date}>"


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; UTC if it is unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_datetime(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of a wall-clock time on a day in a zone (the earlier one if it happens twice)."""
    return datetime.combine(day, at, tzinfo=zone(tz_name)).astimezone(timezone.utc)


def to_local(moment: datetime, tz_name: str) -> datetime:
    """A stored UTC instant shown in a zone."""
    return moment.astimezone(zone(tz_name))


def describe_time(moment: datetime, tz_name: str, *, with_day: bool = True) -> str:
    """A stored instant in plain words in a zone: "Tuesday 3 March at 12:30"."""
    local = to_local(moment, tz_name)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}" if with_day else f"{local:%H:%M}"


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.month - 1 + months
    return day.year + index // 12, index % 12 + 1


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The ``nth`` (1-4, or -1 for last) ``weekday`` of a month."""
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == weekday]
    if nth == -1:
        return date(year, month, days[-1])
    return date(year, month, days[nth - 1]) if nth <= len(days) else None


def monthly_position(day: date) -> int:
    """Which weekday of its month ``day`` is: 1-4, or -1 when it is the fifth (so "the last")."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def expand_dates(start: date, recurrence: str, until: date | None, skipped=()) -> list[date]:
    """The local dates an event happens on, skipped dates left out.

    ``monthly`` means the same weekday position each month ("the second Tuesday"; a fifth
    weekday becomes "the last"), as RFC 5545's ``FREQ=MONTHLY;BYDAY=2TU`` does.

    >>> expand_dates(date(2026, 3, 3), "fortnightly", date(2026, 4, 1), skipped=["2026-03-17"])
    [datetime.date(2026, 3, 3), datetime.date(2026, 3, 31)]
    >>> expand_dates(date(2026, 1, 13), "monthly", date(2026, 3, 31))
    [datetime.date(2026, 1, 13), datetime.date(2026, 2, 10), datetime.date(2026, 3, 10)]
    """
    skip = {d if isinstance(d, date) else date.fromisoformat(d) for d in skipped}
    if recurrence == "none" or until is None:
        days = [start]
    elif recurrence in ("weekly", "fortnightly"):
        step = timedelta(days=7 if recurrence == "weekly" else 14)
        days, day = [], start
        while day <= until:
            days.append(day)
            day += step
    elif recurrence == "monthly":
        nth, days, months = monthly_position(start), [], 0
        while True:
            year, month = _add_months(start, months)
            day = _nth_weekday(year, month, start.weekday(), nth)
            months += 1
            if day is None:
                continue
            if day > until:
                break
            days.append(day)
    else:
        raise EventError("Please choose how often the event repeats.", "recurrence")
    return [d for d in days if d not in skip]


_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def recurrence_label(event: Event) -> str:
    """How often an event happens, in plain words: "Every two weeks on Tuesday, until 31 March"."""
    if not event.is_recurring:
        return "Once"
    weekday = event.start_date.strftime("%A")
    if event.recurrence == "monthly":
        text = f"Every month on the {_ORDINALS[monthly_position(event.start_date)]} {weekday}"
    else:
        text = f"{dict(RECURRENCES)[event.recurrence]} on {weekday}"
    if event.repeat_until:
        text += f", until {event.repeat_until.day} {event.repeat_until.strftime('%B %Y')}"
    return text
