"""The area's residents and groups as organisers see them: the list, the spreadsheet and the live
parts of the match-graph JSON, all read from the one placement (``store.insight.placement``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, lazyload, selectinload

from store.centres.area import area_profiles, organiser_label
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import Event, Occurrence
from store.events.times import describe_time
from store.groups.models import ACTIVE_GROUPS, ACTIVE_SEATS, Group, GroupMember, GroupStatus, SeatStatus
from store.insight.placement import PLACEMENT_WORDS, MemberFacts, member_facts
from store.insight.words import KIND_WORDS, organiser_fit_words, organiser_kinds_words

__all__ = ["GROUPS_SHOWN", "CentreGroup", "centre_groups", "group_label", "MemberRow", "member_rows",
           "graph_groups", "LiveMember", "live_members", "refresh_graph"]

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
    # The date's event is the one joined here (not joined twice); a seat's person and an event's
    # tags load only if something reads them.
    query = (select(Group, Occurrence, Event).join(Occurrence, Group.occurrence_id == Occurrence.id)
             .join(Event, Occurrence.event_id == Event.id).where(condition).order_by(*order)
             .options(contains_eager(Occurrence.event), lazyload(Event.tag_rows),
                      selectinload(Group.seats).lazyload(GroupMember.user)))
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


@dataclass(frozen=True)
class LiveMember:
    """A resident of the area as they are now: how organisers may name them and what they enjoy."""

    label: str
    kinds: tuple[str, ...]


def live_members(session: Session, centre: Centre, secret: str) -> dict[int, LiveMember]:
    """Everyone in the centre's area now, by user id (the residents' list reads the same people)."""
    return {user.id: LiveMember(organiser_label(user, profile, secret), tuple(profile.wants or ()))
            for user, profile in area_profiles(session, centre)}


def _new_position(group: str | None, positions: dict[str, tuple[float, float]],
                  group_of: dict[str, str | None], ring: tuple[float, float, float], k: int) -> tuple[float, float]:
    """Where to draw someone who joined after the drawing: beside the members of the group that
    places them, else on a ring just outside the drawing (spread evenly, the same place on every load)."""
    mates = [positions[n] for n, g in group_of.items() if group and g == group and n in positions]
    angle = 2.399963 * (k + 1)  # the golden angle: neighbours never land on one spot
    if mates:
        x = sum(p[0] for p in mates) / len(mates)
        y = sum(p[1] for p in mates) / len(mates)
        return x + 0.2 * math.cos(angle), y + 0.2 * math.sin(angle)
    cx, cy, radius = ring
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _overlay(data: dict, live: dict[int, LiveMember]) -> tuple[list[dict], list[dict]]:
    """The drawing's nodes and edges brought up to the area as it is now: people who left (or
    moved away) are taken out with their lines, names follow today's consent, and people who
    joined since are added (marked ``new``) at a position of their own."""
    kept = [n for n in data.get("nodes", []) if int(n["id"][1:]) in live]
    ids = {n["id"] for n in kept}
    edges = [e for e in data.get("edges", []) if e.get("source") in ids and e.get("target") in ids]
    nodes = [{**n, "label": live[int(n["id"][1:])].label, "kinds": list(live[int(n["id"][1:])].kinds), "new": False}
             for n in kept]
    fresh = [uid for uid in live if f"m{uid}" not in ids]
    if fresh:
        xs = [float(n.get("x", 0.0)) for n in nodes] or [0.0]
        ys = [float(n.get("y", 0.0)) for n in nodes] or [0.0]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        radius = max(max(xs) - min(xs), max(ys) - min(ys), 1.0) * 0.6
        for uid in fresh:
            nodes.append({"id": f"m{uid}", "label": live[uid].label, "kinds": list(live[uid].kinds), "x": 0.0,
                          "y": 0.0, "community": None, "size": 3.0, "new": True, "_ring": (cx, cy, radius)})
    return nodes, edges


def refresh_graph(session: Session, data: dict, centre_id: int, *, now: datetime | None = None,
                  live: dict[int, LiveMember] | None = None) -> dict:
    """The match-graph JSON with every resident's placement, group, ties and last meeting as they
    stand now, and the groups and summary to match (the drawing itself is kept as computed).

    With ``live`` (the area's residents now, :func:`live_members`), the people drawn follow the
    area too: whoever left is taken out, names follow today's consent, and whoever joined since
    the drawing is added beside their group (or on a ring round the drawing), marked ``new``.
    The snapshot job calls it when drawing, and the page calls it on every load, so the graph,
    the overview and the spreadsheet always agree, even when the drawing is a day old.
    """
    if live is not None:
        base_nodes, edges = _overlay(data, live)
        data = {**data, "edges": edges}
    else:
        base_nodes = list(data.get("nodes", []))
    ids = [int(n["id"][1:]) for n in base_nodes]
    facts = member_facts(session, ids)
    nodes = [{**n, **facts[int(n["id"][1:])].as_json()} for n in base_nodes]
    positions = {n["id"]: (float(n.get("x", 0.0)), float(n.get("y", 0.0))) for n in nodes if "_ring" not in n}
    group_of = {n["id"]: n.get("group") for n in nodes}
    for k, node in enumerate(n for n in nodes if "_ring" in n):
        node["x"], node["y"] = (round(v, 4) for v in _new_position(
            node.get("group"), positions, group_of, node.pop("_ring"), k))
        node["size"] = 3.0 + min(5, node["ties"])
    placed_by = {f.placement.group_id for f in facts.values() if f.placement.group_id}
    groups = graph_groups(session, centre_id, set(ids), placed_by, now=now)
    summary = {**data.get("summary", {}), "members": len(nodes), "groups": len(groups),
               "unplaced": sum(1 for n in nodes if not n["placed"]),
               "joined_since": sum(1 for n in nodes if n.get("new"))}
    words = {"placement": {state.value: text for state, text in PLACEMENT_WORDS.items()},
             "kinds": {kind: text[:1].upper() + text[1:] for kind, text in KIND_WORDS.items()}}
    return {**data, "summary": summary, "nodes": nodes, "groups": groups, "words": words}
