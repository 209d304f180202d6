"""``python -m matcher recommend``: rank upcoming events for every member, from CSV files."""

from __future__ import annotations

import argparse
import csv
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from matcher.csvio import InputError, parse_float, parse_list, parse_time, progress, read_rows
from matcher.ranking import Attendance, Event, EventRanker, Member
from matcher.slots import SLOTS

__all__ = ["register", "run", "load_members", "load_events", "load_attendance"]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 1000, not {text!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 1000, not {value}")
    return value


def _as_of(text: str) -> datetime:
    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``recommend`` sub-command to an ``argparse`` sub-parser set.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> sub = parser.add_subparsers(dest="command")
    >>> _ = register(sub)
    >>> args = parser.parse_args(["recommend", "--members", "m.csv", "--events", "e.csv",
    ...                           "--attendance", "a.csv", "--k", "5"])
    >>> args.k, args.func is run
    (5, True)
    """
    p = subparsers.add_parser(
        "recommend",
        help="rank upcoming events for each member",
        description=(
            "Rank events for every member of --members. Members: id, optional lat, lon, "
            "interests (';'-separated tags), availability (';'-separated slots such as "
            "mon_evening), travel_km. Events: id, start (ISO 8601), optional title, description, "
            "tags, lat, lon, host. Attendance: member_id, event_id, optional at (sign-up time). "
            "With --as-of, only events starting at or after it are ranked and only attendance of "
            "events that started before it (or sign-ups made before it) is used."
        ),
    )
    p.add_argument("--members", required=True, type=Path, help="members CSV file")
    p.add_argument("--events", required=True, type=Path, help="events CSV file")
    p.add_argument("--attendance", required=True, type=Path, help="attendance CSV file")
    p.add_argument("--k", type=_positive_int, default=10, help="events per member, 1 to 1000 (default 10)")
    p.add_argument("--as-of", dest="as_of", type=_as_of, default=None,
                   help="ISO 8601 time to rank at (default: no cut-off)")
    p.set_defaults(func=run)
    return p


def _latitude(text: str) -> float:
    value = parse_float(text)
    if not -90.0 <= value <= 90.0:
        raise ValueError(f"a latitude must be between -90 and 90, not {value}")
    return value


def _longitude(text: str) -> float:
    value = parse_float(text)
    if not -180.0 <= value <= 180.0:
        raise ValueError(f"a longitude must be between -180 and 180, not {value}")
    return value


def _travel(text: str) -> float:
    value = parse_float(text)
    if value <= 0:
        raise ValueError(f"a travel distance must be positive, not {value}")
    return value


def _slots(text: str) -> tuple[str, ...]:
    slots = tuple(s.lower() for s in parse_list(text))
    bad = [s for s in slots if s not in SLOTS]
    if bad:
        raise ValueError(f"unknown availability slot {bad[0]!r}; expected e.g. 'mon_evening'")
    return slots


def _local_time(text: str) -> datetime:
    """Validate like ``parse_time`` but keep the wall clock and offset the file gives."""
    parse_time(text)
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _line_numbers(path: Path) -> list[int]:
    """The line on which each data row starts (rows may span lines inside quotes)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        lines, start = [], 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
    return lines[1:]


def _check_pairs(rows, path: Path, what: str) -> None:
    """Latitude and longitude come together or not at all."""
    for i, row in enumerate(rows):
        if (row.get("lat") is None) != (row.get("lon") is None):
            column = "lon" if row.get("lon") is None else "lat"
            raise InputError(path.name, _line_numbers(path)[i], column,
                             f"a {what} with a latitude needs a longitude and vice versa")


def _unique(rows, path: Path, column: str) -> None:
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row[column] in seen:
            raise InputError(path.name, _line_numbers(path)[i], column,
                             f"duplicate id {row[column]!r}")
        seen.add(row[column])


def load_members(path: Path) -> list[Member]:
    """Read and check a members CSV file (see ``register`` for its columns).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("id,interests,availability\\nm1,walking;cooking,sat_morning\\n")
    >>> load_members(Path(f.name))[0].interests
    ('walking', 'cooking')
    >>> os.unlink(f.name)
    """
    path = Path(path)
    rows = read_rows(path, ["id"], ["lat", "lon", "interests", "availability", "travel_km"],
                     {"lat": _latitude, "lon": _longitude, "travel_km": _travel,
                      "interests": lambda s: tuple(parse_list(s)), "availability": _slots})
    _check_pairs(rows, path, "member")
    _unique(rows, path, "id")
    return [Member(r["id"], r["interests"] or (), r["availability"] or (), r["lat"], r["lon"],
                   r["travel_km"]) for r in rows]


def load_events(path: Path) -> list[Event]:
    """Read and check an events CSV file (see ``register`` for its columns).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("id,title,start\\ne1,Walk,2026-05-02T09:00+02:00\\n")
    >>> load_events(Path(f.name))[0].start.hour
    9
    >>> os.unlink(f.name)
    """
    path = Path(path)
    rows = read_rows(path, ["id", "start"], ["title", "description", "tags", "lat", "lon", "host"],
                     {"lat": _latitude, "lon": _longitude, "start": _local_time,
                      "tags": lambda s: tuple(parse_list(s))})
    _check_pairs(rows, path, "event")
    _unique(rows, path, "id")
    return [Event(r["id"], r["title"] or "", r["description"] or "", r["tags"] or (), r["lat"],
                  r["lon"], r["start"], r["host"]) for r in rows]


def load_attendance(path: Path, event_ids: set[str]) -> list[Attendance]:
    """Read an attendance CSV file; every event id must be among ``event_ids``.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("member_id,event_id\\nm1,e1\\n")
    >>> load_attendance(Path(f.name), {"e1"})
    [Attendance(member_id='m1', event_id='e1', at=None)]
    >>> os.unlink(f.name)
    """
    path = Path(path)
    rows = read_rows(path, ["member_id", "event_id"], ["at"], {"at": parse_time})
    for i, row in enumerate(rows):
        if row["event_id"] not in event_ids:
            raise InputError(path.name, _line_numbers(path)[i], "event_id",
                             f"no event with id {row['event_id']!r} in the events file")
    return [Attendance(r["member_id"], r["event_id"], r["at"]) for r in rows]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Rank events for every member; return ``{"recommendations": {member_id: [...]}}``.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> def put(name, text):
    ...     p = Path(d) / name
    ...     _ = p.write_text(text)
    ...     return p
    >>> args = argparse.Namespace(
    ...     members=put("m.csv", "id,interests\\nm1,walking\\n"),
    ...     events=put("e.csv", "id,title,tags,start\\ne1,Walk,walking,2026-05-02T09:00\\n"),
    ...     attendance=put("a.csv", "member_id,event_id\\n"), k=10, as_of=None)
    >>> [r["id"] for r in run(args)["recommendations"]["m1"]]
    ['e1']
    """
    members = load_members(args.members)
    events = load_events(args.events)
    attendance = load_attendance(args.attendance, {e.id for e in events})
    ranker = EventRanker().fit(events, attendance, members)
    out: dict[str, list[dict]] = {}
    for member in progress(members, len(members), "ranking events", min_total=200):
        recs = ranker.rank(member.id, k=args.k, as_of=args.as_of)
        out[member.id] = [r.as_dict() for r in recs]
    return {"recommendations": out}
