"""An organiser writing a meeting note for a group or a date: kept once, and its members told
(each once per version of the note), so that strangers find each other on the day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.core.db import utcnow
from store.events.models import Occurrence
from store.groups.models import ACTIVE_GROUPS, ACTIVE_SEATS, Group, MeetingNote
from store.groups.notes import DATE_KEY, clean_note, meeting_note, note_row
from store.groups.offers import first_name, when_where
from store.messages import links
from store.messages.notices import send_once
from store.messages.rendering import render

__all__ = ["centre_of_date", "set_meeting_note", "groups_of_date"]


def centre_of_date(session: Session, occurrence_id: int) -> int | None:
    """The centre a date belongs to (whose organisers may write its notes), or ``None``."""
    occurrence = session.get(Occurrence, occurrence_id)
    return occurrence.event.centre_id if occurrence is not None else None


def groups_of_date(session: Session, occurrence_id: int) -> list[Group]:
    """The groups still meeting at a date (proposed or confirmed), oldest first."""
    return list(session.scalars(select(Group).where(Group.occurrence_id == occurrence_id,
                                                   Group.status.in_(ACTIVE_GROUPS)).order_by(Group.id)))


def set_meeting_note(session: Session, settings: Settings, organiser: User, *, occurrence_id: int,
                     group_id: int | None = None, text: str | None,
                     now: datetime | None = None) -> MeetingNote | None:
    """Write (or, with empty ``text``, remove) the note of a group or of a whole date. Only an
    organiser of the date's centre may; others get ``LookupError`` (the caller answers 404)."""
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None or not organiser.is_organiser or not organiser.organises(occurrence.event.centre_id):
        raise LookupError(occurrence_id)
    if group_id is not None:
        group = session.get(Group, group_id)
        if group is None or group.occurrence_id != occurrence_id:
            raise LookupError(group_id)
    text = clean_note(text)
    row = note_row(session, occurrence_id, group_id)
    if not text:
        if row is not None:
            session.delete(row)
            session.flush()
        return None
    if row is None:
        row = MeetingNote(occurrence_id=occurrence_id, group_id=group_id,
                          group_key=DATE_KEY if group_id is None else str(group_id))
        session.add(row)
    changed = row.text != text
    row.text, row.written_by_id, row.updated_at = text, organiser.id, now or utcnow()
    session.flush()
    if changed:
        _tell_members(session, settings, occurrence_id, group_id, row)
    return row


def _tell_members(session: Session, settings: Settings, occurrence_id: int, group_id: int | None,
                  row: MeetingNote) -> None:
    """Send the note to everyone invited to or coming with the groups it applies to (a group with
    its own note keeps it when the date's note changes)."""
    for group in groups_of_date(session, occurrence_id):
        if group_id is not None and group.id != group_id:
            continue
        if meeting_note(session, group) != row.text:
            continue  # this group has its own note
        when, what = when_where(session, group)
        for seat in group.seats_in(*ACTIVE_SEATS):
            send_once(
                session, f"note:{group.id}:{seat.user_id}:{row.id}:{row.updated_at.isoformat()}", seat.user,
                kind="group", content=render("group_note", name=first_name(seat.user), what=what, when=when,
                                             note=row.text, group_link=links.group_link(settings, group.id)),
            )


