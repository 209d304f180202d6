"""Hard constraints on one group: travel to the meeting place, shared time, venue needs, blocks."""

from __future__ import annotations

import numpy as np

from matcher.compat import haversine_km, haversine_matrix
from matcher.members import Members, Venues

__all__ = ["Rules", "centroid", "feature_masks"]

BIG = 1.0e6


def feature_masks(tag_sets, vocabulary: dict) -> np.ndarray:
    """Bit masks (Python ints in an object array) of tag sets over a shared vocabulary.

    Examples
    --------
    >>> vocab = {}
    >>> feature_masks([{"a"}, {"a", "b"}, set()], vocab).tolist(), vocab
    ([1, 3, 0], {'a': 0, 'b': 1})
    """
    out = np.zeros(len(tag_sets), dtype=object)
    for k, tags in enumerate(tag_sets):
        mask = 0
        for t in sorted(tags):
            mask |= 1 << vocabulary.setdefault(t, len(vocabulary))
        out[k] = mask
    return out


def centroid(lat, lon) -> tuple[float, float]:
    """The spherical centroid (normalised mean of unit vectors) of points in degrees.

    Examples
    --------
    >>> [round(x, 6) for x in centroid([0.0, 0.0], [10.0, 20.0])]
    [0.0, 15.0]
    """
    p, l = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    x, y, z = (np.cos(p) * np.cos(l)).mean(), (np.cos(p) * np.sin(l)).mean(), np.sin(p).mean()
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))


class Rules:
    """The group-level hard constraints for a set of members (rows local to ``members``).

    A group is feasible when its members share a time slot (members who stated none fit any
    slot) and everyone is within their ``travel_km`` of the meeting place: the best venue that
    meets all their needs when venues are given, otherwise the group's centroid.

    Examples
    --------
    >>> m = Members.from_arrays("abc", [51.50, 51.51, 51.60], [-0.1] * 3, [[1]] * 3,
    ...                         travel_km=[2, 2, 2], needs=[["step_free"], [], []])
    >>> v = Venues.from_arrays(["hall", "pub"], [51.505, 51.505], [-0.1, -0.1], [["step_free"], []])
    >>> rules = Rules(m, v)
    >>> rules.check([0, 1]), rules.check([0, 2]), rules.meeting([0, 1])[0]
    (True, False, 0)
    >>> rules.forbidden_pairs()[0].tolist()
    [False, False, True]
    """

    def __init__(self, members: Members, venues: Venues | None = None):
        self.members = members
        self.travel = members.travel_km
        self.limited = bool(np.isfinite(self.travel).any())
        A = members.availability
        self.avail = None
        if A is not None and A.any():
            self.avail = A
            self.stated = A.any(axis=1)
        self.venues = venues if venues is not None and len(venues) else None
        if self.venues is not None:
            vocab: dict = {}
            self.need = feature_masks(members.needs, vocab)
            self.offer = feature_masks(self.venues.features, vocab)
            if len(vocab) < 63:
                self.need, self.offer = self.need.astype(np.int64), self.offer.astype(np.int64)
            self.dv = haversine_matrix(members.lat, members.lon, self.venues.lat, self.venues.lon)
        self.trivial = self.avail is None and self.venues is None and not self.limited

    def forbidden_pairs(self) -> np.ndarray:
        """Boolean matrix of pairs that can never share a group (too far apart, no common slot).

        Two members can share a meeting place only if their homes are at most the sum of their
        travel limits apart.
        """
        m = len(self.members)
        bad = np.zeros((m, m), dtype=bool)
        if self.limited:
            D = haversine_matrix(self.members.lat, self.members.lon)
            t = np.where(np.isfinite(self.travel), self.travel, 1e9)
            bad |= D > t[:, None] + t[None, :]
        if self.avail is not None:
            Af = self.avail.astype(np.float32)
            common = (Af @ Af.T) > 0
            both = self.stated[:, None] & self.stated[None, :]
            bad |= both & ~common
        np.fill_diagonal(bad, False)
        return bad

    def _slots_ok(self, rows) -> bool:
        if self.avail is None:
            return True
        rows = [r for r in rows if self.stated[r]]
        if len(rows) < 2:
            return True
        return bool(np.logical_and.reduce(self.avail[rows], axis=0).any())

    def meeting(self, rows) -> tuple[int, np.ndarray]:
        """The venue (index, or -1 for the centroid, -2 when none fits) and each member's trip.

        The venue chosen meets everyone's needs and travel limits and minimises the longest trip.
        """
        rows = list(rows)
        if self.venues is not None:
            need = 0
            for r in rows:
                need |= int(self.need[r])
            if self.offer.dtype == np.int64:
                fits = (self.offer & need) == need
            else:
                fits = np.array([(o & need) == need for o in self.offer], dtype=bool)
            trips = self.dv[rows]
            fits &= (trips <= self.travel[rows, None] + 1e-9).all(axis=0)
            if not fits.any():
                return -2, np.full(len(rows), np.inf)
            longest = np.where(fits, trips.max(axis=0), np.inf)
            v = int(np.argmin(longest))
            return v, trips[:, v]
        lat, lon = centroid(self.members.lat[rows], self.members.lon[rows])
        trips = haversine_km(self.members.lat[rows], self.members.lon[rows], lat, lon)
        return -1, np.asarray(trips, dtype=float)

    def check(self, rows) -> bool:
        """Whether ``rows`` may form a group (sizes are checked by the caller)."""
        if self.trivial:
            return True
        if not self._slots_ok(rows):
            return False
        if self.venues is None and not self.limited:
            return True
        v, trips = self.meeting(rows)
        if v == -2:
            return False
        return bool((trips <= self.travel[list(rows)] + 1e-9).all())

