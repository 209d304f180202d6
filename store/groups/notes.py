"""Meeting notes (reading them): an organiser's few words so that strangers find each other ("look for the Hearth
sign by the window"), for one group or for every group at a date; shown to its members only."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core.errors import HearthError
from store.groups.models import NOTE_LENGTH, Group, MeetingNote

__all__ = ["notes_for_dates", "NoteError", "DATE_KEY", "clean_note", "meeting_note", "note_row"]

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


def notes_for_dates(session: Session, occurrence_ids) -> dict[tuple[int, str], str]:
    """Every note of these dates, by (date, group key): for a page that shows several groups."""
    ids = list(set(occurrence_ids))
    if not ids:
        return {}
    return {(o, k): t for o, k, t in session.execute(
        select(MeetingNote.occurrence_id, MeetingNote.group_key, MeetingNote.text)
        .where(MeetingNote.occurrence_id.in_(ids)))}


def meeting_note(session: Session, group: Group, *, notes: dict[tuple[int, str], str] | None = None) -> str:
    """The note a group's members read: the group's own, else its date's, else empty.

    ``notes`` (from :func:`notes_for_dates`) may hold the date's notes already."""
    if notes is None:
        notes = notes_for_dates(session, [group.occurrence_id])
    return notes.get((group.occurrence_id, str(group.id))) or notes.get((group.occurrence_id, DATE_KEY), "")
