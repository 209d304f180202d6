"""Leaving Hearth: deleting an account takes the person out of every future group, frees their
seats for others, and removes their answers, ties and messages (links sent to a new address they
asked to move to included), the copies of their emails and their dot in the organisers' match graph. Reports they wrote stay, from "a former member"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.changes import EMAIL_CHANGE_KIND
from store.accounts.models import AccountToken, User
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
from store.messages.models import Message
from store.messages.outbox import forget_messages, remove_copies

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
    _forget_links_to_new_addresses(session, settings, user)
    session.delete(user)
    session.flush()
    return rematch


def _forget_links_to_new_addresses(session: Session, settings: Settings, user: User) -> None:
    """The links sent to addresses the person asked to move to: kept in no inbox (so not found by
    account), they still carry the person's name."""
    addresses = session.scalars(
        select(AccountToken.new_email).where(AccountToken.user_id == user.id, AccountToken.new_email.is_not(None))
    ).all()
    if not addresses:
        return
    messages = session.scalars(select(Message).where(
        Message.kind == EMAIL_CHANGE_KIND, Message.user_id.is_(None), Message.to_email.in_(set(addresses)))).all()
    remove_copies(settings, messages)
    for message in messages:
        session.delete(message)
