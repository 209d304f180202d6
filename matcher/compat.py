"""Compatibility between members and great-circle distances, vectorised with numpy.

Compatibility of two members is the mean of the parts both of them have:

* the cosine of their interest vectors (present when both vectors are non-zero),
* the cosine of their value vectors (present when neither row is missing, i.e. all-NaN or zero),
* the overlap of their availability, ``|A & B| / |A | B|`` over time slots (present when both
  stated at least one slot).

With interest vectors only, compatibility is exactly the cosine of the interest vectors. Pairs
with no part in common have compatibility 0.

Distances: :func:`haversine_km` is Hearth's one distance function (great circle, mean Earth
radius), for the matcher, the store and every page; :func:`distance_km` is the same formula for
two ``(lat, lon)`` points, and :func:`haversine_matrix` all pairs at once.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "EARTH_RADIUS_KM",
    "haversine_km",
    "distance_km",
    "haversine_matrix",
    "unit_rows",
    "cosine_matrix",
    "availability_overlap",
    "compatibility_matrix",
    "compatibility_pairs",
]

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points given in degrees; arguments broadcast.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array_like
        Latitudes and longitudes in degrees.

    Returns
    -------
    ndarray
        Distances in kilometres (mean Earth radius).

    Examples
    --------
    >>> round(float(haversine_km(51.5007, -0.1246, 40.6892, -74.0445)), 0)
    5575.0
    >>> haversine_km([0.0, 0.0], [0.0, 0.0], 0.0, [0.0, 1.0]).round(2)
    array([  0. , 111.2])
    """
    p1 = np.radians(np.asarray(lat1, dtype=float))
    p2 = np.radians(np.asarray(lat2, dtype=float))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two ``(lat, lon)`` points: :func:`haversine_km` for one pair.

    Examples
    --------
    >>> round(distance_km((53.8195, -1.5775), (53.8113, -1.5660)), 2)
    1.18
    """
    return float(haversine_km(a[0], a[1], b[0], b[1]))


def haversine_matrix(lat, lon, lat2=None, lon2=None) -> np.ndarray:
    """All pairwise great-circle distances in km between two sets of points (or one set).

    Computed from the chord between unit vectors (``sin(d / 2R) = chord / 2``), which equals the
    haversine formula and needs one inverse sine per pair.

    Examples
    --------
    >>> haversine_matrix([0.0, 0.0], [0.0, 1.0]).round(1)
    array([[  0. , 111.2],
           [111.2,   0. ]])
    """
    P = _unit_xyz(lat, lon)
    Q = P if lat2 is None else _unit_xyz(lat2, lon2)
    chord2 = np.zeros((len(P), len(Q)))
    for k in range(3):
        chord2 += np.subtract.outer(P[:, k], Q[:, k]) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, 0.5 * np.sqrt(chord2)))


def _unit_xyz(lat, lon) -> np.ndarray:
    """Points on the unit sphere; the chord between two of them gives the haversine distance."""
    p = np.radians(np.asarray(lat, dtype=float))
    lam = np.radians(np.asarray(lon, dtype=float))
    return np.column_stack([np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)])


def unit_rows(X) -> tuple[np.ndarray, np.ndarray]:
    """Scale each row to unit length; rows that are zero or contain NaN become zero.

    Returns
    -------
    unit : ndarray of shape (n, d)
    present : ndarray of bool, shape (n,)
        Which rows were usable.

    Examples
    --------
    >>> U, ok = unit_rows([[3.0, 4.0], [0.0, 0.0], [np.nan, 1.0]])
    >>> U.tolist(), ok.tolist()
    ([[0.6, 0.8], [0.0, 0.0], [0.0, 0.0]], [True, False, False])
    """
    X = np.array(X, dtype=float, ndmin=2)
    finite = np.isfinite(X).all(axis=1)
    X[~finite] = 0.0
    norms = np.linalg.norm(X, axis=1)
    present = finite & (norms > 1e-12)
    U = np.zeros_like(X)
    U[present] = X[present] / norms[present, None]
    return U, present


def cosine_matrix(X, Y=None) -> np.ndarray:
    """Cosine similarity between the rows of ``X`` and ``Y`` (default ``X``); zero rows give 0.

    Examples
    --------
    >>> cosine_matrix([[1.0, 0.0], [1.0, 1.0]]).round(3)
    array([[1.   , 0.707],
           [0.707, 1.   ]])
    """
    U, _ = unit_rows(X)
    V = U if Y is None else unit_rows(Y)[0]
    return U @ V.T


def availability_overlap(A, B) -> np.ndarray:
    """Overlap ``|a & b| / |a | b|`` of boolean slot rows, paired row by row (broadcasting).

    Rows with no slot at all give 0.

    Examples
    --------
    >>> availability_overlap([[True, True, False]], [[True, False, True]]).tolist()
    [0.3333333333333333]
    """
    A = np.asarray(A, dtype=bool)
    B = np.asarray(B, dtype=bool)
    inter = (A & B).sum(axis=-1)
    union = (A | B).sum(axis=-1)
    return np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def _parts(interests, values, availability):
    """Normalised parts and presence masks: a list of (unit rows or slots, present, kind)."""
    parts = []
    U, ok = unit_rows(interests)
    parts.append((U, ok, "cos"))
    if values is not None:
        V, vok = unit_rows(values)
        parts.append((V, vok, "cos"))
    if availability is not None:
        A = np.asarray(availability, dtype=bool)
        parts.append((A, A.any(axis=1), "slots"))
    return parts


def _gram(X: np.ndarray) -> np.ndarray:
    """``X @ X.T``; for narrow ``X`` without BLAS, whose threads cost more than they save there."""
    if X.shape[1] <= 32:
        return np.einsum("id,jd->ij", X, X)
    return X @ X.T


def compatibility_matrix(interests, values=None, availability=None) -> np.ndarray:
    """Pairwise compatibility of all members: the mean of the parts both members have.

    Parameters
    ----------
    interests : array_like of shape (n, d)
        Interest vectors (e.g. tag indicators or a profile embedding).
    values : array_like of shape (n, v), optional
        Value vectors; a row of NaN (or zeros) means the member has not answered.
    availability : array_like of bool, shape (n, t), optional
        Time slots each member can meet in; an empty row means not stated.

    Returns
    -------
    ndarray of shape (n, n)
        Symmetric; the diagonal holds each member's self-compatibility (1 for a full profile).

    Examples
    --------
    >>> C = compatibility_matrix([[1, 0], [1, 1], [0, 1]], values=[[1, 0], [np.nan, np.nan], [1, 0]])
    >>> C.round(3)
    array([[1.   , 0.707, 0.5  ],
           [0.707, 1.   , 0.707],
           [0.5  , 0.707, 1.   ]])
    """
    parts = _parts(interests, values, availability)
    if len(parts) == 1 and parts[0][1].all():
        return _gram(parts[0][0])
    n = parts[0][0].shape[0]
    total = np.zeros((n, n))
    count = np.zeros((n, n))
    for X, ok, kind in parts:
        both = ok[:, None] & ok[None, :]
        if kind == "cos":
            sim = _gram(X)
        else:
            Xf = X.astype(float)
            inter = Xf @ Xf.T
            sizes = Xf.sum(axis=1)
            union = sizes[:, None] + sizes[None, :] - inter
            sim = np.where(union > 0, inter / np.maximum(union, 1.0), 0.0)
        total += np.where(both, sim, 0.0)
        count += both
    return np.where(count > 0, total / np.maximum(count, 1.0), 0.0)


def compatibility_pairs(i, j, interests, values=None, availability=None) -> np.ndarray:
    """Compatibility for the member pairs ``(i[k], j[k])``: the same rule, without an n-by-n matrix.

    Examples
    --------
    >>> compatibility_pairs([0, 0], [1, 2], [[1, 0], [1, 1], [0, 1]]).round(3)
    array([0.707, 0.   ])
    """
    i = np.asarray(i, dtype=np.intp)
    j = np.asarray(j, dtype=np.intp)
    total = np.zeros(i.shape)
    count = np.zeros(i.shape)
    for X, ok, kind in _parts(interests, values, availability):
        both = ok[i] & ok[j]
        if kind == "cos":
            sim = np.einsum("kd,kd->k", X[i], X[j])
        else:
            sim = availability_overlap(X[i], X[j])
        total += np.where(both, sim, 0.0)
        count += both
    return np.where(count > 0, total / np.maximum(count, 1.0), 0.0)
