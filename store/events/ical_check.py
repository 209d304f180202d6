"""Reading an iCalendar file line by line (RFC 5545 §3.1), so a bad one gets an error naming its line and column.

The ``icalendar`` library parses the file; this pass runs first and keeps, for every VEVENT, the
line (and the column where the value starts) of each of its properties, so a value the library
could not understand can be pointed at too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.events.models import EventError

__all__ = ["MAX_BYTES", "CalendarFileError", "EventLines", "check_lines"]

#: The largest calendar file an import reads (about 1 MB: thousands of events).
MAX_BYTES = 1_000_000

_NAME = re.compile(r"[A-Za-z0-9-]+")


class CalendarFileError(EventError):
    """A calendar file Hearth cannot read: ``line`` and ``column`` (1-based) say where, when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        where = ""
        if line is not None:
            where = f"Line {line}" + (f", column {column}" if column is not None else "") + ": "
        super().__init__(where + message, "file")
        self.line, self.column = line, column


@dataclass
class EventLines:
    """Where one VEVENT is in the file: its BEGIN line and each property's (line, value column)."""

    begin: int
    properties: dict[str, tuple[int, int]] = field(default_factory=dict)

    def at(self, name: str) -> tuple[int, int | None]:
        return self.properties.get(name.upper(), (self.begin, None))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CalendarFileError("There is a character here that isn't UTF-8 text. Please save the calendar as "
                                "UTF-8 (most calendar apps do when they export) and try again.", line, column) from None


def _value_column(text: str, line: int) -> int:
    """Where the value of a content line starts (1-based): after the ``:`` that ends its name and
    parameters (a ``:`` inside a quoted parameter value does not count)."""
    match = _NAME.match(text)
    if not match:
        raise CalendarFileError("Each line should start with a name such as SUMMARY or DTSTART, then a colon.",
                                line, 1)
    i = match.end()
    while i < len(text) and text[i] == ";":
        param = _NAME.match(text, i + 1)
        if not param or param.end() >= len(text) or text[param.end()] != "=":
            raise CalendarFileError("A parameter after a semicolon should look like NAME=value.", line, i + 2)
        i = param.end() + 1
        while True:
            if i < len(text) and text[i] == '"':
                close = text.find('"', i + 1)
                if close < 0:
                    raise CalendarFileError("A quoted parameter value isn't closed with a second quote mark.",
                                            line, i + 1)
                i = close + 1
            else:
                while i < len(text) and text[i] not in ";:,":
                    i += 1
            if i < len(text) and text[i] == ",":
                i += 1
                continue
            break
    if i >= len(text) or text[i] != ":":
        raise CalendarFileError("There should be a colon between the name and the value.", line, i + 1)
    return i + 2


def check_lines(data: bytes) -> tuple[str, list[EventLines]]:
    """The file as text, and where each of its VEVENTs is; raises ``CalendarFileError`` when a line is
    not iCalendar, a BEGIN has no matching END, or there are no events."""
    if len(data) > MAX_BYTES:
        raise CalendarFileError(f"This file is bigger than we can read at once ({MAX_BYTES // 1_000_000} MB). "
                                "Please export a shorter stretch of dates.")
    text = _decode(data)
    logical: list[tuple[int, str]] = []  # (first physical line, unfolded text)
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if raw[:1] in (" ", "\t") and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + raw[1:])
        elif raw.strip():
            logical.append((number, raw))
    if not logical or logical[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise CalendarFileError("This doesn't look like a calendar file: it should start with BEGIN:VCALENDAR. "
                                "Please export the calendar as .ics and choose that file.", 1, 1)
    stack: list[str] = []
    events: list[EventLines] = []
    for number, line in logical:
        column = _value_column(line, number)
        name = _NAME.match(line).group(0).upper()
        value = line[column - 1:].strip().upper()
        if not stack and number != logical[0][0]:
            raise CalendarFileError("There is more after END:VCALENDAR; a calendar file ends there.", number, 1)
        if name == "BEGIN":
            if not value:
                raise CalendarFileError("BEGIN needs the name of what begins, such as BEGIN:VEVENT.", number, column)
            stack.append(value)
            if value == "VEVENT" and stack[:-1] == ["VCALENDAR"]:
                events.append(EventLines(number))
        elif name == "END":
            if not stack:
                raise CalendarFileError(f"END:{value} here has no BEGIN before it.", number, 1)
            if stack[-1] != value:
                raise CalendarFileError(f"This says END:{value}, but the part still open is {stack[-1]} "
                                        f"(it needs END:{stack[-1]} first).", number, column)
            stack.pop()
        elif stack[-2:] == ["VCALENDAR", "VEVENT"] and len(stack) == 2:
            events[-1].properties.setdefault(name, (number, column))
    if stack:
        last = logical[-1][0]
        raise CalendarFileError(f"The file ends before END:{stack[-1]}; it may have been cut short. "
                                "Please export it again.", last)
    if not events:
        raise CalendarFileError("There are no events in this file (no BEGIN:VEVENT). Please check you exported "
                                "the calendar with its events.")
    return text, events
