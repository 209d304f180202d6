"""Suggested groups of neighbours for one occurrence of an event, their members' answers, and the
private "would you meet them again" feedback after the meeting."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.accounts.models import User
from store.core.db import Base, utcnow

__all__ = [
    "GroupStatus", "SeatStatus", "ACTIVE_SEATS", "ACTIVE_GROUPS", "ANSWER_BY", "NOTE_LENGTH", "MIX_RUN", "reply_by",
    "Group", "GroupMember", "MeetAgain", "MeetingNote",
]

#: An offer still unanswered this close to the meeting lapses, so a group knows who is coming.
ANSWER_BY = timedelta(hours=12)

#: Groups that keep meeting (``store.groups.continuing``): a member who chose "a mix of both" (or
#: did not choose) meets the same group at most this many times in a row, then new people too.
MIX_RUN = 4

#: The longest meeting note an organiser can leave ("look for the Hearth sign by the window").
NOTE_LENGTH = 300


def reply_by(starts_at: datetime) -> datetime:
    """The moment an offer for a meeting starting at ``starts_at`` lapses if unanswered: the one rule
    that the lapsing job, the offer page and the offer message all use.

    >>> from datetime import timezone
    >>> reply_by(datetime(2026, 12, 7, 12, 30, tzinfo=timezone.utc)).isoformat()
    '2026-12-07T00:30:00+00:00'
    """
    return starts_at - ANSWER_BY


def _enum(cls):
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class GroupStatus(str, enum.Enum):
    PROPOSED = "proposed"      # offers sent, waiting for enough people to accept
    CONFIRMED = "confirmed"    # at least the minimum accepted: it's happening
    MET = "met"                # the meeting has taken place
    DISSOLVED = "dissolved"    # too few could come; members were rematched


class SeatStatus(str, enum.Enum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"    # the group dissolved, or the person left Hearth or paused

ACTIVE_SEATS = (SeatStatus.OFFERED, SeatStatus.ACCEPTED)

ACTIVE_GROUPS = (GroupStatus.PROPOSED, GroupStatus.CONFIRMED)


class Group(Base):
    """A small group suggested by a matching run, meeting at one occurrence of an event."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("event_occurrences.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id", ondelete="SET NULL"), default=None)
    status: Mapped[GroupStatus] = mapped_column(_enum(GroupStatus), default=GroupStatus.PROPOSED, index=True)
    size_min: Mapped[int] = mapped_column(Integer, default=4)
    size_max: Mapped[int] = mapped_column(Integer, default=8)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    farthest_km: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The group that met before and is offered this date together (a standing group,
    #: ``store.groups.continuing``); empty for a group the matcher formed afresh.
    continues_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), default=None, index=True)

    seats: Mapped[list["GroupMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMember.id", lazy="selectin"
    )

    def seats_in(self, *statuses: SeatStatus) -> list["GroupMember"]:
        return [s for s in self.seats if s.status in statuses]

    @property
    def active_seats(self) -> list["GroupMember"]:
        return self.seats_in(*ACTIVE_SEATS)

    @property
    def accepted(self) -> list["GroupMember"]:
        return self.seats_in(SeatStatus.ACCEPTED)


class GroupMember(Base):
    """One person's seat in a group: offered, then accepted or declined."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[SeatStatus] = mapped_column(_enum(SeatStatus), default=SeatStatus.OFFERED, index=True)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(default=None)
    attended: Mapped[bool | None] = mapped_column(Boolean, default=None)
    feedback_at: Mapped[datetime | None] = mapped_column(default=None)
    #: When this member said "I'd rather meet new people next time": this group is not
    #: continued with them (``store.groups.continuing``).
    rather_new_at: Mapped[datetime | None] = mapped_column(default=None)

    group: Mapped[Group] = relationship(back_populates="seats")
    user: Mapped[User] = relationship(lazy="joined")


class MeetAgain(Base):
    """Private: would ``rater`` like to meet ``ratee`` again? Only ever turned into tie strength."""

    __tablename__ = "meet_again"
    __table_args__ = (UniqueConstraint("group_id", "rater_id", "ratee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ratee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    again: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingNote(Base):
    """An organiser's note on how to find each other ("look for the Hearth sign by the window"),
    for one group, or for every group meeting at a date (``group_id`` empty). A group's own note
    wins over its date's note."""

    __tablename__ = "meeting_notes"
    __table_args__ = (UniqueConstraint("occurrence_id", "group_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("event_occurrences.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), default=None, index=True)
    #: ``str(group_id)``, or ``"date"`` for the date's note: unique with the date (a NULL would not be).
    group_key: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
