"""Splitting members into compact regions, so a large matching run can be shared out by region."""

from __future__ import annotations

from typing import Hashable, Sequence

from matcher._regions import bisect_regions

__all__ = ["split_regions"]


def split_regions(ids: Sequence[Hashable], lat, lon, size: int) -> list[list[Hashable]]:
    """Partition ``ids`` into compact regions of at most ``size`` members (recursive bisection).

    The split depends only on the points, so the same members always give the same regions: a
    run that works region by region and one task per region produce the same groups.

    Parameters
    ----------
    ids : sequence of hashable
        Member identifiers, in a fixed order.
    lat, lon : array_like
        Home coordinates in degrees, one per id.
    size : int
        The largest region.

    Returns
    -------
    list of lists of ids
        Regions in a deterministic order; one region when ``len(ids) <= size``.

    Examples
    --------
    >>> split_regions(["a", "b", "c", "d"], [51.50, 51.50, 51.60, 51.60], [-0.1, -0.1, -0.1, -0.1], 2)
    [['a', 'b'], ['c', 'd']]
    >>> split_regions(["a"], [0.0], [0.0], 5)
    [['a']]
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    ids = list(ids)
    if len(ids) <= size:
        return [ids] if ids else []
    regions = bisect_regions(lat, lon, size)
    return sorted(([ids[i] for i in rows] for rows in regions), key=lambda r: str(r[0]))
