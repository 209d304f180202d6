"""The exact path of group formation against a brute-force optimum, its rules, its fallback and its proof."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matcher._columns import feasible_columns, feasible_mask
from matcher._exact import exact_labels
from matcher._rules import Rules
from matcher.groups import _Problem, form_groups
from matcher.members import Members, Venues, make_history
from matcher.objective import score_grouping, social_pairs


def _instance(seed: int):
    """A small random slot with every kind of constraint switched on or off by the seed."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 11))
    lo = int(rng.integers(2, 4))
    hi = int(rng.integers(lo, min(lo + 3, n) + 1))
    ids = [f"p{i}" for i in range(n)]
    lat = 53.48 + rng.normal(0, 0.02, n)
    lon = -2.24 + rng.normal(0, 0.03, n)
    interests = rng.gamma(0.4, 1.0, (n, int(rng.integers(3, 9)))) + 0.01
    kw = {}
    if seed % 2:
        kw["values"] = rng.normal(0, 1, (n, 4))
    if seed % 3 == 0:
        avail = rng.random((n, 4)) < 0.6
        avail[rng.random(n) < 0.2] = False  # some said nothing: any slot suits them
        kw["availability"] = avail
    if seed % 4 in (1, 2):
        kw["travel_km"] = rng.uniform(1.5, 4.0, n)
    if seed % 5 == 0:
        kw["placed_before"] = rng.random(n) < 0.4
        kw["prefers_new"] = rng.random(n)
    venues = None
    if seed % 7 in (2, 5):
        kw["needs"] = [["step_free"] if rng.random() < 0.3 else [] for _ in range(n)]
        kw.setdefault("travel_km", rng.uniform(2.0, 5.0, n))
        venues = Venues.from_arrays(["hall", "cafe"], [53.48, 53.49], [-2.24, -2.22], [["step_free"], []])
    members = Members.from_arrays(ids, lat, lon, interests, **kw)
    pairs = list(itertools.combinations(ids, 2))
    pick = rng.permutation(len(pairs))
    blocks = [pairs[k] for k in pick[: int(rng.integers(0, 4))]]
    ties = [(*pairs[k], float(rng.choice([-1.0, 0.5, 1.0]))) for k in pick[4: 4 + int(rng.integers(0, 4))]]
    past = [list(rng.choice(ids, 3, replace=False))] if seed % 3 == 1 else None
    mode = "deepen" if seed % 6 == 5 else "new"
    return members, dict(size=(lo, hi), blocks=blocks, ties=ties, past_groups=past, venues=venues, mode=mode)


def _allowed_groups(members, opts):
    """Every allowed group, checked from first principles: size, blocks, and the group rules."""
    lo, hi = opts["size"]
    rules = Rules(members, opts["venues"])
    index = {m: i for i, m in enumerate(members.ids)}
    blocked = {frozenset((index[a], index[b])) for a, b in opts["blocks"]}
    out = []
    for s in range(lo, hi + 1):
        for g in itertools.combinations(range(len(members)), s):
            if any(frozenset(p) in blocked for p in itertools.combinations(g, 2)):
                continue
            if rules.check(list(g)):
                out.append(g)
    return out


def _key(members, opts, groups):
    """The search's order: placed, placed among those never placed before, then the sum of satisfactions."""
    n = len(members)
    obj = score_grouping(members, [list(g) for g in groups], distance_weight=0.05, ties=opts["ties"],
                         past_groups=opts["past_groups"], mode=opts["mode"])
    placed = sorted(i for g in groups for i in g)
    first = int((~members.placed_before[placed]).sum()) if placed else 0
    return len(placed), first, obj.mean * n


def _brute_force(members, opts):
    """The best grouping by dynamic programming over subsets of members (exhaustive)."""
    n = len(members)
    groups = _allowed_groups(members, opts)
    values = {g: _key(members, opts, [g]) for g in groups}
    by_low: dict = {}
    for g in groups:
        by_low.setdefault(g[0], []).append(g)
    memo = {}

    def best(mask):
        if mask == 0:
            return (0, 0, 0.0), []
        if mask in memo:
            return memo[mask]
        i = (mask & -mask).bit_length() - 1
        k, chosen = best(mask & ~(1 << i))
        result = (k, chosen)
        for g in by_low.get(i, []):
            bits = sum(1 << j for j in g)
            if bits & mask != bits:
                continue
            k2, c2 = best(mask & ~bits)
            v = values[g]
            cand = (k2[0] + v[0], k2[1] + v[1], k2[2] + v[2])
            if cand[:2] > result[0][:2] or (cand[:2] == result[0][:2] and cand[2] > result[0][2] + 1e-12):
                result = (cand, c2 + [g])
        memo[mask] = result
        return result

    return best((1 << n) - 1)


def _check_rules(members, opts, grouping):
    lo, hi = opts["size"]
    allowed = set(_allowed_groups(members, opts))
    seen = set()
    for g in grouping.groups:
        rows = tuple(sorted(g.rows))
        assert lo <= len(rows) <= hi and rows in allowed
        assert not seen & set(rows)
        seen |= set(rows)


