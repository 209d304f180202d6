"""Social operations: strengthening ties, blocking, reporting and checking in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.accounts.models import User
from store.centres.models import Centre
from store.core.db import utcnow
from store.messages import links
from store.messages.outbox import queue_message
from store.messages.rendering import render
from store.social.models import Block, Checkin, Report, SocialError, Tie, _ordered

__all__ = [
    "strengthen_tie", "tie_pairs", "block", "unblock", "blocks_by", "blocked_pairs", "is_blocked_between", "report_person",
    "notify_report", "checkin_period", "next_checkin_day", "checkin_this_week", "record_checkin", "checkin_trend",
]


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


def block(session: Session, blocker: User, blocked_id: int, *, group_id: int | None = None) -> Block:
    """Never group ``blocker`` with ``blocked_id`` again. Idempotent; the other person is not told.

    This records the block only: ``store.groups.safety.block_person`` also takes the pair out of
    any live group they share, and is what pages call.
    """
    if blocked_id == blocker.id:
        raise SocialError("You can't block yourself.")
    if session.get(User, blocked_id) is None:
        raise SocialError("We couldn't find that person.")
    existing = session.scalar(select(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked_id))
    if existing is not None:
        return existing
    row = Block(blocker_id=blocker.id, blocked_id=blocked_id, group_id=group_id)
    session.add(row)
    session.flush()
    return row


def unblock(session: Session, blocker: User, block_id: int) -> None:
    """Undo one of ``blocker``'s own blocks. Raises ``LookupError`` for anyone else's (404)."""
    row = session.scalar(select(Block).where(Block.id == block_id, Block.blocker_id == blocker.id))
    if row is None:
        raise LookupError(block_id)
    session.delete(row)
    session.flush()


def blocks_by(session: Session, blocker_id: int) -> list[Block]:
    """The people ``blocker_id`` asked never to be grouped with, newest first (only their own)."""
    return list(session.scalars(
        select(Block).where(Block.blocker_id == blocker_id).order_by(Block.created_at.desc(), Block.id.desc())
    ))


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

    centre = session.get(Centre, report.centre_id) if report.centre_id else None
    if centre is None:
        return 0
    for organiser in centre.organisers:
        queue_message(
            session, to_email=organiser.email, user_id=organiser.id, kind="report",
            content=render("report_received", name=organiser.display_name, centre=centre.name,
                           report_link=links.report_link(settings, centre.id, report.id)),
        )
    return len(centre.organisers)


def checkin_period(moment: datetime) -> str:
    """The week a weekly check-in answers for, as ISO year and week: ``2026-W49``.

    >>> checkin_period(datetime(2026, 12, 1, 18, 0))
    '2026-W49'
    """
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def next_checkin_day(moment: datetime) -> date:
    """The Monday the next week's check-in opens."""
    day = moment.date()
    return day + timedelta(days=7 - day.weekday())


def checkin_this_week(session: Session, user_id: int, *, now: datetime | None = None) -> Checkin | None:
    """A person's weekly check-in for the current week, if they have sent it."""
    period = checkin_period(now or utcnow())
    return session.scalar(select(Checkin).where(Checkin.user_id == user_id, Checkin.period == period))


def record_checkin(
    session: Session, user: User, *, companionship: int, left_out: int, isolated: int,
    follow_up_consent: bool = False, context: str = "weekly", now: datetime | None = None,
) -> Checkin:
    """Keep a check-in. A weekly one is kept once per week: sending it again (a second tab, a
    double click) changes nothing and says so (``SocialError``)."""
    now = now or utcnow()
    for name, value in (("companionship", companionship), ("left_out", left_out), ("isolated", isolated)):
        if value not in (1, 2, 3):
            raise SocialError("Please choose one of the three answers for each question.")
    period = checkin_period(now) if context == "weekly" else None
    already = ("You've already checked in this week, thank you. Your answers are kept; you can check in "
               f"again from {next_checkin_day(now):%A} {next_checkin_day(now).day} {next_checkin_day(now):%B}.")
    if period is not None and checkin_this_week(session, user.id, now=now) is not None:
        raise SocialError(already)
    row = Checkin(user_id=user.id, companionship=companionship, left_out=left_out, isolated=isolated,
                  follow_up_consent=bool(follow_up_consent), context=context, period=period, created_at=now)
    try:
        with session.begin_nested():  # two at once: the database keeps one
            session.add(row)
            session.flush()
    except IntegrityError:
        raise SocialError(already) from None
    return row


def checkin_trend(session: Session, user_id: int, limit: int = 12) -> list[Checkin]:
    """A person's own check-ins, oldest first (for their private trend)."""
    rows = session.scalars(
        select(Checkin).where(Checkin.user_id == user_id).order_by(Checkin.created_at.desc(), Checkin.id.desc()).limit(limit)
    ).all()
    return list(reversed(rows))
