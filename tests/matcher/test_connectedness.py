"""The connectedness measures on small hand-made cases, edge cases first."""

from __future__ import annotations

import math

import pytest

from matcher.connectedness import (
    isolated_fifth,
    mean_diversity,
    meetings,
    mutual_meet_again,
    normalised_entropy,
    people_met,
    recurring_ties,
    recurring_ties_by_week,
    share_with_a_tie,
    tie_counts,
    tie_diversity,
    weekly_means,
)


def seen(*dates_and_people):
    """Attendance rows: ``seen((1, [1, 2]), (2, [1, 2, 3]))``; the occasion's time is its number."""
    return [(day, p, day) for day, people in dates_and_people for p in people]


def yes(a, b, t=0):
    return [(a, b, True, t), (b, a, True, t)]


def test_nobody_has_ties_without_meetings_or_answers():
    assert recurring_ties([], []) == set()
    assert recurring_ties(seen((1, [1, 2]), (2, [1, 2]), (3, [1, 2])), []) == set()
    assert recurring_ties([], yes(1, 2)) == set()
    assert tie_counts(set(), [1, 2]) == {1: 0, 2: 0}


def test_three_meetings_and_two_yeses_make_a_tie_two_meetings_do_not():
    three = seen((1, [1, 2, 3]), (2, [1, 2, 3]), (3, [1, 2]))
    answers = yes(1, 2) + yes(1, 3)
    assert recurring_ties(three, answers) == {(1, 2)}  # 1 and 3 met only twice
    assert recurring_ties(three, answers, min_meetings=2) == {(1, 2), (1, 3)}


def test_a_one_sided_yes_is_not_a_tie():
    three = seen((1, [1, 2]), (2, [1, 2]), (3, [1, 2]))
    assert recurring_ties(three, [(1, 2, True, 0)]) == set()
    assert recurring_ties(three, [(1, 2, True, 0), (2, 1, False, 0)]) == set()


def test_the_latest_answer_counts():
    three = seen((1, [1, 2]), (2, [1, 2]), (3, [1, 2]))
    changed_mind = yes(1, 2, t=1) + [(2, 1, False, 2)]
    assert recurring_ties(three, changed_mind) == set()
    assert recurring_ties(three, changed_mind, at=1) == set()  # by time 1 they had met only once
    assert recurring_ties(three, changed_mind + [(2, 1, True, 3)]) == {(1, 2)}
    assert mutual_meet_again(changed_mind, at=1) == {(1, 2)}


def test_one_occasion_counts_once_however_it_was_recorded():
    twice = [(1, 1, 1), (1, 2, 1), (1, 1, 1), (1, 2, 1), (2, 1, 2), (2, 2, 2)]
    assert meetings(twice) == {(1, 2): [1, 2]}
    assert recurring_ties(twice, yes(1, 2)) == set()


def test_ties_and_meetings_are_counted_up_to_a_time():
    rows = seen((1, [1, 2]), (2, [1, 2]), (5, [1, 2]))
    assert recurring_ties(rows, yes(1, 2), at=4) == set()
    assert recurring_ties(rows, yes(1, 2), at=5) == {(1, 2)}
    assert recurring_ties_by_week(rows, yes(1, 2), [1, 2, 4, 5, 9]) == [0, 0, 0, 1, 1]
    assert people_met(rows, [1, 2, 3], at=0) == {1: 0, 2: 0, 3: 0}
    assert people_met(rows, [1, 2, 3]) == {1: 1, 2: 1, 3: 0}


def test_the_isolated_fifth_is_fewest_ties_then_worst_checkin_then_id():
    people = list(range(1, 11))
    ties = {p: 3 for p in people} | {4: 0, 7: 0, 9: 1}
    assert isolated_fifth(people, ties) == [4, 7]
    assert isolated_fifth(people, ties, {7: 8, 4: 5}) == [7, 4]
    assert isolated_fifth(people, ties, {4: 5}) == [4, 7]  # no check-in comes after one
    assert isolated_fifth(range(1, 12), {}) == [1, 2, 3]  # a fifth of 11, rounded up
    assert isolated_fifth([], {}) == []
    assert isolated_fifth([5], {}) == [5]


def test_share_with_a_tie():
    assert share_with_a_tie([1, 2, 3, 4], {(1, 2), (5, 6)}) == (2, 4)
    assert share_with_a_tie([], {(1, 2)}) == (0, 0)


def test_entropy_is_normalised_to_what_the_number_of_ties_allows():
    assert normalised_entropy([]) is None and normalised_entropy(["a"]) is None
    assert normalised_entropy(["a", "a", "a"]) == 0.0
    assert normalised_entropy(["a", "b", "c"]) == 1.0
    assert normalised_entropy(["a", "b", "c"], categories=2) == 1.0  # capped: two kinds cannot be more mixed
    assert normalised_entropy(["a", "a", "b"]) == pytest.approx(
        -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)) / math.log(3), abs=1e-6)
    assert normalised_entropy(["a", "b"], categories=1) is None


def test_diversity_averages_neighbourhoods_and_interest_clusters():
    ties = {(1, 2), (1, 3), (4, 5)}
    hood = {1: "x", 2: "x", 3: "y", 4: "x", 5: "x"}
    cluster = {2: "food", 3: "food"}
    d = tie_diversity(ties, hood, cluster)
    assert d[1] == 0.5  # neighbourhoods as mixed as can be (1.0), interests all alike (0.0)
    assert d[2] is None and d[4] is None  # one tie: no diversity to speak of
    assert mean_diversity(d) == 0.5
    assert tie_diversity(set(), hood) == {} and mean_diversity({}) is None
    assert tie_diversity({(1, 2), (1, 3)}, {})[1] is None  # nobody labelled: one category, nothing to vary
    assert tie_diversity({(1, 2), (1, 3)}, {3: "y"})[1] == 1.0  # an unknown label is a category of its own


def test_weekly_means_bin_by_week_start():
    assert weekly_means([], [0, 7]) == [(None, 0), (None, 0)]
    assert weekly_means([(-1, 9), (0, 6), (6, 4), (7, 3), (20, 5)], [0, 7]) == [(5.0, 2), (4.0, 2)]
