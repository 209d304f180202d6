"""Whether a resident is placed in a group: the one definition behind every organiser's figure,
list, spreadsheet and match-graph dot.

**Placed** means holding a seat, offered or accepted, in a live group (suggested or confirmed),
or an accepted seat in a group that has met. Each resident is in exactly one state:

========================  ==================================================================
``offered``               offered a seat in a live group, no answer yet
``accepted``              said yes; the group is still waiting for others
``confirmed``             said yes, and the group is confirmed
``met``                   has met with a group (and is in no live group now)
``not_placed``            none of these: never offered, or every offer was declined, lapsed or
                          withdrawn, or the group was let go before it met
========================  ==================================================================

An offer counts: a suggested group is Hearth reaching someone, and an organiser who sees 14
groups proposed must not also read that nobody is placed. When someone is in more than one
group, their state and their group are those of the live group meeting soonest, else their most
recent group that met. So ``placed`` is true exactly when ``group`` is set, and every page that
colours, counts or describes a resident reads both from here.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, null, select, union
from sqlalchemy.orm import Session

from store.centres.area import organiser_pauses
from store.core.db import among, utcnow
from store.events.models import Occurrence, SignUp, SignupStatus
from store.groups.models import ACTIVE_GROUPS, ACTIVE_SEATS, Group, GroupMember, GroupStatus, SeatStatus
from store.social.models import Tie

__all__ = ["Placement", "PLACED", "PLACEMENT_WORDS", "Placed", "placements", "MemberFacts", "member_facts",
           "placement_counts", "seats_placing", "count_placements", "count_with_ties"]


class Placement(str, enum.Enum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    MET = "met"
    NOT_PLACED = "not_placed"


PLACED = frozenset({Placement.OFFERED, Placement.ACCEPTED, Placement.CONFIRMED, Placement.MET})

#: What an organiser reads for each state (the side panel, the list, the spreadsheet).
PLACEMENT_WORDS = {
    Placement.OFFERED: "Offered a group, no answer yet",
    Placement.ACCEPTED: "Said yes, waiting for others",
    Placement.CONFIRMED: "In a confirmed group",
    Placement.MET: "Has met with a group",
    Placement.NOT_PLACED: "Not yet placed",
}


@dataclass(frozen=True)
class Placed:
    """A resident's placement: the state and the group that gives it (``None`` when not placed)."""

    state: Placement = Placement.NOT_PLACED
    group_id: int | None = None

    @property
    def placed(self) -> bool:
        return self.state in PLACED

    @property
    def words(self) -> str:
        return PLACEMENT_WORDS[self.state]


def seats_placing():
    """The SQL condition for a seat that places its holder (the definition above, on group_members
    joined to groups)."""
    return ((Group.status.in_(ACTIVE_GROUPS) & GroupMember.status.in_(ACTIVE_SEATS))
            | ((Group.status == GroupStatus.MET) & (GroupMember.status == SeatStatus.ACCEPTED)))


def _state(group_status: GroupStatus, seat_status: SeatStatus) -> Placement:
    if group_status == GroupStatus.MET:
        return Placement.MET
    if seat_status == SeatStatus.OFFERED:
        return Placement.OFFERED
    return Placement.CONFIRMED if group_status == GroupStatus.CONFIRMED else Placement.ACCEPTED


def _placing_seats(session: Session, ids: list[int]):
    """Each given resident's seat that gives their placement, ranked first (``rank == 1``): live
    groups first, the soonest of them (then the lowest id); else the latest group that met (then
    the highest id). One SQL window over the seats that place, on SQLite and PostgreSQL alike."""
    live = Group.status.in_(ACTIVE_GROUPS)
    rank = func.row_number().over(partition_by=GroupMember.user_id, order_by=(
        case((live, 0), else_=1),
        case((live, Occurrence.starts_at), else_=null()).asc(),
        case((live, null()), else_=Occurrence.starts_at).desc(),
        case((live, Group.id), else_=-Group.id).asc(),
    ))
    return (select(GroupMember.user_id.label("user_id"), Group.id.label("group_id"),
                   Group.status.label("group_status"), GroupMember.status.label("seat_status"), rank.label("rank"))
            .join(Group, GroupMember.group_id == Group.id)
            .join(Occurrence, Group.occurrence_id == Occurrence.id)
            .where(among(session, GroupMember.user_id, ids), seats_placing())
            .subquery())


