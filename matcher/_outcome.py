"""Turning final labels into scored, explained groups, vectorised over all groups at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable

import numpy as np

from matcher._explain import reason
from matcher._rules import Rules
from matcher.compat import haversine_km, unit_rows
from matcher.members import Members, Venues
from matcher.objective import Objective, member_satisfaction, pair_lookup, pairs_within, summarise

__all__ = ["Group", "Grouping", "groups_of", "build_grouping"]


@dataclass(frozen=True)
class Group:
    """One suggested group: member ids (and rows), score, reason, venue and the longest trip."""

    members: tuple
    rows: tuple
    score: float
    reason: str
    venue: Hashable | None
    farthest_km: float

    def as_dict(self) -> dict:
        """The JSON-able form used by the command line.

        Examples
        --------
        >>> Group(("a", "b"), (0, 1), 0.5, "Why.", None, 1.0).as_dict()
        {'members': ['a', 'b'], 'score': 0.5, 'reason': 'Why.', 'venue': None}
        """
        return {"members": list(self.members), "score": float(self.score), "reason": self.reason,
                "venue": self.venue}


@dataclass(frozen=True)
class Grouping:
    """The groups for a slot (best first), who was left unplaced, and the objective.

    ``labels[i]`` is the index in ``groups`` of member row ``i`` (``-1`` = unplaced).
    ``proven_optimal`` says the exact path proved no grouping better (in the search's order:
    most placed, then most placed of those never placed before, then the objective's mean);
    ``bound`` is then an upper bound on ``objective.mean`` for the best grouping (``None`` when
    the exact path did not run or gave none) and ``gap`` is ``(bound - mean) / |bound|``.
    ``exact_status`` says in words what the exact path did.
    """

    groups: tuple
    unplaced: tuple
    objective: Objective
    labels: np.ndarray = field(repr=False)
    proven_optimal: bool = False
    bound: float | None = None
    gap: float | None = None
    exact_status: str = "not tried"

    def as_dict(self) -> dict:
        """The JSON-able form used by the command line.

        Examples
        --------
        >>> Grouping((), ("a",), Objective(0.0, 0.0, 1, np.zeros(1)), np.array([-1])).as_dict()
        {'groups': [], 'unplaced': ['a'], 'objective': {'mean': 0.0, 'worst_tenth': 0.0, 'unplaced': 1}}
        """
        return {"groups": [g.as_dict() for g in self.groups], "unplaced": list(self.unplaced),
                "objective": self.objective.as_dict()}


def groups_of(labels: np.ndarray) -> list[np.ndarray]:
    """Member rows of each label, in label order (``-1`` left out).

    Examples
    --------
    >>> [g.tolist() for g in groups_of(np.array([1, 0, -1, 1]))]
    [[1], [0, 3]]
    """
    placed = np.flatnonzero(labels >= 0)
    order = placed[np.argsort(labels[placed], kind="stable")]
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [g for g in np.split(order, cuts) if len(g)] if len(order) else []


def _centroids(members: Members, groups, gid, rows):
    p, l = np.radians(members.lat[rows]), np.radians(members.lon[rows])
    G = len(groups)
    xyz = [np.bincount(gid, w, G) for w in (np.cos(p) * np.cos(l), np.cos(p) * np.sin(l), np.sin(p))]
    lat = np.degrees(np.arctan2(xyz[2], np.hypot(xyz[0], xyz[1])))
    lon = np.degrees(np.arctan2(xyz[1], xyz[0]))
    return lat, lon


def build_grouping(members: Members, labels, *, lam: float, social, past, venues: Venues | None) -> Grouping:
    """Score every member and group, choose venues, write reasons; groups sorted best first.

    Examples
    --------
    >>> m = Members.from_arrays("abcd", [51.5] * 4, [-0.1] * 4, [[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> empty = (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    >>> g = build_grouping(m, np.array([0, 0, -1, -1]), lam=0.05, social=empty, past=empty[:2], venues=None)
    >>> [grp.members for grp in g.groups], g.unplaced, g.objective.mean
    ([('a', 'b')], ('c', 'd'), 0.5)
    """
    n = len(members)
    groups = groups_of(np.asarray(labels))
    G = len(groups)
    rows = np.concatenate(groups) if G else np.zeros(0, np.intp)
    gid = np.repeat(np.arange(G), [len(g) for g in groups]).astype(np.intp)
    I, J, K = pairs_within(groups)
    sat = member_satisfaction(members, groups, distance_weight=lam, social=social, pairs=(I, J, K))
    U, ok = unit_rows(members.interests)
    both = ok[I] & ok[J]
    cos_sum = np.bincount(K, np.where(both, np.einsum("kd,kd->k", U[I], U[J]), 0.0), G)
    cos_n = np.bincount(K, both.astype(float), G)
    met = np.bincount(K, pair_lookup(I, J, n, past[0], past[1], np.ones(len(past[0]))), G)
    score = np.bincount(gid, sat[rows], G) / np.maximum(np.bincount(gid, minlength=G), 1)
    if venues is None or not len(venues):
        clat, clon = _centroids(members, groups, gid, rows)
        trips = haversine_km(members.lat[rows], members.lon[rows], clat[gid], clon[gid])
        farthest = np.full(G, 0.0)
        np.maximum.at(farthest, gid, trips)
        chosen = [None] * G
    else:
        farthest, chosen = np.zeros(G), []
        for k, g in enumerate(groups):
            v, t = Rules(members.subset(g), venues).meeting(range(len(g)))
            chosen.append(venues.ids[v] if v >= 0 else None)
            farthest[k] = float(np.max(t)) if v >= 0 else np.inf
    out = []
    for k in np.lexsort((np.array([g[0] for g in groups]) if G else [], -score)):
        g = groups[k]
        sub_values = members.values[g] if members.values is not None else None
        match = cos_sum[k] / cos_n[k] if cos_n[k] else None
        text = reason(members.interests[g], sub_values, members.interest_names, members.value_names,
                      float(farthest[k]), venue=chosen[k], met_before=int(met[k]), match=match)
        out.append(Group(tuple(members.ids[i] for i in g), tuple(int(i) for i in g), float(score[k]), text,
                         chosen[k], float(farthest[k])))
    final = np.full(n, -1, dtype=np.intp)
    for k, grp in enumerate(out):
        final[list(grp.rows)] = k
    unplaced = tuple(members.ids[i] for i in np.flatnonzero(final < 0))
    return Grouping(tuple(out), unplaced, summarise(sat, len(unplaced)), final)

