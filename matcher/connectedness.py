"""Connectedness measures over plain data: recurring ties, the isolated fifth, tie diversity, trends.

One definition for the organiser's figures, the resident's own trend and the simulation benchmark.
Every function takes plain tuples, sets and dicts (ids are any hashable, times anything ordered:
datetimes in the product, week numbers in a bench); nothing here reads a database.

Definitions
-----------
meeting
    Two residents *meet* once per occasion (one event date) at which both were recorded as
    there: both checked in (a sign-up marked attended) or both said they came to their group
    that date. One occasion counts once, however it was recorded.
recurring tie
    Two residents who met on ``MIN_MEETINGS`` (3) or more occasions, *and* each of whom, in their
    latest "would you meet again?" answer about the other, said yes. A one-sided yes, a later
    "not really", or two yeses with only two meetings are not recurring ties. (Friendship takes
    many hours together, Hall 2018, *Journal of Social and Personal Relationships* 36(4); three
    meetings and a wish on both sides to go on is the first sign an acquaintance may become one.)
ties (for ranking isolation)
    The number of different people someone has met at least once.
the isolated fifth
    At a point in time, the fifth of a population (rounded up) with the fewest ties, then the
    worst (highest) latest check-in score (3 to 9, the three-item loneliness scale of Hughes,
    Waite, Hawkley and Cacioppo, 2004, *Research on Aging* 26(6)), people without a check-in
    after those with one, then by id, so the choice is reproducible.
diversity of ties
    For a person with two or more recurring ties: the Shannon entropy of their ties'
    neighbourhoods and, separately, of their ties' interest clusters (the questionnaire heading
    under which most of the other person's interests sit), each divided by its largest possible
    value ``log(min(k, C))`` for ``k`` ties over ``C`` categories in the population, so 0 means all
    ties alike and 1 as varied as their number allows; the two are averaged. Neighbourhoods stand
    for the bridging across the town that closeness alone would not make; interest clusters for
    meeting people unlike oneself. ``None`` with fewer than two ties.
check-in trend
    The mean check-in score (3 best, 9 worst) of the answers given in each week.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

__all__ = [
    "MIN_MEETINGS", "pair", "meetings", "met_counts", "mutual_meet_again", "recurring_ties", "tie_counts",
    "people_met", "isolated_fifth", "normalised_entropy", "tie_diversity", "mean_diversity",
    "recurring_ties_by_week", "weekly_means", "share_with_a_tie",
]

#: Occasions two people must have met at to count as a recurring tie.
MIN_MEETINGS = 3


def pair(a: Hashable, b: Hashable) -> tuple:
    """The pair as stored everywhere here: smaller id first.

    >>> pair(7, 3)
    (3, 7)
    """
    return (a, b) if a <= b else (b, a)


def meetings(attendance: Iterable[tuple[Hashable, Hashable, Any]], *, at: Any = None) -> dict[tuple, list]:
    """``{(a, b): [time, ...]}``: the occasions each pair attended together, sorted.

    ``attendance`` is ``(occasion, person, time)``; duplicates (one person recorded twice for one
    occasion) count once; with ``at``, only occasions at or before it.

    >>> meetings([("d1", 1, 1), ("d1", 2, 1), ("d1", 2, 1), ("d2", 1, 2)])
    {(1, 2): [1]}
    """
    present: dict[Hashable, set] = defaultdict(set)
    when: dict[Hashable, Any] = {}
    for occasion, person, time in attendance:
        if at is not None and time > at:
            continue
        present[occasion].add(person)
        when[occasion] = time
    out: dict[tuple, list] = defaultdict(list)
    for occasion, people in present.items():
        for a, b in combinations(sorted(people), 2):
            out[(a, b)].append(when[occasion])
    return {p: sorted(times) for p, times in out.items()}


def met_counts(attendance: Iterable[tuple[Hashable, Hashable, Any]], *, at: Any = None) -> dict[tuple, int]:
    """``{(a, b): occasions together}`` (see :func:`meetings`)."""
    return {p: len(times) for p, times in meetings(attendance, at=at).items()}


def mutual_meet_again(answers: Iterable[tuple[Hashable, Hashable, bool, Any]], *, at: Any = None) -> set[tuple]:
    """Pairs whose latest answers about each other are both "yes".

    ``answers`` is ``(rater, ratee, again, time)``; the latest (by time, then by order given)
    answer each way counts.

    >>> sorted(mutual_meet_again([(1, 2, True, 1), (2, 1, True, 1), (1, 3, True, 1), (3, 1, True, 1),
    ...                           (3, 1, False, 2), (4, 5, True, 1)]))
    [(1, 2)]
    """
    latest: dict[tuple, tuple[Any, int, bool]] = {}
    for order, (rater, ratee, again, time) in enumerate(answers):
        if rater == ratee or (at is not None and time > at):
            continue
        key = (rater, ratee)
        if key not in latest or (time, order) >= latest[key][:2]:
            latest[key] = (time, order, bool(again))
    return {pair(a, b) for (a, b), (_, _, yes) in latest.items() if yes and latest.get((b, a), (0, 0, False))[2]}


def recurring_ties(attendance: Iterable, answers: Iterable, *, at: Any = None,
                   min_meetings: int = MIN_MEETINGS) -> set[tuple]:
    """Pairs who met ``min_meetings`` or more times and both would meet again (as of ``at``).

    >>> seen = [(d, p, d) for d in (1, 2, 3) for p in (1, 2)]
    >>> yes = [(1, 2, True, 3), (2, 1, True, 3)]
    >>> recurring_ties(seen, yes), recurring_ties(seen[:4], yes), recurring_ties(seen, yes[:1])
    ({(1, 2)}, set(), set())
    """
    mutual = mutual_meet_again(answers, at=at)
    if not mutual:
        return set()
    attended: dict[Hashable, set] = defaultdict(set)
    for occasion, person, time in attendance:
        if at is None or time <= at:
            attended[person].add(occasion)
    return {p for p in mutual if len(attended.get(p[0], set()) & attended.get(p[1], set())) >= min_meetings}


def tie_counts(ties: Iterable[tuple], people: Iterable[Hashable] = ()) -> dict[Hashable, int]:
    """``{person: number of ties}``, with 0 for every one of ``people`` without any.

    >>> tie_counts({(1, 2), (1, 3)}, [1, 2, 3, 4])
    {1: 2, 2: 1, 3: 1, 4: 0}
    """
    out: dict[Hashable, int] = {p: 0 for p in people}
    for a, b in ties:
        out[a] = out.get(a, 0) + 1
        out[b] = out.get(b, 0) + 1
    return out


def people_met(attendance: Iterable, people: Iterable[Hashable] = (), *, at: Any = None) -> dict[Hashable, int]:
    """``{person: different people met at least once}`` (the ties that rank isolation)."""
    return tie_counts(met_counts(attendance, at=at), people)


def isolated_fifth(people: Iterable[Hashable], ties: Mapping[Hashable, int],
                   checkin: Mapping[Hashable, float] | None = None, *, share: float = 0.2) -> list:
    """The ``share`` (a fifth, rounded up) of ``people`` with the fewest ``ties``, then the worst
    (highest) ``checkin`` score; people with no score come after those with one, then by id.

    >>> isolated_fifth(range(1, 11), {1: 0, 2: 0, 3: 5}, {1: 4, 2: 8})
    [2, 1]
    """
    checkin = checkin or {}
    everyone = sorted(set(people))
    if not everyone:
        return []
    size = math.ceil(len(everyone) * share)

    def key(p):
        score = checkin.get(p)
        return (ties.get(p, 0), score is None, -(score or 0), p)

    return sorted(everyone, key=key)[:size]


def share_with_a_tie(group: Iterable[Hashable], ties: Iterable[tuple]) -> tuple[int, int]:
    """``(how many of group have at least one tie, how many in group)``.

    >>> share_with_a_tie([1, 2, 3], {(1, 9)})
    (1, 3)
    """
    members = set(group)
    tied = {p for t in ties for p in t} & members
    return len(tied), len(members)


def normalised_entropy(labels: Sequence[Hashable], categories: int | None = None) -> float | None:
    """Shannon entropy of ``labels`` divided by ``log(min(len(labels), categories))``: 0 all
    alike, 1 as even as possible. ``None`` for fewer than two labels or one category.

    >>> normalised_entropy(["a", "b"]), normalised_entropy(["a", "a"]), normalised_entropy(["a"])
    (1.0, 0.0, None)
    """
    k = len(labels)
    ceiling = min(k, categories if categories is not None else k)
    if k < 2 or ceiling < 2:
        return None
    h = -sum((n / k) * math.log(n / k) for n in Counter(labels).values())
    return round(min(1.0, max(0.0, h / math.log(ceiling))), 6) + 0.0


def tie_diversity(ties: Iterable[tuple], *lookups: Mapping[Hashable, Hashable]) -> dict[Hashable, float | None]:
    """``{person: diversity}``: per lookup (e.g. neighbourhood, interest cluster) the normalised
    entropy of the person's ties' labels, averaged over the lookups that give a value.

    People with a missing label count it as "unknown", one category of its own.

    >>> where = {1: "a", 2: "a", 3: "b", 4: "a"}
    >>> tie_diversity({(1, 2), (1, 3), (2, 4)}, where)
    {1: 1.0, 2: 0.0, 3: None, 4: None}
    """
    partners: dict[Hashable, list] = defaultdict(list)
    for a, b in ties:
        partners[a].append(b)
        partners[b].append(a)
    sizes = [len(set(lookup.values()) | {None}) for lookup in lookups]
    out: dict[Hashable, float | None] = {}
    for person in sorted(partners):
        values = [normalised_entropy([lookup.get(o) for o in partners[person]], size)
                  for lookup, size in zip(lookups, sizes)]
        values = [v for v in values if v is not None]
        out[person] = round(sum(values) / len(values), 6) if values else None
    return out


def mean_diversity(diversity: Mapping[Hashable, float | None]) -> float | None:
    """The mean over the people with a diversity (two or more ties); ``None`` if nobody has one."""
    values = [v for v in diversity.values() if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def recurring_ties_by_week(attendance: Iterable, answers: Iterable, week_ends: Sequence[Any], *,
                           min_meetings: int = MIN_MEETINGS) -> list[int]:
    """The number of recurring ties standing at each of ``week_ends`` (a cumulative curve).

    >>> seen = [(d, p, d) for d in (1, 2, 3) for p in (1, 2)]
    >>> recurring_ties_by_week(seen, [(1, 2, True, 1), (2, 1, True, 2)], [1, 2, 3, 4])
    [0, 0, 1, 1]
    """
    attendance, answers = list(attendance), list(answers)
    return [len(recurring_ties(attendance, answers, at=end, min_meetings=min_meetings)) for end in week_ends]


def weekly_means(scores: Iterable[tuple[Any, float]], week_starts: Sequence[Any]) -> list[tuple[float | None, int]]:
    """``(mean score, answers)`` per week: ``scores`` are ``(time, score)``; week ``i`` runs from
    ``week_starts[i]`` up to the next start (the last is open-ended).

    >>> weekly_means([(1, 6), (2, 4), (5, 3)], [0, 3])
    [(5.0, 2), (3.0, 1)]
    """
    bins: list[list[float]] = [[] for _ in week_starts]
    for time, score in scores:
        index = None
        for i, start in enumerate(week_starts):
            if time >= start:
                index = i
        if index is not None:
            bins[index].append(float(score))
    return [(round(sum(b) / len(b), 2), len(b)) if b else (None, 0) for b in bins]
