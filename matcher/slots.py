"""Time on the event's own clock: the weekday-and-part-of-day slot, and calendar days until a date.

The rule, used by matching, the event ranker, snapshots and every page alike:

* A slot is the weekday and the part of the day **on the wall clock of the place where the event
  happens** (its own time zone), never UTC and never the reader's clock. A date at 18:30 in
  London is a ``..._evening`` in winter and in summer.
* Morning is 05:00-11:59, afternoon 12:00-16:59, evening 17:00-04:59.
* **Night hours belong to the evening before**: 00:00-04:59 on a Tuesday is ``mon_evening``. A
  late supper that runs past midnight, or a night walk at 01:00, is part of someone's Monday
  night out, and nobody who said "Tuesday mornings" expects to be asked out at one in the morning.
* The clocks changing does not move a slot: the wall-clock hour is what counts, so 05:30 local
  time is a morning on the day the clocks go forward, though it is 04:30 UTC.
* "In N days" counts **calendar days** on the event's wall clock between today there and the
  event's date there: at 23:00 on Monday, an event at 09:00 on Wednesday is "in 2 days" (34
  hours away), and an event at 00:30 tonight is "tomorrow".

Examples
--------
>>> from datetime import datetime, timezone
>>> time_slot(datetime(2026, 5, 5, 1, 0))  # 01:00 on a Tuesday
'mon_evening'
>>> time_slot(datetime(2026, 1, 6, 18, 30, tzinfo=timezone.utc), "Europe/London")
'tue_evening'
>>> days_until(datetime(2026, 5, 6, 9, tzinfo=timezone.utc), datetime(2026, 5, 4, 23, tzinfo=timezone.utc))
2
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "WEEKDAYS", "DAY_PARTS", "SLOTS", "MORNING_FROM", "AFTERNOON_FROM", "EVENING_FROM", "time_slot",
    "slot_label", "days_until", "when_words",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_PARTS = ("morning", "afternoon", "evening")
SLOTS = tuple(f"{day}_{part}" for day in WEEKDAYS for part in DAY_PARTS)

#: The hours (local wall clock) at which each part of the day begins; before ``MORNING_FROM`` is
#: still the evening of the day before.
MORNING_FROM, AFTERNOON_FROM, EVENING_FROM = 5, 12, 17

_DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                 "Saturday", "Sunday")))


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    return ZoneInfo(name)


def _on_clock(moment: datetime, tz: str | tzinfo | None) -> datetime:
    """``moment`` on the wall clock of ``tz`` (a naive moment is taken as UTC there); with no
    ``tz``, on its own clock."""
    if tz is None:
        return moment
    zone = _zone(tz) if isinstance(tz, str) else tz
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone)


def time_slot(start: datetime, tz: str | tzinfo | None = None) -> str:
    """The availability slot of a start time, e.g. ``"mon_evening"`` (rule: module docstring).

    Parameters
    ----------
    start : datetime
        When the event starts. With ``tz``, an instant (naive means UTC) read on that zone's wall
        clock; without, read on its own wall clock as given.
    tz : str or tzinfo, optional
        The event's own time zone (an IANA name such as ``"Europe/London"``).

    Examples
    --------
    >>> time_slot(datetime(2026, 5, 4, 18, 30))
    'mon_evening'
    >>> time_slot(datetime(2026, 5, 5, 4, 59)), time_slot(datetime(2026, 5, 5, 5, 0))
    ('mon_evening', 'tue_morning')
    >>> time_slot(datetime(2026, 3, 29, 4, 30, tzinfo=timezone.utc), "Europe/London")  # 05:30 BST
    'sun_morning'
    """
    local = _on_clock(start, tz)
    hour, weekday = local.hour, local.weekday()
    if hour < MORNING_FROM:
        weekday, part = (weekday - 1) % 7, "evening"
    elif hour < AFTERNOON_FROM:
        part = "morning"
    elif hour < EVENING_FROM:
        part = "afternoon"
    else:
        part = "evening"
    return f"{WEEKDAYS[weekday]}_{part}"


def slot_label(slot: str) -> str:
    """A slot in plain words.

    Examples
    --------
    >>> slot_label("sat_morning")
    'a Saturday morning'
    """
    day, _, part = slot.partition("_")
    return f"a {_DAY_NAMES.get(day, day)} {part}".rstrip()


def days_until(start: datetime, as_of: datetime, tz: str | tzinfo | None = None) -> int:
    """Calendar days from ``as_of`` to ``start`` on the event's wall clock (0 = the same day).

    Both times are read in ``tz``, or else on ``start``'s own clock (an aware ``as_of`` is
    converted to it; a naive one is taken as already on it, or as UTC when ``start`` is aware).
    Negative when ``start`` is on an earlier day.

    Examples
    --------
    >>> days_until(datetime(2026, 5, 5, 0, 30), datetime(2026, 5, 4, 23, 0))
    1
    >>> days_until(datetime(2026, 5, 9, 9, 0), datetime(2026, 5, 4, 10, 0))
    5
    """
    if tz is None and start.tzinfo is not None:
        tz = start.tzinfo
    if tz is None:
        return (start.date() - as_of.date()).days
    return (_on_clock(start, tz).date() - _on_clock(as_of, tz).date()).days


def when_words(days: int) -> str:
    """How soon, in words: ``today``, ``tomorrow``, ``in 5 days`` (past days: ``3 days ago``).

    Examples
    --------
    >>> [when_words(d) for d in (0, 1, 5, -1, -3)]
    ['today', 'tomorrow', 'in 5 days', 'yesterday', '3 days ago']
    """
    days = int(days)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 1 else f"{-days} days ago"
