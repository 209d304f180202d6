"""A resident's group as their pages show it: the meeting, its state in words, their own answer,
their own reason, the meeting note, the reply-by time and whether to ask "How did it go?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from store.core.db import utcnow
from store.events.models import Event, Occurrence
from store.groups.continuing import can_choose_new
from store.groups.feedback import can_give_feedback
from store.groups.models import ACTIVE_GROUPS, GroupMember, SeatStatus
from store.groups.notes import meeting_note, notes_for_dates
from store.groups.offers import describe, groups_for_user
from store.groups.reasons import reason_facts, reason_for
from store.groups.words import (
    SeatWords,
    meeting_state,
    meeting_state_words,
    reply_by_words,
    resident_continuing_words,
    resident_seat_words,
)

__all__ = ["GroupView", "resident_view", "resident_views", "home_groups"]


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


def resident_view(session: Session, seat: GroupMember, *, now: datetime | None = None,
                  facts: dict | None = None, notes: dict | None = None) -> GroupView:
    """Everything a resident's pages say about their seat ``seat``, each in its one set of words.

    ``facts`` and ``notes`` are what :func:`resident_views` reads once for several seats."""
    now = now or utcnow()
    group = seat.group
    occurrence = session.get(Occurrence, group.occurrence_id)
    state = meeting_state(group, occurrence, now)
    awaiting = seat.status == SeatStatus.OFFERED and group.status in ACTIVE_GROUPS and state == "coming"
    return GroupView(
        seat=seat, info=describe(session, group), state=state, state_words=meeting_state_words(state),
        words=resident_seat_words(seat, state), reason=reason_for(session, group, seat.user_id, facts=facts),
        note=meeting_note(session, group, notes=notes) if state in ("coming", "happened") else "",
        reply_by=reply_by_words(occurrence.starts_at, occurrence.event.timezone) if awaiting else None,
        feedback_open=can_give_feedback(session, seat, now),
        keeps_meeting=resident_continuing_words(seat), can_choose_new=can_choose_new(seat) and state != "cancelled",
    )


def resident_views(session: Session, seats: list[GroupMember], *, now: datetime | None = None) -> list[GroupView]:
    """:func:`resident_view` of each seat, with their dates, people's facts and notes read in one
    query each (a page of groups costs a few queries, not a few per group)."""
    if not seats:
        return []
    groups = [s.group for s in seats]
    occurrence_ids = {g.occurrence_id for g in groups}
    # Held here so that the identity map (weak references) still has them when each view asks.
    occurrences = list(session.scalars(select(Occurrence).where(Occurrence.id.in_(occurrence_ids))
                                       .options(joinedload(Occurrence.event).lazyload(Event.tag_rows))))
    facts = reason_facts(session, {s.user_id for g in groups for s in g.seats})
    notes = notes_for_dates(session, occurrence_ids)
    views = [resident_view(session, seat, now=now, facts=facts, notes=notes) for seat in seats]
    del occurrences
    return views


def home_groups(session: Session, user_id: int, *, now: datetime | None = None) -> list[GroupView]:
    """The groups the home page shows: those still to meet, and those that met and wait for the
    person to say how it went."""
    now = now or utcnow()
    views = resident_views(session, groups_for_user(session, user_id, home=True), now=now)
    return [v for v in views if v.group.status in ACTIVE_GROUPS or v.feedback_open]
