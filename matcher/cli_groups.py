"""The ``python -m matcher groups`` sub-command: form groups for one slot from CSV files.

Files (UTF-8 CSV with a header row; list cells are ``;``-separated):

members (``--members``, required)
    ``id``, ``lat``, ``lon`` (degrees), and either ``vector`` (numbers, the same count on every
    row) or ``interests`` (tags, e.g. ``walking;cooking``). Optional: ``values`` (numbers, or
    tags such as ``family;tradition``), ``availability`` (slot labels, e.g. ``sat-am;sun-pm``),
    ``travel_km`` (how far the member will go; empty = no limit), ``needs`` (tags a venue must
    offer, e.g. ``step_free;vegan``), ``placed_before`` (``yes``/``no``, ``1``/``0``),
    ``prefers_new`` (0 to 1, default 0.75: ``matcher.defaults.PREFERS_NEW``).
ties (``--ties``)
    ``a``, ``b`` (member ids) and optional ``strength`` (default 1; negative = would not meet again).
blocks (``--blocks``)
    ``a``, ``b``: these two are never put in the same group.
past groups (``--past-groups``)
    ``group_id``, ``member_id``: one row per member of each earlier group.
venues (``--venues``)
    ``id``, ``lat``, ``lon`` and optional ``features`` (tags matching members' ``needs``).

Ids in ties, blocks and past groups that are not in the members file are ignored (they are not
available for this slot).
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np

from matcher.csvio import InputError, parse_float, parse_floats, parse_list, progress, read_rows
from matcher.defaults import GROUP_SIZE, PREFERS_NEW
from matcher.groups import form_groups
from matcher.members import Members, Venues

__all__ = ["register", "run", "parse_size", "parse_seed", "parse_distance_weight", "load_members", "load_venues",
           "MAX_SIZE", "MAX_SEED", "MAX_DISTANCE_WEIGHT"]

TRUE = {"1", "yes", "true", "y"}
FALSE = {"0", "no", "false", "n"}
#: The largest group the command forms (the work grows with it).
MAX_SIZE = 100
#: Seeds are what numpy accepts: whole numbers from 0 to 2**32 - 1.
MAX_SEED = 2**32 - 1
#: Satisfaction lost per km above which distance alone decides everything.
MAX_DISTANCE_WEIGHT = 10.0


def parse_size(text: str) -> tuple[int, int]:
    """Parse a group size range ``"4-8"`` (or a single size ``"5"``).

    Examples
    --------
    >>> parse_size("4-8"), parse_size("5")
    ((4, 8), (5, 5))
    """
    try:
        parts = [int(p) for p in text.split("-")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size range like 4-8: {text!r}") from None
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not 2 <= parts[0] <= parts[1] <= MAX_SIZE:
        raise argparse.ArgumentTypeError(
            f"size must be SMALLEST-LARGEST with 2 <= SMALLEST <= LARGEST <= {MAX_SIZE}: {text!r}")
    return parts[0], parts[1]


def parse_seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**32 - 1.

    Examples
    --------
    >>> parse_seed("7")
    7
    """
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be a whole number from 0 to {MAX_SEED}: {text!r}") from None
    if not 0 <= seed <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"the seed must be a whole number from 0 to {MAX_SEED}: {text!r}")
    return seed


def parse_distance_weight(text: str) -> float:
    """The distance weight: a number from 0 to 10 (satisfaction lost per km).

    Examples
    --------
    >>> parse_distance_weight("0.05")
    0.05
    """
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or not 0 <= value <= MAX_DISTANCE_WEIGHT:
        raise argparse.ArgumentTypeError(
            f"the distance weight must be a number from 0 to {MAX_DISTANCE_WEIGHT:g}: {text!r}")
    return value


def _ranged(low: float, high: float):
    def parse(text: str) -> float:
        value = parse_float(text)
        if not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}: {text!r}")
        return value

    return parse


def _flag(text: str) -> bool:
    t = text.strip().lower()
    if t in TRUE | FALSE:
        return t in TRUE
    raise ValueError(f"expected yes/no or 1/0: {text!r}")


