"""Reading the matcher's CSV inputs with errors that name the file, line and column."""

from __future__ import annotations

import csv
import math
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

__all__ = [
    "InputError",
    "read_rows",
    "parse_float",
    "parse_list",
    "parse_floats",
    "parse_time",
    "progress",
]

T = TypeVar("T")


class InputError(ValueError):
    """A problem in an input file, located by file name, line number and column name.

    Examples
    --------
    >>> str(InputError("members.csv", 4, "lat", "not a number: 'abc'"))
    "members.csv, line 4, column 'lat': not a number: 'abc'"
    """

    def __init__(self, file: str | Path, line: int | None, column: str | None, message: str):
        self.file = str(file)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


def parse_float(text: str) -> float:
    """Parse a finite number.

    Examples
    --------
    >>> parse_float(" 2.5 ")
    2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def parse_list(text: str) -> list[str]:
    """Split a ``;``-separated list, dropping blanks.

    Examples
    --------
    >>> parse_list("walking; cooking;;")
    ['walking', 'cooking']
    """
    return [part.strip() for part in text.split(";") if part.strip()]


def parse_floats(text: str) -> list[float]:
    """Parse a ``;``-separated list of numbers.

    Examples
    --------
    >>> parse_floats("0.5;1;-2")
    [0.5, 1.0, -2.0]
    """
    return [parse_float(part) for part in parse_list(text)]


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time; a time without a zone is taken as UTC.

    Examples
    --------
    >>> parse_time("2026-05-01T18:30").isoformat()
    '2026-05-01T18:30:00+00:00'
    """
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def read_rows(
    path: str | Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    parsers: Mapping[str, Callable[[str], Any]] | None = None,
) -> list[dict[str, Any]]:
    """Read a CSV file with a header row into dictionaries, parsing and checking each cell.

    Parameters
    ----------
    path : str or Path
        The file to read (UTF-8, comma-separated, first row the header).
    required : sequence of str
        Columns that must exist and be non-empty in every row.
    optional : sequence of str
        Columns that may be absent or empty; an empty or absent cell becomes ``None``.
    parsers : mapping of str to callable, optional
        Per-column parsers; a ``ValueError`` they raise becomes an :class:`InputError`.

    Returns
    -------
    list of dict
        One dictionary per data row, holding the required and optional columns only.

    Raises
    ------
    InputError
        Naming the file, the line (1-based, the header is line 1) and the column.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("id,lat\\na,1.5\\n")
    >>> read_rows(f.name, ["id"], ["lat"], {"lat": parse_float})
    [{'id': 'a', 'lat': 1.5}]
    >>> os.unlink(f.name)
    """
    parsers = dict(parsers or {})
    name = Path(path).name
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(name, None, None, "no such file") from None
    except OSError as exc:
        raise InputError(name, None, None, f"cannot be read ({exc.strerror})") from None
    rows: list[dict[str, Any]] = []
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(name, 1, None, f"not a readable CSV file ({exc})") from None
        if not header:
            raise InputError(name, 1, None, "the file is empty; expected a header row")
        header = [h.strip() for h in header]
        reader.fieldnames = header
        missing = [column for column in required if column not in header]
        if missing:
            raise InputError(name, 1, missing[0], "this required column is missing from the header")
        wanted = list(required) + [c for c in optional if c not in required]
        try:
            for record in reader:
                line = reader.line_num
                if None in record:
                    raise InputError(name, line, None, "this row has more cells than the header")
                row: dict[str, Any] = {}
                for column in wanted:
                    raw = record.get(column)
                    raw = raw.strip() if isinstance(raw, str) else ""
                    if raw == "":
                        if column in required:
                            raise InputError(name, line, column, "this cell must not be empty")
                        row[column] = None
                        continue
                    parser = parsers.get(column)
                    try:
                        row[column] = parser(raw) if parser else raw
                    except ValueError as exc:
                        raise InputError(name, line, column, str(exc)) from None
                rows.append(row)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(name, reader.line_num, None, f"not a readable CSV row ({exc})") from None
    return rows


def progress(
    items: Iterable[T],
    total: int,
    label: str,
    *,
    stream=None,
    min_total: int = 1000,
) -> Iterator[T]:
    """Yield ``items`` while drawing a progress bar on standard error for large inputs.

    Nothing is drawn when ``total < min_total``, so small runs stay quiet.

    Examples
    --------
    >>> list(progress(range(3), 3, "members"))
    [0, 1, 2]
    """
    stream = stream if stream is not None else sys.stderr
    if total < min_total:
        yield from items
        return
    width = 30
    last = 0.0
    done = 0
    for done, item in enumerate(items, start=1):
        now = time.monotonic()
        if now - last > 0.2 or done == total:
            filled = int(width * done / total)
            stream.write(f"\r{label}: [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            stream.flush()
            last = now
        yield item
    stream.write("\n")
    stream.flush()
