"""Social tables: ties, blocks, reports and check-ins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.accounts.models import User
from store.core.db import Base, utcnow
from store.core.errors import HearthError

__all__ = ["SocialError", "Tie", "Block", "ReportStatus", "Report", "CHECKIN_QUESTIONS", "CHECKIN_ANSWERS", "Checkin"]

#: Attending together adds this much to a tie; "would meet again" adds more, "would not" removes.
ATTENDED_TOGETHER = 0.2

MEET_AGAIN_YES = 0.5

MEET_AGAIN_NO = -0.6


class SocialError(HearthError):
    """Something the person can fix; the message is safe to show them."""


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


class Tie(Base):
    """A connection between two residents (stored once, ``user_a < user_b``), strength 0..1."""

    __tablename__ = "ties"
    __table_args__ = (
        UniqueConstraint("user_a_id", "user_b_id"),
        CheckConstraint("user_a_id < user_b_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_a_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_b_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    strength: Mapped[float] = mapped_column(Float, default=0.0)
    times_met: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Block(Base):
    """``blocker`` never wants to be grouped with ``blocked``. Never shown to the blocked person."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The group where the blocker met them, so their list of blocks can say where (no FK: the
    #: block outlives the group).
    group_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Report(Base):
    """A resident's report about another person, for the organisers of a centre to read and act on."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``None`` once the person who wrote it has left Hearth: the report stays for the organisers.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reported_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", ondelete="SET NULL"), index=True, default=None)
    group_id: Mapped[int | None] = mapped_column(Integer, default=None)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(
        Enum(ReportStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=ReportStatus.OPEN,
    )
    organiser_note: Mapped[str] = mapped_column(Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    reported: Mapped[User] = relationship(foreign_keys=[reported_id])

#: The three-item loneliness scale (Hughes, Waite, Hawkley and Cacioppo, 2004), in plain words.
CHECKIN_QUESTIONS = (
    ("companionship", "How often do you feel that you lack companionship?"),
    ("left_out", "How often do you feel left out?"),
    ("isolated", "How often do you feel isolated from others?"),
)

CHECKIN_ANSWERS = ((1, "Hardly ever"), (2, "Some of the time"), (3, "Often"))


class Checkin(Base):
    """A connectedness check-in: each item 1 (hardly ever) to 3 (often); total 3 to 9."""

    __tablename__ = "checkins"
    __table_args__ = (
        CheckConstraint("companionship BETWEEN 1 AND 3", name="companionship_range"),
        CheckConstraint("left_out BETWEEN 1 AND 3", name="left_out_range"),
        CheckConstraint("isolated BETWEEN 1 AND 3", name="isolated_range"),
        UniqueConstraint("user_id", "period", name="uq_checkins_user_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    companionship: Mapped[int] = mapped_column(Integer)
    left_out: Mapped[int] = mapped_column(Integer)
    isolated: Mapped[int] = mapped_column(Integer)
    follow_up_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    context: Mapped[str] = mapped_column(String(40), default="weekly")
    #: The week a weekly check-in answers for ("2026-W49"): one per person per week. Empty for the
    #: check-in after a meeting, which belongs to that meeting.
    period: Mapped[str | None] = mapped_column(String(10), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    @hybrid_property
    def total(self) -> int:
        """3 to 9, in Python and (as an expression) in SQL."""
        return self.companionship + self.left_out + self.isolated

    @hybrid_property
    def often_isolated(self) -> bool:
        return self.isolated == 3 or self.total >= 8

    @often_isolated.expression
    def often_isolated(cls):
        return or_(cls.isolated == 3, cls.companionship + cls.left_out + cls.isolated >= 8)