def _unique():
    seen: set = set()

    def parse(text: str) -> str:
        if text in seen:
            raise ValueError(f"duplicate id {text!r}")
        seen.add(text)
        return text

    return parse


def _same_length(what: str):
    length: list[int] = []

    def parse(text: str) -> list[float]:
        numbers = parse_floats(text)
        if not numbers:
            raise ValueError(f"expected {what} numbers")
        if length and len(numbers) != length[0]:
            raise ValueError(f"expected {length[0]} numbers like the rows above, found {len(numbers)}")
        length[:1] = [len(numbers)]
        return numbers

    return parse


def _values_parser():
    kind: list[str] = []

    def parse(text: str):
        items = parse_list(text)
        try:
            numbers = [float(x) for x in items]
            this = "numbers"
        except ValueError:
            this = "tags"
        if kind and kind[0] != this:
            raise ValueError(f"expected {kind[0]} like the rows above: {text!r}")
        kind[:1] = [this]
        return numbers if this == "numbers" else items

    return parse


def _tag_matrix(lists) -> tuple[np.ndarray, list[str]]:
    names = sorted({t for tags in lists for t in (tags or ())})
    col = {t: c for c, t in enumerate(names)}
    X = np.zeros((len(lists), len(names)))
    for r, tags in enumerate(lists):
        for t in tags or ():
            X[r, col[t]] = 1.0
    return X, names


def load_members(path: str) -> Members:
    """Read and check the members file (see the module docstring for its columns).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("id,lat,lon,interests\\na,51.5,-0.1,walking;cooking\\nb,51.5,-0.1,walking\\n")
    >>> m = load_members(f.name); os.unlink(f.name)
    >>> m.ids, m.interest_names, m.interests.tolist()
    (('a', 'b'), ('cooking', 'walking'), [[1.0, 1.0], [0.0, 1.0]])
    """
    optional = ["interests", "vector", "values", "availability", "travel_km", "needs", "placed_before",
                "prefers_new"]
    parsers = {"id": _unique(), "lat": _ranged(-90, 90), "lon": _ranged(-180, 180),
               "interests": parse_list, "vector": _same_length("interest"), "values": _values_parser(),
               "availability": parse_list, "travel_km": _ranged(0, 1e5), "needs": parse_list,
               "placed_before": _flag, "prefers_new": _ranged(0, 1)}
    rows = read_rows(path, ["id", "lat", "lon"], optional, parsers)
    name = path.rsplit("/", 1)[-1]
    if not rows:
        raise InputError(name, None, None, "the members file has no rows")
    col = lambda c: [r[c] for r in rows]  # noqa: E731
    vectors = col("vector")
    if any(v is not None for v in vectors):
        width = len(next(v for v in vectors if v is not None))
        interests = np.array([v if v is not None else [0.0] * width for v in vectors])
        names = None
    elif any(v is not None for v in col("interests")):
        interests, names = _tag_matrix(col("interests"))
    else:
        raise InputError(name, 1, "interests", "the members file needs an 'interests' or a 'vector' column")
    values, value_names = None, None
    raw = col("values")
    present = [v for v in raw if v is not None]
    if present and isinstance(present[0][0] if present[0] else "", float):
        width = max(len(v) for v in present)
        values = np.full((len(rows), width), np.nan)
        for r, v in enumerate(raw):
            if v is not None:
                if len(v) != width:
                    raise InputError(name, r + 2, "values", f"expected {width} numbers, found {len(v)}")
                values[r] = v
    elif present:
        values, value_names = _tag_matrix(raw)
        values[[v is None for v in raw]] = np.nan
    availability = None
    if any(v is not None for v in col("availability")):
        availability = _tag_matrix(col("availability"))[0].astype(bool)
    return Members.from_arrays(
        col("id"), col("lat"), col("lon"), interests, values=values, availability=availability,
        travel_km=[np.inf if t is None else t for t in col("travel_km")], needs=col("needs"),
        placed_before=[bool(p) for p in col("placed_before")],
        prefers_new=[PREFERS_NEW if p is None else p for p in col("prefers_new")],
        interest_names=names, value_names=value_names)


