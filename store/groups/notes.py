"""Meeting notes: an organiser's few words so that strangers find each other ("look for the Hearth
sign by the window"), for one group or for every group at a date; shown to its members only."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.models import User
from store.core.db import utcnow
from store.events.models import Occurrence
from store.groups.models import NOTE_LENGTH, Group, MeetingNote
from store.groups.offers import GroupError

__all__ = ["DATE_KEY", "clean_note", "meeting_note", "note_row", "set_meeting_note"]

#: ``MeetingNote.group_key`` of a note for every group meeting at a date.
DATE_KEY = "date"


def clean_note(text: str | None) -> str:
    """The note as stored: trimmed, one space between words, checked; raises ``GroupError``.

    >>> clean_note("  Look for the   Hearth sign ")
    'Look for the Hearth sign'
    """
    text = " ".join((text or "").split())
    if len(text) > NOTE_LENGTH:
        raise GroupError(f"Please keep the note to {NOTE_LENGTH} characters (it has {len(text)}).", field="note")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text):
        raise GroupError("The note has characters that can't be shown; please type it again.", field="note")
    return text


def note_row(session: Session, occurrence_id: int, group_id: int | None) -> MeetingNote | None:
    key = DATE_KEY if group_id is None else str(group_id)
    return session.scalar(select(MeetingNote).where(MeetingNote.occurrence_id == occurrence_id,
                                                     MeetingNote.group_key == key))


def set_meeting_note(session: Session, organiser: User, *, occurrence_id: int, group_id: int | None = None,
                     text: str | None, now: datetime | None = None) -> MeetingNote | None:
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
    row.text, row.written_by_id, row.updated_at = text, organiser.id, now or utcnow()
    session.flush()
    return row


def meeting_note(session: Session, group: Group) -> str:
    """The note a group's members read: the group's own, else its date's, else empty."""
    rows = {r.group_key: r.text for r in session.scalars(
        select(MeetingNote).where(MeetingNote.occurrence_id == group.occurrence_id,
                                  MeetingNote.group_key.in_((str(group.id), DATE_KEY))))}
    return rows.get(str(group.id)) or rows.get(DATE_KEY, "")
