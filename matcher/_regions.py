"""Splitting a city into compact regions of bounded size by recursive coordinate bisection."""

from __future__ import annotations

import numpy as np

__all__ = ["bisect_regions"]


def _project(lat, lon, angle: float) -> tuple[np.ndarray, np.ndarray]:
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    lat0 = np.radians(np.median(lat)) if lat.size else 0.0
    lon0 = np.median(lon) if lon.size else 0.0
    dlon = (lon - lon0 + 180.0) % 360.0 - 180.0
    x = dlon * np.cos(lat0)
    y = lat
    c, s = np.cos(angle), np.sin(angle)
    return c * x - s * y, s * x + c * y


def bisect_regions(lat, lon, max_weight: float, *, weight=None, angle: float = 0.0) -> list[np.ndarray]:
    """Split points into regions of total weight at most ``max_weight`` (when possible).

    A region of weight ``w`` needs ``k = ceil(w / max_weight)`` parts; it is cut across its
    longer side at the weighted quantile ``floor(k / 2) / k``, so regions are compact and hold
    close to ``w / k`` each (never much below ``max_weight / 2``). ``angle``
    (radians) rotates the cutting axes, giving a second, offset tiling for border repair.

    Parameters
    ----------
    lat, lon : array_like
        Point coordinates in degrees.
    max_weight : float
        The largest region weight (member count when ``weight`` is None).
    weight : array_like, optional
        Weight of each point (e.g. the size of a group standing at its centroid).
    angle : float
        Rotation of the cutting axes.

    Returns
    -------
    list of ndarray
        Point indices of each region, in a deterministic order.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> parts = bisect_regions(rng.normal(51.5, 0.05, 1000), rng.normal(-0.1, 0.05, 1000), 300)
    >>> len(parts), sorted(len(p) for p in parts)[0] >= 240, sum(len(p) for p in parts)
    (4, True, 1000)
    """
    x, y = _project(lat, lon, angle)
    w = np.ones(len(x)) if weight is None else np.asarray(weight, dtype=float)
    out: list[np.ndarray] = []
    stack = [np.arange(len(x))]
    while stack:
        rows = stack.pop()
        if w[rows].sum() <= max_weight or len(rows) <= 1:
            out.append(np.sort(rows))
            continue
        xs, ys = x[rows], y[rows]
        axis = xs if np.ptp(xs) >= np.ptp(ys) else ys
        order = np.lexsort((rows, axis))
        cum = np.cumsum(w[rows][order])
        k = int(np.ceil(cum[-1] / max_weight))
        share = (k // 2) / k
        cut = int(np.searchsorted(cum, cum[-1] * share, side="left")) + 1
        cut = min(max(cut, 1), len(rows) - 1)
        stack.append(rows[order[cut:]])
        stack.append(rows[order[:cut]])
    return out
