"""Why this group, for the person reading: only the interests they picked that others in the group
share, and how far the meeting place is from them; never a score, never someone else's interest."""

from __future__ import annotations

from typing import Iterable, NamedTuple

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.reasons import reader_reason
from store.events.models import Occurrence
from store.groups.models import ACTIVE_SEATS, Group, GroupStatus, SeatStatus
from store.places.points import distance_km
from store.profiles.blocks import ProfileBlocks
from store.profiles.models import Profile
from store.profiles.taxonomy import interest_label, number_word

__all__ = ["reason_for", "reason_facts", "ReasonFacts", "group_compatibility"]


def _companions(group: Group, user_id: int) -> list[int]:
    """Whom the reader is being grouped with: those still invited or coming (after the meeting,
    those who said yes; for a group that did not go ahead, everyone it was offered to)."""
    wanted = (SeatStatus.ACCEPTED,) if group.accepted and group.status == GroupStatus.MET else ACTIVE_SEATS
    ids = [s.user_id for s in group.seats if s.status in wanted and s.user_id != user_id]
    return ids or [s.user_id for s in group.seats if s.user_id != user_id and s.status != SeatStatus.DECLINED]


class ReasonFacts(NamedTuple):
    """What a reason is written from, per person: their interests and their coarse home point."""

    interests: list
    home: tuple[float, float] | None


def reason_facts(session: Session, user_ids: Iterable[int]) -> dict[int, ReasonFacts]:
    """The facts :func:`reason_for` needs for each of ``user_ids``, in one query of three columns."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = session.execute(select(Profile.user_id, Profile.interests, Profile.home_lat, Profile.home_lon)
                           .where(Profile.user_id.in_(ids)))
    return {uid: ReasonFacts(list(interests or []), (lat, lon) if lat is not None and lon is not None else None)
            for uid, interests, lat, lon in rows}


def reason_for(session: Session, group: Group, user_id: int, *, facts: dict[int, ReasonFacts] | None = None) -> str:
    """The reason ``user_id`` reads for ``group`` (on the group page, the home page, the offer).

    ``facts`` (from :func:`reason_facts`) may hold everyone's facts already, for a page that shows
    several groups; otherwise they are read here."""
    others = _companions(group, user_id)
    if facts is None:
        facts = reason_facts(session, [user_id, *others])
    mine = facts.get(user_id)
    occurrence = session.get(Occurrence, group.occurrence_id)
    event = occurrence.event
    point = event.point
    trip = None
    if mine is not None and mine.home is not None and point is not None:
        trip = distance_km(mine.home, point)
    why = reader_reason(
        mine.interests if mine else [],
        [facts[u].interests for u in others if u in facts],
        label=lambda key: interest_label(key).lower(), venue=event.place_name, trip_km=trip,
    )
    met = _met_before(session, group, user_id, others)
    return f"{met} {why}" if met else why


def _met_before(session: Session, group: Group, user_id: int, others: list[int]) -> str:
    """For a group that keeps meeting, whom the reader met at its last meeting: "" otherwise."""
    if group.continues_id is None or not others:
        return ""
    before = session.get(Group, group.continues_id)
    came = {s.user_id for s in before.seats if s.status == SeatStatus.ACCEPTED} if before else set()
    if user_id not in came:
        return ""
    known = sum(u in came for u in others)
    if known == 0:
        return ""
    if known == len(others):
        return "You've all met before, last time." if known > 1 else "You've met before, last time."
    return f"You met {number_word(known)} of them last time; the others are filling a gap."


def group_compatibility(blocks: ProfileBlocks, user_ids: list[int]) -> float:
    """How well a group's interests match: the mean cosine over its pairs of members, 0 to 1
    (pairs where someone gave no interests count as no match). The compatibility floor
    (setting ``group_floor``) is measured on this."""
    if len(user_ids) < 2:
        return 0.0
    X = blocks.interests(list(user_ids))
    norms = np.linalg.norm(X, axis=1)
    U = np.divide(X, norms[:, None], out=np.zeros_like(X, dtype=float), where=norms[:, None] > 0)
    S = U @ U.T
    n = len(user_ids)
    return float((S.sum() - np.trace(S)) / (n * (n - 1)))
