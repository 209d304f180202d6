"""The matching call: candidates of a date split into regions, matched, offered."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Callable

import numpy as np
from sqlalchemy.orm import Session

from config import Settings
from matcher.groups import Venues, form_groups
from matcher.regions import keep_together, split_regions
from store.core.db import utcnow
from store.events.holds import hold_seat, release_hold
from store.events.models import EventError, Occurrence
from store.events.signups import lock_occurrence
from store.groups.candidates import (
    MATCH_SIZE,
    Candidate,
    matcher_members,
    past_groups,
    still_eligible,
    venue_features,
)
from store.groups.continuing import CONTINUING_REASON, standing_plans
from store.groups.continuing import eligible_with_cores  # the seat limit and the regions never split a standing group
from store.groups.models import (
    Group,
    GroupMember,
)
from store.groups.offers import offer_group
from store.groups.reasons import group_compatibility
from store.profiles.blocks import profile_blocks
from store.social.operations import blocked_pairs, tie_pairs

__all__ = ["FANOUT_SIZE", "LEFT_OUT", "exact_options", "floor_of", "plan_regions", "run_matching"]

#: Above this many candidates, a run is shared out by region (one task per region at scale).
FANOUT_SIZE = 600

#: The key of ``run_matching``'s counts that lists who was left out by the compatibility floor
#: (user ids, for recommending them events); the job takes it out before the counts are stored.
LEFT_OUT = "left_out"


def floor_of(settings: Settings) -> float:
    """The compatibility floor as a fraction (setting ``group_floor``, a percentage): no group whose
    members' interests match less than this on average (``group_compatibility``) is offered."""
    return settings.group_floor / 100.0


def _regions(cands: list[Candidate], region_size: int, together: list[set[int]] = ()) -> list[list[Candidate]]:
    """Compact regions of at most ``region_size`` candidates (a few more where a standing group's
    members, ``together``, are kept in one)."""
    by_id = {c.user_id: c for c in cands}
    ids = split_regions([c.user_id for c in cands], [c.lat for c in cands], [c.lon for c in cands], region_size)
    return [[by_id[i] for i in region] for region in keep_together(ids, together)]


def plan_regions(
    session: Session, occurrence_id: int, *, region_size: int = FANOUT_SIZE, seed: int = 0,
    now: datetime | None = None, isolated_first: bool = True,
) -> list[list[dict]]:
    """The candidates of an occurrence, found once and split once into compact regions, for
    sharing a large run out as one task per region. Each region is a list of plain candidate
    records (``run_matching(region=...)`` takes one back), so a region's task needs no search of
    the whole date. ``run_matching`` without ``region`` uses the same split: same groups."""
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None or occurrence.is_cancelled:
        return []
    cands, cores = eligible_with_cores(session, occurrence, now or utcnow(), seed, isolated_first=isolated_first)
    return [[dataclasses.asdict(c) for c in region] for region in _regions(cands, region_size, cores)]


def run_matching(
    session: Session,
    settings: Settings,
    occurrence_id: int,
    *,
    run_id: int | None = None,
    mode: str = "new",
    size: tuple[int, int] = MATCH_SIZE,
    seed: int = 0,
    region: list[dict] | None = None,
    region_size: int = FANOUT_SIZE,
    now: datetime | None = None,
    progress: Callable | None = None,
) -> dict:
    """Form groups for one occurrence among the people not yet placed, and offer them.

    Large candidate sets are matched region by region (compact regions of at most
    ``region_size``); ``region`` (one of ``plan_regions``'s) restricts the run to that region's
    people, as a fanned-out task does, checking only that they may still be offered a group. Small regions
    also get the exact path for ``settings.match_exact_seconds`` (see :func:`exact_options`);
    ``proven_optimal`` counts the regions whose groups it proved best. Safe to run twice: people already holding an offer or a seat are not candidates again,
    so a second run for the same occurrence creates nothing new. Returns counts for the run record.
    """
    now = now or utcnow()
    occurrence = lock_occurrence(session, occurrence_id)  # one run per occurrence at a time
    if occurrence is None or occurrence.is_cancelled or occurrence.starts_at <= now:
        return {"candidates": 0, "groups": 0, "offered": 0, "unplaced": 0, "skipped": "not open"}
    if region is not None:
        regions = [still_eligible(session, occurrence, [Candidate(**c) for c in region], now)]
    else:
        cands, cores = eligible_with_cores(session, occurrence, now, seed, isolated_first=settings.match_isolated_first)
        regions = _regions(cands, region_size, cores)
    counts = {"candidates": sum(len(r) for r in regions), "groups": 0, "offered": 0, "unplaced": 0,
              "below_floor": 0, "regions": len(regions), "proven_optimal": 0}
    objectives, left_out = [], []
    for region in regions:
        region, kept, standing = _continue_standing(session, settings, occurrence, region, run_id=run_id, mode=mode,
                                                    size=size, now=now)
        counts["continued"] = counts.get("continued", 0) + standing
        counts["groups"] += standing
        counts["offered"] += kept
        placed, groups, objective, below, proven = _match_region(
            session, settings, occurrence, region, run_id=run_id, mode=mode, size=size, seed=seed, now=now,
            progress=progress)
        counts["groups"] += groups
        counts["offered"] += placed
        counts["unplaced"] += len(region) - placed
        counts["below_floor"] += len(below)
        counts["proven_optimal"] += proven
        left_out += below
        if objective is not None:
            objectives.append((objective, len(region)))
    if objectives:
        counts["objective"] = round(sum(o * n for o, n in objectives) / sum(n for _, n in objectives), 4)
    if left_out:
        counts[LEFT_OUT] = sorted(left_out)
    return counts


