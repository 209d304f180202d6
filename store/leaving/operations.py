"""Leaving Hearth: deleting an account takes the person out of every future group, frees their
seats for others, and removes their answers, ties and messages, the copies of their emails and
their dot in the organisers' match graph. Reports they wrote stay, from "a former member"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.core.db import utcnow
from store.events.models import HOLDS_SEAT, EventError, SignUp, SignupStatus
from store.events.signups import cancel_signup
from store.groups.models import (
    ACTIVE_GROUPS,
    ACTIVE_SEATS,
    Group,
    GroupMember,
    SeatStatus,
)
from store.groups.offers import free_seat, refill
from store.insight.snapshots import forget_member
from store.messages.outbox import forget_messages

__all__ = ["delete_account"]


def delete_account(session: Session, settings: Settings, user: User) -> list[int]:
    """Delete ``user`` and everything that is theirs. Seats they held in live groups are offered
    to others (or the group shrinks or dissolves), and their upcoming event seats go to the
    waiting list. Every message stored for them goes with its copy in the outbox folder, and they
    leave the organisers' match-graph snapshots at once. Returns the occurrences whose groups
    dissolved and need rematching."""
    now = utcnow()
    rematch: list[int] = []
    seats = session.scalars(
        select(GroupMember).join(Group, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user.id, GroupMember.status.in_(ACTIVE_SEATS), Group.status.in_(ACTIVE_GROUPS))
    ).all()
    for seat in seats:
        free_seat(session, settings, seat, SeatStatus.WITHDRAWN, now=now)  # a held seat is given back
        if refill(session, settings, seat.group, now=now):
            rematch.append(seat.group.occurrence_id)
    upcoming = session.scalars(
        select(SignUp).where(SignUp.user_id == user.id, SignUp.status.in_(HOLDS_SEAT + (SignupStatus.WAITLISTED,)))
    ).all()
    for signup in upcoming:
        if signup.occurrence.starts_at > now:
            try:
                cancel_signup(session, settings, signup.id, user, now=now)
            except EventError:
                pass  # already over or cancelled: nothing to free
    forget_member(session, user.id)
    forget_messages(session, settings, user.id, user.email)
    session.delete(user)
    session.flush()
    return rematch
