"""A resident's group as their pages show it: the meeting, its state in words, their own answer,
their own reason, the meeting note, the reply-by time and whether to ask "How did it go?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from store.core.db import utcnow
from store.events.models import Occurrence
from store.groups.continuing import can_choose_new
from store.groups.feedback import can_give_feedback
from store.groups.models import ACTIVE_GROUPS, GroupMember, SeatStatus
from store.groups.notes import meeting_note
from store.groups.offers import describe, groups_for_user
from store.groups.reasons import reason_for
from store.groups.words import (
    SeatWords,
    meeting_state,
    meeting_state_words,
    reply_by_words,
    resident_continuing_words,
    resident_seat_words,
)

__all__ = ["GroupView", "resident_view", "home_groups"]


@dataclass(frozen=True)
class GroupView:
    seat: GroupMember
    info: dict
    state: str              # one of words.MEETING_STATES
    state_words: str        # "coming up", "this has happened", ...
    words: SeatWords        # the reader's own answer
    reason: str             # why this group, for this reader
    note: str               # how to find each other ("" if none)
    reply_by: str | None    # "Please reply by ...", while an answer is awaited
    feedback_open: bool     # ask "How did it go?"
    keeps_meeting: str | None = None  # a group that keeps meeting, or "you chose new people"
    can_choose_new: bool = False      # show "I'd rather meet new people next time"

    @property
    def group(self):
        return self.seat.group


def resident_view(session: Session, seat: GroupMember, *, now: datetime | None = None) -> GroupView:
    """Everything a resident's pages say about their seat ``seat``, each in its one set of words."""
    now = now or utcnow()
    group = seat.group
    occurrence = session.get(Occurrence, group.occurrence_id)
    state = meeting_state(group, occurrence, now)
    awaiting = seat.status == SeatStatus.OFFERED and group.status in ACTIVE_GROUPS and state == "coming"
    return GroupView(
        seat=seat, info=describe(session, group), state=state, state_words=meeting_state_words(state),
        words=resident_seat_words(seat, state), reason=reason_for(session, group, seat.user_id),
        note=meeting_note(session, group) if state in ("coming", "happened") else "",
        reply_by=reply_by_words(occurrence.starts_at, occurrence.event.timezone) if awaiting else None,
        feedback_open=can_give_feedback(session, seat, now),
        keeps_meeting=resident_continuing_words(seat), can_choose_new=can_choose_new(seat) and state != "cancelled",
    )


def home_groups(session: Session, user_id: int, *, now: datetime | None = None) -> list[GroupView]:
    """The groups the home page shows: those still to meet, and those that met and wait for the
    person to say how it went."""
    now = now or utcnow()
    views = [resident_view(session, seat, now=now) for seat in groups_for_user(session, user_id)]
    return [v for v in views if v.group.status in ACTIVE_GROUPS or v.feedback_open]
