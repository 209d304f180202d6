"""The member graph: reach by travel distance, k nearest by compatibility, ties, blocks, metrics."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.compat import compatibility_matrix, haversine_matrix
from matcher.graph import build_member_graph, graph_metrics
from matcher.groups import Members


def random_members(n, seed, travel=True):
    rng = np.random.default_rng(seed)
    return Members.from_arrays(
        [f"m{i}" for i in range(n)], 51.5 + rng.normal(0, 0.03, n), -0.1 + rng.normal(0, 0.04, n),
        rng.random((n, 4)), travel_km=rng.uniform(0.5, 4, n) if travel else None)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 40), st.integers(0, 10_000), st.integers(1, 6))
def test_candidate_edges_are_reachable_top_k_partners(n, seed, k):
    m = random_members(n, seed)
    G = build_member_graph(m, k=k)
    D = haversine_matrix(m.lat, m.lon)
    C = compatibility_matrix(m.interests)
    reach = D <= m.travel_km[:, None] + m.travel_km[None, :]
    np.fill_diagonal(reach, False)
    expected = set()
    for i in range(n):
        partners = [j for j in np.flatnonzero(reach[i])]
        partners.sort(key=lambda j: (-C[i, j], j))
        expected |= {frozenset((m.ids[i], m.ids[j])) for j in partners[:k]}
    got = {frozenset(e) for e, d in zip(G.edges, G.edges.values()) if d["candidate"]}
    assert got == expected
    for u, v, d in G.edges(data=True):
        i, j = m.index_of(u), m.index_of(v)
        assert np.isclose(d["weight"], C[i, j]) and np.isclose(d["distance_km"], D[i, j], atol=1e-6)


def test_ties_blocks_and_past_groups():
    m = random_members(6, 1, travel=False)
    ids = m.ids
    G = build_member_graph(m, k=1, ties=[(ids[0], ids[5], 0.8), (ids[0], ids[5], 0.2)],
                           blocks=[(ids[1], ids[2])], past_groups=[[ids[3], ids[4]]])
    assert G.edges[ids[0], ids[5]]["tie"] == 1.0
    assert G.edges[ids[3], ids[4]]["met_before"] is True
    assert not G.has_edge(ids[1], ids[2])
    assert G.graph["blocks"] == {frozenset((ids[1], ids[2]))}


def test_blocked_pair_gets_no_edge_even_with_a_tie():
    m = random_members(4, 2, travel=False)
    a, b = m.ids[:2]
    G = build_member_graph(m, k=3, ties=[(a, b, 1.0)], blocks=[(b, a)])
    assert not G.has_edge(a, b)


def test_metrics_find_isolated_members_components_and_bridges():
    lat = [51.5, 51.5005, 51.501, 52.5]
    m = Members.from_arrays("abcd", lat, [-0.1] * 4, [[1, 0], [1, 0.1], [0.9, 0.2], [1, 0]], travel_km=[1] * 4)
    G = build_member_graph(m, k=1, ties=[("a", "b", 1.0)])
    mt = graph_metrics(G)
    assert mt["isolated"] == ["d"] and mt["no_candidates"] == ["d"]
    assert mt["no_ties"] == ["c", "d"]
    assert mt["components"] == 2 and mt["largest_component"] == 3 and mt["singletons"] == 1
    assert set(mt["bridges"]) == set(map(tuple, map(sorted, nx.bridges(G))))
    assert mt["members"] == 4


def test_graph_is_deterministic_and_matches_members():
    m = random_members(60, 5)
    a, b = build_member_graph(m, k=4), build_member_graph(m, k=4)
    assert sorted(a.edges(data=True)) == sorted(b.edges(data=True))
    assert set(a.nodes) == set(m.ids)
    assert all(a.nodes[v]["travel_km"] == m.travel_km[m.index_of(v)] for v in itertools.islice(a.nodes, 10))
