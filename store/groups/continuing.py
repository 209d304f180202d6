"""Groups that keep meeting: a group whose members want to meet again is offered the next date together.

The rules (one home; README "Groups that keep meeting" says the same):

* **Mostly yes.** After a meeting, each member who went may say, privately, whom they would
  meet again (``MeetAgain``). A member is *keen* when more than half of their answers are yes.
  A group that met is *standing* when more than half of the members who answered are keen and
  at least two keen members said yes to each other. Its *core* is the keen members joined to
  another keen member by such a mutual yes.
* **Who is carried over.** Of the core, only people who are candidates for the new date (they
  consent, are free then, within reach, have no group too close in time: the date's ordinary
  candidates), who have not said "I'd rather meet new people next time" on their seat, and whose
  profile leans to familiar faces or a mix (``store.profiles.taxonomy.faces_leaning``; "a mix",
  the default, stays for at most ``MIX_RUN`` meetings in a row, then meets new people). Nobody is
  put back with someone either of them has blocked or reported, or said "no" to after this
  meeting: of such a pair, the one in more such conflicts (then the later id) is left out.
* **Next suitable date.** The next date of the same event first: a group is continued at
  another event of the same centre only when its own event has no later open date within the
  matching horizon (two weeks). A group is continued once (a continuation that did not go ahead ends the
  run), and only within ``RECENT`` of its meeting.
* **Gaps.** When fewer than the smallest group size are carried over (at least two), the
  matcher adds the most compatible newcomers (``matcher.continuing.fill_group``); if it cannot,
  the members are matched as everyone else is.

Standing groups are offered first, before the matcher forms new groups from the rest.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from matcher.continuing import fill_group
from matcher.groups import Venues
from store.core.db import utcnow
from store.events.models import Occurrence
from store.events.signups import seats_taken
from store.groups.candidates import (
    Candidate,
    _within_seats,
    candidates_for,
    matcher_members,
    past_groups,
    upcoming_slots,
    venue_features,
)
from store.groups.models import ACTIVE_GROUPS, MIX_RUN, Group, GroupMember, GroupStatus, MeetAgain, SeatStatus
from store.groups.offers import respond, seat_of
from store.groups.words import organiser_continuing_words, organiser_group_words
from store.profiles.blocks import profile_blocks
from store.profiles.models import Profile
from store.profiles.taxonomy import faces_leaning
from store.social.models import Block, Report
from store.social.operations import tie_pairs

__all__ = ["CONTINUING_REASON", "MIX_RUN", "RECENT", "keen_core", "meetings_in_a_row", "standing_plans", "can_choose_new",
           "rather_meet_new", "keep_meeting", "date_groups_for_organisers",
           "eligible_standing_first", "eligible_with_cores", "standing_cores"]

#: The stored reason of a standing group (``Group.reason``; readers see their own, ``reason_for``).
CONTINUING_REASON = "Most of this group said they'd like to meet again: offered the next date together."

#: A group is continued only if it met within this long before the new date.
RECENT = timedelta(days=45)


def keen_core(answers: list[tuple[int, int, bool]]) -> set[int]:
    """The members who carry a group over, from its ``(rater, ratee, again)`` answers; empty when
    the group is not mostly yes (see the module's rules).

    >>> keen_core([(1, 2, True), (2, 1, True), (3, 1, False)])
    {1, 2}
    >>> keen_core([(1, 2, True), (2, 1, True), (3, 1, False), (4, 1, False)])  # half keen is not most
    set()
    >>> sorted(keen_core([(1, 2, True), (2, 1, True), (3, 1, True), (3, 2, True), (3, 4, False), (4, 1, False)]))
    [1, 2]
    >>> sorted(keen_core([(1, 2, True), (2, 1, True), (2, 3, True), (3, 2, True), (1, 3, False)]))  # 1: half yes
    [2, 3]
    """
    said: dict[int, list[bool]] = {}
    yes = set()
    for rater, ratee, again in answers:
        said.setdefault(rater, []).append(bool(again))
        if again:
            yes.add((rater, ratee))
    keen = {r for r, a in said.items() if sum(a) * 2 > len(a)}
    if len(said) < 2 or len(keen) * 2 <= len(said):
        return set()
    return {a for a, b in yes if a in keen and b in keen and (b, a) in yes}


def meetings_in_a_row(session: Session, group: Group) -> int:
    """How many meetings this group's run holds up to and including it (1 for a fresh group)."""
    count, seen, current = 1, {group.id}, group
    while current.continues_id is not None and current.continues_id not in seen:
        current = session.get(Group, current.continues_id)
        if current is None:
            break
        seen.add(current.id)
        count += 1
    return count


def _avoid(session: Session, user_ids: set[int]) -> set[frozenset]:
    """Pairs never put back together: a block or a report either way."""
    pairs = set()
    for a, b in session.execute(select(Block.blocker_id, Block.blocked_id).where(
            Block.blocker_id.in_(user_ids) | Block.blocked_id.in_(user_ids))):
        pairs.add(frozenset((a, b)))
    for a, b in session.execute(select(Report.reporter_id, Report.reported_id).where(
            Report.reporter_id.in_(user_ids) | Report.reported_id.in_(user_ids))):
        if a is not None:
            pairs.add(frozenset((a, b)))
    return pairs


def _without_conflicts(core: set[int], conflicts: set[frozenset]) -> set[int]:
    core = set(core)
    while True:
        inside = [p for p in conflicts if len(p) == 2 and p <= core]
        if not inside:
            return core
        counts = Counter(u for p in inside for u in p)
        core.discard(max(counts, key=lambda u: (counts[u], u)))


def _sources(session: Session, occurrence: Occurrence, now: datetime) -> list[Group]:
    """Groups that met and may be continued at ``occurrence``: same centre, met within ``RECENT``
    before it, not continued yet; same event first, another event only if theirs has no open date."""
    event = occurrence.event
    continued = select(Group.continues_id).where(Group.continues_id.is_not(None))
    rows = session.scalars(
        select(Group).join(Occurrence, Group.occurrence_id == Occurrence.id)
        .where(Group.centre_id == event.centre_id, Group.status == GroupStatus.MET,
               Occurrence.starts_at < occurrence.starts_at,
               Occurrence.starts_at >= occurrence.starts_at - RECENT,
               Group.id.not_in(continued))
        .order_by(Occurrence.starts_at.desc(), Group.id)
    ).all()
    if not rows:
        return []
    upcoming = upcoming_slots(session, centre_id=event.centre_id, now=now)
    same, other = [], []
    for g in rows:
        met_at = session.get(Occurrence, g.occurrence_id)
        if met_at.event_id == event.id:
            same.append(g)
        elif not any(o.event_id == met_at.event_id and o.starts_at > met_at.starts_at for o in upcoming):
            other.append(g)  # its own event has no later open date: another of the centre's will do
    return same + other


def _carried(session: Session, group: Group, cands: dict[int, Candidate]) -> set[int]:
    answers = [(a.rater_id, a.ratee_id, a.again) for a in
               session.scalars(select(MeetAgain).where(MeetAgain.group_id == group.id))]
    core = keen_core(answers)
    seats = {s.user_id: s for s in group.accepted}
    core = {u for u in core if u in seats and u in cands and seats[u].rather_new_at is None
            and seats[u].attended is not False}
    if len(core) < 2:
        return set()
    run = meetings_in_a_row(session, group)
    leanings = {p.user_id: faces_leaning(p.new_faces)
                for p in session.scalars(select(Profile).where(Profile.user_id.in_(core)))}
    core = {u for u in core if leanings.get(u) == "familiar" or (leanings.get(u) == "mix" and run < MIX_RUN)}
    conflicts = _avoid(session, core) | {frozenset((r, e)) for r, e, again in answers if not again}
    return _without_conflicts(core, conflicts)


def standing_cores(session: Session, occurrence: Occurrence, cands: list[Candidate], now: datetime) -> list[set[int]]:
    """The members each standing group would carry over to ``occurrence`` among ``cands`` (each
    person in one at most): the people a date's seat limit and its regions must keep together."""
    by_id = {c.user_id: c for c in cands}
    cores: list[set[int]] = []
    carried: set[int] = set()
    for source in _sources(session, occurrence, now):
        core = _carried(session, source, {u: c for u, c in by_id.items() if u not in carried})
        if len(core) >= 2:
            carried |= core
            cores.append(core)
    return cores


def eligible_with_cores(session: Session, occurrence: Occurrence, now: datetime, seed: int, *,
                        isolated_first: bool = True) -> tuple[list[Candidate], list[set[int]]]:
    """The date's candidates within its free seats, as ``candidates.eligible`` finds them, except
    that the members a standing group would carry over come first: the seat limit (which puts
    people never placed before and isolated people ahead) never splits a group that keeps meeting.
    Also returns those groups' cores (:func:`standing_cores`), for keeping each in one region."""
    cands = candidates_for(session, occurrence, now=now)
    cores = standing_cores(session, occurrence, cands, now)
    carried = set().union(*cores)
    free = occurrence.event.capacity - seats_taken(session, occurrence.id)
    first = [c for c in cands if c.user_id in carried]
    free -= sum(not c.signed_up for c in first)
    return first + _within_seats([c for c in cands if c.user_id not in carried], free, seed, isolated_first), cores


def eligible_standing_first(session: Session, occurrence: Occurrence, now: datetime, seed: int, *,
                            isolated_first: bool = True) -> list[Candidate]:
    """:func:`eligible_with_cores` without the cores."""
    return eligible_with_cores(session, occurrence, now, seed, isolated_first=isolated_first)[0]


def standing_plans(session: Session, occurrence: Occurrence, cands: list[Candidate], *,
                   size: tuple[int, int], mode: str = "new",
                   now: datetime | None = None, isolated_first: bool = True) -> list[tuple[Group, list[int]]]:
    """The standing groups that may continue at ``occurrence`` among ``cands`` (the date's
    candidates): ``(the group that met, the members offered the date together)``, newcomers who
    fill a gap included (those Hearth puts first, :meth:`Candidate.first`, before the others), each
    person in at most one. Reads only: ``run_matching`` forms and offers
    them before it matches the rest."""
    now = now or utcnow()
    by_id = {c.user_id: c for c in cands}
    plans: list[tuple[Group, list[int]]] = []
    for source in _sources(session, occurrence, now):
        core = sorted(_carried(session, source, by_id))[: size[1]]
        if len(core) < 2:
            continue
        members = core
        if len(core) < size[0]:
            # newcomers only: nobody of the old group who is not carried over (opted out, wants new
            # people, not keen, or in a conflict) comes back as a "newcomer"
            left = {s.user_id for s in source.seats} - set(core)
            pool = [c for c in by_id.values() if c.user_id not in left]
            ids = {c.user_id for c in pool}
            event = occurrence.event
            venue = Venues.from_arrays([event.place_name], [event.point[0]], [event.point[1]],
                                       [venue_features(event)])
            added = fill_group(
                matcher_members(pool, profile_blocks(session, sorted(ids)), isolated_first=isolated_first), core,
                size=size, venues=venue, mode=mode, blocks=[tuple(p) for p in _avoid(session, ids) if len(p) == 2],
                ties=tie_pairs(session, ids), past_groups=past_groups(session, ids, now - timedelta(days=120)))
            if added is None:
                continue
            members = core + [int(u) for u in added]
        plans.append((source, members))
        for uid in members:
            by_id.pop(uid)
    return plans


def can_choose_new(seat: GroupMember) -> bool:
    """Whether the seat's page shows "I'd rather meet new people next time": a member who went (or
    is going) or who is offered a standing group, and has not said it yet."""
    if seat.rather_new_at is not None or seat.status not in (SeatStatus.ACCEPTED, SeatStatus.OFFERED):
        return False
    group = seat.group
    if seat.status == SeatStatus.OFFERED:
        return group.continues_id is not None and group.status in ACTIVE_GROUPS
    return group.status in (*ACTIVE_GROUPS, GroupStatus.MET)


def rather_meet_new(session: Session, settings: Settings, group_id: int, user, *,
                    now: datetime | None = None) -> bool:
    """"I'd rather meet new people next time": this group is not continued with ``user``; an open
    offer of a standing group is declined as well. Returns whether the date needs rematching.
    Raises ``LookupError`` if they have no seat in the group."""
    now = now or utcnow()
    seat = seat_of(session, group_id, user.id)
    if seat is None or seat.status == SeatStatus.WITHDRAWN:
        raise LookupError(group_id)
    if seat.rather_new_at is not None:
        return False
    offered = seat.status == SeatStatus.OFFERED and seat.group.continues_id is not None
    seat.rather_new_at = now
    session.flush()
    rematch = False
    if offered and seat.group.status in ACTIVE_GROUPS:
        rematch = respond(session, settings, group_id, user, accept=False, now=now)[1]
    # an offer of this group's next date, already made, is declined too (a yes already given stands)
    for later in session.scalars(select(Group).where(Group.continues_id == group_id, Group.status.in_(ACTIVE_GROUPS))):
        mine = seat_of(session, later.id, user.id)
        if mine is not None and mine.status == SeatStatus.OFFERED:
            mine.rather_new_at = now
            rematch = respond(session, settings, later.id, user, accept=False, now=now)[1] or rematch
    return rematch


def keep_meeting(session: Session, group_id: int, user) -> None:
    """Undo "I'd rather meet new people next time" on one's own seat."""
    seat = seat_of(session, group_id, user.id)
    if seat is None or seat.status == SeatStatus.WITHDRAWN:
        raise LookupError(group_id)
    seat.rather_new_at = None
    session.flush()


def date_groups_for_organisers(session: Session, occurrence_id: int) -> list[tuple[Group, str, str]]:
    """A date's live groups as organisers read them: ``(group, its state in words, "Keeps
    meeting: their 2nd date together" or "")``, standing groups first."""
    groups = session.scalars(select(Group).where(Group.occurrence_id == occurrence_id, Group.status.in_(ACTIVE_GROUPS))
                             .order_by(Group.id)).all()
    rows = [(g, organiser_group_words(g), organiser_continuing_words(g, meetings_in_a_row(session, g))) for g in groups]
    return sorted(rows, key=lambda row: not row[2])
