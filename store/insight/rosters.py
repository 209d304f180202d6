"""A date's list for organisers to print or take away: the same rows as the list page, as a
table, a CSV and an OpenDocument spreadsheet.

Privacy: a person appears only as the list shows them (their first name where they agreed to
share it with centres, otherwise their pseudonym, ``store.events.signups.organiser_names``);
no email, phone, address, distance or note ever leaves in an export.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from config import Settings
from store.core.db import utcnow
from store.events.models import Occurrence, SignupStatus
from store.events.signups import organiser_names, roster
from store.events.times import describe_time, to_local
from store.events.words import organiser_seat_words, roster_name
from store.insight.ods import ods_bytes

__all__ = ["ROSTER_HEADER", "RosterTable", "roster_table", "roster_csv", "roster_ods", "roster_filename", "safe_cell"]

ROSTER_HEADER = ("Name", "Status", "Waiting list place", "Signed up", "Checked in")


@dataclass(frozen=True)
class RosterTable:
    """A date's list: a title ("Tuesday lunch club, Tuesday 8 December at 12:30") and its rows."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple]


def roster_table(session: Session, settings: Settings, occurrence: Occurrence) -> RosterTable:
    """Everyone on a date's list, in the list's order: name as organisers see it, their place in
    words, their waiting-list number, when they signed up and were checked in (the event's clock)."""
    event = occurrence.event
    tz = event.timezone
    signups = roster(session, occurrence.id)
    names = organiser_names(session, settings, signups)
    rows, place = [], 0
    for signup in signups:
        waiting = signup.status == SignupStatus.WAITLISTED
        place += waiting
        stamp = signup.confirmed_at or signup.waitlisted_at or signup.created_at
        rows.append((
            roster_name(names[signup.user_id], signup.guests),
            organiser_seat_words(signup, place if waiting else None),
            place if waiting else "",
            to_local(stamp, tz).strftime("%Y-%m-%d %H:%M"),
            to_local(signup.checked_in_at, tz).strftime("%Y-%m-%d %H:%M") if signup.checked_in_at else "",
        ))
    return RosterTable(f"{event.title}, {describe_time(occurrence.starts_at, tz)}", ROSTER_HEADER, rows)


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def roster_csv(table: RosterTable) -> str:
    """The list as CSV (a header row, then one row a person)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows([safe_cell(v) for v in row] for row in table.rows)
    return out.getvalue()


def roster_ods(table: RosterTable, *, now: datetime | None = None) -> bytes:
    """The list as an OpenDocument spreadsheet: one sheet, the header in bold."""
    return ods_bytes([("Sign-ups", [table.header, *table.rows])], title=table.title, now=now or utcnow())


def roster_filename(occurrence: Occurrence, extension: str) -> str:
    """``sign-ups-12-2026-12-08.csv``: the event and the date, nothing about anyone on it."""
    return f"sign-ups-{occurrence.event_id}-{occurrence.local_date.isoformat()}.{extension}"
