"""The group-formation objective: every member's satisfaction and the score of a whole grouping.

A member ``i`` in a group ``g`` of size ``s >= 2`` has satisfaction

    sat(i) = (1 / (s - 1)) * sum over j in g, j != i of [ C(i, j) + S(i, j) - lam * D(i, j) ]

where ``C`` is the compatibility of :mod:`matcher.compat` (the cosine of interest vectors when
only those are given), ``D`` the great-circle distance in km between homes, ``lam`` the distance
weight (default 0.05 per km) and ``S`` the social term, zero without ties or past groups:

* mode ``"new"``: ``S = beta * f(i, j) * (1 - p_i - p_j) + beta * min(t(i, j), 0)``, where
  ``f`` is 1 for pairs who met before (a past group together or a positive tie) and ``p`` is
  each member's ``prefers_new`` in [0, 1]: familiar faces are a small plus for people who
  prefer them and a minus for people who want new ones (``beta`` default 0.5);
* mode ``"deepen"``: ``S = beta * clip(t(i, j) + 0.5 * past(i, j), -1, 1)``, favouring pairs
  with strong ties ("would meet again") and groups that met before.

The objective of a grouping is the mean satisfaction over *all* members of the slot; unplaced
members count as 0 and are reported separately. The worst-off tenth is the mean satisfaction of
the ``ceil(n / 10)`` least satisfied members (unplaced included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from matcher.compat import compatibility_matrix, compatibility_pairs, haversine_km, haversine_matrix
from matcher.members import History, Members, make_history

__all__ = [
    "Objective",
    "social_pairs",
    "pair_weights",
    "satisfaction",
    "summarise",
    "score_grouping",
    "pairs_within",
    "pair_lookup",
    "member_satisfaction",
]

MODES = ("new", "deepen")


@dataclass(frozen=True)
class Objective:
    """The score of a grouping: mean satisfaction, the worst-off tenth's mean, and unplaced count.

    ``satisfaction`` holds each member's satisfaction (0 for unplaced members).
    """

    mean: float
    worst_tenth: float
    unplaced: int
    satisfaction: np.ndarray

    def as_dict(self) -> dict:
        """The JSON-able summary.

        Examples
        --------
        >>> Objective(0.5, 0.25, 1, np.zeros(3)).as_dict()
        {'mean': 0.5, 'worst_tenth': 0.25, 'unplaced': 1}
        """
        return {"mean": float(self.mean), "worst_tenth": float(self.worst_tenth),
                "unplaced": int(self.unplaced)}


def social_pairs(
    members: Members, history: History, *, mode: str = "new", familiarity_weight: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The non-zero social terms ``S(i, j)`` as row pairs ``(i, j, s)`` with ``i < j``.

    Examples
    --------
    >>> m = Members.from_arrays("ab", [0, 0], [0, 0], [[1], [1]], prefers_new=[1.0, 1.0])
    >>> h = make_history(m, past_groups=[["a", "b"]])
    >>> social_pairs(m, h, mode="new")[2].tolist()
    [-0.5]
    >>> social_pairs(m, h, mode="deepen")[2].tolist()
    [0.25]
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    terms: dict[tuple[int, int], list[float]] = {}
    for i, j, t in zip(history.tie_i.tolist(), history.tie_j.tolist(), history.tie_strength.tolist()):
        terms.setdefault((i, j), [0.0, 0.0])[0] += t
    for i, j in zip(history.past_i.tolist(), history.past_j.tolist()):
        terms.setdefault((i, j), [0.0, 0.0])[1] = 1.0
    if not terms:
        e = np.zeros(0, dtype=np.intp)
        return e, e.copy(), np.zeros(0)
    keys = sorted(terms)
    I = np.array([k[0] for k in keys], dtype=np.intp)
    J = np.array([k[1] for k in keys], dtype=np.intp)
    tie = np.array([terms[k][0] for k in keys])
    past = np.array([terms[k][1] for k in keys])
    beta = float(familiarity_weight)
    if mode == "new":
        familiar = np.maximum(past, (tie > 0).astype(float))
        p = members.prefers_new
        S = beta * familiar * (1.0 - p[I] - p[J]) + beta * np.minimum(tie, 0.0)
    else:
        S = beta * np.clip(tie + 0.5 * past, -1.0, 1.0)
    keep = S != 0
    return I[keep], J[keep], S[keep]


def pair_weights(
    members: Members,
    rows=None,
    *,
    distance_weight: float = 0.05,
    social: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The pair weights ``C + S - lam * D`` among ``rows`` (default all), and the distances ``D``.

    Examples
    --------
    >>> m = Members.from_arrays("ab", [0.0, 0.0], [0.0, 0.01], [[1, 0], [1, 0]])
    >>> W, D = pair_weights(m)
    >>> round(float(W[0, 1]), 4), round(float(D[0, 1]), 4)
    (0.9444, 1.112)
    """
    n = len(members)
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.intp)
    sub = members.subset(rows) if len(rows) != n or not np.array_equal(rows, np.arange(n)) else members
    C = compatibility_matrix(sub.interests, sub.values, sub.availability)
    D = haversine_matrix(sub.lat, sub.lon)
    W = C - float(distance_weight) * D
    if social is not None and len(social[0]):
        local = np.full(n, -1, dtype=np.intp)
        local[rows] = np.arange(len(rows))
        I, J, S = local[social[0]], local[social[1]], social[2]
        keep = (I >= 0) & (J >= 0)
        np.add.at(W, (I[keep], J[keep]), S[keep])
        np.add.at(W, (J[keep], I[keep]), S[keep])
    np.fill_diagonal(W, 0.0)
    return W, D