def load_venues(path: str) -> Venues:
    """Read the venues file: ``id, lat, lon[, features]``.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("id,lat,lon,features\\nhall,51.5,-0.1,step_free;vegan\\n")
    >>> v = load_venues(f.name); os.unlink(f.name)
    >>> v.ids, sorted(v.features[0])
    (('hall',), ['step_free', 'vegan'])
    """
    rows = read_rows(path, ["id", "lat", "lon"], ["features"],
                     {"id": _unique(), "lat": _ranged(-90, 90), "lon": _ranged(-180, 180),
                      "features": parse_list})
    return Venues.from_arrays([r["id"] for r in rows], [r["lat"] for r in rows], [r["lon"] for r in rows],
                              [r["features"] or () for r in rows])


def _history(args) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.ties:
        rows = read_rows(args.ties, ["a", "b"], ["strength"], {"strength": parse_float})
        out["ties"] = [(r["a"], r["b"], 1.0 if r["strength"] is None else r["strength"]) for r in rows]
    if args.blocks:
        out["blocks"] = [(r["a"], r["b"]) for r in read_rows(args.blocks, ["a", "b"])]
    if args.past_groups:
        groups: dict[str, list] = {}
        for r in read_rows(args.past_groups, ["group_id", "member_id"]):
            groups.setdefault(r["group_id"], []).append(r["member_id"])
        out["past_groups"] = [groups[k] for k in sorted(groups)]
    return out


def run(args: argparse.Namespace) -> dict:
    """Form the groups and return the JSON-able result.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("id,lat,lon,interests\\na,51.5,-0.1,walk\\nb,51.5,-0.1,walk\\n")
    >>> args = argparse.Namespace(members=f.name, ties=None, blocks=None, past_groups=None,
    ...     venues=None, size=(2, 2), distance_weight=0.05, mode="new", seed=0)
    >>> run(args)["groups"][0]["members"]; os.unlink(f.name)
    ['a', 'b']
    """
    members = load_members(args.members)
    venues = load_venues(args.venues) if args.venues else None
    big = len(members) >= 1000
    report = (lambda items, total, label: progress(items, total, label, min_total=1)) if big else None
    result = form_groups(members, size=args.size, distance_weight=args.distance_weight, mode=args.mode,
                         venues=venues, seed=args.seed, progress=report, **_history(args))
    out = result.as_dict()
    for g in out["groups"]:
        g["score"] = round(g["score"], 6)
    out["objective"] = {k: round(v, 6) if isinstance(v, float) else v for k, v in out["objective"].items()}
    return out


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``groups`` sub-command to ``subparsers``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(); sub = parser.add_subparsers()
    >>> args = register(sub).parse_args(["--members", "m.csv", "--size", "3-5"])
    >>> args.size, args.mode, args.func is run
    ((3, 5), 'new', True)
    """
    p = subparsers.add_parser(
        "groups", help="form groups of compatible neighbours for one slot",
        description="Partition the members of one slot into groups; print JSON. "
        + __doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--members", required=True, metavar="FILE", help="members CSV (required)")
    p.add_argument("--ties", metavar="FILE", help="ties CSV: a,b[,strength]")
    p.add_argument("--blocks", metavar="FILE", help="blocks CSV: a,b")
    p.add_argument("--past-groups", metavar="FILE", help="past groups CSV: group_id,member_id")
    p.add_argument("--venues", metavar="FILE", help="venues CSV: id,lat,lon[,features]")
    p.add_argument("--size", type=parse_size, default=GROUP_SIZE, metavar="MIN-MAX",
                   help=f"group size range, 2 to {MAX_SIZE} (default 4-8)")
    p.add_argument("--distance-weight", type=parse_distance_weight, default=0.05, metavar="LAMBDA",
                   help="satisfaction lost per km of mean distance to group-mates, 0 to 10 (default 0.05)")
    p.add_argument("--mode", choices=["new", "deepen"], default="new",
                   help="new: avoid repeating past groups; deepen: re-form groups that worked")
    p.add_argument("--seed", type=parse_seed, default=0, help=f"random seed, 0 to {MAX_SEED} (default 0)")
    p.set_defaults(func=run)
    return p
