"""How the organisers' pages put numbers into words: one function per thing shown, all for one
audience (a centre's organisers), so the runs page, the overview, the residents' list, the
spreadsheets and the match graph say the same thing the same way.

Nothing here shows a raw score, a key such as ``occurrence=61`` or a plural written as "(s)":
a number always comes with what it means ("1 group of 5 formed, a good fit (22%)").
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matcher.defaults import GROUP_SIZE
from store.core.models import JobRun

__all__ = [
    "KIND_WORDS", "FIT_EXPLAINED", "count", "fit_percent", "organiser_fit_words", "organiser_kinds_words",
    "organiser_reports_words", "organiser_run_title", "RunGroup", "organiser_run_result",
    "organiser_placed_words", "organiser_duration_words", "SUPPRESS_BELOW", "funder_count",
    "organiser_connectedness_words",
]

#: What each activity kind a resident enjoys reads as (the list, the spreadsheet, the graph's panel).
KIND_WORDS = {"meal": "shared meals", "event": "social events", "exercise": "exercising together"}

#: What a group's fit means, shown beside every fit on the organisers' pages.
FIT_EXPLAINED = ("Fit is how much a group's members have in common (interests, values and the times "
                 "they are free), less a little for every kilometre between their homes: 0% means nothing in "
                 "common, 100% the same answers living side by side. Most groups are between 5% and 40%.")

_FIT_BANDS = ((0.35, "a strong fit"), (0.15, "a good fit"), (0.05, "a fair fit"))


def count(n: int, one: str, many: str | None = None) -> str:
    """``count(1, "group")`` is "1 group", ``count(3, "group")`` "3 groups" (thousands with commas).

    >>> count(1, "neighbour"), count(1200, "person", "people")
    ('1 neighbour', '1,200 people')
    """
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def fit_percent(score: float) -> int:
    """A group's score (the matcher's mean satisfaction) as the percentage organisers read:
    clipped to 0..1, so "0%" means nothing in common after travel and 100% the same answers
    next door (see :data:`FIT_EXPLAINED`)."""
    return round(max(0.0, min(1.0, float(score))) * 100)


def organiser_fit_words(score: float) -> str:
    """A group's score in words, with its percentage.

    >>> organiser_fit_words(0.22), organiser_fit_words(-0.18)
    ('a good fit (22%)', 'a loose fit (0%)')
    """
    band = next((words for floor, words in _FIT_BANDS if score >= floor), "a loose fit")
    return f"{band} ({fit_percent(score)}%)"


def organiser_kinds_words(kinds: Iterable[str] | None) -> str:
    """What a resident enjoys, as a phrase: ``["meal", "event"]`` reads "Shared meals and social events".

    >>> organiser_kinds_words(["meal", "event", "exercise"])
    'Shared meals, social events and exercising together'
    >>> organiser_kinds_words([])
    "Hasn't said yet"
    """
    words = [KIND_WORDS.get(k, str(k).replace("_", " ")) for k in (kinds or [])]
    if not words:
        return "Hasn't said yet"
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[:1].upper() + text[1:]


def organiser_reports_words(n: int) -> str:
    """The overview's line about reports still open.

    >>> organiser_reports_words(1), organiser_reports_words(3)
    ('1 open report to read', '3 open reports to read')
    """
    return f"{count(n, 'open report')} to read"


def organiser_placed_words(placed: int, residents: int) -> str:
    """"12 of 40 residents placed in a group" (the overview's sentence)."""
    return f"{placed:,} of {count(residents, 'resident')} placed in a group"


_KIND_TITLES = {
    "graph": "Drawing the match graph",
    "planning": "Planning matching for the next two weeks",
    "close_meetings": "Closing meetings that are over",
    "recommendations": "Suggesting events to residents",
    "vectors": "Updating everyone's profile summaries",
    "reminders": "Sending reminders",
    "checkin": "Sending the weekly check-in",
    "geocoding": "Finding centres on the map",
}


def _date_of(run: JobRun) -> int | None:
    """The occurrence id a matching run's key names (``occurrence=61`` or ``occurrence=61:region=0``)."""
    head = (run.key or "").split(":", 1)[0]
    name, _, value = head.partition("=")
    return int(value) if name == "occurrence" and value.isdigit() else None


def _region_of(run: JobRun) -> int | None:
    for part in (run.key or "").split(":")[1:]:
        name, _, value = part.partition("=")
        if name == "region" and value.isdigit():
            return int(value)
    return None


def organiser_run_title(run: JobRun, dates: Mapping[int, str] | None = None) -> str:
    """What a run was for, in words: "Matching for Tuesday lunch club, Tuesday 8 December at 12:30".

    ``dates`` maps occurrence ids to their names (``store.insight.runs.run_dates``); a date
    since deleted reads "a date that no longer exists".
    """
    if run.kind == "match":
        occurrence_id = _date_of(run)
        name = (dates or {}).get(occurrence_id) if occurrence_id is not None else None
        title = f"Matching for {name}" if name else "Matching for a date that no longer exists"
        region = _region_of(run)
        return title + (f" (part {region + 1})" if region is not None else "")
    return _KIND_TITLES.get(run.kind, str(run.kind).replace("_", " ").capitalize())


@dataclass(frozen=True)
class RunGroup:
    """A group a run formed: how many were offered a seat in it, and its score."""

    size: int
    score: float


def _groups_formed(groups: list[RunGroup]) -> str:
    if len(groups) == 1:
        g = groups[0]
        return f"1 group of {g.size} formed, {organiser_fit_words(g.score)}"
    sizes = sorted(g.size for g in groups)
    size_words = f"of {sizes[0]}" if sizes[0] == sizes[-1] else f"of {sizes[0]} to {sizes[-1]}"
    mean = sum(g.score for g in groups) / len(groups)
    return f"{len(groups)} groups {size_words} formed, on average {organiser_fit_words(mean)}"


def _matching_result(counts: Mapping, groups: list[RunGroup]) -> str:
    if counts.get("skipped"):
        return "Nothing to match: this date has already started or was cancelled."
    smallest = GROUP_SIZE[0]
    candidates = int(counts.get("candidates", 0))
    if counts.get("shared_out") and "groups" not in counts:
        return (f"{count(candidates, 'neighbour')} could come; the work was shared out in "
                f"{count(int(counts.get('regions', 0)), 'part')} (each part's result is listed on its own).")
    if candidates == 0:
        return ("Nobody new could come to this date: everyone who can is already in a group, "
                "or nobody else is free then.")
    parts = [f"{count(candidates, 'neighbour')} could come"]
    if groups:
        parts.append(_groups_formed(groups))
    elif int(counts.get("groups", 0)):
        parts.append(f"{count(int(counts['groups']), 'group')} formed")
    unplaced = int(counts.get("unplaced", 0))
    below = min(int(counts.get("below_floor", 0)), unplaced)
    if below:
        parts.append(f"{count(below, 'person', 'people')} had no group close enough in interests (below the "
                     "compatibility floor), so they are recommended events instead")
        unplaced -= below
    if unplaced:
        if candidates < smallest:
            why = f"a group needs at least {smallest}"
        else:
            why = (f"no group of {GROUP_SIZE[0]} to {GROUP_SIZE[1]} suited them: they live too far from the "
                   "others, share no free time with them, or the event has no seats left")
        if unplaced == candidates and not below:
            parts.append(f"none of them could be placed, because {why}")
        else:
            parts.append(f"{count(unplaced, 'person', 'people')} could not be placed, because {why}")
    elif groups or int(counts.get("groups", 0)):
        parts.append("everyone was placed")
    text = "; ".join(parts) + "."
    return text[:1].upper() + text[1:]


def organiser_run_result(run: JobRun, groups: list[RunGroup] | None = None) -> str:
    """What a run did, in a sentence an organiser can act on.

    ``groups`` are the groups a matching run formed (``store.insight.runs.run_groups``).

    >>> from store.core.models import JobRun
    >>> run = JobRun(kind="match", key="occurrence=61", counts={"candidates": 7, "groups": 1, "offered": 5,
    ...              "unplaced": 2, "regions": 1, "objective": -0.0566})
    >>> organiser_run_result(run, [RunGroup(5, 0.22)])
    '7 neighbours could come; 1 group of 5 formed, a good fit (22%); 2 people could not be placed, because no group of 4 to 8 suited them: they live too far from the others, share no free time with them, or the event has no seats left.'
    """
    if run.error:
        return "It stopped with a problem: " + run.error.splitlines()[0]
    counts = dict(run.counts or {})
    if run.status is not None and run.status.value in ("queued", "running"):
        return "Still working…" if run.status.value == "running" else "Waiting to start."
    if run.kind == "match":
        return _matching_result(counts, list(groups or []))
    if run.kind == "graph":
        return (f"Drew {count(int(counts.get('members', 0)), 'neighbour')} and "
                f"{count(int(counts.get('edges', 0)), 'connection')}.")
    if run.kind == "planning":
        dates = int(counts.get("dates", 0))
        if not dates:
            return "No dates in the next two weeks to match for."
        return f"Started matching for {count(dates, 'date')} in the next two weeks (each is listed on its own)."
    if not counts:
        return "Done."
    return "Done: " + ", ".join(f"{str(k).replace('_', ' ')} {v}" for k, v in counts.items()) + "."


def organiser_duration_words(seconds: float | None) -> str:
    """How long a run took: "under a second", "4 seconds", "2 minutes 5 seconds" ("–" if unknown).

    >>> organiser_duration_words(0.3), organiser_duration_words(4.4), organiser_duration_words(125)
    ('under a second', '4 seconds', '2 minutes 5 seconds')
    """
    if seconds is None:
        return "–"
    if seconds < 1:
        return "under a second"
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return count(rest, "second")
    return count(minutes, "minute") + (f" {count(rest, 'second')}" if rest else "")


#: On the impact summary a centre hands to funders, any count below this reads "fewer than 5".
SUPPRESS_BELOW = 5


def funder_count(n: int) -> str:
    """A count as the impact summary prints it: below :data:`SUPPRESS_BELOW` it reads "fewer than 5".

    >>> funder_count(3), funder_count(0), funder_count(1200)
    ('fewer than 5', 'fewer than 5', '1,200')
    """
    return f"fewer than {SUPPRESS_BELOW}" if n < SUPPRESS_BELOW else f"{n:,}"


def _week_words(iso: str, *, year: bool = False) -> str:
    """``"2026-11-23"`` reads "23 Nov" ("23 November 2026" with ``year``)."""
    y, month, day = (int(x) for x in iso.split("-"))
    return f"{day} {calendar.month_name[month]} {y}" if year else f"{day} {calendar.month_abbr[month]}"


def _checkin_change(first: float, last: float) -> str:
    change = last - first
    if change <= -0.5:
        return "people are feeling less lonely"
    if change < -0.1:
        return "a little better"
    if change < 0.1:
        return "about the same"
    if change < 0.5:
        return "a little lonelier"
    return "people are feeling lonelier: worth a word with the team"


def organiser_connectedness_words(c, *, for_funder: bool = False) -> dict[str, str]:
    """A centre's connectedness (``store.insight.connectedness.CentreConnectedness``) in
    sentences, one per measure: ``ties``, ``fifth``, ``checkin``, ``diversity`` (and the
    ``period`` they cover). With
    ``for_funder`` (the printable impact summary) every count below 5 reads "fewer than 5",
    shares are given only when both parts are 5 or more, and weeks with fewer than 5 check-ins
    are left out of the check-in trend, so no person can be picked out."""
    n = funder_count if for_funder else (lambda k: f"{k:,}")

    def share(k: int, whole: int) -> str:
        if not whole or (for_funder and (k < SUPPRESS_BELOW or whole < SUPPRESS_BELOW)):
            return ""
        return f" ({round(100 * k / whole)}%)"

    if c.recurring_ties == 0:
        ties = ("No recurring ties yet: they come from meeting the same neighbours three or more times, "
                "so give the groups a few weeks together.")
    else:
        word = "recurring tie" if c.recurring_ties == 1 and not for_funder else "recurring ties"
        ties = (f"{n(c.recurring_ties)} {word}: pairs of neighbours who have met three or more times and "
                f"both said they would like to meet again. {n(c.with_a_tie)} of the area's "
                f"{n(c.residents)} residents have at least one{share(c.with_a_tie, c.residents)}.")
    if not c.fifth_size:
        fifth = "Nobody lives in the area yet, so there is no most isolated fifth to follow."
    else:
        fifth = (f"The most isolated fifth ({n(c.fifth_size)} residents: twelve weeks ago they had met the "
                 f"fewest people, then had the loneliest check-ins): {n(c.fifth_with_a_tie)} of them now have at "
                 f"least one recurring tie{share(c.fifth_with_a_tie, c.fifth_size)}, against "
                 f"{n(c.fifth_with_a_tie_at_start)} when the twelve weeks began.")
    weeks = [w for w in c.weeks if w.mean_checkin is not None and (not for_funder or w.checkins >= SUPPRESS_BELOW)]
    if not weeks:
        checkin = ("Not enough check-ins in these weeks to show a trend yet." if for_funder
                   else "No check-ins answered in these weeks yet.")
    elif len(weeks) == 1:
        checkin = (f"The mean check-in score was {weeks[0].mean_checkin:.1f} in the week of "
                   f"{_week_words(weeks[0].week)} (3 means rarely lonely, 9 often lonely).")
    else:
        first, last = weeks[0], weeks[-1]
        checkin = (f"The mean check-in score went from {first.mean_checkin:.1f} in the week of "
                   f"{_week_words(first.week)} to {last.mean_checkin:.1f} in the week of {_week_words(last.week)} "
                   f"(3 means rarely lonely, 9 often lonely; lower is better): "
                   f"{_checkin_change(first.mean_checkin, last.mean_checkin)}.")
    if c.diversity is None or (for_funder and c.diverse_people < SUPPRESS_BELOW):
        diversity = "Once residents have two or more recurring ties, this shows how varied those ties are."
    else:
        diversity = (f"Among the {n(c.diverse_people)} residents with two or more recurring ties, their ties are "
                     f"{round(100 * c.diversity)}% as varied as they could be across neighbourhoods and "
                     "interests (0% all alike, 100% as mixed as their number allows).")
    period = "These weeks"
    if c.weeks:
        period = (f"The twelve weeks from {_week_words(c.weeks[0].week, year=True)} to the week of "
                  f"{_week_words(c.weeks[-1].week, year=True)}")
    return {"period": period, "ties": ties, "fifth": fifth, "checkin": checkin, "diversity": diversity}
