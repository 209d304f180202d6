"""Event tables: venues, events, dates, sign-ups and calendar feeds."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Enum,
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

from store.accounts.models import User
from store.centres.models import Centre
from store.core.db import Base, utcnow
from store.core.errors import HearthError
from store.profiles.taxonomy import ACCESS_NEEDS

__all__ = [
    "KINDS", "RECURRENCES", "ACCESS_FEATURES", "EventError", "event_tags", "Venue", "Event", "Occurrence",
    "SignupStatus", "HOLDS_SEAT", "TAKES_SEAT", "ACTIVE", "STANDING", "SignUp", "SeatCount", "CalendarFeed", "MAX_SERIES_DAYS",
    "MAX_DAYS_AHEAD", "TOO_FAR_AHEAD", "MAX_GUESTS",
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

#: The most guests an organiser may let each resident bring.
MAX_GUESTS = 2

#: How far ahead an event's first date may be (and what an organiser is told beyond it).
MAX_DAYS_AHEAD = 731
TOO_FAR_AHEAD = "Please give a date within the next two years."


class EventError(HearthError):
    """Input an organiser or resident can fix; ``field`` names the form field it concerns."""


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
    __table_args__ = (UniqueConstraint("centre_id", "import_uid", name="uq_events_centre_import_uid"),)

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
    #: Free text beside the access flags, written by the organiser ("Ramp at the side door").
    access_notes: Mapped[str] = mapped_column(Text, default="")
    #: How many guests each resident may bring (0: none); a guest takes a seat like anyone.
    max_guests: Mapped[int] = mapped_column(default=0)
    signup_deadline_hours: Mapped[int | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    revision: Mapped[int] = mapped_column(default=0)  # the calendar SEQUENCE: bumped on each change
    #: The UID of the iCalendar event it was imported from (``store.events.imports``), unique per centre.
    import_uid: Mapped[str | None] = mapped_column(String(255), default=None)
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


class SignupStatus(str, enum.Enum):
    """Where a person stands for one date of an event."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    HELD = "held"            # kept for someone offered a group for this date, while they answer


#: Statuses of a confirmed seat (a checked-in person keeps theirs).
HOLDS_SEAT = (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)

#: Statuses that count against the capacity: confirmed seats and seats held for group offers.
TAKES_SEAT = HOLDS_SEAT + (SignupStatus.HELD,)

#: Statuses that still count as "signed up" (a seat or a place in the queue).
ACTIVE = HOLDS_SEAT + (SignupStatus.WAITLISTED,)

#: Everything a person sees as their place for a date: signed up, or a seat kept for a group offer.
STANDING = ACTIVE + (SignupStatus.HELD,)

STATUS_LABELS = {
    SignupStatus.CONFIRMED: "Has a seat",
    SignupStatus.WAITLISTED: "Waiting list",
    SignupStatus.CANCELLED: "Cancelled",
    SignupStatus.ATTENDED: "Came",
    SignupStatus.NO_SHOW: "Didn't come",
    SignupStatus.HELD: "Held for a group offer",
}


class SignUp(Base):
    """One person's place for one occurrence; ``queue_no`` orders the waiting list."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "user_id", name="uq_signups_occurrence_user"),
        Index("ix_signups_occurrence_status", "occurrence_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("event_occurrences.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = mapped_column(
        Enum(SignupStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    queue_no: Mapped[int | None] = mapped_column(default=None)
    #: Guests coming with this person (each takes a seat too); 0 for a seat held for a group.
    guests: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    waitlisted_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    checked_in_at: Mapped[datetime | None] = mapped_column(default=None)
    #: While ``HELD``: the group whose offer the seat is kept for, and what the row was before the
    #: hold (``waitlisted`` keeps ``queue_no``, ``cancelled``, or ``None`` for a row made for it).
    hold_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"), default=None)
    held_from: Mapped[str | None] = mapped_column(String(16), default=None)

    occurrence: Mapped[Occurrence] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def seats(self) -> int:
        """Seats this place needs: the person and their guests."""
        return 1 + (self.guests or 0)

    def __repr__(self) -> str:
        return f"<SignUp {self.id} user {self.user_id} {self.status.value}>"


@dataclass(frozen=True)
class SeatCount:
    """Who takes the seats of one date: ``going`` (confirmed people and their guests), ``held``
    (kept for group offers) and ``waiting`` (people on the waiting list)."""

    going: int = 0
    held: int = 0
    waiting: int = 0

    @property
    def taken(self) -> int:
        return self.going + self.held


class CalendarFeed(Base):
    """A resident's secret calendar address; only the SHA-256 of its token is kept."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
