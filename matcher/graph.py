"""The member graph: compatible members who can reach each other, their ties, and metrics for organisers."""

from __future__ import annotations

from typing import Hashable, Iterable

import networkx as nx
import numpy as np

from matcher.compat import EARTH_RADIUS_KM, compatibility_pairs, haversine_km
from matcher.members import Members, make_history

__all__ = ["build_member_graph", "graph_metrics"]


def _candidate_pairs(members: Members, k: int, max_km: float, chunk: int = 512):
    """For each member, its ``k`` most compatible members within reach (BallTree, haversine)."""
    from sklearn.neighbors import BallTree

    n = len(members)
    if n < 2 or k <= 0:
        e = np.zeros(0, dtype=np.intp)
        return e, e.copy(), np.zeros(0), np.zeros(0)
    X = np.radians(np.column_stack([members.lat, members.lon]))
    tree = BallTree(X, metric="haversine")
    travel = np.minimum(members.travel_km, max_km)
    t_max = float(travel.max())
    out_i, out_j, out_c, out_d = [], [], [], []
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        radius = np.minimum(travel[rows] + t_max, max_km) / EARTH_RADIUS_KM
        neigh, dist = tree.query_radius(X[rows], r=radius, return_distance=True)
        lens = np.array([len(a) for a in neigh])
        I = np.repeat(rows, lens)
        J = np.concatenate(neigh).astype(np.intp) if len(I) else np.zeros(0, dtype=np.intp)
        D = np.concatenate(dist) * EARTH_RADIUS_KM if len(I) else np.zeros(0)
        keep = (I != J) & (D <= np.minimum(travel[I] + travel[J], max_km))
        I, J, D = I[keep], J[keep], D[keep]
        C = compatibility_pairs(I, J, members.interests, members.values, members.availability)
        order = np.lexsort((J, -C, I))
        I, J, C, D = I[order], J[order], C[order], D[order]
        first = np.searchsorted(I, I, side="left")
        rank = np.arange(len(I)) - first
        top = rank < k
        out_i.append(I[top]), out_j.append(J[top]), out_c.append(C[top]), out_d.append(D[top])
    return (np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_c), np.concatenate(out_d))


def build_member_graph(
    members: Members,
    *,
    k: int = 10,
    ties: Iterable[tuple] | None = None,
    blocks: Iterable[tuple] | None = None,
    past_groups: Iterable[Iterable[Hashable]] | None = None,
    max_km: float = 25.0,
) -> nx.Graph:
    """Build the member graph: who could meet whom, their history, and who is blocked.

    Candidate edges join members who can reach a common meeting place (homes at most the sum of
    their ``travel_km`` apart, and at most ``max_km``; found with a haversine ``BallTree``) and
    are among each other's ``k`` most compatible such members. Their ``weight`` is the
    compatibility of :mod:`matcher.compat`. Tie edges carry history: ``tie`` (summed strength,
    positive = would meet again) and ``met_before`` (a past group together). Blocked pairs never
    get an edge and are recorded in ``G.graph["blocks"]`` as frozensets of ids.

    Parameters
    ----------
    members : Members
    k : int
        Candidate partners kept per member (default 10).
    ties : iterable of (id_a, id_b[, strength]), optional
    blocks : iterable of (id_a, id_b), optional
    past_groups : iterable of iterables of ids, optional
    max_km : float
        Longest distance considered at all (default 25 km; also caps unlimited travel).

    Returns
    -------
    networkx.Graph
        Nodes are member ids with ``lat``, ``lon``, ``travel_km`` and ``placed_before``; edges
        have ``candidate`` (bool), ``weight``/``compatibility``, ``distance_km``, and for ties
        ``tie`` and ``met_before``.

    Examples
    --------
    >>> m = Members.from_arrays("abc", [51.5, 51.501, 51.6], [-0.1, -0.1, -0.1],
    ...     [[1, 0], [1, 0.2], [1, 0]], travel_km=[2, 2, 2])
    >>> G = build_member_graph(m, k=5, ties=[("a", "c", 1.0)], blocks=[("b", "c")])
    >>> sorted(G.edges(data="candidate"))
    [('a', 'b', True), ('a', 'c', False)]
    >>> round(G["a"]["b"]["weight"], 3), G.graph["blocks"] == {frozenset({"b", "c"})}
    (0.981, True)
    """
    G = nx.Graph(blocks=set())
    ids = members.ids
    for r, node in enumerate(ids):
        G.add_node(node, lat=float(members.lat[r]), lon=float(members.lon[r]),
                   travel_km=float(members.travel_km[r]), placed_before=bool(members.placed_before[r]))
    history = make_history(members, ties=ties, blocks=blocks, past_groups=past_groups)
    blocked = {(int(a), int(b)) for a, b in zip(history.block_i, history.block_j)}
    G.graph["blocks"] = {frozenset((ids[a], ids[b])) for a, b in blocked}
    I, J, C, D = _candidate_pairs(members, k, max_km)
    for i, j, c, d in zip(I.tolist(), J.tolist(), C.tolist(), D.tolist()):
        if (min(i, j), max(i, j)) in blocked:
            continue
        G.add_edge(ids[i], ids[j], candidate=True, weight=c, compatibility=c, distance_km=d)
    extra = [(a, b, {"tie": s}) for a, b, s in zip(history.tie_i, history.tie_j, history.tie_strength)]
    extra += [(a, b, {"met_before": True}) for a, b in zip(history.past_i, history.past_j)]
    for a, b, attrs in extra:
        a, b = int(a), int(b)
        if (a, b) in blocked:
            continue
        u, v = ids[a], ids[b]
        if not G.has_edge(u, v):
            c = float(compatibility_pairs([a], [b], members.interests, members.values,
                                          members.availability)[0])
            d = _km(members, a, b)
            G.add_edge(u, v, candidate=False, weight=c, compatibility=c, distance_km=d)
        G.edges[u, v].update({key: float(val) if key == "tie" else val for key, val in attrs.items()})
    return G