def placements(session: Session, user_ids) -> dict[int, Placed]:
    """Every given resident's placement, in one query (residents not placed map to ``Placed()``)."""
    ids = list(user_ids)
    out = {uid: Placed() for uid in ids}
    if not ids:
        return out
    best = _placing_seats(session, ids)
    rows = session.execute(select(best.c.user_id, best.c.group_id, best.c.group_status, best.c.seat_status)
                           .where(best.c.rank == 1))
    out.update({uid: Placed(_state(group_status, seat_status), gid) for uid, gid, group_status, seat_status in rows})
    return out


def count_placements(session: Session, user_ids) -> Counter:
    """:func:`placement_counts` of :func:`placements`, counted by the database (one query that
    returns a few rows however many residents there are)."""
    ids = list(user_ids)
    counts = Counter({state: 0 for state in Placement})
    if not ids:
        return counts
    best = _placing_seats(session, ids)
    for group_status, seat_status, n in session.execute(
            select(best.c.group_status, best.c.seat_status, func.count())
            .where(best.c.rank == 1).group_by(best.c.group_status, best.c.seat_status)):
        counts[_state(group_status, seat_status)] += n
    counts[Placement.NOT_PLACED] = len(set(ids)) - sum(n for state, n in counts.items() if state != Placement.NOT_PLACED)
    return counts


def count_with_ties(session: Session, user_ids) -> int:
    """How many of the given residents have met anyone (a positive tie): those whose
    ``MemberFacts.ties`` is not 0, counted by the database."""
    ids = list(user_ids)
    if not ids:
        return 0
    tied = union(select(Tie.user_a_id.label("user_id")).where(Tie.strength > 0, among(session, Tie.user_a_id, ids)),
                 select(Tie.user_b_id).where(Tie.strength > 0, among(session, Tie.user_b_id, ids))).subquery()
    return session.scalar(select(func.count()).select_from(tied))


def placement_counts(found: dict[int, Placed]) -> Counter:
    """How many residents are in each state (every state present, zero or not)."""
    counts = Counter({state: 0 for state in Placement})
    counts.update(p.state for p in found.values())
    return counts


@dataclass(frozen=True)
class MemberFacts:
    """What organisers see about one resident besides their name: placement, ties, last attended."""

    placement: Placed
    ties: int
    last_attended: datetime | None
    paused: str | None = None  # an organiser's pause in words ("Paused until 31 December 2026"), if any

    def as_json(self) -> dict:
        """The member's fields in the match-graph JSON (``web/static/js/GRAPH_FORMAT.md``)."""
        p = self.placement
        return {"placed": p.placed, "placement": p.state.value, "group": f"g{p.group_id}" if p.group_id else None,
                "ties": self.ties, "last_attended": self.last_attended.isoformat() if self.last_attended else None,
                "paused": self.paused}


def member_facts(session: Session, user_ids) -> dict[int, MemberFacts]:
    """Placement, number of people met (positive ties with anyone) and the last meeting attended,
    for every given resident, in three queries."""
    ids = list(user_ids)
    placed = placements(session, ids)
    met: dict[int, set[int]] = {uid: set() for uid in ids}
    last: dict[int, datetime] = {}
    if ids:
        for a, b in session.execute(select(Tie.user_a_id, Tie.user_b_id).where(
                Tie.strength > 0, among(session, Tie.user_a_id, ids) | among(session, Tie.user_b_id, ids))):
            if a in met:
                met[a].add(b)
            if b in met:
                met[b].add(a)
        last = dict(session.execute(
            select(SignUp.user_id, Occurrence.starts_at).join(Occurrence, SignUp.occurrence_id == Occurrence.id)
            .where(SignUp.status == SignupStatus.ATTENDED, among(session, SignUp.user_id, ids)).order_by(Occurrence.starts_at)
        ).all())
    paused = organiser_pauses(session, ids, utcnow().date())
    return {uid: MemberFacts(placed[uid], len(met[uid]), last.get(uid), paused.get(uid)) for uid in ids}
