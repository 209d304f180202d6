"""The exact path of group formation: the search's grouping, then proof (or improvement) by set partitioning.

The search (:mod:`matcher._search`) always runs first: it is the fallback and the incumbent.
Then, when the slot is small enough, every feasible group is enumerated
(:mod:`matcher._columns`) and the set-partitioning model is solved by HiGHS under a time limit
(:mod:`matcher._setpart`). The answer is the better of the two in the search's own order (most
placed, then most placed of those never placed before, then the largest sum of satisfactions):

* the model solved to optimality: the grouping is proven optimal, ``bound`` equals its value;
* the solver stopped at the time limit: the better of the search and the solver's incumbent,
  with the solver's dual bound (``gap`` says how far from proven);
* too many groups to enumerate, or no time left: the search's grouping, nothing proven.

Every group the solver picks is checked again with :class:`matcher._rules.Rules`; if one fails
(it never should), the search's grouping is kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from matcher._columns import feasible_columns
from matcher._local import group_values, value
from matcher._rules import BIG, Rules
from matcher._setpart import solve_partition, tier_weights

__all__ = ["EXACT_MODES", "AUTO_MEMBERS", "AUTO_COLUMNS", "TRUE_COLUMNS", "Exact", "exact_labels", "wants_exact"]

EXACT_MODES = ("auto", True, False)
#: ``exact="auto"`` tries the exact path only for slots of at most this many members ...
AUTO_MEMBERS = 60
#: ... and only while the feasible groups (and partial groups on the way) number at most this.
AUTO_COLUMNS = 200_000
#: ``exact=True`` tries any slot, up to this many groups.
TRUE_COLUMNS = 1_000_000


@dataclass(frozen=True)
class Exact:
    """Labels chosen, whether proven optimal, an upper bound on the sum of satisfactions, and why."""

    labels: np.ndarray
    proven: bool
    bound: float | None
    status: str


def wants_exact(exact, n: int) -> int:
    """The column budget for ``exact`` on a slot of ``n`` members (0 = do not try).

    Examples
    --------
    >>> wants_exact("auto", 20), wants_exact("auto", 500), wants_exact(True, 500), wants_exact(False, 5)
    (200000, 0, 1000000, 0)
    """
    if exact is True:
        return TRUE_COLUMNS
    if exact == "auto" and exact is not False:
        return AUTO_COLUMNS if n <= AUTO_MEMBERS else 0
    return 0


def _key(W, lab, first):
    placed = lab >= 0
    s, P, _ = group_values(W, lab)
    return int(placed.sum()), int((placed & first).sum()), float(value(s, P).sum())


def _better(a, b) -> bool:
    return a[:2] > b[:2] or (a[:2] == b[:2] and a[2] > b[2] + 1e-9)


def exact_labels(W: np.ndarray, lo: int, hi: int, rules: Rules, first: np.ndarray, incumbent: np.ndarray,
                 *, time_limit: float, max_columns: int) -> Exact:
    """Prove ``incumbent`` (labels from the search) optimal, or beat it, within ``time_limit`` seconds.

    Examples
    --------
    >>> rules = Rules.__new__(Rules); rules.trivial = True
    >>> W = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0.0]])
    >>> e = exact_labels(W, 2, 2, rules, np.ones(4, bool), np.array([0, 1, 0, 1]), time_limit=5, max_columns=100)
    >>> e.labels.tolist(), e.proven, e.bound
    ([0, 0, 1, 1], True, 4.0)
    """
    n = W.shape[0]
    start = time.perf_counter()
    deadline = start + float(time_limit)
    incumbent = np.asarray(incumbent, dtype=np.intp)
    inc_key = _key(W, incumbent, first)
    if n < lo:
        return Exact(incumbent, True, 0.0, "too few members for a group")
    cols = feasible_columns(W, lo, hi, rules, max_columns=max_columns, deadline=deadline)
    if cols is None:
        return Exact(incumbent, False, None, "too many possible groups, or no time left, to enumerate")
    left = deadline - time.perf_counter()
    if left <= 0.005:
        return Exact(incumbent, False, None, "no time left for the solver")
    ok = W > -BIG / 2
    weight_bound = float(np.abs(np.where(ok, W, 0.0)).max()) if n else 0.0
    everyone = inc_key[0] == n
    M, M2 = tier_weights(n, n * weight_bound, everyone)
    coef = cols.all_values() + M * cols.sizes() + M2 * cols.sums(first.astype(float))
    solved = solve_partition(cols, coef, _columns_of(cols, incumbent), everyone=everyone, time_limit=left)
    lab = np.full(n, -1, dtype=np.intp)
    for g, grp in enumerate(solved.groups):
        lab[grp] = g
    valid = all(_allowed(ok, rules, np.asarray(grp), lo, hi) for grp in solved.groups)
    if not valid:
        return Exact(incumbent, False, None, "the solver's grouping broke a rule; the search's is kept")
    key = _key(W, lab, first)
    best, best_key = (lab, key) if _better(key, inc_key) else (incumbent, inc_key)
    bound = None
    if solved.bound is not None:
        bound = max(solved.bound - M * best_key[0] - M2 * best_key[1], best_key[2])
    if solved.optimal:
        return Exact(best, True, bound, solved.message)
    return Exact(best, False, bound, solved.message)


def _allowed(ok, rules: Rules, rows, lo: int, hi: int) -> bool:
    """The group ``rows`` checked again from scratch: size, every pair allowed, the group rules."""
    pairs = ok[np.ix_(rows, rows)] | np.eye(len(rows), dtype=bool)
    return lo <= len(rows) <= hi and bool(pairs.all()) and (rules.trivial or rules.check(rows.tolist()))


def _columns_of(cols, labels) -> list[int]:
    """Indices in ``cols`` of the groups of ``labels`` (all are feasible, so all are there)."""
    lo = cols.members[0].shape[1] if cols.members else 0
    offsets = np.cumsum([0] + [len(b) for b in cols.members])
    out = []
    for g in np.unique(labels[labels >= 0]):
        rows = np.flatnonzero(labels == g)
        k = len(rows) - lo
        if not 0 <= k < len(cols.members):
            continue
        hit = np.flatnonzero((cols.members[k] == rows[None, :]).all(axis=1))
        if len(hit):
            out.append(int(offsets[k] + hit[0]))
    return out