def _km(members: Members, a: int, b: int) -> float:
    return float(haversine_km(members.lat[a], members.lon[a], members.lat[b], members.lon[b]))


def graph_metrics(G: nx.Graph) -> dict:
    """Connectedness figures for organisers.

    Returns
    -------
    dict
        ``members``, ``candidate_edges``, ``tie_edges``; ``isolated`` (no edge at all),
        ``no_candidates`` (nobody compatible within reach), ``no_ties`` (no history with anyone);
        ``components`` (count), ``largest_component``, ``singletons``; ``bridges`` (edges whose
        loss would split a component) and ``articulation_points`` (members who alone connect
        parts of it); ``mean_degree``. Lists are sorted.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"candidate": True}), ("b", "c", {"tie": 1.0, "candidate": False})])
    >>> G.add_node("d")
    >>> mt = graph_metrics(G)
    >>> mt["isolated"], mt["no_ties"], mt["components"], mt["bridges"], mt["articulation_points"]
    (['d'], ['a', 'd'], 2, [('a', 'b'), ('b', 'c')], ['b'])
    """
    def is_tie(data):
        return data.get("tie") is not None or bool(data.get("met_before"))

    tie_nodes = set()
    cand_nodes = set()
    n_tie = n_cand = 0
    for u, v, data in G.edges(data=True):
        if is_tie(data):
            n_tie += 1
            tie_nodes.update((u, v))
        if data.get("candidate", False):
            n_cand += 1
            cand_nodes.update((u, v))
    comps = list(nx.connected_components(G))
    key = lambda x: str(x)  # noqa: E731
    return {
        "members": G.number_of_nodes(),
        "candidate_edges": n_cand,
        "tie_edges": n_tie,
        "isolated": sorted((v for v in G.nodes if G.degree(v) == 0), key=key),
        "no_candidates": sorted((v for v in G.nodes if v not in cand_nodes), key=key),
        "no_ties": sorted((v for v in G.nodes if v not in tie_nodes), key=key),
        "components": len(comps),
        "largest_component": max((len(c) for c in comps), default=0),
        "singletons": sum(1 for c in comps if len(c) == 1),
        "bridges": sorted((tuple(sorted(e, key=key)) for e in nx.bridges(G)),
                          key=lambda e: (key(e[0]), key(e[1]))),
        "articulation_points": sorted(nx.articulation_points(G), key=key),
        "mean_degree": (2.0 * G.number_of_edges() / G.number_of_nodes()) if G.number_of_nodes() else 0.0,
    }
