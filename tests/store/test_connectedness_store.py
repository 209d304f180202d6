"""The connectedness measures over a small town built with the real operations."""

from __future__ import annotations

import pytest
from connectedness_town import build_town

from store.insight.connectedness import centre_connectedness, load_town, own_connectedness
from store.insight.own_words import resident_connection_words
from store.insight.words import organiser_connectedness_words


@pytest.fixture
def town(db, settings):
    return build_town(db, settings)


def test_the_town_loads_as_plain_data(db, town):
    data = load_town(db, [town.a.id])
    occasions = {o for o, u, _ in data.attendance if u == town.a.id}
    assert len(occasions) == 3  # the group's date (feedback) and two dates checked in
    assert {(r, e, again) for r, e, again, _ in data.answers if e == town.a.id} == {
        (town.b.id, town.a.id, True), (town.c.id, town.a.id, False), (town.d.id, town.a.id, True)}
    assert [s for _, s in data.checkins[town.a.id]] == [9, 6]
    assert data.cluster[town.a.id] == "food"  # cooking (food) and walking: a tie, broken alphabetically
    assert data.neighbourhood[town.a.id] is None or isinstance(data.neighbourhood[town.a.id], str)


def test_only_the_pair_who_met_three_times_and_both_said_yes_is_a_recurring_tie(db, town):
    m = centre_connectedness(db, town.centre, now=town.now)
    assert m.residents == 10  # the faraway resident is another centre's
    assert m.recurring_ties == 1 and m.with_a_tie == 2  # a and b
    assert m.fifth_size == 2 and m.fifth_with_a_tie == 1  # a and c were the most isolated; a has a tie now
    assert m.fifth_with_a_tie_at_start == 0
    curve = [w.recurring_ties for w in m.weeks]
    assert len(curve) == 12 and curve[0] == 0 and curve[-1] == 1 and curve == sorted(curve)
    assert m.diversity is None and m.diverse_people == 0  # nobody has two recurring ties
    assert m.last_checkin.mean_checkin == 6.0 and m.last_checkin.checkins == 1


def test_before_the_meetings_there_are_no_ties(db, town):
    m = centre_connectedness(db, town.centre, now=town.a.created_at)
    assert m.recurring_ties == 0 and m.with_a_tie == 0 and m.fifth_with_a_tie == 0


def test_each_resident_sees_their_own(db, town):
    assert own_connectedness(db, town.a.id, now=town.now).recurring_ties == 1
    c = own_connectedness(db, town.c.id, now=town.now)
    assert c.recurring_ties == 0 and c.people_met == 3  # a, b and d, one-sided "yes" does not count
    d = own_connectedness(db, town.d.id, now=town.now)
    assert d.recurring_ties == 0  # a and d both said yes, but met only twice
    words = resident_connection_words(own_connectedness(db, town.others[0].id, now=town.now))
    assert "When you start meeting neighbours" in words["ties"]
    assert "check-ins over the weeks will show here" in words["checkin"]


def test_the_words_for_funders_hide_small_counts(db, town):
    m = centre_connectedness(db, town.centre, now=town.now)
    staff = organiser_connectedness_words(m)
    funder = organiser_connectedness_words(m, for_funder=True)
    assert staff["ties"].startswith("1 recurring tie:")
    assert funder["ties"].startswith("fewer than 5 recurring ties:")
    assert "2 of the area's 10 residents" in staff["ties"] and "(20%)" in staff["ties"]
    assert "fewer than 5 of the area's 10 residents" in funder["ties"] and "%" not in funder["ties"]
    assert "6.0" in staff["checkin"] and "Not enough check-ins" in funder["checkin"]
