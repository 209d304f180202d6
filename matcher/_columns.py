"""Every feasible group of one slot, as the columns of a set-partitioning model.

A column is a set of member rows of an allowed size whose members may all share a group: no
pair is forbidden (a block, homes farther apart than their two travel limits together, no
common time slot) and the group as a whole passes :class:`matcher._rules.Rules` (a shared slot,
everyone within reach of the meeting place). Columns grow level by level (size ``s`` to
``s + 1``) by adding a member of higher row that is compatible with all of them, so each
clique is built once; the whole-group rules are checked, vectorised, only at the allowed sizes
(reach of a centroid is not monotone in the group, so it cannot prune smaller levels).

Each column carries its value, the sum of its members' satisfactions ``2 P / (s - 1)`` with
``P`` the sum of its pair weights, so the model maximises exactly the objective of
:mod:`matcher.objective`. Enumeration stops (returns ``None``) as soon as the count would
pass ``max_columns`` or the clock passes ``deadline``: the caller then falls back to the search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_array

from matcher._rules import BIG, Rules
from matcher.compat import haversine_km

__all__ = ["Columns", "feasible_columns", "feasible_mask"]


@dataclass(frozen=True)
class Columns:
    """Feasible groups by size: ``members[k]`` is a ``(count, size)`` array of rows, ``values[k]`` their values.

    A column's global index runs over the blocks in order (all of the smallest size first).
    """

    n: int
    members: tuple
    values: tuple

    @property
    def count(self) -> int:
        return int(sum(len(v) for v in self.values))

    @property
    def offsets(self) -> np.ndarray:
        return np.cumsum([0] + [len(b) for b in self.members])

    def sizes(self) -> np.ndarray:
        """Each column's size."""
        return np.concatenate([np.full(len(b), b.shape[1], dtype=float) for b in self.members])

    def all_values(self) -> np.ndarray:
        return np.concatenate(self.values)

    def sums(self, y: np.ndarray) -> np.ndarray:
        """For every column, the sum of ``y`` over its members (e.g. LP duals)."""
        return np.concatenate([y[b].sum(axis=1) for b in self.members])

    def group(self, k: int) -> np.ndarray:
        """The member rows of column ``k``."""
        b = int(np.searchsorted(self.offsets, k, side="right")) - 1
        return self.members[b][k - self.offsets[b]]

    def matrix(self, idx: np.ndarray) -> csc_array:
        """The 0/1 member-by-column matrix of the columns ``idx`` (sorted global indices)."""
        idx = np.asarray(idx, dtype=np.int64)
        off = self.offsets
        parts, sizes = [], []
        for b, block in enumerate(self.members):
            sel = idx[(idx >= off[b]) & (idx < off[b + 1])] - off[b]
            if len(sel):
                parts.append(block[sel].ravel())
                sizes.append(np.full(len(sel), block.shape[1], dtype=np.int64))
        indices = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        indptr = np.concatenate([[0], np.cumsum(np.concatenate(sizes))]) if sizes else np.zeros(1, np.int64)
        return csc_array((np.ones(len(indices)), indices, indptr), shape=(self.n, len(idx)))


def _centroid_reach(lat, lon, travel, M) -> np.ndarray:
    """Whether every member of each row of ``M`` is within their travel limit of the group's centroid.

    The same spherical centroid and great-circle distance as :class:`Rules` (``centroid`` and
    ``haversine_km``), computed for all groups at once.
    """
    p, l = np.radians(lat[M]), np.radians(lon[M])
    x = (np.cos(p) * np.cos(l)).mean(axis=1)
    y = (np.cos(p) * np.sin(l)).mean(axis=1)
    z = np.sin(p).mean(axis=1)
    clat = np.degrees(np.arctan2(z, np.hypot(x, y)))
    clon = np.degrees(np.arctan2(y, x))
    trips = haversine_km(lat[M], lon[M], clat[:, None], clon[:, None])
    return (trips <= travel[M] + 1e-9).all(axis=1)


def feasible_mask(rules: Rules, M: np.ndarray) -> np.ndarray:
    """Which rows of ``M`` (groups of local member rows, one size) pass ``rules`` as whole groups.

    Examples
    --------
    >>> from matcher.members import Members
    >>> m = Members.from_arrays("abc", [51.50, 51.51, 51.60], [-0.1] * 3, [[1]] * 3, travel_km=[2, 2, 2])
    >>> feasible_mask(Rules(m), np.array([[0, 1], [0, 2]])).tolist()
    [True, False]
    """
    M = np.asarray(M, dtype=np.intp)
    ok = np.ones(len(M), dtype=bool)
    if rules.trivial or not len(M):
        return ok
    if rules.avail is not None:
        A = rules.avail[M] | ~rules.stated[M][:, :, None]
        ok &= A.all(axis=1).any(axis=1)
    if rules.venues is not None:
        if rules.need.dtype != np.int64:
            return ok & np.array([bool(o) and rules.check(row.tolist()) for o, row in zip(ok, M)], dtype=bool)
        need = np.bitwise_or.reduce(rules.need[M], axis=1)
        fits = (rules.offer[None, :] & need[:, None]) == need[:, None]
        trips = rules.dv[M]
        fits &= (trips <= rules.travel[M][:, :, None] + 1e-9).all(axis=1)
        return ok & fits.any(axis=1)
    if rules.limited:
        ok &= _centroid_reach(rules.members.lat, rules.members.lon, rules.travel, M)
    return ok


def feasible_columns(W: np.ndarray, lo: int, hi: int, rules: Rules, *, max_columns: int = 200_000,
                     deadline: float | None = None) -> Columns | None:
    """All feasible groups of ``lo`` to ``hi`` members under pair weights ``W`` (``-BIG`` = forbidden).

    Returns ``None`` when more than ``max_columns`` partial or complete groups would be needed,
    or ``time.perf_counter()`` passes ``deadline``.

    Examples
    --------
    >>> rules = Rules.__new__(Rules); rules.trivial = True
    >>> W = np.array([[0, 1, 0, -BIG], [1, 0, 0, 0], [0, 0, 0, 1], [-BIG, 0, 1, 0.0]])
    >>> cols = feasible_columns(W, 3, 3, rules)
    >>> cols.members[0].tolist(), cols.values[0].tolist()
    ([[0, 1, 2], [1, 2, 3]], [1.0, 1.0])
    """
    n = W.shape[0]
    ok = W > -BIG / 2
    np.fill_diagonal(ok, False)
    later = np.arange(n)[None, :] > np.arange(n)[:, None]
    M = np.arange(n, dtype=np.intp)[:, None]
    P = np.zeros(n)
    C = ok & later
    members, values = [], []
    built = n
    for s in range(1, hi + 1):
        if s >= lo:
            keep = feasible_mask(rules, M)
            members.append(M[keep])
            values.append(2.0 * P[keep] / (s - 1))
        if s == hi or not len(M):
            break
        built += int(C.sum())
        if built > max_columns or (deadline is not None and time.perf_counter() > deadline):
            return None
        r, j = np.nonzero(C)
        P = P[r] + W[M[r], j[:, None]].sum(axis=1)
        M = np.column_stack([M[r], j]).astype(np.intp)
        C = C[r] & ok[j] & later[j]
    while len(members) < hi - lo + 1:
        members.append(np.zeros((0, lo + len(members)), dtype=np.intp))
        values.append(np.zeros(0))
    return Columns(n, tuple(members), tuple(values))