@pytest.mark.parametrize("seed", range(40))
def test_exact_equals_the_brute_force_optimum_and_keeps_every_rule(seed):
    members, opts = _instance(seed)
    result = form_groups(members, exact=True, exact_time_limit=30, seed=seed, **opts)
    best, _ = _brute_force(members, opts)
    got = _key(members, opts, [g.rows for g in result.groups])
    assert got[:2] == best[:2]
    assert got[2] == pytest.approx(best[2], abs=1e-7)
    assert result.proven_optimal and result.gap == 0.0
    assert result.bound == pytest.approx(result.objective.mean, abs=1e-9)
    _check_rules(members, opts, result)


@pytest.mark.parametrize("seed", range(40))
def test_proven_optimal_only_when_it_is(seed):
    members, opts = _instance(seed)
    heuristic = form_groups(members, exact=False, seed=seed, **opts)
    best, _ = _brute_force(members, opts)
    key = _key(members, opts, [g.rows for g in heuristic.groups])
    assert not heuristic.proven_optimal and heuristic.bound is None and heuristic.gap is None
    _check_rules(members, opts, heuristic)
    assert key[:2] < best[:2] or (key[:2] == best[:2] and key[2] <= best[2] + 1e-7)


def _problem(members, opts):
    history = make_history(members, ties=opts["ties"], blocks=opts["blocks"], past_groups=opts["past_groups"])
    social = social_pairs(members, history, mode=opts["mode"])
    lo, hi = opts["size"]
    problem = _Problem(members, history, social, opts["venues"], lo, hi, 0.05, 0)
    _, W, rules = problem.weights(np.arange(len(members)))
    return W, rules


@pytest.mark.parametrize("seed", [0, 3, 4, 9, 11, 14])
def test_exact_beats_a_poor_incumbent(seed):
    members, opts = _instance(seed)
    W, rules = _problem(members, opts)
    lo, hi = opts["size"]
    n = len(members)
    for incumbent in (np.full(n, -1), np.where(np.arange(n) < lo, 0, -1)):
        if incumbent.max() >= 0 and not rules.check(np.flatnonzero(incumbent >= 0).tolist()):
            continue
        found = exact_labels(W, lo, hi, rules, ~members.placed_before, incumbent, time_limit=30, max_columns=10**6)
        best, _ = _brute_force(members, opts)
        groups = [np.flatnonzero(found.labels == g).tolist() for g in range(found.labels.max() + 1)]
        got = _key(members, opts, groups)
        assert found.proven and got[:2] == best[:2] and got[2] == pytest.approx(best[2], abs=1e-7)


def test_columns_are_exactly_the_allowed_groups():
    for seed in range(12):
        members, opts = _instance(seed)
        W, rules = _problem(members, opts)
        lo, hi = opts["size"]
        cols = feasible_columns(W, lo, hi, rules)
        got = sorted(tuple(int(x) for x in row) for block in cols.members for row in block)
        assert got == sorted(_allowed_groups(members, opts))
        for block in cols.members:
            if len(block):
                assert feasible_mask(rules, block).all()


def _city(n, seed=1):
    rng = np.random.default_rng(seed)
    return Members.from_arrays(range(n), 53.48 + rng.normal(0, 0.02, n), -2.24 + rng.normal(0, 0.03, n),
                               rng.gamma(0.3, 1.0, (n, 12)) + 0.01)


def test_a_tiny_time_limit_falls_back_to_the_search():
    members = _city(24)
    plain = form_groups(members, exact=False)
    for limit in (0.0, 1e-4):
        quick = form_groups(members, exact=True, exact_time_limit=limit)
        assert not quick.proven_optimal
        assert [g.members for g in quick.groups] == [g.members for g in plain.groups]
        assert quick.objective.mean == plain.objective.mean


def test_too_many_groups_falls_back_cleanly():
    members = _city(40)
    result = form_groups(members, exact="auto", exact_time_limit=5)
    plain = form_groups(members, exact=False)
    assert not result.proven_optimal and result.bound is None and result.gap is None
    assert "too many" in result.exact_status
    assert result.objective.mean == plain.objective.mean


def test_stopped_solver_keeps_the_better_grouping_and_a_true_bound():
    members = _city(18, seed=4)
    plain = form_groups(members, exact=False, size=(3, 6))
    proven = form_groups(members, exact=True, exact_time_limit=60, size=(3, 6))
    assert proven.proven_optimal
    for limit in (0.05, 0.2):
        result = form_groups(members, exact=True, exact_time_limit=limit, size=(3, 6))
        assert result.objective.mean >= plain.objective.mean - 1e-12
        assert result.objective.mean <= proven.objective.mean + 1e-9
        if result.bound is not None:
            assert result.bound >= proven.objective.mean - 1e-7
            assert result.gap >= 0
        if result.proven_optimal:
            assert result.objective.mean == pytest.approx(proven.objective.mean, abs=1e-9)


def test_auto_skips_large_slots_and_bad_values_are_refused():
    members = _city(80)
    result = form_groups(members, exact="auto")
    assert result.exact_status == "not tried" and not result.proven_optimal
    for bad in ("yes", 1, None):
        with pytest.raises(ValueError):
            form_groups(_city(8), exact=bad)
    with pytest.raises(ValueError):
        form_groups(_city(8), exact_time_limit=-1)
