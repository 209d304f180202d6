"""Seats held for group offers: kept while the person answers, confirmed by a yes, freed otherwise.

When a matching run offers someone a group for a date, a seat is *held* for them unless they
already have one; a hold counts against the capacity like a seat, so nobody is offered a group
for a date that has no room. Saying yes makes the hold a confirmed seat; a no, a lapse or a
withdrawal frees it (the person goes back to where they were: their waiting-list place, a
cancelled sign-up, or nothing) and the freed seat goes to the first person waiting.

Every function here expects the occurrence to be locked already (``lock_occurrence``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from config import Settings
from store.events.models import HOLDS_SEAT, EventError, Occurrence, SignUp, SignupStatus
from store.events.notices import notify_signed_up
from store.events.signups import confirm_seat, promote_waitlisted, seats_taken, signup_for

__all__ = ["hold_seat", "release_hold", "confirm_hold"]


def _needs(signup: SignUp | None) -> int:
    """Seats a hold for this person takes: theirs, and a waiting guest's (a cancelled place has none)."""
    if signup is None or signup.status == SignupStatus.CANCELLED:
        return 1
    return signup.seats


def hold_seat(session: Session, occurrence: Occurrence, user_id: int, group_id: int) -> SignUp:
    """Keep a seat for ``user_id``, who is being offered ``group_id`` for this date.

    Someone with a confirmed seat keeps it (nothing to hold). Raises ``EventError`` when no seat
    is free: the caller must not make the offer then.
    """
    signup = signup_for(session, occurrence.id, user_id)
    if signup is not None and signup.status in HOLDS_SEAT:
        return signup
    if signup is not None and signup.status == SignupStatus.HELD:
        signup.hold_group_id = group_id
        session.flush()
        return signup
    if occurrence.is_cancelled or seats_taken(session, occurrence.id) + _needs(signup) > occurrence.event.capacity:
        raise EventError("There is no seat left for this date.")
    if signup is None:
        signup = SignUp(occurrence_id=occurrence.id, user_id=user_id, status=SignupStatus.HELD)
        session.add(signup)
    else:
        signup.held_from = signup.status.value  # waitlisted (keeps its queue number and guests) or cancelled
        if signup.status == SignupStatus.CANCELLED:
            signup.guests = 0
        signup.status = SignupStatus.HELD
    signup.hold_group_id = group_id
    session.flush()
    return signup


def release_hold(session: Session, settings: Settings, occurrence: Occurrence, user_id: int,
                 *, now: datetime | None = None) -> bool:
    """Free the seat held for ``user_id`` (their offer was declined, lapsed or withdrawn), put them
    back where they were, and give the seat to the first person waiting. Returns whether a hold
    was freed (a confirmed seat is never touched)."""
    signup = signup_for(session, occurrence.id, user_id)
    if signup is None or signup.status != SignupStatus.HELD:
        return False
    previous = signup.held_from
    signup.hold_group_id = signup.held_from = None
    if previous == SignupStatus.WAITLISTED.value:
        signup.status = SignupStatus.WAITLISTED
    elif previous == SignupStatus.CANCELLED.value:
        signup.status = SignupStatus.CANCELLED
    else:
        session.delete(signup)
    session.flush()
    promote_waitlisted(session, settings, occurrence, now=now)
    return True


def confirm_hold(session: Session, settings: Settings, occurrence: Occurrence, user_id: int,
                 *, now: datetime) -> SignUp:
    """A yes to a group: the seat held for ``user_id`` becomes theirs, with the usual confirmation
    and calendar file. Someone who already has a seat keeps it. Raises ``EventError`` when there is
    neither a hold nor a free seat (the yes cannot be taken)."""
    signup = signup_for(session, occurrence.id, user_id)
    if signup is not None and signup.status in HOLDS_SEAT:
        return signup
    if signup is None or signup.status != SignupStatus.HELD:
        if seats_taken(session, occurrence.id) + _needs(signup) > occurrence.event.capacity:
            raise EventError("Sorry, there is no seat left for this date, so this group can't go ahead with you.")
        if signup is None:
            signup = SignUp(occurrence_id=occurrence.id, user_id=user_id, status=SignupStatus.HELD)
            session.add(signup)
        elif signup.status == SignupStatus.CANCELLED:
            signup.guests = 0
    signup.created_at = signup.created_at or now
    confirm_seat(signup, now)
    signup.cancelled_at = signup.checked_in_at = None
    session.flush()
    notify_signed_up(session, settings, signup, position=None)
    return signup
