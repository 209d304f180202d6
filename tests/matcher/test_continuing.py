"""Topping up a group that keeps meeting: newcomers fill a gap, never a blocked or unreachable one."""

from __future__ import annotations

from matcher.continuing import fill_group
from matcher.groups import Members, Venues


def _members(**kw):
    return Members.from_arrays(list("abcdef"), [51.50, 51.50, 51.50, 51.50, 51.50, 51.80], [-0.1] * 6,
                               [[1, 0], [1, 0], [1, 0], [0, 1], [1, 0], [1, 0]], **kw)


def test_the_most_compatible_newcomers_fill_the_gap():
    assert fill_group(_members(), ["a", "b"], size=(4, 6)) == ["c", "e"]


def test_a_blocked_newcomer_is_never_added_and_a_blocked_core_is_refused():
    assert "c" not in fill_group(_members(), ["a", "b"], size=(4, 6), blocks=[("c", "b")])
    assert fill_group(_members(), ["a", "b"], size=(4, 6), blocks=[("a", "b")]) is None


def test_nobody_beyond_their_reach_of_the_venue():
    venue = Venues.from_arrays(["hall"], [51.50], [-0.1], [[]])
    m = _members(travel_km=[5.0] * 6)
    added = fill_group(m, ["a", "b"], size=(5, 6), venues=venue, blocks=[("a", "d")])
    assert added is None  # only c, e can reach and d is blocked: one short
    assert fill_group(m, ["a", "b"], size=(4, 6), venues=venue) == ["c", "e"]


def test_a_full_core_needs_nobody():
    assert fill_group(_members(), ["a", "b", "c", "e"], size=(4, 6)) == []
    assert fill_group(_members(), list("abcdef"), size=(2, 5)) is None  # too many to stay together
