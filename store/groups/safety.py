"""Keeping people apart who asked to be, and the organisers' pause: what each does to live groups.

The rules (README, "Blocks, reports and pauses"):

- Blocking someone, or reporting them with "never group me", takes the pair out of every live
  group they share: the person blocked leaves quietly (their message says only that the group
  changed, never why), and their place is refilled like a decline. The blocked person is never
  told. The resident sees the people they asked not to be grouped with, and can undo it.
- An organiser's pause keeps the person out of matching until a date and takes them out of every
  group that is not confirmed yet (and out of every unanswered offer); it never changes the
  resident's own pause, shows to organisers as "paused until ...", and can be lifted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import User
from store.core.db import utcnow
from store.events.models import Occurrence
from store.groups.models import ACTIVE_GROUPS, ACTIVE_SEATS, Group, GroupMember, GroupStatus, SeatStatus
from store.groups.offers import GroupError, describe, first_name, free_seat, member_label, refill, seat_of, when_where
from store.messages.notices import send_once
from store.messages.rendering import render
from store.profiles.models import Profile
from store.profiles.operations import get_or_create_profile
from store.social.models import Block, Report
from store.social.operations import block, blocks_by, notify_report, report_person

__all__ = [
    "NotGroupedWith", "people_not_grouped_with", "block_person", "report_and_maybe_block", "pause_by_organiser", "lift_organiser_pause", "PAUSE_MAX_DAYS",
    "leave_quietly",
]

#: An organiser's pause lasts at most this long (they can pause again).
PAUSE_MAX_DAYS = 366


def _live_seats(session: Session, user_id: int, now: datetime, statuses=ACTIVE_SEATS) -> list[GroupMember]:
    """``user_id``'s seats in live groups whose meeting has not started."""
    return list(session.scalars(
        select(GroupMember).join(Group, GroupMember.group_id == Group.id)
        .join(Occurrence, Group.occurrence_id == Occurrence.id)
        .where(GroupMember.user_id == user_id, GroupMember.status.in_(statuses),
               Group.status.in_(ACTIVE_GROUPS), Occurrence.starts_at > now)
        .order_by(Group.id)
    ))


def leave_quietly(session: Session, settings: Settings, seat: GroupMember, *, now: datetime) -> bool:
    """Take ``seat``'s person out of its group without saying why ("the group changed"), and
    refill or shrink the group as after a decline. Returns whether the group needs rematching."""
    group = seat.group
    free_seat(session, settings, seat, SeatStatus.WITHDRAWN, now=now)
    when, what = when_where(session, group)
    send_once(
        session, f"changed:{group.id}:{seat.user_id}", seat.user, kind="group",
        content=render("group_changed", name=first_name(seat.user), what=what, when=when),
    )
    return refill(session, settings, group, now=now)


def block_person(session: Session, settings: Settings, blocker: User, blocked_id: int, *,
                 group_id: int | None = None, now: datetime | None = None) -> tuple[Block, list[int]]:
    """Never group ``blocker`` with ``blocked_id`` again, and take ``blocked_id`` out of every live
    group the two share. Returns the block and the dates whose groups need rematching."""
    now = now or utcnow()
    row = block(session, blocker, blocked_id, group_id=group_id)
    mine = {s.group_id for s in _live_seats(session, blocker.id, now)}
    rematch = []
    for seat in _live_seats(session, blocked_id, now):
        if seat.group_id in mine and leave_quietly(session, settings, seat, now=now):
            rematch.append(seat.group.occurrence_id)
    return row, rematch


def report_and_maybe_block(session: Session, settings: Settings, reporter: User, reported_id: int, reason: str, *,
                           centre_id: int | None, group_id: int | None, never_group: bool,
                           now: datetime | None = None) -> tuple[Report, list[int]]:
    """File a report for the organisers (the person is not told), tell the organisers a report is
    waiting, and with ``never_group`` block the person as ``block_person`` does."""
    report = report_person(session, reporter, reported_id, reason, centre_id=centre_id, group_id=group_id)
    notify_report(session, settings, report)
    rematch: list[int] = []
    if never_group:
        _, rematch = block_person(session, settings, reporter, reported_id, group_id=group_id, now=now)
    return report, rematch


def pause_by_organiser(session: Session, settings: Settings, user_id: int, *, days: int, by: User,
                       now: datetime | None = None) -> tuple[date, list[int]]:
    """Keep ``user_id`` out of matching for ``days`` days (an organiser's pause, after a report).

    Takes them out of every unanswered offer and every group not confirmed yet; a confirmed group
    they said yes to stays as it is. Returns the last day of the pause and the dates to rematch.
    """
    if not 1 <= int(days) <= PAUSE_MAX_DAYS:
        raise GroupError(f"Please choose a pause of 1 to {PAUSE_MAX_DAYS} days.")
    now = now or utcnow()
    profile = get_or_create_profile(session, user_id)
    until = now.date() + timedelta(days=int(days))
    profile.organiser_paused_until = max(profile.organiser_paused_until or until, until)
    profile.organiser_paused_by_id = by.id
    session.flush()
    rematch = []
    for seat in _live_seats(session, user_id, now):
        if seat.status == SeatStatus.OFFERED or seat.group.status == GroupStatus.PROPOSED:
            if leave_quietly(session, settings, seat, now=now):
                rematch.append(seat.group.occurrence_id)
    return profile.organiser_paused_until, rematch


def lift_organiser_pause(session: Session, user_id: int) -> bool:
    """End an organiser's pause; returns whether there was one. The resident's own pause stays."""
    profile = session.scalar(select(Profile).where(Profile.user_id == user_id))
    if profile is None or profile.organiser_paused_until is None:
        return False
    profile.organiser_paused_until = profile.organiser_paused_by_id = None
    session.flush()
    return True



@dataclass(frozen=True)
class NotGroupedWith:
    """One person a resident asked not to be grouped with, as that resident may see them."""

    block_id: int
    label: str               # their first name where they agreed to show it, else "A neighbour"
    where_met: str | None    # "Games afternoon, Tuesday 3 December at 2pm", when it came from a group


def people_not_grouped_with(session: Session, user_id: int) -> list[NotGroupedWith]:
    """The resident's own list of blocks, newest first, labelled as group pages label people."""
    out = []
    for row in blocks_by(session, user_id):
        other = session.get(User, row.blocked_id)
        label = member_label(other, session.scalar(select(Profile).where(Profile.user_id == row.blocked_id)))
        where = None
        if row.group_id is not None and seat_of(session, row.group_id, user_id) is not None:
            info = describe(session, session.get(Group, row.group_id))
            where = f"{info['title']}, {info['when']}"
        out.append(NotGroupedWith(row.id, label, where))
    return out
