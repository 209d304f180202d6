"""The social fabric between residents: ties, blocks, reports and connectedness check-ins.

Ties grow from meeting (attended together) and from private "would meet again" answers; blocks
are hard exclusions the blocked person never learns of; reports reach the centre's organisers.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.db import Base, utcnow
from store.users import User

__all__ = [
    "Tie",
    "Block",
    "Report",
    "ReportStatus",
    "Checkin",
    "CHECKIN_QUESTIONS",
    "CHECKIN_ANSWERS",
    "SocialError",
    "strengthen_tie",
    "tie_pairs",
    "block",
    "unblock",
    "blocked_pairs",
    "is_blocked_between",
    "report_person",
    "notify_report",
    "record_checkin",
    "checkin_trend",
]

#: Attending together adds this much to a tie; "would meet again" adds more, "would not" removes.
ATTENDED_TOGETHER = 0.2
MEET_AGAIN_YES = 0.5
MEET_AGAIN_NO = -0.6


class SocialError(ValueError):
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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Report(Base):
    """A resident's report about another person, for the organisers of a centre to read and act on."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
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

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    companionship: Mapped[int] = mapped_column(Integer)
    left_out: Mapped[int] = mapped_column(Integer)
    isolated: Mapped[int] = mapped_column(Integer)
    follow_up_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    context: Mapped[str] = mapped_column(String(40), default="weekly")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    @property
    def total(self) -> int:
        return self.companionship + self.left_out + self.isolated

    @property
    def often_isolated(self) -> bool:
        return self.isolated == 3 or self.total >= 8


def strengthen_tie(session: Session, a: int, b: int, delta: float, *, met: bool = False) -> Tie | None:
    """Add ``delta`` to the tie between ``a`` and ``b`` (clipped to 0..1), creating it if needed."""
    if a == b:
        return None
    ua, ub = _ordered(a, b)
    tie = session.scalar(select(Tie).where(Tie.user_a_id == ua, Tie.user_b_id == ub))
    if tie is None:
        tie = Tie(user_a_id=ua, user_b_id=ub, strength=0.0, times_met=0)
        session.add(tie)
    tie.strength = float(min(1.0, max(0.0, (tie.strength or 0.0) + delta)))
    if met:
        tie.times_met = (tie.times_met or 0) + 1
    session.flush()
    return tie


def tie_pairs(session: Session, user_ids: set[int] | None = None) -> list[tuple[int, int, float]]:
    """``(a, b, strength)`` for every tie with positive strength (optionally among ``user_ids``)."""
    query = select(Tie.user_a_id, Tie.user_b_id, Tie.strength).where(Tie.strength > 0)
    rows = session.execute(query).all()
    if user_ids is not None:
        rows = [r for r in rows if r[0] in user_ids and r[1] in user_ids]
    return [(int(a), int(b), float(s)) for a, b, s in rows]


def block(session: Session, blocker: User, blocked_id: int) -> Block:
    """Never group ``blocker`` with ``blocked_id`` again. Idempotent; the other person is not told."""
    if blocked_id == blocker.id:
        raise SocialError("You can't block yourself.")
    if session.get(User, blocked_id) is None:
        raise SocialError("We couldn't find that person.")
    existing = session.scalar(select(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked_id))
    if existing is not None:
        return existing
    row = Block(blocker_id=blocker.id, blocked_id=blocked_id)
    session.add(row)
    session.flush()
    return row


def unblock(session: Session, blocker: User, blocked_id: int) -> None:
    row = session.scalar(select(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked_id))
    if row is not None:
        session.delete(row)
        session.flush()


def blocked_pairs(session: Session) -> list[tuple[int, int]]:
    """Every block as ``(blocker, blocked)``: the matcher treats each as a hard exclusion."""
    return [(int(a), int(b)) for a, b in session.execute(select(Block.blocker_id, Block.blocked_id))]


def is_blocked_between(session: Session, a: int, b: int) -> bool:
    return session.scalar(
        select(Block.id).where(
            or_(
                (Block.blocker_id == a) & (Block.blocked_id == b),
                (Block.blocker_id == b) & (Block.blocked_id == a),
            )
        )
    ) is not None


def report_person(
    session: Session, reporter: User, reported_id: int, reason: str, *, centre_id: int | None, group_id: int | None = None
) -> Report:
    """File a report for the centre's organisers. The reported person is not told."""
    reason = (reason or "").strip()
    if not reason:
        raise SocialError("Please tell us briefly what happened, so the organisers can help.")
    if len(reason) > 4000:
        raise SocialError("Please keep this under 4,000 characters.")
    if reported_id == reporter.id or session.get(User, reported_id) is None:
        raise SocialError("We couldn't find that person.")
    report = Report(reporter_id=reporter.id, reported_id=reported_id, centre_id=centre_id,
                    group_id=group_id, reason=reason)
    session.add(report)
    session.flush()
    return report


def notify_report(session: Session, settings, report: Report) -> int:
    """Tell the organisers of the report's centre that a report is waiting (no details by email)."""
    from store.centres import Centre
    from store.outbox import queue_message

    centre = session.get(Centre, report.centre_id) if report.centre_id else None
    if centre is None:
        return 0
    for organiser in centre.organisers:
        queue_message(
            session, to_email=organiser.email, user_id=organiser.id, kind="report",
            subject=f"A resident has reported a concern at {centre.name}",
            body=(
                f"Hello {organiser.display_name},\n\n"
                "A resident has sent a report about someone they were grouped with. Please read it "
                f"and decide what to do:\n{settings.base_url}/organiser/centres/{centre.id}/reports/{report.id}\n\n"
                "The person reported has not been told.\n"
            ),
        )
    return len(centre.organisers)


def record_checkin(
    session: Session, user: User, *, companionship: int, left_out: int, isolated: int,
    follow_up_consent: bool = False, context: str = "weekly",
) -> Checkin:
    for name, value in (("companionship", companionship), ("left_out", left_out), ("isolated", isolated)):
        if value not in (1, 2, 3):
            raise SocialError("Please choose one of the three answers for each question.")
    row = Checkin(user_id=user.id, companionship=companionship, left_out=left_out, isolated=isolated,
                  follow_up_consent=bool(follow_up_consent), context=context)
    session.add(row)
    session.flush()
    return row


def checkin_trend(session: Session, user_id: int, limit: int = 12) -> list[Checkin]:
    """A person's own check-ins, oldest first (for their private trend)."""
    rows = session.scalars(
        select(Checkin).where(Checkin.user_id == user_id).order_by(Checkin.created_at.desc(), Checkin.id.desc()).limit(limit)
    ).all()
    return list(reversed(rows))
