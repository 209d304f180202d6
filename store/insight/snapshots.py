"""The match graph of a centre's area, drawn ahead of time: the member graph, communities and a
layout computed by a job and kept as the JSON the organiser's viewer reads."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Callable

import networkx as nx
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.defaults import TRAVEL_KM
from matcher.graph import build_member_graph, graph_metrics
from matcher.groups import Members
from store.centres.area import area_profiles, organiser_label
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.models import Occurrence, SignUp, SignupStatus
from store.events.times import describe_time
from store.groups.models import Group, GroupMember, GroupStatus, SeatStatus
from store.insight.models import GraphSnapshot
from store.profiles.blocks import profile_blocks
from store.social.operations import blocked_pairs, tie_pairs

__all__ = ["latest_snapshot", "build_snapshot"]

GROUPS_SHOWN = timedelta(days=60)


def latest_snapshot(session: Session, centre_id: int) -> GraphSnapshot | None:
    return session.scalar(
        select(GraphSnapshot).where(GraphSnapshot.centre_id == centre_id)
        .order_by(GraphSnapshot.created_at.desc(), GraphSnapshot.id.desc()).limit(1)
    )


def _affinity(G: nx.Graph) -> nx.Graph:
    """The member graph with positive edge weights (ties, else compatibility, at least 0.05), for
    communities and layout, which need weights above zero."""
    weighted = nx.Graph()
    weighted.add_nodes_from(G.nodes)
    for u, v, data in G.edges(data=True):
        weighted.add_edge(u, v, weight=max(0.05, float(data.get("tie") or data.get("weight") or 0.0)))
    return weighted

#: Up to this many members, one force-directed layout; above it, each community is laid out on
#: its own and the communities are placed by a layout of the community graph (near-linear).
DIRECT_LAYOUT_MAX = 800


def _force_layout(graph: nx.Graph, seed: int, iterations: int) -> dict:
    if graph.number_of_nodes() <= 2 or graph.number_of_edges() == 0:
        return nx.circular_layout(graph) if graph.number_of_nodes() else {}
    layout = getattr(nx, "forceatlas2_layout", None)
    if layout is not None:
        return layout(graph, max_iter=iterations, seed=seed, weight="weight", scaling_ratio=2.0)
    return nx.spring_layout(graph, seed=seed, iterations=iterations, weight="weight")


def _separate(positions: dict) -> dict:
    """Nudge members who landed on the same spot (e.g. people with no links yet) onto a small
    spiral around it, so every dot can be seen and clicked."""
    seen: dict[tuple, int] = {}
    out = {}
    for node, (x, y) in positions.items():
        key = (round(float(x), 3), round(float(y), 3))
        k = seen.get(key, 0)
        seen[key] = k + 1
        if k:
            angle, radius = k * 2.399963, 0.15 * np.sqrt(k)
            x, y = x + radius * np.cos(angle), y + radius * np.sin(angle)
        out[node] = (float(x), float(y))
    return out


def _layout(weighted: nx.Graph, communities: list[set], seed: int) -> dict:
    """Positions for every member, computed ahead of time so the browser runs no layout."""
    n = weighted.number_of_nodes()
    if n <= DIRECT_LAYOUT_MAX:
        return _separate(_force_layout(weighted, seed, 120))
    community_of = {node: k for k, part in enumerate(communities) for node in part}
    between = nx.Graph()
    between.add_nodes_from(range(len(communities)))
    for u, v, data in weighted.edges(data=True):
        a, b = community_of[u], community_of[v]
        if a != b:
            w = between.get_edge_data(a, b, {"weight": 0.0})["weight"]
            between.add_edge(a, b, weight=w + data["weight"])
    centres = _force_layout(between, seed, 200)
    spread = np.sqrt(n)
    positions = {}
    for k, part in enumerate(communities):
        sub = weighted.subgraph(part)
        local = (_force_layout(sub, seed + k, 60) if len(part) <= DIRECT_LAYOUT_MAX
                 else nx.spectral_layout(sub, weight="weight"))
        pts = np.array([local[node] for node in part], dtype=float).reshape(len(part), 2)
        pts -= pts.mean(axis=0)
        radius = np.abs(pts).max() or 1.0
        pts *= 0.5 * np.sqrt(len(part)) / radius
        cx, cy = (np.asarray(centres.get(k, (0.0, 0.0))) * spread)
        for node, (x, y) in zip(part, pts):
            positions[node] = (cx + x, cy + y)
    return _separate(positions)


def _groups(session: Session, centre_id: int, since: datetime) -> list[Group]:
    return list(session.scalars(
        select(Group).where(Group.centre_id == centre_id, Group.created_at >= since)
        .order_by(Group.created_at.desc(), Group.id.desc())
    ))


def build_snapshot(
    session: Session, settings, centre: Centre, *, now: datetime | None = None, seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> GraphSnapshot:
    """Compute the centre's match graph now and store it (flushes; the job commits)."""
    now = now or utcnow()
    step = progress or (lambda fraction: None)
    people = area_profiles(session, centre)
    ids = [u.id for u, _ in people]
    blocks = profile_blocks(session, ids)
    members = Members.from_arrays(
        ids, [p.home_lat for _, p in people], [p.home_lon for _, p in people],
        blocks.interests(ids) if ids else np.zeros((0, 1)),
        values=blocks.values(ids) if ids else None,
        travel_km=[p.travel_km or TRAVEL_KM for _, p in people],
    )
    idset = set(ids)
    ties = tie_pairs(session, idset)
    G = build_member_graph(members, k=6, ties=ties, blocks=blocked_pairs(session))
    step(0.3)
    metrics = graph_metrics(G)
    weighted = _affinity(G)
    if weighted.number_of_edges():
        communities = nx.community.louvain_communities(weighted, weight="weight", seed=seed)
    else:
        communities = [{node} for node in weighted.nodes]
    community_of = {node: k for k, part in enumerate(communities) for node in part}
    step(0.5)
    positions = _layout(weighted, communities, seed)
    step(0.8)
    accepted_ever = set(session.scalars(
        select(GroupMember.user_id).where(GroupMember.status == SeatStatus.ACCEPTED, GroupMember.user_id.in_(ids))))
    last_attended = dict(session.execute(
        select(SignUp.user_id, Occurrence.starts_at).join(Occurrence, SignUp.occurrence_id == Occurrence.id)
        .where(SignUp.status == SignupStatus.ATTENDED, SignUp.user_id.in_(ids)).order_by(Occurrence.starts_at)
    ).all())
    tie_count: dict[int, int] = defaultdict(int)
    for a, b, _ in ties:
        tie_count[a] += 1
        tie_count[b] += 1
    groups_out, current_group = [], {}
    for group in _groups(session, centre.id, now - GROUPS_SHOWN):
        occurrence = session.get(Occurrence, group.occurrence_id)
        seats = [s.user_id for s in group.seats if s.status in (SeatStatus.ACCEPTED, SeatStatus.OFFERED)]
        members_in = [f"m{u}" for u in seats if u in idset]
        for u in seats:
            if group.status != GroupStatus.DISSOLVED:
                current_group.setdefault(u, f"g{group.id}")
        groups_out.append({
            "id": f"g{group.id}", "kind": occurrence.event.kind, "status": group.status.value,
            "label": f"{occurrence.event.title}, {describe_time(occurrence.starts_at, occurrence.event.timezone)}",
            "date": occurrence.starts_at.isoformat(), "score": round(group.score, 3), "reason": group.reason,
            "members": members_in,
        })
    nodes = []
    for user, profile in people:
        x, y = positions.get(user.id, (0.0, 0.0))
        nodes.append({
            "id": f"m{user.id}", "label": organiser_label(user, profile, settings.secret_key),
            "x": round(float(x), 4), "y": round(float(y), 4), "size": 3.0 + min(5, tie_count[user.id]),
            "group": current_group.get(user.id), "community": int(community_of.get(user.id, 0)),
            "kinds": list(profile.wants or []), "placed": user.id in accepted_ever, "ties": tie_count[user.id],
            "last_attended": last_attended[user.id].isoformat() if user.id in last_attended else None,
        })
    edges = [{"source": f"m{u}", "target": f"m{v}", "kind": "tie" if d.get("tie") else "suggestion",
              "weight": round(float(d.get("tie") or d.get("weight") or 0.0), 3)}
             for u, v, d in G.edges(data=True) if d.get("tie") or d.get("candidate")]
    data = {
        "summary": {"members": len(nodes), "groups": len(groups_out),
                    "unplaced": sum(1 for n in nodes if not n["placed"]), "generated_at": now.isoformat()},
        "nodes": nodes, "groups": groups_out, "edges": edges,
        "links": {"csv": f"/organiser/centres/{centre.id}/members.csv", "list": f"/organiser/centres/{centre.id}/members"},
    }
    summary = {key: metrics[key] for key in ("members", "candidate_edges", "tie_edges", "components",
                                             "largest_component", "singletons", "mean_degree")}
    summary.update(isolated=len(metrics["isolated"]), no_ties=len(metrics["no_ties"]),
                   bridges=len(metrics["bridges"]), communities=len(communities))
    snapshot = GraphSnapshot(centre_id=centre.id, data=data, metrics=summary, created_at=now)
    session.add(snapshot)
    session.flush()
    step(1.0)
    return snapshot
