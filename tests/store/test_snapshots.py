"""The match-graph snapshot: works with no profile vectors yet, and lays out large areas by community."""

from __future__ import annotations

import networkx as nx
from factories import make_centre, make_resident, make_user

import store.insight.snapshots as snapshots
from store.places.geocoding import Place
from store.profiles.homes import confirm_home


def test_a_snapshot_with_homes_but_no_answers_yet(db, settings):
    centre = make_centre(db)
    for _ in range(4):
        person = make_user(db)
        confirm_home(db, person.id, Place("near Hyde Park, Leeds", 53.8113, -1.5660, 500))
    snap = snapshots.build_snapshot(db, settings, centre)
    assert snap.data["summary"]["members"] == 4 and len(snap.data["nodes"]) == 4


def test_large_areas_are_laid_out_community_by_community(db, settings, monkeypatch):
    monkeypatch.setattr(snapshots, "DIRECT_LAYOUT_MAX", 5)
    centre = make_centre(db)
    for _ in range(12):
        make_resident(db)
    snap = snapshots.build_snapshot(db, settings, centre, seed=3)
    xs = {(n["x"], n["y"]) for n in snap.data["nodes"]}
    assert len(xs) == 12  # everyone has a place of their own
    G = nx.karate_club_graph()
    for u, v in G.edges:
        G[u][v]["weight"] = 1.0
    parts = nx.community.louvain_communities(G, seed=0)
    assert len(snapshots._layout(G, parts, 0)) == G.number_of_nodes()
