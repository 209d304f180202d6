"""Splitting members into compact regions, so a large matching run can be shared out by region."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

from matcher._regions import bisect_regions

__all__ = ["split_regions", "keep_together"]


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


def keep_together(regions: Sequence[Sequence[Hashable]], together: Iterable[Iterable[Hashable]]) -> list[list[Hashable]]:
    """Move each set in ``together`` whole into the region that holds most of it (the first such
    region on a tie), so a set split by :func:`split_regions` is matched in one region; a region
    may then hold a few more than the split's size. Regions left empty are dropped.

    Examples
    --------
    >>> keep_together([["a", "b"], ["c", "d"]], [{"b", "c", "d"}])
    [['a'], ['c', 'd', 'b']]
    >>> keep_together([["a", "b"], ["c"]], [{"a", "b"}, {"x"}])
    [['a', 'b'], ['c']]
    """
    regions = [list(r) for r in regions]
    where = {member: k for k, region in enumerate(regions) for member in region}
    for group in together:
        members = [m for m in group if m in where]
        if not members:
            continue
        counts = Counter(where[m] for m in members)
        home = min(counts, key=lambda k: (-counts[k], k))
        for m in sorted(members, key=str):
            if where[m] != home:
                regions[where[m]].remove(m)
                regions[home].append(m)
                where[m] = home
    return [r for r in regions if r]
