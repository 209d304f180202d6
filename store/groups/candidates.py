"""Who can be grouped for a date: the candidates, their needs, spacing and seats."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import String, and_, cast, exists, func, select
from sqlalchemy.orm import Session

from matcher.defaults import GROUP_SIZE, TRAVEL_KM
from matcher.groups import Members
from matcher.slots import time_slot
from store.accounts.models import User
from store.core.db import utcnow
from store.events.models import HOLDS_SEAT, Event, Occurrence, SignUp, SignupStatus
from store.events.needs import event_offers, person_needs
from store.events.signups import seats_taken
from store.events.times import to_local, zone
from store.groups.models import (
    ACTIVE_GROUPS,
    ACTIVE_SEATS,
    Group,
    GroupMember,
    GroupStatus,
    SeatStatus,
)
from store.places.points import distance_km
from store.profiles.blocks import ProfileBlocks
from store.profiles.models import Profile
from store.profiles.taxonomy import prefers_new
from store.social.isolation import isolated_among

__all__ = [
    "DEFAULT_TRAVEL_KM", "MATCH_SIZE", "Candidate", "slot_key", "venue_features", "upcoming_slots",
    "candidates_for", "eligible", "still_eligible", "matcher_members", "past_groups",
]

#: Hearth's defaults, from their one home (``matcher.defaults``): the same objects the ranker and the
#: matcher use.
DEFAULT_TRAVEL_KM = TRAVEL_KM

MATCH_SIZE = GROUP_SIZE

#: Offers need time to be answered: no new groups for what starts sooner than this.
LEAD_TIME = timedelta(hours=24)

HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Candidate:
    user_id: int
    lat: float
    lon: float
    travel_km: float
    km_to_venue: float
    signed_up: bool        # has a confirmed seat for the date
    placed_before: bool
    prefers_new: float
    waiting: bool = False  # on the date's waiting list: needs a free seat, but asked for this date
    isolated: bool = False  # few ties met, or a check-in that says so (``store.social.isolation``)

    def first(self, isolated_first: bool = True) -> bool:
        """Whether Hearth offers this person a group before the others: never placed before, or
        (unless ``isolated_first`` is off, as a bench's ablation does) isolated."""
        return not self.placed_before or (isolated_first and self.isolated)


def slot_key(occurrence: Occurrence) -> str:
    """The weekday-and-part-of-day slot of an occurrence on its event's own clock, e.g. ``fri_evening``.

    The rule is :func:`matcher.slots.time_slot` (night hours count as the evening before).
    """
    return time_slot(occurrence.starts_at, zone(occurrence.event.timezone))


def venue_features(event: Event) -> frozenset[str]:
    """What the meeting place offers, in the words profiles use for needs (``store.events.needs``)."""
    return event_offers(event)


def _needs(profile: Profile, kind: str) -> frozenset[str]:
    return person_needs(profile, kind)


def upcoming_slots(
    session: Session, *, centre_id: int | None = None, now: datetime | None = None
) -> list[Occurrence]:
    """Occurrences worth matching for: not cancelled, starting between a day and two weeks away."""
    now = now or utcnow()
    query = (
        select(Occurrence)
        .join(Event, Occurrence.event_id == Event.id)
        .where(
            Occurrence.starts_at >= now + LEAD_TIME,
            Occurrence.starts_at <= now + HORIZON,
            Occurrence.cancelled_at.is_(None),
            Event.cancelled_at.is_(None),
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    )
    if centre_id is not None:
        query = query.where(Event.centre_id == centre_id)
    return list(session.scalars(query))


def _placed_user_ids(session: Session, occurrence_id: int) -> set[int]:
    """People who already hold an offer or a seat in a live group for this occurrence."""
    rows = session.scalars(
        select(GroupMember.user_id)
        .join(Group, GroupMember.group_id == Group.id)
        .where(
            Group.occurrence_id == occurrence_id,
            Group.status.in_(ACTIVE_GROUPS),
            GroupMember.status.in_(ACTIVE_SEATS),
        )
    )
    return set(rows)

#: However often someone wants to meet, at most one live group offer within this many days.
SPACING_DAYS = {"weekly": 5, "fortnightly": 12, "monthly": 25, "occasionally": 40}

DEFAULT_SPACING_DAYS = 5


def _busy_around(session: Session, occurrence: Occurrence) -> dict[int, float]:
    """For each person with a live group near this date: the days between the two dates."""
    window = timedelta(days=max(SPACING_DAYS.values()))
    rows = session.execute(
        select(GroupMember.user_id, Occurrence.starts_at)
        .join(Group, GroupMember.group_id == Group.id)
        .join(Occurrence, Group.occurrence_id == Occurrence.id)
        .where(Group.status.in_(ACTIVE_GROUPS), GroupMember.status.in_(ACTIVE_SEATS),
               Occurrence.id != occurrence.id,
               Occurrence.starts_at.between(occurrence.starts_at - window, occurrence.starts_at + window))
    ).all()
    gaps: dict[int, float] = {}
    for uid, starts in rows:
        gap = abs((starts - occurrence.starts_at).total_seconds()) / 86400
        gaps[uid] = min(gap, gaps.get(uid, gap))
    return gaps


def _declined_user_ids(session: Session, occurrence_id: int) -> set[int]:
    rows = session.scalars(
        select(GroupMember.user_id)
        .join(Group, GroupMember.group_id == Group.id)
        .where(Group.occurrence_id == occurrence_id, GroupMember.status == SeatStatus.DECLINED)
    )
    return set(rows)


def candidates_for(
    session: Session, occurrence: Occurrence, *, now: datetime | None = None, exclude: set[int] = frozenset()
) -> list[Candidate]:
    """Residents who could be offered a group for ``occurrence``.

    Only people who consented to matching and have not paused it, who have a home point and a
    profile vector, who live within their own travel distance of the venue, whose needs the venue
    meets, and who are free then (their availability includes the slot, or they signed up
    already). Nobody who already holds a seat in a group for it, declined one, or cancelled, and
    nobody with another live group closer in time than their chosen frequency allows.
    """
    now = now or utcnow()
    event = occurrence.event
    venue = event.point
    if venue is None:
        return []
    features = venue_features(event)
    slot = slot_key(occurrence)
    today = to_local(now, event.timezone).date()
    signups = {
        s.user_id: s.status
        for s in session.scalars(select(SignUp).where(SignUp.occurrence_id == occurrence.id))
    }
    skip = _placed_user_ids(session, occurrence.id) | _declined_user_ids(session, occurrence.id) | set(exclude)
    busy = _busy_around(session, occurrence)
    placed_ever = exists().where(GroupMember.user_id == Profile.user_id, GroupMember.status == SeatStatus.ACCEPTED)
    # Only the columns the checks read, as plain rows; the lists stored as JSON are decoded only
    # for the people near enough and free of the cheaper checks (a date's neighbourhood holds
    # thousands of homes in a city, and most are further than their own travel distance).
    query = (
        select(Profile.user_id, Profile.home_lat, Profile.home_lon, Profile.travel_km, Profile.paused_until,
               Profile.organiser_paused_until, Profile.frequency, Profile.new_faces,
               *(cast(column, String) for column in (Profile.availability, Profile.wants, Profile.access_needs,
                                                     Profile.dietary)),
               placed_ever.label("placed_ever"))
        .join(User, Profile.user_id == User.id)
        .where(
            Profile.include_in_matching.is_(True),
            Profile.home_lat.is_not(None),
            Profile.vector.is_not(None),
            User.is_active.is_(True),
            User.email_confirmed_at.is_not(None),
            # Only homes near enough to matter are read (the exact distance is checked below): a
            # city's planning reads each date's neighbourhood, not every profile for every date.
            _within_reach(venue),
        )
        .order_by(Profile.user_id)
    )
    out = []
    for (uid, home_lat, home_lon, travel_km, paused_until, organiser_paused_until, frequency, new_faces,
         availability, wants, access_needs, dietary, was_placed) in session.execute(query):
        status = signups.get(uid)
        if uid in skip or status == SignupStatus.CANCELLED:
            continue
        if _paused(paused_until, today) or _paused(organiser_paused_until, today):
            continue  # no offers at all during a pause, even for a date after it ends
        if uid in busy and busy[uid] < SPACING_DAYS.get(frequency or "", DEFAULT_SPACING_DAYS):
            continue  # already has a group close to this date, as often as they asked
        travel = float(travel_km or DEFAULT_TRAVEL_KM)
        km = distance_km((home_lat, home_lon), venue)
        if km > travel:
            continue
        signed_up = status in HOLDS_SEAT
        waiting = status == SignupStatus.WAITLISTED
        if not (signed_up or waiting):
            slots = _listed(availability)
            if slots and slot not in slots:
                continue
            kinds = _listed(wants)
            if kinds and event.kind not in kinds:
                continue
        needs = _Needs(_listed(access_needs), _listed(dietary))
        if not _needs(needs, event.kind) <= features:
            continue
        out.append(Candidate(uid, float(home_lat), float(home_lon), travel, km,
                             signed_up, bool(was_placed), prefers_new(new_faces), waiting))
    isolated = isolated_among(session, [c.user_id for c in out])
    return [dataclasses.replace(c, isolated=True) if c.user_id in isolated else c for c in out]


@dataclass(frozen=True)
class _Needs:
    """The two lists of a profile that say what a venue must offer (what ``person_needs`` reads)."""

    access_needs: list
    dietary: list


def _listed(text: str | None) -> list:
    """A list stored as JSON, read from its text (none stored: empty)."""
    return (json.loads(text) or []) if text else []


def _within_reach(venue: tuple[float, float]):
    """A generous box around ``venue`` for each profile's own travel distance: a cheap test the
    database makes before the exact distance (``distance_km``) is checked on the rows it returns."""
    lat, lon = venue
    travel = func.coalesce(Profile.travel_km, DEFAULT_TRAVEL_KM)
    km_per_lat = 110.0  # a little under the true 111.2 km, so the box is never too small
    edge = min(89.0, abs(lat) + 0.5)
    km_per_lon = max(110.0 * math.cos(math.radians(edge)), 1.0)
    return and_(func.abs(Profile.home_lat - lat) <= travel / km_per_lat,
                func.abs(Profile.home_lon - lon) <= travel / km_per_lon)


def _paused(until, today) -> bool:
    """A pause lasts up to and including its date (the same rule as ``is_matchable``)."""
    return until is not None and until >= today


def past_groups(session: Session, user_ids: set[int], since: datetime) -> list[list[int]]:
    rows = session.execute(
        select(GroupMember.group_id, GroupMember.user_id)
        .join(Group, GroupMember.group_id == Group.id)
        .where(Group.created_at >= since, Group.status.in_((GroupStatus.CONFIRMED, GroupStatus.MET)),
               GroupMember.status == SeatStatus.ACCEPTED)
    ).all()
    groups: dict[int, list[int]] = {}
    for gid, uid in rows:
        if uid in user_ids:
            groups.setdefault(gid, []).append(uid)
    return [members for members in groups.values() if len(members) > 1]


def matcher_members(cands: list[Candidate], blocks: ProfileBlocks, *, isolated_first: bool = True) -> Members:
    """The matcher's members for ``cands``. The matcher places first those not ``placed_before``:
    here everyone :meth:`Candidate.first` puts first (never placed before, or isolated)."""
    ids = [c.user_id for c in cands]
    return Members.from_arrays(
        ids,
        [c.lat for c in cands],
        [c.lon for c in cands],
        blocks.interests(ids),
        values=blocks.values(ids),
        travel_km=[c.travel_km for c in cands],
        placed_before=[not c.first(isolated_first) for c in cands],
        prefers_new=[c.prefers_new for c in cands],
        interest_names=blocks.interest_names,
        value_names=blocks.value_names,
    )


def _within_seats(cands: list[Candidate], free: int, seed: int, isolated_first: bool = True) -> list[Candidate]:
    """Everyone with a seat already, then as many others as there are free seats (each will need a
    seat held for the offer): the date's waiting list first, then those Hearth puts first (never
    placed before, or isolated: :meth:`Candidate.first`), then the nearest."""
    signed = [c for c in cands if c.signed_up]
    others = sorted((c for c in cands if not c.signed_up),
                    key=lambda c: (not c.waiting, not c.first(isolated_first), c.km_to_venue,
                                   (c.user_id * 2654435761 + seed) % 2**32))
    return signed + others[: max(0, free)]


def still_eligible(session: Session, occurrence: Occurrence, cands: list[Candidate], now: datetime) -> list[Candidate]:
    """Of candidates found earlier (by the run that planned the regions), those who may still be
    offered a group: not placed or declined for this date since, still consenting, not paused, still
    here. A cheap check on just these people, instead of finding the whole date's candidates again."""
    if not cands:
        return []
    ids = [c.user_id for c in cands]
    today = to_local(now, occurrence.event.timezone).date()
    skip = _placed_user_ids(session, occurrence.id) | _declined_user_ids(session, occurrence.id)
    ok = set(session.scalars(
        select(Profile.user_id).join(User, Profile.user_id == User.id)
        .where(Profile.user_id.in_(ids), Profile.include_in_matching.is_(True), User.is_active.is_(True),
               Profile.paused_until.is_(None) | (Profile.paused_until < today),
               Profile.organiser_paused_until.is_(None) | (Profile.organiser_paused_until < today))
    ))
    return [c for c in cands if c.user_id in ok and c.user_id not in skip]


def eligible(session: Session, occurrence: Occurrence, now: datetime, seed: int, *,
             isolated_first: bool = True) -> list[Candidate]:
    """The date's candidates within its free seats (``_within_seats``)."""
    free = occurrence.event.capacity - seats_taken(session, occurrence.id)
    return _within_seats(candidates_for(session, occurrence, now=now), free, seed, isolated_first)


def mean_compatibility(blocks: ProfileBlocks, user_id: int, others: list[int]) -> float:
    """Mean cosine of interest vectors between ``user_id`` and ``others`` (0 when unknown)."""
    if not others:
        return 0.0
    mine = blocks.interests([user_id])[0]
    theirs = blocks.interests(others)
    norms = np.linalg.norm(theirs, axis=1) * (np.linalg.norm(mine) or 1.0)
    sims = np.divide(theirs @ mine, norms, out=np.zeros(len(others)), where=norms > 0)
    return float(sims.mean())
