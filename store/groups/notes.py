"""Meeting notes (reading them): an organiser's few words so that strangers find each other ("look for the Hearth
sign by the window"), for one group or for every group at a date; shown to its members only."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.errors import HearthError
from store.groups.models import NOTE_LENGTH, Group, MeetingNote

__all__ = ["NoteError", "DATE_KEY", "clean_note", "meeting_note", "note_row"]

#: ``MeetingNote.group_key`` of a note for every group meeting at a date.
DATE_KEY = "date"


class NoteError(HearthError):
    """A note that cannot be kept as written; the message is safe to show the organiser."""


def clean_note(text: str | None) -> str:
    """The note as stored: trimmed, one space between words, checked; raises ``NoteError``.

    >>> clean_note("  Look for the   Hearth sign ")
    'Look for the Hearth sign'
    """
    text = " ".join((text or "").split())
    if len(text) > NOTE_LENGTH:
        raise NoteError(f"Please keep the note to {NOTE_LENGTH} characters (it has {len(text)}).", field="note")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text):
        raise NoteError("The note has characters that can't be shown; please type it again.", field="note")
    return text


def note_row(session: Session, occurrence_id: int, group_id: int | None) -> MeetingNote | None:
    key = DATE_KEY if group_id is None else str(group_id)
    return session.scalar(select(MeetingNote).where(MeetingNote.occurrence_id == occurrence_id,
                                                     MeetingNote.group_key == key))


def meeting_note(session: Session, group: Group) -> str:
    """The note a group's members read: the group's own, else its date's, else empty."""
    rows = {r.group_key: r.text for r in session.scalars(
        select(MeetingNote).where(MeetingNote.occurrence_id == group.occurrence_id,
                                  MeetingNote.group_key.in_((str(group.id), DATE_KEY))))}
    return rows.get(str(group.id)) or rows.get(DATE_KEY, "")
