"""The instances of the group-quality bench: 60 slots from three city shapes, with and without constraints,
and their reference optimum by PuLP with CBC, computed independently of the matcher's exact path.

Shapes (around Manchester's coordinates, 53.48 N 2.24 W): ``clustered`` (four neighbourhoods of
about 0.8 km spread up to 6 km apart), ``uniform`` (an 8 km square) and ``centre`` (a dense
centre of 1 km spread, 40 % in three suburbs 6 to 9 km out). Members per slot run from 8 to 30
and interest dimensions from 8 to 32 (topic mixtures, as in :func:`bench.groups_baselines.city_members`).
Four switches cycle through all 16 combinations: values (5 dimensions), availability (6 time
slots, 2 to 4 each, some stating none), blocks (about one pair in four members) and travel
limits (1.5 to 5 km; every fifth of those also meets at one of two venues).

The group size range starts at 4 to 8 and narrows (4-7, 4-6, 3-6, 3-5, 3-4, 2-4) until the
allowed groups number at most ``MAX_REFERENCE_GROUPS``, so the reference solve stays short.

The reference optimum follows the search's order of preference, as the matcher does: first the
most members placed (then the most of those never placed before, none here), then the largest
mean satisfaction. It is solved in two CBC runs (most placed; then best value with that many
placed) over every allowed group, each group checked by :class:`matcher._rules.Rules` and the
blocks, enumerated here by plain recursion, not by :mod:`matcher._columns`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from matcher._rules import Rules
from matcher.members import Members, Venues
from matcher.objective import pair_weights, score_grouping

__all__ = ["Instance", "instances", "allowed_groups", "group_size", "reference_optimum", "SHAPES", "MAX_REFERENCE_GROUPS"]

SHAPES = ("clustered", "uniform", "centre")
PER_SHAPE = 20
LAT0, LON0 = 53.48, -2.24
MAX_REFERENCE_GROUPS = 30_000
SIZES = ((4, 8), (4, 7), (4, 6), (3, 6), (3, 5), (3, 4), (2, 4), (2, 3))


@dataclass
class Instance:
    """One slot: its members, the options for ``form_groups`` and what it is made of."""

    name: str
    shape: str
    members: Members
    size: tuple
    blocks: list
    venues: Venues | None
    flags: dict
    dim: int
    lam: float = 0.05

    def options(self) -> dict:
        return {"size": self.size, "blocks": self.blocks, "venues": self.venues, "distance_weight": self.lam}


def _xy(shape: str, n: int, rng) -> np.ndarray:
    if shape == "clustered":
        hubs = rng.uniform(-3.0, 3.0, size=(4, 2))
        return hubs[rng.integers(0, 4, n)] + rng.normal(0, 0.8, (n, 2))
    if shape == "uniform":
        return rng.uniform(-4.0, 4.0, size=(n, 2))
    centre = rng.random(n) < 0.6
    angles = rng.uniform(0, 2 * np.pi, 3)
    radii = rng.uniform(6.0, 9.0, 3)
    suburbs = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
    xy = suburbs[rng.integers(0, 3, n)] + rng.normal(0, 0.8, (n, 2))
    xy[centre] = rng.normal(0, 1.0, (int(centre.sum()), 2))
    return xy


def _members(shape: str, n: int, dim: int, flags: dict, rng) -> tuple[Members, Venues | None]:
    xy = _xy(shape, n, rng)
    lat = LAT0 + xy[:, 1] / 111.2
    lon = LON0 + xy[:, 0] / (111.2 * math.cos(math.radians(LAT0)))
    topics = rng.gamma(0.25, 1.0, size=(6, dim))
    interests = rng.dirichlet(np.full(6, 0.15), size=n) @ topics + rng.gamma(0.3, 0.03, size=(n, dim))
    kw: dict = {}
    if flags["values"]:
        kw["values"] = rng.normal(0, 1, (n, 5))
    if flags["availability"]:
        avail = np.zeros((n, 6), dtype=bool)
        for i in range(n):
            avail[i, rng.choice(6, int(rng.integers(2, 5)), replace=False)] = True
        avail[rng.random(n) < 0.15] = False
        kw["availability"] = avail
    venues = None
    if flags["travel"]:
        kw["travel_km"] = rng.uniform(1.5, 5.0, n)
        if flags["venues"]:
            venues = Venues.from_arrays(["hall", "library"], LAT0 + np.array([0.0, 0.02]),
                                        LON0 + np.array([0.0, -0.03]))
    return Members.from_arrays([f"m{i}" for i in range(n)], lat, lon, interests, **kw), venues


def _blocks(n: int, rng) -> list:
    pairs = set()
    while len(pairs) < max(1, n // 4):
        a, b = sorted(rng.choice(n, 2, replace=False).tolist())
        pairs.add((f"m{a}", f"m{b}"))
    return sorted(pairs)


def _cliques(bad: np.ndarray, hi: int, limit: int | None):
    """Row arrays (one ``(count, size)`` array per size) of every set of at most ``hi`` members
    with no forbidden pair, level by level; ``None`` past ``limit`` sets."""
    n = len(bad)
    ok = ~bad & (np.arange(n)[None, :] > np.arange(n)[:, None])
    G = np.arange(n)[:, None]
    C = ok.copy()
    out, total = [G], n
    for _ in range(hi - 1):
        total += int(C.sum())
        if limit is not None and total > limit:
            return None
        r, j = np.nonzero(C)
        G, C = np.column_stack([G[r], j]), C[r] & ok[j]
        out.append(G)
    return out


def _forbidden(members, blocks, venues):
    bad = Rules(members, venues).forbidden_pairs()
    index = {m: i for i, m in enumerate(members.ids)}
    for a, b in blocks:
        bad[index[a], index[b]] = bad[index[b], index[a]] = True
    return bad


def allowed_groups(members: Members, size, blocks, venues) -> list:
    """Every allowed group (tuples of rows): no blocked or impossible pair, and the group rules pass."""
    lo, hi = size
    rules = Rules(members, venues)
    levels = _cliques(_forbidden(members, blocks, venues), hi, None)
    return [tuple(g) for level in levels[lo - 1:] for g in level.tolist() if rules.check(g)]


def group_size(members: Members, blocks, venues, limit: int = MAX_REFERENCE_GROUPS) -> tuple:
    """The widest size range of ``SIZES`` whose possible groups number at most ``limit``."""
    bad = _forbidden(members, blocks, venues)
    for lo, hi in SIZES:
        levels = _cliques(bad, hi, 2 * limit)
        if levels is not None and sum(len(level) for level in levels[lo - 1:]) <= limit:
            return lo, hi
    return SIZES[-1]


def instances(count_per_shape: int = PER_SHAPE, *, seed: int = 0) -> list[Instance]:
    """The bench's instances: ``count_per_shape`` of each shape (60 by default)."""
    out = []
    for s, shape in enumerate(SHAPES):
        for k in range(count_per_shape):
            rng = np.random.default_rng([seed, s, k])
            n = 8 + round(22 * k / max(count_per_shape - 1, 1))
            dim = 8 + (7 * k + 5 * s) % 25
            bits = (k + 5 * s) % 16
            flags = {"values": bool(bits & 1), "availability": bool(bits & 2), "blocks": bool(bits & 4),
                     "travel": bool(bits & 8), "venues": bool(bits & 8) and k % 5 == 0}
            members, venues = _members(shape, n, dim, flags, rng)
            blocks = _blocks(n, rng) if flags["blocks"] else []
            size = group_size(members, blocks, venues)
            out.append(Instance(f"{shape}-{k:02d}", shape, members, size, blocks, venues, flags, dim))
    return out


