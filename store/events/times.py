"""Times of events: zones, local wall-clock times, recurrence, and how a time reads."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from store.events.models import RECURRENCES, Event, EventError

__all__ = [
    "zone", "local_datetime", "to_local", "describe_time", "monthly_position", "expand_dates", "recurrence_label",
]


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; UTC if it is unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_datetime(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of a wall-clock time on a day in a zone (the earlier one if it happens twice)."""
    return datetime.combine(day, at, tzinfo=zone(tz_name)).astimezone(timezone.utc)


def to_local(moment: datetime, tz_name: str) -> datetime:
    """A stored UTC instant shown in a zone."""
    return moment.astimezone(zone(tz_name))


def describe_time(moment: datetime, tz_name: str, *, with_day: bool = True) -> str:
    """A stored instant in plain words in a zone: "Tuesday 3 March at 12:30"."""
    local = to_local(moment, tz_name)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}" if with_day else f"{local:%H:%M}"


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.month - 1 + months
    return day.year + index // 12, index % 12 + 1


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The ``nth`` (1-4, or -1 for last) ``weekday`` of a month."""
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == weekday]
    if nth == -1:
        return date(year, month, days[-1])
    return date(year, month, days[nth - 1]) if nth <= len(days) else None


def monthly_position(day: date) -> int:
    """Which weekday of its month ``day`` is: 1-4, or -1 when it is the fifth (so "the last")."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def expand_dates(start: date, recurrence: str, until: date | None, skipped=()) -> list[date]:
    """The local dates an event happens on, skipped dates left out.

    ``monthly`` means the same weekday position each month ("the second Tuesday"; a fifth
    weekday becomes "the last"), as RFC 5545's ``FREQ=MONTHLY;BYDAY=2TU`` does.

    >>> expand_dates(date(2026, 3, 3), "fortnightly", date(2026, 4, 1), skipped=["2026-03-17"])
    [datetime.date(2026, 3, 3), datetime.date(2026, 3, 31)]
    >>> expand_dates(date(2026, 1, 13), "monthly", date(2026, 3, 31))
    [datetime.date(2026, 1, 13), datetime.date(2026, 2, 10), datetime.date(2026, 3, 10)]
    """
    skip = {d if isinstance(d, date) else date.fromisoformat(d) for d in skipped}
    if recurrence == "none" or until is None:
        days = [start]
    elif recurrence in ("weekly", "fortnightly"):
        step = timedelta(days=7 if recurrence == "weekly" else 14)
        days, day = [], start
        while day <= until:
            days.append(day)
            day += step
    elif recurrence == "monthly":
        nth, days, months = monthly_position(start), [], 0
        while True:
            year, month = _add_months(start, months)
            day = _nth_weekday(year, month, start.weekday(), nth)
            months += 1
            if day is None:
                continue
            if day > until:
                break
            days.append(day)
    else:
        raise EventError("Please choose how often the event repeats.", "recurrence")
    return [d for d in days if d not in skip]

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def recurrence_label(event: Event) -> str:
    """How often an event happens, in plain words: "Every two weeks on Tuesday, until 31 March"."""
    if not event.is_recurring:
        return "Once"
    weekday = event.start_date.strftime("%A")
    if event.recurrence == "monthly":
        text = f"Every month on the {_ORDINALS[monthly_position(event.start_date)]} {weekday}"
    else:
        text = f"{dict(RECURRENCES)[event.recurrence]} on {weekday}"
    if event.repeat_until:
        text += f", until {event.repeat_until.day} {event.repeat_until.strftime('%B %Y')}"
    return text