def exact_options(settings: Settings, candidates: int) -> dict:
    """How much of the exact path a date's region gets: ``HEARTH_MATCH_EXACT_SECONDS`` each, and
    only up to ``HEARTH_MATCH_EXACT_UP_TO`` candidates (the size the exact path proves quickly,
    see ``bench.groups_exact_size``), so planning a whole city stays near the search's speed."""
    seconds = float(settings.match_exact_seconds)
    if seconds <= 0 or candidates > settings.match_exact_up_to:
        return {"exact": False}
    return {"exact": "auto", "exact_time_limit": seconds}


def _match_region(session, settings, occurrence, cands, *, run_id, mode, size, seed, now, progress):

    if len(cands) < size[0]:
        return 0, 0, None, [], False
    blocks = profile_blocks(session, [c.user_id for c in cands])
    members = matcher_members(cands, blocks, isolated_first=settings.match_isolated_first)
    if not settings.match_newcomers_first:  # the priority off (a bench ablation): nobody is put first
        members = dataclasses.replace(members, placed_before=np.ones(len(members.ids), dtype=bool))
    ids = set(members.ids)
    event = occurrence.event
    venue = Venues.from_arrays([event.place_name], [event.point[0]], [event.point[1]], [venue_features(event)])
    grouping = form_groups(
        members, size=size, mode=mode, ties=tie_pairs(session, ids), blocks=blocked_pairs(session),
        past_groups=past_groups(session, ids, now - timedelta(days=120)), venues=venue, seed=seed,
        progress=progress, **exact_options(settings, len(members)),
    )
    placed = formed = 0
    below, floor = [], floor_of(settings)
    for found in grouping.groups:
        member_ids = [int(uid) for uid in found.members]
        if floor > 0 and group_compatibility(blocks, member_ids) < floor:
            below += member_ids  # too little in common to offer: they get events recommended instead
            continue
        held = _offer_group_of(session, settings, occurrence, member_ids, run_id=run_id, size=size, now=now,
                               score=float(found.score), reason=found.reason, farthest_km=float(found.farthest_km))
        if held:
            placed += len(held)
            formed += 1
    return placed, formed, float(grouping.objective.mean), below, bool(grouping.proven_optimal)


def _offer_group_of(session, settings, occurrence, member_ids, *, run_id, size, now, score, reason, farthest_km,
                    continues_id=None) -> list[int]:
    """Form one group of ``member_ids`` at ``occurrence``, hold their seats and offer it; the members
    offered, or none when too few seats are left for it (then the group is not kept)."""
    group = Group(
        centre_id=occurrence.event.centre_id, occurrence_id=occurrence.id, run_id=run_id,
        size_min=size[0], size_max=size[1], score=score, reason=reason, farthest_km=farthest_km,
        continues_id=continues_id,
    )
    session.add(group)
    session.flush()
    held = _hold_seats(session, settings, occurrence, group, member_ids, now)
    if len(held) < size[0]:
        session.delete(group)  # too few seats left for it: nobody is offered a group without one
        session.flush()
        return []
    for uid in held:
        session.add(GroupMember(group_id=group.id, user_id=uid))
    session.flush()
    session.refresh(group)
    offer_group(session, settings, group)
    return held


def _continue_standing(session, settings, occurrence, cands, *, run_id, mode, size, now):
    """Offer the standing groups first (``store.groups.continuing``): the candidates left for the
    matcher, and how many were offered a place in how many standing groups."""
    placed, formed, taken = 0, 0, set()
    for source, member_ids in standing_plans(session, occurrence, cands, size=size, mode=mode, now=now,
                                             isolated_first=settings.match_isolated_first):
        blocks = profile_blocks(session, member_ids)
        by_id = {c.user_id: c for c in cands}
        held = _offer_group_of(session, settings, occurrence, member_ids, run_id=run_id, size=size, now=now,
                               score=group_compatibility(blocks, member_ids), reason=CONTINUING_REASON,
                               farthest_km=max(by_id[u].km_to_venue for u in member_ids), continues_id=source.id)
        if held:
            placed += len(held)
            formed += 1
            taken |= set(member_ids)
    return [c for c in cands if c.user_id not in taken], placed, formed


def _hold_seats(session, settings, occurrence, group, user_ids, now) -> list[int]:
    """Hold a seat for each member who has none; those for whom no seat is left are not offered.
    If the group cannot go ahead, the holds made for it are given back."""
    held = []
    for uid in user_ids:
        try:
            hold_seat(session, occurrence, uid, group.id)
        except EventError:
            continue
        held.append(uid)
    if len(held) < group.size_min:
        for uid in held:
            release_hold(session, settings, occurrence, uid, now=now)
    return held
