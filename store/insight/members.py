"""The area's residents and groups as organisers see them: the list, the spreadsheet and the live
parts of the match-graph JSON, all read from the one placement (``store.insight.placement``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.centres.area import area_profiles, organiser_label
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import Event, Occurrence
from store.events.times import describe_time
from store.groups.models import ACTIVE_GROUPS, ACTIVE_SEATS, Group, GroupStatus, SeatStatus
from store.insight.placement import PLACEMENT_WORDS, MemberFacts, member_facts
from store.insight.words import KIND_WORDS, organiser_fit_words, organiser_kinds_words

__all__ = ["GROUPS_SHOWN", "CentreGroup", "centre_groups", "group_label", "MemberRow", "member_rows",
           "graph_groups", "refresh_graph"]

#: The match graph lists the centre's groups formed this recently, and every group a resident
#: in it is placed by, however old.
GROUPS_SHOWN = timedelta(days=60)


@dataclass(frozen=True)
class CentreGroup:
    """A group with its date and event, read in one query."""

    group: Group
    occurrence: Occurrence
    event: Event

    @property
    def label(self) -> str:
        return group_label(self.event, self.occurrence)

    @property
    def when(self) -> str:
        return describe_time(self.occurrence.starts_at, self.event.timezone)


def group_label(event: Event, occurrence: Occurrence) -> str:
    """How a group is named to organisers: "Friday supper, Friday 5 December at 18:30"."""
    return f"{event.title}, {describe_time(occurrence.starts_at, event.timezone)}"


def _group_rows(session: Session, condition, order, limit: int | None = None) -> list[CentreGroup]:
    query = (select(Group, Occurrence, Event).join(Occurrence, Group.occurrence_id == Occurrence.id)
             .join(Event, Occurrence.event_id == Event.id).where(condition).order_by(*order))
    if limit is not None:
        query = query.limit(limit)
    return [CentreGroup(g, o, e) for g, o, e in session.execute(query).all()]


def centre_groups(session: Session, centre_id: int, *, newest_first: bool = True,
                  limit: int | None = None) -> list[CentreGroup]:
    """A centre's groups with their dates and events, in one query (newest first, or by id)."""
    order = (Group.created_at.desc(), Group.id.desc()) if newest_first else (Group.id,)
    return _group_rows(session, Group.centre_id == centre_id, order, limit)


@dataclass(frozen=True)
class MemberRow:
    """One resident in the organisers' list and spreadsheet."""

    user_id: int
    label: str
    facts: MemberFacts
    group: str | None
    kinds: str

    @property
    def placed(self) -> bool:
        return self.facts.placement.placed

    @property
    def placement(self) -> str:
        return self.facts.placement.words


def member_rows(session: Session, centre: Centre, secret: str) -> list[MemberRow]:
    """Everyone in the centre's area, as they stand now: name or pseudonym, placement, the group
    that places them, ties, what they enjoy and when they last came."""
    people = area_profiles(session, centre)
    facts = member_facts(session, [u.id for u, _ in people])
    ids = {f.placement.group_id for f in facts.values() if f.placement.group_id}
    labels = {row.group.id: row.label for row in _group_rows(session, Group.id.in_(ids), (Group.id,))} if ids else {}
    return [MemberRow(user.id, organiser_label(user, profile, secret), facts[user.id],
                      labels.get(facts[user.id].placement.group_id), organiser_kinds_words(profile.wants))
            for user, profile in people]


def _members_in(group: Group, shown: set[int]) -> list[str]:
    """The graph's members of a group: those it places (see ``store.insight.placement``)."""
    if group.status in ACTIVE_GROUPS:
        seats = group.seats_in(*ACTIVE_SEATS)
    elif group.status == GroupStatus.MET:
        seats = group.seats_in(SeatStatus.ACCEPTED)
    else:
        seats = []
    return [f"m{s.user_id}" for s in seats if s.user_id in shown]


def graph_groups(session: Session, centre_id: int, shown: set[int], placed_by: set[int], *,
                 now: datetime | None = None) -> list[dict]:
    """The groups of the match-graph JSON: the centre's recent groups and every group in
    ``placed_by``, newest first, in one query."""
    now = now or utcnow()
    condition = (Group.centre_id == centre_id) & (Group.created_at >= now - GROUPS_SHOWN)
    if placed_by:
        condition = condition | Group.id.in_(placed_by)
    return [{
        "id": f"g{row.group.id}", "kind": row.event.kind, "status": row.group.status.value, "label": row.label,
        "date": row.occurrence.starts_at.isoformat(), "score": round(row.group.score, 3),
        "fit": organiser_fit_words(row.group.score), "reason": row.group.reason, "members": _members_in(row.group, shown),
    } for row in _group_rows(session, condition, (Group.created_at.desc(), Group.id.desc()))]


def refresh_graph(session: Session, data: dict, centre_id: int, *, now: datetime | None = None) -> dict:
    """The match-graph JSON with every resident's placement, group, ties and last meeting as they
    stand now, and the groups and summary to match (the drawing itself is kept as computed).

    The snapshot job calls it when drawing, and the page calls it on every load, so the graph,
    the overview and the spreadsheet always agree, even when the drawing is a day old.
    """
    ids = [int(n["id"][1:]) for n in data.get("nodes", [])]
    facts = member_facts(session, ids)
    nodes = [{**n, **facts[int(n["id"][1:])].as_json()} for n in data.get("nodes", [])]
    placed_by = {f.placement.group_id for f in facts.values() if f.placement.group_id}
    groups = graph_groups(session, centre_id, set(ids), placed_by, now=now)
    summary = {**data.get("summary", {}), "members": len(nodes), "groups": len(groups),
               "unplaced": sum(1 for n in nodes if not n["placed"])}
    words = {"placement": {state.value: text for state, text in PLACEMENT_WORDS.items()},
             "kinds": {kind: text[:1].upper() + text[1:] for kind, text in KIND_WORDS.items()}}
    return {**data, "summary": summary, "nodes": nodes, "groups": groups, "words": words}
