"""Group formation for one slot: partition members into compatible, reachable small groups.

The objective maximised is the one of :mod:`matcher.objective` (mean satisfaction: mean
compatibility with group-mates, plus the social term of the mode, minus ``lam`` times the mean
distance in km to them; unplaced members count 0). Hard constraints: group sizes within
``size``; everyone within their ``travel_km`` of the meeting place (the suggested venue when
venues are given, otherwise the group's centroid); a shared time slot when availability is
given; no blocked pair together; the venue meets everyone's needs. Members never placed before
and those with the fewest possible partners are placed first, and nobody is left out when a
feasible group for them exists in the search.

The search: the city is cut into compact regions (recursive coordinate bisection, about
``region_size`` members each); each region is solved by a hardest-first greedy construction
and a local search of moves and swaps with exact incremental gains (several restarts and random
kicks when the region is small); then a second, rotated tiling over the groups found repairs
the borders between regions and places leftovers. The result is deterministic for a seed.

The exact path (``exact``, :mod:`matcher._exact`): on slots small enough, every feasible group
is enumerated and the set-partitioning model is solved by HiGHS under a time limit, with the
search's grouping as the incumbent and the fallback; the result says ``proven_optimal``, and
gives a ``bound`` and a ``gap``.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterable

import numpy as np

from matcher._exact import EXACT_MODES, exact_labels, wants_exact
from matcher._outcome import Group, Grouping, build_grouping, groups_of
from matcher._regions import bisect_regions
from matcher._rules import BIG, Rules, centroid
from matcher._search import solve
from matcher.defaults import GROUP_SIZE
from matcher.members import History, Members, Venues, make_history
from matcher.objective import MODES, pair_weights, social_pairs

__all__ = ["Group", "Grouping", "form_groups", "Members", "Venues"]


def _defaults(m: int, lo: int, hi: int) -> tuple[int, int]:
    span = hi - lo + 1
    if m <= 40:
        return 3 * span, 60
    if m <= 120:
        return span, 10
    return 1, 0


class _Problem:
    """Everything shared by the regional solves: members, history, venues and settings."""

    def __init__(self, members, history: History, social, venues, lo, hi, lam, seed):
        self.members, self.history, self.social, self.venues = members, history, social, venues
        self.lo, self.hi, self.lam, self.seed = lo, hi, lam, seed
        n = len(members)
        self.n = n
        self.local = np.full(n, -1, dtype=np.intp)

    def weights(self, rows):
        sub = self.members.subset(rows)
        W, _ = pair_weights(self.members, rows, distance_weight=self.lam, social=self.social)
        rules = Rules(sub, self.venues)
        bad = rules.forbidden_pairs()
        self.local[rows] = np.arange(len(rows))
        bi, bj = self.local[self.history.block_i], self.local[self.history.block_j]
        keep = (bi >= 0) & (bj >= 0)
        bad[bi[keep], bj[keep]] = True
        bad[bj[keep], bi[keep]] = True
        self.local[rows] = -1
        W[bad] = -BIG
        return sub, W, rules

    def solve(self, rows, key, *, init=None, restarts=None, kicks=None):
        sub, W, rules = self.weights(rows)
        m = len(rows)
        rng = np.random.default_rng(np.random.SeedSequence([int(self.seed), *key]))
        ok = W > -BIG / 2
        partners = ok.sum(axis=1) - 1
        k = max(1, min(self.lo - 1, m - 1))
        best_k = np.zeros(m)
        if m > 1:
            best_k = -np.partition(-np.where(ok, W, -BIG), k - 1, axis=1)[:, :k].sum(axis=1)
        order = np.lexsort((rng.permutation(m), best_k, partners, sub.placed_before))
        pb = sub.placed_before
        gate = ~(pb[None, :] & ~pb[:, None])
        r0, k0 = _defaults(m, self.lo, self.hi)
        return solve(W, self.lo, self.hi, rules, order, rng, init=init, gate=gate, first=~pb,
                     restarts=r0 if restarts is None else restarts, kicks=k0 if kicks is None else kicks)


def _second_pass(problem: _Problem, labels: np.ndarray, region_size: int, report) -> np.ndarray:
    """Re-solve a rotated tiling of the groups found, warm-started: repairs region borders."""
    groups = groups_of(labels)
    atoms = groups + [np.array([i]) for i in np.flatnonzero(labels < 0)]
    lat = np.empty(len(atoms))
    lon = np.empty(len(atoms))
    for a, rows in enumerate(atoms):
        lat[a], lon[a] = centroid(problem.members.lat[rows], problem.members.lon[rows])
    weight = np.array([len(a) for a in atoms], dtype=float)
    tiles = bisect_regions(lat, lon, max(region_size // 2, 4 * problem.hi), weight=weight, angle=np.pi / 4)
    out = np.full(problem.n, -1, dtype=np.intp)
    next_label = 0
    for t, tile in enumerate(report(tiles, len(tiles), "repairing borders")):
        rows = np.concatenate([atoms[a] for a in tile])
        init = labels[rows].copy()
        placed = init >= 0
        _, init[placed] = np.unique(init[placed], return_inverse=True)
        lab = problem.solve(rows, (2, t), init=init, restarts=1, kicks=0)
        placed = lab >= 0
        out[rows[placed]] = lab[placed] + next_label
        next_label += int(lab.max()) + 1 if placed.any() else 0
    return out


def _quiet(items, total, label):
    return items


def form_groups(
    members: Members,
    *,
    size: tuple[int, int] = GROUP_SIZE,
    distance_weight: float = 0.05,
    mode: str = "new",
    ties: Iterable[tuple] | None = None,
    blocks: Iterable[tuple] | None = None,
    past_groups: Iterable[Iterable] | None = None,
    venues: Venues | None = None,
    familiarity_weight: float = 0.5,
    seed: int = 0,
    region_size: int = 500,
    progress: Callable | None = None,
    exact: bool | str = "auto",
    exact_time_limit: float = 1.0,
) -> Grouping:
    """Partition the members of one slot into groups maximising mean satisfaction.

    Parameters
    ----------
    members : Members
        The members available for the slot.
    size : (int, int)
        Smallest and largest group size, inclusive (default ``matcher.defaults.GROUP_SIZE``, 4 to 8).
    distance_weight : float
        ``lam``: satisfaction lost per km of mean distance to group-mates (default 0.05).
    mode : {"new", "deepen"}
        ``"new"`` avoids repeating past groups (as each member's ``prefers_new`` asks);
        ``"deepen"`` re-forms groups that worked, using tie strengths.
    ties : iterable of (id_a, id_b, strength), optional
        Shared history: attended together, would meet again (positive) or not (negative).
    blocks : iterable of (id_a, id_b), optional
        Pairs that must never share a group.
    past_groups : iterable of iterables of ids, optional
        Groups formed before.
    venues : Venues, optional
        Candidate meeting places; each group gets the one that meets everyone's needs and
        minimises the longest trip, and a group without such a venue is not formed.
    familiarity_weight : float
        ``beta`` of the social term (default 0.5).
    seed : int
        Seed for the randomised parts; equal seeds give equal results.
    region_size : int
        Members per region of the spatial decomposition (default 500); the border repair uses
        tiles of half that size.
    progress : callable, optional
        ``progress(items, total, label)`` wrapping long loops (e.g. :func:`matcher.csvio.progress`).
    exact : {"auto", True, False}
        After the search, try to prove its grouping optimal (or beat it) by set partitioning over
        every feasible group, solved by HiGHS (:mod:`matcher._exact`). ``"auto"`` (default) tries
        slots of at most ``matcher._exact.AUTO_MEMBERS`` members while the possible groups stay
        few enough to enumerate; ``True`` tries any slot (up to a larger number of groups);
        ``False`` keeps the search alone. The search's grouping is the fallback and the incumbent.
    exact_time_limit : float
        Seconds allowed for the exact path (enumeration and solver) after the search (default 1).

    Returns
    -------
    Grouping
        Groups (best first), unplaced member ids, the objective, and ``proven_optimal``,
        ``bound`` and ``gap`` from the exact path.

    Examples
    --------
    >>> m = Members.from_arrays(
    ...     list("abcdefgh"), [51.50] * 4 + [51.52] * 4, [-0.12] * 8,
    ...     [[1, 0]] * 4 + [[0, 1]] * 4, interest_names=["walking", "cooking"])
    >>> result = form_groups(m, size=(4, 4), seed=0)
    >>> sorted(sorted(g.members) for g in result.groups)
    [['a', 'b', 'c', 'd'], ['e', 'f', 'g', 'h']]
    >>> result.groups[0].reason
    'You all enjoy walking; the farthest trip is 0.0 km.'
    >>> result.objective.as_dict()
    {'mean': 1.0, 'worst_tenth': 1.0, 'unplaced': 0}
    >>> result.proven_optimal, result.bound, result.gap
    (True, 1.0, 0.0)
    """
    lo, hi = (int(size[0]), int(size[1]))
    if not 2 <= lo <= hi:
        raise ValueError(f"size must satisfy 2 <= smallest <= largest, not {size!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if exact not in EXACT_MODES or isinstance(exact, (int, float)) and not isinstance(exact, bool):
        raise ValueError(f"exact must be 'auto', True or False, not {exact!r}")
    if not float(exact_time_limit) >= 0:
        raise ValueError(f"exact_time_limit must be a number of seconds, 0 or more, not {exact_time_limit!r}")
    report = progress or _quiet
    history = make_history(members, ties=ties, blocks=blocks, past_groups=past_groups)
    social = social_pairs(members, history, mode=mode, familiarity_weight=familiarity_weight)
    problem = _Problem(members, history, social, venues, lo, hi, float(distance_weight), seed)
    n = len(members)
    labels = np.full(n, -1, dtype=np.intp)
    regions = bisect_regions(members.lat, members.lon, region_size) if n else []
    next_label = 0
    for r, rows in enumerate(report(regions, len(regions), "forming groups")):
        lab = problem.solve(rows, (1, r))
        placed = lab >= 0
        labels[rows[placed]] = lab[placed] + next_label
        next_label += int(lab.max()) + 1 if placed.any() else 0
    if len(regions) > 1:
        labels = _second_pass(problem, labels, region_size, report)
    budget = wants_exact(exact, n)
    if not budget or n == 0 or float(exact_time_limit) <= 0:
        return _result(problem, labels)
    rows = np.arange(n)
    _, W, rules = problem.weights(rows)
    found = exact_labels(W, lo, hi, rules, ~members.placed_before, labels,
                         time_limit=float(exact_time_limit), max_columns=budget)
    return _result(problem, found.labels, found)


def _result(problem: _Problem, labels: np.ndarray, found=None) -> Grouping:
    history = problem.history
    out = build_grouping(problem.members, labels, lam=problem.lam, social=problem.social,
                         past=(history.past_i, history.past_j), venues=problem.venues)
    if found is None:
        return out
    n = problem.n
    mean = float(out.objective.mean)
    bound = None if found.bound is None else found.bound / n
    gap = None
    if found.proven:
        bound, gap = mean, 0.0
    elif bound is not None:
        gap = max(bound - mean, 0.0) / max(abs(bound), 1e-12)
    return dataclasses.replace(out, proven_optimal=found.proven, bound=bound, gap=gap, exact_status=found.status)
