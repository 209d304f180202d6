"""What a change to a date means for the groups meeting there, and a resident's own cancellation.

Events own their dates and seats; these operations do the event's change and then settle the
groups it touches, so a group never stays live on a cancelled date and a yes in a group always
stands on a seat:

- an organiser cancelling a date, an event, or changing one so that dates drop out: the groups
  on those dates are let go quietly (everyone is told about the cancellation itself);
- a resident cancelling their place for a date: they leave any live group for it first (the
  group is refilled as after a decline), then their seat goes to the waiting list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.core.db import utcnow
from store.events import admin as event_admin
from store.events.models import ACTIVE, Event, Occurrence, SignUp
from store.events.signups import cancel_signup
from store.groups.models import ACTIVE_GROUPS, ACTIVE_SEATS, Group, GroupMember, SeatStatus
from store.groups.offers import dissolve, free_seat, refill

__all__ = ["cancel_date", "cancel_event", "update_event", "cancel_place", "let_go_cancelled"]


def let_go_cancelled(session: Session, settings: Settings, event: Event, *, now: datetime | None = None) -> int:
    """Dissolve, quietly, the live groups on ``event``'s cancelled dates; returns how many."""
    now = now or utcnow()
    groups = session.scalars(
        select(Group).join(Occurrence, Group.occurrence_id == Occurrence.id)
        .where(Occurrence.event_id == event.id, Occurrence.cancelled_at.is_not(None),
               Group.status.in_(ACTIVE_GROUPS))
    ).all()
    for group in groups:
        dissolve(session, settings, group, now=now, quietly=True)
    return len(groups)


def cancel_date(session: Session, settings: Settings, occurrence: Occurrence, *, by: User, reason: str = "",
                now: datetime | None = None) -> int:
    """Cancel one date (``store.events.admin.cancel_occurrence``) and let its groups go."""
    told = event_admin.cancel_occurrence(session, settings, occurrence, by=by, reason=reason, now=now)
    let_go_cancelled(session, settings, occurrence.event, now=now)
    return told


def cancel_event(session: Session, settings: Settings, event: Event, *, by: User, reason: str = "",
                 now: datetime | None = None) -> int:
    """Cancel every date to come (``store.events.admin.cancel_event``) and let their groups go."""
    told = event_admin.cancel_event(session, settings, event, by=by, reason=reason, now=now)
    let_go_cancelled(session, settings, event, now=now)
    return told


def update_event(session: Session, settings: Settings, event: Event, details, *, by: User,
                 now: datetime | None = None) -> event_admin.EventChange:
    """Change an event (``store.events.admin.update_event``); groups on dates it drops are let go.
    Returns what the change did (who was told), for ``store.events.words.change_told_words``."""
    change = event_admin.update_event(session, settings, event, details, by=by, now=now)
    let_go_cancelled(session, settings, event, now=now)
    return change


def cancel_place(session: Session, settings: Settings, signup_id: int, user: User, *,
                 now: datetime | None = None) -> tuple[SignUp | None, list[int]]:
    """A resident cancels their own place for a date. If they are in a live group for it, they
    leave the group first (it is refilled, shrinks, or is let go kindly). Returns the sign-up and
    the dates whose groups need rematching. Raises ``LookupError`` for someone else's sign-up."""
    now = now or utcnow()
    signup = session.scalar(select(SignUp).where(SignUp.id == signup_id, SignUp.user_id == user.id))
    if signup is None:
        raise LookupError(signup_id)
    seats = session.scalars(
        select(GroupMember).join(Group, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user.id, GroupMember.status.in_(ACTIVE_SEATS),
               Group.occurrence_id == signup.occurrence_id, Group.status.in_(ACTIVE_GROUPS))
    ).all()
    rematch = []
    for seat in seats:
        free_seat(session, settings, seat, SeatStatus.DECLINED, now=now)
        if refill(session, settings, seat.group, now=now):
            rematch.append(seat.group.occurrence_id)
    remaining = session.scalar(select(SignUp).where(SignUp.id == signup_id).execution_options(populate_existing=True))
    if seats and (remaining is None or remaining.status not in ACTIVE):
        return remaining, rematch  # the seat was only held for the group offer, and is given back
    return cancel_signup(session, settings, signup_id, user, now=now), rematch
