"""The matcher's inputs for one slot: members as a table of arrays, venues, and shared history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

import numpy as np

from matcher.defaults import PREFERS_NEW

__all__ = ["Members", "Venues", "History", "make_history"]


def _as_needs(needs, n: int) -> tuple[frozenset, ...]:
    if needs is None:
        return tuple(frozenset() for _ in range(n))
    out = tuple(frozenset(str(t) for t in (x or ())) for x in needs)
    if len(out) != n:
        raise ValueError(f"needs has {len(out)} rows for {n} members")
    return out


def _column(x, n: int, default, dtype, name: str) -> np.ndarray:
    if x is None:
        return np.full(n, default, dtype=dtype)
    arr = np.asarray(x, dtype=dtype).reshape(-1)
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} rows for {n} members")
    return arr


def _matrix(x, n: int, dtype, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=dtype)
    if arr.ndim != 2:
        arr = arr.reshape(n, -1) if n else np.zeros((0, 1), dtype=dtype)
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} rows for {n} members")
    return arr


@dataclass(frozen=True, eq=False)
class Members:
    """The members available for one slot, as parallel arrays (row ``i`` is one member).

    Parameters
    ----------
    ids : sequence of hashable
        Stable member identifiers, unique.
    lat, lon : array_like of float, shape (n,)
        Home location (coarse) in degrees.
    interests : array_like of float, shape (n, d)
        Interest vectors; column ``c`` is named ``interest_names[c]`` when names are given.
    values : array_like of float, shape (n, v), optional
        Value vectors; a row of NaN means the member has not answered.
    availability : array_like of bool, shape (n, t), optional
        Time slots a member can meet in; an all-False row means "not stated" (any slot).
    travel_km : array_like of float, optional
        How far each member will travel to the meeting place; ``inf`` (default) means no limit.
    needs : sequence of iterables of str, optional
        Accessibility and dietary needs a venue must meet (e.g. ``"step_free"``, ``"vegan"``).
    placed_before : array_like of bool, optional
        Whether the member has been in a group before; those never placed are placed first.
    prefers_new : array_like of float in [0, 1], optional
        How much the member wants new faces rather than familiar ones (default
        ``matcher.defaults.PREFERS_NEW``, 0.75).
    interest_names, value_names : sequence of str, optional
        Column names used in plain-language reasons.

    Examples
    --------
    >>> m = Members.from_arrays(["a", "b"], [51.5, 51.51], [-0.12, -0.13], [[1, 0], [1, 1]])
    >>> len(m), m.travel_km.tolist(), m.index_of("b")
    (2, [inf, inf], 1)
    """

    ids: tuple
    lat: np.ndarray
    lon: np.ndarray
    interests: np.ndarray
    values: np.ndarray | None = None
    availability: np.ndarray | None = None
    travel_km: np.ndarray | None = None
    needs: tuple = ()
    placed_before: np.ndarray | None = None
    prefers_new: np.ndarray | None = None
    interest_names: tuple | None = None
    value_names: tuple | None = None

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[Hashable],
        lat,
        lon,
        interests,
        *,
        values=None,
        availability=None,
        travel_km=None,
        needs=None,
        placed_before=None,
        prefers_new=None,
        interest_names=None,
        value_names=None,
    ) -> "Members":
        """Check shapes, fill defaults and build a :class:`Members` table.

        Examples
        --------
        >>> Members.from_arrays([1], [0.0], [0.0], [[1.0]]).prefers_new.tolist()
        [0.75]
        """
        ids = tuple(ids)
        n = len(ids)
        if len(set(ids)) != n:
            raise ValueError("member ids must be unique")
        lat = _column(lat, n, 0.0, float, "lat")
        lon = _column(lon, n, 0.0, float, "lon")
        if not (np.isfinite(lat).all() and np.isfinite(lon).all()):
            raise ValueError("lat and lon must be finite")
        interests = _matrix(interests, n, float, "interests")
        if values is not None:
            values = _matrix(values, n, float, "values")
        if availability is not None:
            availability = _matrix(availability, n, bool, "availability")
        travel = _column(travel_km, n, np.inf, float, "travel_km")
        travel = np.where(np.isnan(travel), np.inf, travel)
        if (travel < 0).any():
            raise ValueError("travel_km must not be negative")
        placed = _column(placed_before, n, False, bool, "placed_before")
        prefers = np.clip(_column(prefers_new, n, PREFERS_NEW, float, "prefers_new"), 0.0, 1.0)
        names = tuple(interest_names) if interest_names is not None else None
        vnames = tuple(value_names) if value_names is not None else None
        return cls(ids, lat, lon, interests, values, availability, travel, _as_needs(needs, n),
                   placed, prefers, names, vnames)

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, member_id: Hashable) -> int:
        """Row of a member id.

        Examples
        --------
        >>> Members.from_arrays(["x", "y"], [0, 0], [0, 0], [[1], [1]]).index_of("y")
        1
        """
        return self._index()[member_id]

    def _index(self) -> dict:
        cache = self.__dict__.get("_index_cache")
        if cache is None:
            cache = {m: i for i, m in enumerate(self.ids)}
            object.__setattr__(self, "_index_cache", cache)
        return cache

    def subset(self, rows) -> "Members":
        """The members at ``rows``, in that order.

        Examples
        --------
        >>> Members.from_arrays("abc", [0, 0, 0], [0, 0, 0], [[1], [1], [1]]).subset([2, 0]).ids
        ('c', 'a')
        """
        rows = np.asarray(rows, dtype=np.intp)
        pick = lambda a: None if a is None else a[rows]  # noqa: E731
        return Members(tuple(self.ids[i] for i in rows), self.lat[rows], self.lon[rows],
                       self.interests[rows], pick(self.values), pick(self.availability),
                       self.travel_km[rows], tuple(self.needs[i] for i in rows),
                       self.placed_before[rows], self.prefers_new[rows], self.interest_names,
                       self.value_names)


@dataclass(frozen=True, eq=False)
class Venues:
    """Places a group can meet, with the features they offer (``"step_free"``, ``"vegan"``, ...).

    Examples
    --------
    >>> v = Venues.from_arrays(["hall"], [51.5], [-0.12], [["step_free", "quiet"]])
    >>> v.ids, sorted(v.features[0])
    (('hall',), ['quiet', 'step_free'])
    """

    ids: tuple
    lat: np.ndarray
    lon: np.ndarray
    features: tuple

    @classmethod
    def from_arrays(cls, ids, lat, lon, features=None) -> "Venues":
        """Check shapes and build a :class:`Venues` table.

        Examples
        --------
        >>> len(Venues.from_arrays([1, 2], [0, 0], [0, 1]).ids)
        2
        """
        ids = tuple(ids)
        n = len(ids)
        lat = _column(lat, n, 0.0, float, "venue lat")
        lon = _column(lon, n, 0.0, float, "venue lon")
        return cls(ids, lat, lon, _as_needs(features, n))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class History:
    """Shared history as row-index pairs: ties with a strength, blocks, and past co-membership.

    ``tie_*`` hold pairs ``i < j`` with strength (positive: would meet again; negative: would
    not); ``block_*`` pairs must never share a group; ``past_*`` pairs were in a group together.
    """

    tie_i: np.ndarray
    tie_j: np.ndarray
    tie_strength: np.ndarray
    block_i: np.ndarray
    block_j: np.ndarray
    past_i: np.ndarray
    past_j: np.ndarray


def _pairs(pairs, index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    best: dict[tuple[int, int], float] = {}
    for item in pairs or ():
        a, b = item[0], item[1]
        w = float(item[2]) if len(item) > 2 and item[2] is not None else 1.0
        if a not in index or b not in index or a == b:
            continue
        i, j = sorted((index[a], index[b]))
        best[(i, j)] = best.get((i, j), 0.0) + w
    if not best:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty.copy(), np.zeros(0)
    keys = sorted(best)
    return (np.array([k[0] for k in keys], dtype=np.intp), np.array([k[1] for k in keys], dtype=np.intp),
            np.array([best[k] for k in keys]))


def make_history(
    members: Members,
    *,
    ties: Iterable[tuple] | None = None,
    blocks: Iterable[tuple] | None = None,
    past_groups: Iterable[Iterable[Hashable]] | None = None,
) -> History:
    """Turn id-based history into row-index pairs; unknown ids are ignored (not in this slot).

    Parameters
    ----------
    members : Members
    ties : iterable of (id_a, id_b) or (id_a, id_b, strength), optional
        Repeated pairs add up; strength defaults to 1.
    blocks : iterable of (id_a, id_b), optional
    past_groups : iterable of iterables of ids, optional
        Each past group makes all its pairs "met before".

    Examples
    --------
    >>> m = Members.from_arrays("abc", [0, 0, 0], [0, 0, 0], [[1], [1], [1]])
    >>> h = make_history(m, ties=[("b", "a", 0.5)], blocks=[("a", "c")], past_groups=[["a", "b", "c"]])
    >>> h.tie_i.tolist(), h.tie_j.tolist(), h.tie_strength.tolist(), h.block_j.tolist(), len(h.past_i)
    ([0], [1], [0.5], [2], 3)
    """
    index = members._index()
    ti, tj, ts = _pairs(ties, index)
    bi, bj, _ = _pairs([(a, b) for a, b, *_ in (blocks or ())], index)
    past = []
    for group in past_groups or ():
        rows = sorted({index[m] for m in group if m in index})
        past.extend((members.ids[a], members.ids[b]) for k, a in enumerate(rows) for b in rows[k + 1:])
    pi, pj, _ = _pairs(past, index)
    return History(ti, tj, ts, bi, bj, pi, pj)
