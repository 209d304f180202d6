"""Tests of event ranking: the rules (no leakage, only upcoming events), each signal, reasons."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from matcher.compat import haversine_km
from matcher.ranking import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    Attendance,
    Event,
    EventRanker,
    Member,
    Recommendation,
)
from matcher.ranking_signals import mmr_select, personalized_pagerank
from matcher.slots import time_slot

T0 = datetime(2026, 5, 4, 18, 0, tzinfo=timezone.utc)  # a Monday evening


def day(n: float, hour: int = 18) -> datetime:
    return T0.replace(hour=hour) + timedelta(days=n)


def only(signal: str, **params) -> EventRanker:
    return EventRanker(weights={signal: 1.0}, mmr_lambda=1.0, **params)


def order(ranker: EventRanker, member: str, as_of=None, candidates=None, k=10) -> list[str]:
    return [r.event_id for r in ranker.rank(member, candidates, k=k, as_of=as_of)]


# ---------------------------------------------------------------- a small town
TOWN_EVENTS = [
    Event("past-walk", "Morning walk", "A walk by the river", ("walking",), 45.68, -111.04,
          day(-14, 9), "Walkers"),
    Event("past-cook", "Soup night", "Cooking together", ("cooking",), 45.69, -111.05, day(-7),
          "Kitchen"),
    Event("walk", "Hill walk", "Walking up the hill", ("walking",), 45.68, -111.04, day(6, 9),
          "Walkers"),
    Event("chess", "Chess club", "Chess and coffee", ("chess",), 45.90, -111.50, day(3),
          "Chess"),
    Event("cook", "Pasta night", "Cooking pasta", ("cooking",), None, None, day(4), "Kitchen"),
    Event("far", "Far walk", "Walking far away", ("walking",), 46.87, -113.99, day(5, 9),
          "Walkers"),
]
TOWN_MEMBERS = [
    Member("ann", ("walking",), ("sat_morning", "sun_morning"), 45.68, -111.04, 5.0),
    Member("bob", ("chess",)),
    Member("cat"),
]
TOWN_ATTENDANCE = [
    Attendance("ann", "past-walk"), Attendance("bob", "past-walk"),
    Attendance("bob", "past-cook"), Attendance("cat", "past-cook"),
    Attendance("bob", "chess", at=day(-1)),
    Attendance("cat", "walk", at=day(1)),  # signed up after the ranking time below
]


def town(**params) -> EventRanker:
    return EventRanker(**params).fit(TOWN_EVENTS, TOWN_ATTENDANCE, TOWN_MEMBERS)


def test_only_upcoming_events_are_ranked_and_scores_are_sorted():
    recs = town().rank("ann", as_of=T0)
    assert recs and all(isinstance(r, Recommendation) for r in recs)
    starts = {e.id: e.start for e in TOWN_EVENTS}
    assert all(starts[r.event_id] >= T0 for r in recs)
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True)
    assert all(r.reason.endswith(".") and r.reason[0].isupper() for r in recs)


def test_k_is_respected_and_zero_gives_nothing():
    ranker = town()
    assert len(ranker.rank("ann", k=2, as_of=T0)) == 2
    assert ranker.rank("ann", k=0, as_of=T0) == []
    assert len(ranker.rank("ann", k=100, as_of=T0)) == 4


def test_events_the_member_already_attends_are_left_out():
    ranker = town()
    assert "chess" not in order(ranker, "bob", as_of=T0)  # bob signed up before T0
    assert "past-walk" not in order(ranker, "ann")  # no cut-off: attended events are left out


def test_candidates_narrow_the_choice_and_unknown_ids_fail():
    ranker = town()
    assert set(order(ranker, "ann", as_of=T0, candidates=["walk", "chess", "past-walk"])) == {
        "walk", "chess"}
    with pytest.raises(KeyError):
        ranker.rank("ann", ["nope"], as_of=T0)


def test_a_pair_listed_twice_keeps_its_earliest_known_sign_up():
    records = [("ann", "walk"), ("ann", "walk", day(-3)), ("ann", "walk", day(-5))]
    ranker = EventRanker().fit(TOWN_EVENTS, records)
    assert ranker.att_at_.tolist() == [day(-5).timestamp()]
    assert "walk" not in order(ranker, "ann", as_of=day(-4))
    assert "walk" in order(ranker, "ann", as_of=day(-6))


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="unknown signal"):
        EventRanker(weights={"charisma": 1.0}).fit(TOWN_EVENTS)
    with pytest.raises(ValueError, match="unknown event"):
        EventRanker().fit(TOWN_EVENTS, [("ann", "nope")])
    with pytest.raises(ValueError, match="unique"):
        EventRanker().fit(TOWN_EVENTS + TOWN_EVENTS[:1])


def test_unknown_member_and_empty_inputs_still_rank():
    assert len(town().rank("stranger", as_of=T0)) == 4
    assert EventRanker().fit([]).rank("ann") == []
    lone = EventRanker().fit([Event("x", start=day(1))])
    assert order(lone, "ann", as_of=T0) == ["x"]


def test_deterministic_across_fits():
    a = [(r.event_id, r.score, r.reason) for r in town().rank("ann", as_of=T0)]
    b = [(r.event_id, r.score, r.reason) for r in town().rank("ann", as_of=T0)]
    assert a == b


def test_fit_follows_scikit_learn_conventions():
    from sklearn.base import clone

    ranker = EventRanker(half_life_days=30.0)
    assert clone(ranker).get_params()["half_life_days"] == 30.0
    assert vars(ranker)["half_life_days"] == 30.0 and not hasattr(ranker, "weights_")
    assert ranker.fit(TOWN_EVENTS) is ranker and ranker.weights_ == {
        s: float(DEFAULT_WEIGHTS[s]) for s in SIGNALS}


# ---------------------------------------------------------------- each signal in its direction
def test_content_prefers_stated_interests():
    assert order(only("content").fit(TOWN_EVENTS, [], TOWN_MEMBERS), "bob", T0)[0] == "chess"


def test_content_learns_from_past_events():
    ranker = only("content").fit(TOWN_EVENTS, [("cat", "past-cook")], [Member("cat")])
    assert order(ranker, "cat", T0)[0] == "cook"


def test_distance_prefers_near_and_treats_unknown_as_neutral():
    recs = only("distance").fit(TOWN_EVENTS, [], TOWN_MEMBERS).rank("ann", as_of=T0)
    by_id = {r.event_id: r for r in recs}
    assert [r.event_id for r in recs][0] == "walk"
    assert by_id["cook"].signals["distance"] == 0.5  # the event has no place
    assert by_id["far"].signals["distance"] < by_id["chess"].signals["distance"] < 0.5
    assert "Close to you (0.0 km)" in by_id["walk"].reason


def test_distance_without_home_uses_where_the_member_goes_or_stays_neutral():
    ranker = only("distance").fit(TOWN_EVENTS, TOWN_ATTENDANCE, [Member("cat")])
    recs = {r.event_id: r for r in ranker.rank("cat", as_of=T0)}
    assert recs["walk"].signals["distance"] > recs["far"].signals["distance"]
    assert "where you usually go" in recs["walk"].reason
    fresh = only("distance").fit(TOWN_EVENTS, [], [Member("dan")]).rank("dan", as_of=T0)
    assert {r.signals["distance"] for r in fresh} == {0.5}


def test_time_fit_prefers_available_slots_and_is_neutral_without_them():
    ranker = only("time").fit(TOWN_EVENTS, TOWN_ATTENDANCE, TOWN_MEMBERS)
    ann = {r.event_id: r for r in ranker.rank("ann", as_of=T0)}
    assert time_slot(day(6, 9)) == "sun_morning"
    assert ann["walk"].signals["time"] == 1.0 and ann["chess"].signals["time"] == 0.0
    assert set(order(ranker, "ann", T0)[:2]) == {"walk", "far"}  # both on weekend mornings
    assert ann["walk"].reason == "On a Sunday morning, when you're free."
    assert {r.signals["time"] for r in ranker.rank("cat", as_of=T0)} == {0.5}


def test_soon_prefers_sooner_events():
    assert order(only("soon").fit(TOWN_EVENTS), "ann", T0) == ["chess", "cook", "far", "walk"]


def test_ties_and_graph_follow_people_the_member_has_met():
    for signal in ("ties", "graph"):
        ranker = only(signal).fit(TOWN_EVENTS, TOWN_ATTENDANCE, TOWN_MEMBERS)
        assert order(ranker, "ann", T0)[0] == "chess", signal  # bob, met at the walk, is going
    rec = town().rank("ann", ["chess"], as_of=T0)[0]
    assert "1 person you've met is going" in rec.reason


def test_host_prefers_hosts_the_member_returns_to():
    ranker = only("host").fit(TOWN_EVENTS, TOWN_ATTENDANCE, TOWN_MEMBERS)
    assert order(ranker, "cat", T0)[0] == "cook"


def test_popularity_prefers_events_people_signed_up_for():
    ranker = only("popularity").fit(TOWN_EVENTS, TOWN_ATTENDANCE, TOWN_MEMBERS)
    assert order(ranker, "stranger", T0)[0] == "chess"


def test_diversity_spreads_the_top_of_the_list():
    events = [Event(f"w{i}", "Walk", "walking", ("walking",), start=day(1 + i)) for i in range(3)]
    events.append(Event("c", "Chess", "chess", ("chess",), start=day(2)))
    member = [Member("m", ("walking",))]
    plain = order(EventRanker(weights={"content": 1.0}, mmr_lambda=1.0).fit(events, [], member),
                  "m", T0, k=2)
    diverse = order(EventRanker(weights={"content": 1.0}, mmr_lambda=0.3).fit(events, [], member),
                    "m", T0, k=2)
    assert plain == ["w0", "w1"] and diverse == ["w0", "c"]


# ---------------------------------------------------------------- leakage and properties
@st.composite
def worlds(draw):
    n_events = draw(st.integers(2, 8))
    events = [Event(f"e{i}", f"Event {i}", "", (draw(st.sampled_from(["walk", "cook", "chess"])),),
                    *draw(st.one_of(st.just((None, None)),
                                    st.tuples(st.floats(45, 46), st.floats(-112, -111)))),
                    day(draw(st.integers(-20, 20)), draw(st.sampled_from([9, 14, 19]))),
                    draw(st.sampled_from(["A", "B", None])))
              for i in range(n_events)]
    members = [f"m{i}" for i in range(4)]
    pairs = draw(st.lists(st.tuples(st.sampled_from(members), st.sampled_from(events)),
                          max_size=20))
    return events, members, pairs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.integers(-10, 10), st.integers(1, 5))
def test_attendance_after_as_of_never_changes_the_result(world, cut, k):
    events, members, pairs = world
    as_of = day(cut)
    before = [Attendance(m, e.id) for m, e in pairs if e.start < as_of]
    after = [Attendance(m, e.id, at=as_of + timedelta(hours=1)) for m, e in pairs
             if e.start >= as_of]
    a = EventRanker().fit(events, before, [Member(m) for m in members])
    b = EventRanker().fit(events, before + after, [Member(m) for m in members])
    for member in members:
        ra, rb = a.rank(member, k=k, as_of=as_of), b.rank(member, k=k, as_of=as_of)
        assert ra == rb
        assert [r.event_id for r in rb] == [r.event_id for r in b.rank(member, k=k, as_of=as_of)]
        assert all(e.start >= as_of for e in events if e.id in {r.event_id for r in rb})
        assert len(rb) <= k
        scores = [r.score for r in rb]
        assert scores == sorted(scores, reverse=True)


@settings(max_examples=25, deadline=None)
@given(worlds(), st.integers(-10, 10))
def test_no_leakage_for_the_member_and_others_alike(world, cut):
    events, members, pairs = world
    as_of = day(cut)
    before = [Attendance(m, e.id) for m, e in pairs if e.start < as_of]
    others_later = [Attendance(m, e.id) for m, e in pairs if e.start >= as_of and m != "m0"]
    a = EventRanker().fit(events, before, [])
    b = EventRanker().fit(events, before + others_later, [])
    assert a.rank("m0", k=10, as_of=as_of) == b.rank("m0", k=10, as_of=as_of)


# ---------------------------------------------------------------- building blocks
def test_pagerank_matches_networkx():
    G = nx.gnm_random_graph(30, 60, seed=3)
    G.add_node(30)  # a node without edges
    A = nx.to_scipy_sparse_array(G, nodelist=range(31), format="csr")
    seed = np.zeros(31)
    seed[[0, 5]] = [2.0, 1.0]
    ours = personalized_pagerank(sparse.csr_matrix(A), seed, alpha=0.85, max_iter=200, tol=1e-12)
    theirs = nx.pagerank(G, alpha=0.85, personalization={0: 2.0, 5: 1.0}, tol=1e-12,
                         max_iter=200)
    assert np.allclose(ours, [theirs[i] for i in range(31)], atol=1e-8)


def test_mmr_with_lambda_one_is_a_sort_and_ties_go_to_the_first():
    assert mmr_select([0.5, 0.9, 0.5], np.eye(3), 3, lambda_=1.0) == [1, 0, 2]
    assert mmr_select([0.5, 0.9, 0.5], np.eye(3), 3, lambda_=0.7) == [1, 0, 2]
    assert mmr_select([], np.zeros((0, 0)), 3) == []


def test_haversine_and_slots():
    assert float(haversine_km(45.0, -111.0, 45.0, -111.0)) == 0.0
    assert np.isnan(haversine_km(np.nan, 0.0, 1.0, 1.0))
    assert time_slot(datetime(2026, 5, 9, 9, 0)) == "sat_morning"
    assert time_slot(datetime(2026, 5, 9, 12, 0)) == "sat_afternoon"
    local = datetime(2026, 5, 9, 9, 0, tzinfo=timezone(timedelta(hours=-7)))
    assert time_slot(local) == "sat_morning"  # read on the event's own wall clock
