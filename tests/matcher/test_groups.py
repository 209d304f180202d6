"""Group formation: every hard constraint, determinism, modes, and the objective recomputed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.groups import Members, Venues, form_groups
from matcher.objective import score_grouping

R = 6371.0088
FEATURES = ["step_free", "hearing_loop", "quiet", "vegan"]


def km(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(min(1.0, h)))


def cos(a, b):
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b))
    return 0.0 if na == 0 or nb == 0 else sum(x * y for x, y in zip(a, b)) / (na * nb)


def centroid(points):
    xs = [math.cos(math.radians(p)) * math.cos(math.radians(l)) for p, l in points]
    ys = [math.cos(math.radians(p)) * math.sin(math.radians(l)) for p, l in points]
    zs = [math.sin(math.radians(p)) for p, _ in points]
    x, y, z = sum(xs) / len(xs), sum(ys) / len(ys), sum(zs) / len(zs)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def plain_objective(members, groups, lam):
    """Mean satisfaction by plain loops: interests-only compatibility, unplaced count 0."""
    n = len(members)
    sat = [0.0] * n
    X = members.interests.tolist()
    pts = list(zip(members.lat.tolist(), members.lon.tolist()))
    for g in groups:
        for i in g:
            others = [j for j in g if j != i]
            sat[i] = sum(cos(X[i], X[j]) - lam * km(pts[i], pts[j]) for j in others) / len(others)
    k = max(1, math.ceil(n / 10))
    return sum(sat) / n, sum(sorted(sat)[:k]) / k


@st.composite
def instances(draw):
    n = draw(st.integers(0, 26))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    lo = draw(st.integers(2, 4))
    hi = draw(st.integers(lo, lo + 4))
    limited = draw(st.booleans())
    with_slots = draw(st.booleans())
    with_venues = draw(st.booleans())
    ids = [f"m{i}" for i in range(n)]
    travel = np.where(rng.random(n) < 0.7, rng.uniform(0.5, 4.0, n), np.inf) if limited else None
    slots = rng.random((n, 4)) < 0.6 if with_slots else None
    needs = [[f for f in FEATURES if rng.random() < 0.15] for _ in range(n)]
    members = Members.from_arrays(
        ids, 51.5 + rng.normal(0, 0.01, n), -0.12 + rng.normal(0, 0.015, n), rng.random((n, 5)),
        availability=slots, travel_km=travel, needs=needs, placed_before=rng.random(n) < 0.5)
    pairs = [(ids[a], ids[b]) for a, b in rng.integers(0, max(n, 1), (n // 2, 2)) if a != b] if n else []
    venues = None
    if with_venues:
        v = int(rng.integers(1, 5))
        venues = Venues.from_arrays([f"v{k}" for k in range(v)], 51.5 + rng.normal(0, 0.01, v),
                                    -0.12 + rng.normal(0, 0.015, v),
                                    [[f for f in FEATURES if rng.random() < 0.6] for _ in range(v)])
    return members, (lo, hi), pairs, venues, seed % 1000


def check_constraints(members, size, blocks, venues, result):
    lo, hi = size
    seen = set()
    pts = list(zip(members.lat.tolist(), members.lon.tolist()))
    blocked = {frozenset(p) for p in blocks}
    for g in result.groups:
        assert lo <= len(g.members) <= hi
        assert not seen & set(g.members)
        seen |= set(g.members)
        assert [members.ids[r] for r in g.rows] == list(g.members)
        for a in g.members:
            for b in g.members:
                assert frozenset((a, b)) not in blocked or a == b
        if venues is not None:
            v = venues.ids.index(g.venue)
            place = (venues.lat[v], venues.lon[v])
            need = set().union(*(members.needs[r] for r in g.rows))
            assert need <= venues.features[v]
        else:
            assert g.venue is None
            place = centroid([pts[r] for r in g.rows])
        for r in g.rows:
            assert km(pts[r], place) <= members.travel_km[r] + 1e-6
        if members.availability is not None:
            stated = [members.availability[r] for r in g.rows if members.availability[r].any()]
            if len(stated) >= 2:
                assert np.logical_and.reduce(stated).any()
    assert seen | set(result.unplaced) == set(members.ids)
    assert not seen & set(result.unplaced)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_hard_constraint_holds(inst):
    members, size, blocks, venues, seed = inst
    result = form_groups(members, size=size, blocks=blocks, venues=venues, seed=seed)
    check_constraints(members, size, blocks, venues, result)
    assert result.objective.unplaced == len(result.unplaced)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 30), st.integers(0, 10_000), st.floats(0.0, 0.3))
def test_objective_equals_plain_loop_computation(n, seed, lam):
    rng = np.random.default_rng(seed)
    members = Members.from_arrays(range(n), 51.5 + rng.normal(0, 0.02, n), -0.1 + rng.normal(0, 0.02, n),
                                  rng.random((n, 4)))
    result = form_groups(members, size=(3, 5), distance_weight=lam, seed=seed)
    groups = [list(g.rows) for g in result.groups]
    mean, worst = plain_objective(members, groups, lam) if n else (0.0, 0.0)
    assert math.isclose(result.objective.mean, mean, abs_tol=1e-9)
    assert math.isclose(result.objective.worst_tenth, worst, abs_tol=1e-9)
    again = score_grouping(members, groups, distance_weight=lam)
    assert math.isclose(again.mean, mean, abs_tol=1e-9)
    for g in result.groups:
        sub_mean = np.mean([result.objective.satisfaction[r] for r in g.rows])
        assert math.isclose(g.score, sub_mean, abs_tol=1e-9)


@settings(max_examples=8, deadline=None)
@given(instances())
def test_deterministic_for_a_seed(inst):
    members, size, blocks, venues, seed = inst
    a = form_groups(members, size=size, blocks=blocks, venues=venues, seed=seed)
    b = form_groups(members, size=size, blocks=blocks, venues=venues, seed=seed)
    assert a.as_dict() == b.as_dict()


@pytest.mark.parametrize("n,size", [(4, (4, 8)), (9, (4, 8)), (13, (4, 6)), (23, (3, 5)), (700, (4, 8))])
def test_nobody_left_out_without_constraints(n, size):
    rng = np.random.default_rng(n)
    members = Members.from_arrays(range(n), 40.7 + rng.normal(0, 0.05, n), -74 + rng.normal(0, 0.05, n),
                                  rng.random((n, 6)))
    result = form_groups(members, size=size, seed=1)
    assert result.unplaced == ()
    assert all(size[0] <= len(g.members) <= size[1] for g in result.groups)


def test_never_placed_members_are_placed_first():
    members = Members.from_arrays("abcde", [51.5] * 5, [-0.1] * 5,
                                  [[1, 0], [1, 0], [1, 0], [1, 0], [0, 1]],
                                  placed_before=[True, True, True, True, False])
    result = form_groups(members, size=(4, 4))
    assert "e" in result.groups[0].members and len(result.unplaced) == 1


def test_isolated_member_placed_when_a_group_for_them_exists():
    # 'far' can reach only a, b, c (4 km limit); the others live close together and could all be
    # grouped without 'far', but a feasible group with 'far' exists, so 'far' must be placed.
    lat = [51.50, 51.50, 51.50, 51.50, 51.50, 51.50, 51.50, 51.52]
    lon = [-0.10, -0.10, -0.10, -0.10, -0.10, -0.10, -0.10, -0.10]
    X = [[1, 0]] * 7 + [[0, 1]]
    travel = [5, 5, 5, 0.5, 0.5, 0.5, 0.5, 4]
    members = Members.from_arrays(list("abcdefg") + ["far"], lat, lon, X, travel_km=travel)
    result = form_groups(members, size=(4, 4))
    assert result.unplaced == ()


def test_blocked_pair_never_together_even_if_ideal():
    members = Members.from_arrays("abcdefgh", [51.5] * 8, [-0.1] * 8, [[1, 0]] * 4 + [[0, 1]] * 4)
    result = form_groups(members, size=(4, 4), blocks=[("a", "b")])
    for g in result.groups:
        assert not {"a", "b"} <= set(g.members)


def _eight_with_history():
    members = Members.from_arrays("abcdefgh", [51.5] * 8, [-0.1] * 8, [[1.0, 0.1]] * 8,
                                  prefers_new=[1.0] * 8)
    past = [list("abcd"), list("efgh")]
    ties = [(a, b, 1.0) for g in past for i, a in enumerate(g) for b in g[i + 1:]]
    return members, past, ties


def test_new_mode_avoids_repeating_past_groups():
    members, past, ties = _eight_with_history()
    result = form_groups(members, size=(4, 4), past_groups=past, ties=ties, mode="new")
    formed = {frozenset(g.members) for g in result.groups}
    assert not formed & {frozenset(g) for g in past}


def test_deepen_mode_reforms_groups_that_worked():
    members, past, ties = _eight_with_history()
    result = form_groups(members, size=(4, 4), past_groups=past, ties=ties, mode="deepen")
    assert {frozenset(g.members) for g in result.groups} == {frozenset(g) for g in past}
    assert "6 pairs of you have met before" in result.groups[0].reason


def test_reason_names_shared_interests_values_and_trip():
    members = Members.from_arrays(
        "abcd", [51.5, 51.501, 51.502, 51.503], [-0.1] * 4, [[1, 1, 0], [1, 1, 1], [1, 1, 0], [1, 1, 0]],
        values=[[1, 0], [1, 0], [1, -1], [np.nan, np.nan]], interest_names=["walking", "cooking", "chess"],
        value_names=["kindness", "tradition"])
    g = form_groups(members, size=(4, 4)).groups[0]
    assert g.reason.startswith("You all enjoy walking and cooking; you all value kindness; the farthest trip is")
    assert g.reason.endswith(f"{g.farthest_km:.1f} km.")


def test_venue_minimises_the_longest_trip_among_those_meeting_needs():
    members = Members.from_arrays("abcd", [51.5] * 4, [-0.10, -0.101, -0.102, -0.103], [[1]] * 4,
                                  needs=[["step_free"], [], [], []])
    venues = Venues.from_arrays(["near_stairs", "near_ok", "far_ok"], [51.5, 51.5005, 51.55],
                                [-0.1015, -0.1015, -0.1], [[], ["step_free"], ["step_free"]])
    result = form_groups(members, size=(4, 4), venues=venues)
    assert result.groups[0].venue == "near_ok"


def test_no_group_without_a_suitable_venue():
    members = Members.from_arrays("abcd", [51.5] * 4, [-0.1] * 4, [[1]] * 4, needs=[["vegan"], [], [], []])
    venues = Venues.from_arrays(["hall"], [51.5], [-0.1], [["step_free"]])
    result = form_groups(members, size=(4, 4), venues=venues)
    assert result.groups == () and len(result.unplaced) == 4


def test_regions_and_border_repair_keep_constraints_at_a_few_thousand():
    rng = np.random.default_rng(3)
    n = 2500
    members = Members.from_arrays(range(n), 53.48 + rng.normal(0, 0.05, n), -2.24 + rng.normal(0, 0.08, n),
                                  rng.random((n, 8)), travel_km=rng.uniform(2, 8, n))
    result = form_groups(members, seed=0, region_size=300)
    check_constraints(members, (4, 8), [], None, result)
    assert len(result.unplaced) <= 5


def test_bad_arguments_raise():
    members = Members.from_arrays("ab", [0, 0], [0, 0], [[1], [1]])
    with pytest.raises(ValueError):
        form_groups(members, size=(1, 3))
    with pytest.raises(ValueError):
        form_groups(members, mode="old")
    with pytest.raises(ValueError):
        Members.from_arrays("aa", [0, 0], [0, 0], [[1], [1]])