def satisfaction(W: np.ndarray, labels) -> np.ndarray:
    """Each member's satisfaction from pair weights ``W`` and group labels (``-1`` = unplaced).

    Examples
    --------
    >>> W = np.array([[0, 1.0, 0.5], [1.0, 0, 0.0], [0.5, 0.0, 0]])
    >>> satisfaction(W, [0, 0, 0]).tolist()
    [0.75, 0.5, 0.25]
    >>> satisfaction(W, [0, 0, -1]).tolist()
    [1.0, 1.0, 0.0]
    """
    labels = np.asarray(labels)
    W = np.array(W, dtype=float)
    np.fill_diagonal(W, 0.0)
    same = (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0)
    sizes = same.sum(axis=1)
    sums = np.where(same, W, 0.0).sum(axis=1)
    return np.where(sizes >= 2, sums / np.maximum(sizes - 1, 1), 0.0)


def summarise(sat: np.ndarray, unplaced: int) -> Objective:
    """Mean and worst-off tenth of per-member satisfaction.

    Examples
    --------
    >>> summarise(np.array([1.0, 0.5, 0.0, 0.5]), 1).as_dict()
    {'mean': 0.5, 'worst_tenth': 0.0, 'unplaced': 1}
    """
    sat = np.asarray(sat, dtype=float)
    if sat.size == 0:
        return Objective(0.0, 0.0, int(unplaced), sat)
    k = max(1, math.ceil(sat.size / 10))
    worst = float(np.sort(sat)[:k].mean())
    return Objective(float(sat.mean()), worst, int(unplaced), sat)


def score_grouping(
    members: Members,
    groups: Iterable[Sequence[int]],
    *,
    distance_weight: float = 0.05,
    ties: Iterable[tuple] | None = None,
    past_groups: Iterable[Iterable] | None = None,
    mode: str = "new",
    familiarity_weight: float = 0.5,
) -> Objective:
    """Score any grouping (given as lists of member rows) with Hearth's objective.

    Members in no group are unplaced and count as 0. With only interest vectors and locations
    the score is the mean over members of (mean cosine - lam * mean km) to their group-mates,
    so groupings from any method can be compared.

    Examples
    --------
    >>> m = Members.from_arrays("abcd", [0, 0, 0, 0], [0, 0, 0, 0], [[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> score_grouping(m, [[0, 1], [2, 3]]).as_dict()
    {'mean': 1.0, 'worst_tenth': 1.0, 'unplaced': 0}
    >>> score_grouping(m, [[0, 2, 1]]).as_dict()
    {'mean': 0.25, 'worst_tenth': 0.0, 'unplaced': 1}
    """
    n = len(members)
    labels = np.full(n, -1, dtype=np.intp)
    for g, group in enumerate(groups):
        for r in group:
            if labels[r] >= 0:
                raise ValueError(f"member row {r} is in two groups")
            labels[r] = g
    social = None
    if ties or past_groups:
        history = make_history(members, ties=ties, past_groups=past_groups)
        social = social_pairs(members, history, mode=mode, familiarity_weight=familiarity_weight)
    groups = [np.flatnonzero(labels == g) for g in range(int(labels.max()) + 1)] if n else []
    sat = member_satisfaction(members, [g for g in groups if len(g)], distance_weight=distance_weight,
                              social=social)
    return summarise(sat, int((labels < 0).sum()))