def reference_optimum(inst: Instance, time_limit: int = 600) -> tuple[list, float, int]:
    """The optimum by PuLP + CBC: (groups of rows, mean satisfaction, members placed).

    Raises if CBC does not prove optimality of either stage.
    """
    import pulp

    warnings.filterwarnings("ignore", category=DeprecationWarning, module="pulp")
    groups = allowed_groups(inst.members, inst.size, inst.blocks, inst.venues)
    n = len(inst.members)
    if not groups:
        return [], 0.0, 0
    W, _ = pair_weights(inst.members, distance_weight=inst.lam)
    values = [W[np.ix_(g, g)].sum() / (len(g) - 1) for g in groups]
    x = [pulp.LpVariable(f"x{k}", cat="Binary") for k in range(len(groups))]
    cover: list = [[] for _ in range(n)]
    for k, g in enumerate(groups):
        for i in g:
            cover[i].append(x[k])
    placed = pulp.lpSum(len(g) * xv for g, xv in zip(groups, x))
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=0)
    first = pulp.LpProblem("most_placed", pulp.LpMaximize)
    first += placed
    for i in range(n):
        if cover[i]:
            first += pulp.lpSum(cover[i]) <= 1
    first.solve(solver)
    if first.sol_status != pulp.LpSolutionOptimal:
        raise RuntimeError(f"CBC did not prove the most placed (sol_status={first.sol_status})")
    most = round(pulp.value(first.objective))
    second = pulp.LpProblem("best_value", pulp.LpMaximize)
    second += pulp.lpSum(v * xv for v, xv in zip(values, x))
    for i in range(n):
        if cover[i]:
            second += pulp.lpSum(cover[i]) <= 1
    second += placed == most
    second.solve(solver)
    if second.sol_status != pulp.LpSolutionOptimal:
        raise RuntimeError(f"CBC did not prove the best value (sol_status={second.sol_status})")
    chosen = [list(groups[k]) for k in range(len(groups)) if x[k].value() > 0.5]
    return chosen, score_grouping(inst.members, chosen, distance_weight=inst.lam).mean, most
