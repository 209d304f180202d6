"""After a meeting: did you go, would you meet each person again (private), and a short check-in.
Answers become tie strengths in the member graph and a trend the resident can see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from store.accounts.models import User
from store.core.db import utcnow
from store.events.models import Occurrence
from store.groups.models import GroupMember, GroupStatus, MeetAgain, SeatStatus
from store.groups.offers import GroupError, seat_of
from store.social.models import ATTENDED_TOGETHER, MEET_AGAIN_NO, MEET_AGAIN_YES
from store.social.operations import record_checkin, strengthen_tie

__all__ = ["can_give_feedback", "save_feedback"]


def can_give_feedback(session: Session, seat: GroupMember, now: datetime | None = None) -> bool:
    """Only someone who accepted, once the meeting has ended, and only once."""
    now = now or utcnow()
    if seat.status != SeatStatus.ACCEPTED or seat.feedback_at is not None:
        return False
    if seat.group.status == GroupStatus.MET:
        return True
    occurrence = session.get(Occurrence, seat.group.occurrence_id)
    return seat.group.status == GroupStatus.CONFIRMED and occurrence.ends_at <= now


def save_feedback(
    session: Session,
    group_id: int,
    user: User,
    *,
    attended: bool,
    meet_again: dict[int, bool | None],
    checkin: tuple[int, int, int] | None = None,
    follow_up_consent: bool = False,
    now: datetime | None = None,
) -> GroupMember:
    """Record one person's feedback on one meeting. Raises ``LookupError`` if they had no seat."""
    now = now or utcnow()
    seat = seat_of(session, group_id, user.id)
    if seat is None or seat.status == SeatStatus.WITHDRAWN:
        raise LookupError(group_id)
    if seat.feedback_at is not None:
        raise GroupError("Thank you: you've already told us how this one went.")
    if not can_give_feedback(session, seat, now):
        raise GroupError("You can tell us how it went once the meeting is over.")
    others = {s.user_id: s for s in seat.group.accepted if s.user_id != user.id}
    unknown = set(meet_again) - set(others)
    if unknown:
        raise GroupError("Something in the form didn't match this group. Please reload the page and try again.")
    seat.attended = bool(attended)
    seat.feedback_at = now
    if attended:
        for uid, other in others.items():
            if other.attended:  # both said they went: counted once, when the second one answers
                strengthen_tie(session, user.id, uid, ATTENDED_TOGETHER, met=True)
        for uid, again in meet_again.items():
            if again is None:
                continue
            session.add(MeetAgain(group_id=group_id, rater_id=user.id, ratee_id=uid, again=bool(again)))
            strengthen_tie(session, user.id, uid, MEET_AGAIN_YES if again else MEET_AGAIN_NO)
    if checkin is not None:
        companionship, left_out, isolated = checkin
        record_checkin(session, user, companionship=companionship, left_out=left_out, isolated=isolated,
                       follow_up_consent=follow_up_consent, context="after-meeting")
    session.flush()
    return seat
