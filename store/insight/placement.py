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

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.centres.area import organiser_pauses
from store.core.db import utcnow
from store.events.models import Occurrence, SignUp, SignupStatus
from store.groups.models import ACTIVE_GROUPS, ACTIVE_SEATS, Group, GroupMember, GroupStatus, SeatStatus
from store.social.models import Tie

__all__ = ["Placement", "PLACED", "PLACEMENT_WORDS", "Placed", "placements", "MemberFacts", "member_facts",
           "placement_counts", "seats_placing"]


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


def placements(session: Session, user_ids) -> dict[int, Placed]:
    """Every given resident's placement, in one query (residents not placed map to ``Placed()``)."""
    ids = list(user_ids)
    out = {uid: Placed() for uid in ids}
    if not ids:
        return out
    rows = session.execute(
        select(GroupMember.user_id, Group.id, Group.status, GroupMember.status, Occurrence.starts_at)
        .join(Group, GroupMember.group_id == Group.id)
        .join(Occurrence, Group.occurrence_id == Occurrence.id)
        .where(GroupMember.user_id.in_(ids), seats_placing())
    ).all()
    best: dict[int, tuple] = {}
    for uid, gid, group_status, seat_status, starts in rows:
        live = group_status in ACTIVE_GROUPS
        # live groups first, the soonest of them; else the latest group that met
        key = (0, starts.timestamp(), gid) if live else (1, -starts.timestamp(), -gid)
        if uid not in best or key < best[uid][0]:
            best[uid] = (key, Placed(_state(group_status, seat_status), gid))
    out.update({uid: placed for uid, (_, placed) in best.items()})
    return out


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
                Tie.strength > 0, (Tie.user_a_id.in_(ids)) | (Tie.user_b_id.in_(ids)))):
            if a in met:
                met[a].add(b)
            if b in met:
                met[b].add(a)
        last = dict(session.execute(
            select(SignUp.user_id, Occurrence.starts_at).join(Occurrence, SignUp.occurrence_id == Occurrence.id)
            .where(SignUp.status == SignupStatus.ATTENDED, SignUp.user_id.in_(ids)).order_by(Occurrence.starts_at)
        ).all())
    paused = organiser_pauses(session, ids, utcnow().date())
    return {uid: MemberFacts(placed[uid], len(met[uid]), last.get(uid), paused.get(uid)) for uid in ids}