def pairs_within(groups: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs ``(i, j, k)`` with ``i`` before ``j`` inside group ``k``, built per group size.

    Examples
    --------
    >>> [a.tolist() for a in pairs_within([np.array([4, 7, 9]), np.array([1, 2])])]
    [[1, 4, 4, 7], [2, 7, 9, 9], [1, 0, 0, 0]]
    """
    I, J, K = [np.zeros(0, np.intp)], [np.zeros(0, np.intp)], [np.zeros(0, np.intp)]
    sizes = np.array([len(g) for g in groups], dtype=np.intp)
    for s in np.unique(sizes):
        ks = np.flatnonzero(sizes == s)
        M = np.stack([np.asarray(groups[k], dtype=np.intp) for k in ks])
        iu, ju = np.triu_indices(int(s), 1)
        I.append(M[:, iu].ravel())
        J.append(M[:, ju].ravel())
        K.append(np.repeat(ks, len(iu)))
    return np.concatenate(I), np.concatenate(J), np.concatenate(K)


def pair_lookup(I, J, n: int, keys_i, keys_j, values) -> np.ndarray:
    """Values of sparse pairs ``(keys_i < keys_j)`` at the pairs ``(I, J)``, 0 where absent.

    Examples
    --------
    >>> pair_lookup(np.array([2, 0]), np.array([1, 3]), 4, np.array([1]), np.array([2]), np.array([0.5]))
    array([0.5, 0. ])
    """
    if not len(keys_i) or not len(I):
        return np.zeros(len(I))
    keys = np.asarray(keys_i, dtype=np.int64) * n + np.asarray(keys_j, dtype=np.int64)
    order = np.argsort(keys)
    keys, values = keys[order], np.asarray(values, dtype=float)[order]
    q = np.minimum(I, J).astype(np.int64) * n + np.maximum(I, J)
    pos = np.clip(np.searchsorted(keys, q), 0, len(keys) - 1)
    return np.where(keys[pos] == q, values[pos], 0.0)


def member_satisfaction(members: Members, groups, *, distance_weight: float = 0.05, social=None,
                        pairs=None) -> np.ndarray:
    """Every member's satisfaction for disjoint ``groups`` (rows), in time linear in the pairs.

    Examples
    --------
    >>> m = Members.from_arrays("abc", [0, 0, 0], [0, 0, 0], [[1, 0], [1, 0], [0, 1]])
    >>> member_satisfaction(m, [np.array([0, 1])]).tolist()
    [1.0, 1.0, 0.0]
    """
    n = len(members)
    I, J, _ = pairs if pairs is not None else pairs_within(groups)
    C = compatibility_pairs(I, J, members.interests, members.values, members.availability)
    D = haversine_km(members.lat[I], members.lon[I], members.lat[J], members.lon[J])
    W = C - float(distance_weight) * D
    if social is not None:
        W = W + pair_lookup(I, J, n, *social)
    sizes = np.zeros(n)
    for g in groups:
        sizes[np.asarray(g, dtype=np.intp)] = len(g)
    sums = np.bincount(I, W, n) + np.bincount(J, W, n)
    return np.where(sizes >= 2, sums / np.maximum(sizes - 1, 1), 0.0)
