"""The match graph of a centre's area, drawn ahead of time: the member graph, communities and a
layout computed by a job and kept as the JSON the organiser's viewer reads."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

import networkx as nx
import numpy as np
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from matcher.defaults import TRAVEL_KM
from matcher.graph import build_member_graph, graph_metrics
from matcher.groups import Members
from store.centres.area import area_profiles, organiser_label
from store.centres.models import Centre
from store.core.db import utcnow
from store.insight.members import live_members, refresh_graph
from store.insight.models import GraphSnapshot
from store.profiles.blocks import profile_blocks
from store.social.operations import blocked_pairs, tie_pairs

__all__ = ["latest_snapshot", "build_snapshot", "graph_json", "forget_member"]


def latest_snapshot(session: Session, centre_id: int) -> GraphSnapshot | None:
    return session.scalar(
        select(GraphSnapshot).where(GraphSnapshot.centre_id == centre_id)
        .order_by(GraphSnapshot.created_at.desc(), GraphSnapshot.id.desc()).limit(1)
    )


def graph_json(session: Session, snapshot: GraphSnapshot, secret: str, *, now: datetime | None = None) -> dict:
    """The viewer's JSON: the snapshot's drawing (its positions), overlaid with the area as it is
    now: everyone's placement, group, ties and last meeting, people who joined since added and
    people who left taken out (``store.insight.members.refresh_graph``)."""
    centre = session.get(Centre, snapshot.centre_id)
    live = live_members(session, centre, secret) if centre is not None else {}
    return refresh_graph(session, dict(snapshot.data), snapshot.centre_id, now=now, live=live)


def _affinity(G: nx.Graph) -> nx.Graph:
    """The member graph with positive edge weights (ties, else compatibility, at least 0.05), for
    communities and layout, which need weights above zero.

    Weights are rounded to six places: a cosine of identical answers comes out as
    1.0000000000000002, and on a graph of such ties networkx's Louvain (3.6) moves nodes back and
    forth for ever (a test draws an area where everyone chose the same interests)."""
    weighted = nx.Graph()
    weighted.add_nodes_from(G.nodes)
    for u, v, data in G.edges(data=True):
        weighted.add_edge(u, v, weight=round(max(0.05, float(data.get("tie") or data.get("weight") or 0.0)), 6))
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
    nodes = []
    for user, profile in people:
        x, y = positions.get(user.id, (0.0, 0.0))
        nodes.append({
            "id": f"m{user.id}", "label": organiser_label(user, profile, settings.secret_key),
            "x": round(float(x), 4), "y": round(float(y), 4), "community": int(community_of.get(user.id, 0)), "kinds": list(profile.wants or []),
        })
    edges = [{"source": f"m{u}", "target": f"m{v}", "kind": "tie" if d.get("tie") else "suggestion",
              "weight": round(float(d.get("tie") or d.get("weight") or 0.0), 3)}
             for u, v, d in G.edges(data=True) if d.get("tie") or d.get("candidate")]
    data = refresh_graph(session, {
        "summary": {"generated_at": now.isoformat()}, "nodes": nodes, "edges": edges,
    }, centre.id, now=now)  # the page adds the links (store holds no URLs)
    for node in data["nodes"]:
        node["size"] = 3.0 + min(5, node["ties"])
    summary = {key: metrics[key] for key in ("members", "candidate_edges", "tie_edges", "components",
                                             "largest_component", "singletons", "mean_degree")}
    summary.update(isolated=len(metrics["isolated"]), no_ties=len(metrics["no_ties"]),
                   bridges=len(metrics["bridges"]), communities=len(communities))
    snapshot = GraphSnapshot(centre_id=centre.id, data=data, metrics=summary, created_at=now)
    session.add(snapshot)
    session.flush()
    step(1.0)
    return snapshot


def forget_member(session: Session, user_id: int) -> int:
    """Take a person out of the stored snapshots at once (their account is being deleted): their
    dot, every line to it, and their place in the groups listed go, and the summary is counted
    again. The other figures (``metrics``) hold no one's identity and are recounted by the next
    snapshot. Returns how many snapshots changed (flushes; the caller commits)."""
    node = f"m{user_id}"
    # a cheap text filter first: only snapshots that mention the node are loaded
    holding = session.scalars(select(GraphSnapshot).where(cast(GraphSnapshot.data, Text).like(f'%"{node}"%'))).all()
    changed = 0
    for snapshot in holding:
        data = dict(snapshot.data or {})
        nodes = [n for n in data.get("nodes", []) if n.get("id") != node]
        if len(nodes) == len(data.get("nodes", [])):
            continue
        data["nodes"] = nodes
        data["edges"] = [e for e in data.get("edges", []) if node not in (e.get("source"), e.get("target"))]
        data["groups"] = [dict(g, members=[m for m in g.get("members", []) if m != node])
                          for g in data.get("groups", [])]
        data["summary"] = dict(data.get("summary", {}), members=len(nodes),
                               unplaced=sum(1 for n in nodes if not n.get("placed")))
        snapshot.data = data  # a new value, so the JSON column is written
        changed += 1
    session.flush()
    return changed
