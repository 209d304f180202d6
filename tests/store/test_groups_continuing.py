"""Groups that keep meeting: a group that mostly wants to meet again is offered the next date together."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.models import Role
from store.groups.continuing import MIX_RUN, keen_core, meetings_in_a_row, rather_meet_new
from store.groups.feedback import save_feedback
from store.groups.matching import plan_regions, run_matching
from store.groups.models import Group, GroupStatus, SeatStatus
from store.groups.offers import close_finished_groups, respond
from store.profiles.operations import save_step
from store.social.operations import block, report_person


@pytest.fixture
def series(db, settings):
    """A weekly supper: three dates a week apart, the first in three days."""
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    event, first = make_event(db, settings, centre, organiser, recurrence="weekly",
                              repeat_until=date.today() + timedelta(days=20))
    dates = sorted(event.occurrences, key=lambda o: o.starts_at)
    assert len(dates) == 3
    return centre, organiser, event, dates


def _meet(db, settings, occurrence, people, *, again=lambda a, b: True, now=None):
    """Match a date, everyone says yes, the meeting happens, everyone answers "would meet again"."""
    run_matching(db, settings, occurrence.id, now=now)
    groups = db.scalars(select(Group).where(Group.occurrence_id == occurrence.id)).all()
    ids = {p.id for p in people}
    group = next(g for g in groups if {s.user_id for s in g.active_seats} & ids)
    for seat in list(group.active_seats):
        respond(db, settings, group.id, seat.user, accept=True, now=now)
    after = occurrence.ends_at + timedelta(minutes=5)
    close_finished_groups(db, settings, now=after)
    assert group.status == GroupStatus.MET
    for seat in group.accepted:
        others = {s.user_id: again(seat.user_id, s.user_id) for s in group.accepted if s.user_id != seat.user_id}
        save_feedback(db, group.id, seat.user, attended=True, meet_again=others, now=after)
    return group, after


def _groups_at(db, occurrence):
    return db.scalars(select(Group).where(Group.occurrence_id == occurrence.id)).all()


def _members(group):
    return {s.user_id for s in group.active_seats}


def test_the_rule_of_mostly_yes():
    assert keen_core([]) == set()
    assert keen_core([(1, 2, True)]) == set()  # one answer is not a group's mind
    assert keen_core([(1, 2, True), (2, 1, True), (3, 1, False), (3, 2, False)]) == {1, 2}
    assert keen_core([(1, 2, True), (2, 1, False), (3, 1, False), (3, 2, True)]) == set()  # no mutual yes


def test_a_group_that_mostly_says_yes_meets_again_at_the_next_date(db, settings, series):
    _, _, _, (first, second, _) = series
    people = [make_resident(db) for _ in range(5)]
    group, after = _meet(db, settings, first, people)
    counts = run_matching(db, settings, second.id, now=after)
    assert counts["continued"] == 1
    standing = [g for g in _groups_at(db, second) if g.continues_id == group.id]
    assert len(standing) == 1 and _members(standing[0]) == _members(group)
    assert meetings_in_a_row(db, standing[0]) == 2
    # continued once: matching the date again does not offer another
    assert run_matching(db, settings, second.id, now=after)["groups"] == 0


def test_a_group_that_mostly_says_no_is_not_continued(db, settings, series):
    _, _, _, (first, second, _) = series
    people = [make_resident(db) for _ in range(5)]
    group, after = _meet(db, settings, first, people, again=lambda a, b: False)
    counts = run_matching(db, settings, second.id, now=after)
    assert counts.get("continued", 0) == 0
    assert all(g.continues_id is None for g in _groups_at(db, second))


def test_an_opt_out_is_respected(db, settings, series):
    _, _, _, (first, second, _) = series
    people = [make_resident(db) for _ in range(5)]
    group, after = _meet(db, settings, first, people)
    leaver = people[0]
    rather_meet_new(db, settings, group.id, leaver, now=after)
    run_matching(db, settings, second.id, now=after)
    standing = [g for g in _groups_at(db, second) if g.continues_id == group.id]
    assert len(standing) == 1
    assert _members(standing[0]) == _members(group) - {leaver.id}


@pytest.mark.parametrize("how", ["block", "report"])
def test_a_blocked_or_reported_pair_is_never_put_back_together(db, settings, series, how):
    centre, _, _, (first, second, _) = series
    people = [make_resident(db) for _ in range(6)]
    group, after = _meet(db, settings, first, people)
    a, b = people[0], people[1]
    if how == "block":
        block(db, a, b.id)
    else:
        report_person(db, a, b.id, "Made me uncomfortable", centre_id=centre.id)
    run_matching(db, settings, second.id, now=after)
    standing = [g for g in _groups_at(db, second) if g.continues_id == group.id]
    assert len(standing) == 1
    assert not {a.id, b.id} <= _members(standing[0])
    assert _members(standing[0]) | {a.id, b.id} == _members(group)


def test_a_gap_is_filled_by_a_newcomer(db, settings, series):
    _, _, _, (first, second, _) = series
    people = [make_resident(db) for _ in range(4)]
    group, after = _meet(db, settings, first, people)
    rather_meet_new(db, settings, group.id, people[3], now=after)
    newcomer = make_resident(db)
    far = make_resident(db, interests=("chess",), offset_km=3.0)
    block(db, far, people[0].id)
    run_matching(db, settings, second.id, now=after)
    standing = [g for g in _groups_at(db, second) if g.continues_id == group.id]
    assert len(standing) == 1
    members = _members(standing[0])
    assert members >= {p.id for p in people[:3]} and people[3].id not in members
    assert len(members) == 4 and newcomer.id in members and far.id not in members


def _lean(db, user, choice):
    save_step(db, user.id, "meeting", {"availability": [], "wants": ["meal", "event", "exercise"], "travel_km": 5.0,
                                       "new_faces": choice})


def test_the_profile_choice_changes_who_keeps_meeting(db, settings, series):
    _, _, _, (first, second, third) = series
    people = [make_resident(db) for _ in range(5)]
    _lean(db, people[0], "mostly_new")
    _lean(db, people[1], "mostly_familiar")
    group, after = _meet(db, settings, first, people)
    run_matching(db, settings, second.id, now=after)
    standing = next(g for g in _groups_at(db, second) if g.continues_id == group.id)
    assert people[0].id not in _members(standing)  # "mostly new people": never a standing group
    assert people[1].id in _members(standing)


def test_a_mix_keeps_meeting_for_a_run_and_familiar_faces_longer(db, settings, series):
    """Chained by hand to MIX_RUN meetings: "a mix" (and no answer) then meets new people, "familiar" stays."""
    _, _, _, (first, second, _) = series
    people = [make_resident(db) for _ in range(5)]
    for p in people[:2]:
        _lean(db, p, "more_familiar")
    group, after = _meet(db, settings, first, people)
    chain = group
    for _ in range(MIX_RUN - 1):  # earlier meetings of the same run
        earlier = Group(centre_id=group.centre_id, occurrence_id=first.id, status=GroupStatus.MET)
        db.add(earlier)
        db.flush()
        chain.continues_id = earlier.id
        chain = earlier
    db.flush()
    assert meetings_in_a_row(db, group) == MIX_RUN
    newcomers = {make_resident(db).id for _ in range(2)}
    run_matching(db, settings, second.id, now=after)
    standing = [g for g in _groups_at(db, second) if g.continues_id == group.id]
    # only the two who lean to familiar faces are carried over; newcomers fill the gap, and
    # those who chose "a mix" (or said nothing) meet new people this time
    assert len(standing) == 1
    assert _members(standing[0]) == {p.id for p in people[:2]} | newcomers


def test_an_offer_of_a_standing_group_can_be_turned_into_new_people(db, settings, series):
    _, _, _, (first, second, _) = series
    people = [make_resident(db) for _ in range(5)]
    group, after = _meet(db, settings, first, people)
    run_matching(db, settings, second.id, now=after)
    standing = next(g for g in _groups_at(db, second) if g.continues_id == group.id)
    rather_meet_new(db, settings, standing.id, people[0], now=after)
    seat = next(s for s in standing.seats if s.user_id == people[0].id)
    assert seat.status == SeatStatus.DECLINED and seat.rather_new_at is not None


def test_another_event_of_the_centre_only_when_their_own_has_no_next_date(db, settings, series):
    centre, organiser, _, (first, second, _) = series
    _, walk = make_event(db, settings, centre, organiser, days_ahead=5, kind="event", title="Park walk")
    people = [make_resident(db) for _ in range(5)]
    group, after = _meet(db, settings, first, people)
    run_matching(db, settings, walk.id, now=after)  # the supper goes on next week: wait for it
    assert all(g.continues_id is None for g in _groups_at(db, walk))


def test_a_one_off_group_goes_on_at_another_event_of_the_centre(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, supper = make_event(db, settings, centre, organiser, days_ahead=3)
    _, walk = make_event(db, settings, centre, organiser, days_ahead=5, kind="event", title="Park walk")
    people = [make_resident(db) for _ in range(5)]
    group, after = _meet(db, settings, supper, people)
    run_matching(db, settings, walk.id, now=after)
    standing = [g for g in _groups_at(db, walk) if g.continues_id == group.id]
    assert len(standing) == 1 and _members(standing[0]) == _members(group)


def test_the_seat_limit_never_splits_a_group_that_keeps_meeting(db, settings):
    """Free seats go to people never placed before first; a standing group's members come before that."""
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    event, _ = make_event(db, settings, centre, organiser, recurrence="weekly", capacity=5,
                          repeat_until=date.today() + timedelta(days=10))
    first, second = sorted(event.occurrences, key=lambda o: o.starts_at)
    people = [make_resident(db) for _ in range(5)]
    group, after = _meet(db, settings, first, people)
    for _ in range(5):
        make_resident(db)  # never placed: they would take the free seats first
    run_matching(db, settings, second.id, now=after)
    standing = [g for g in _groups_at(db, second) if g.continues_id == group.id]
    assert len(standing) == 1 and _members(standing[0]) == _members(group)


def test_a_shared_out_date_keeps_a_standing_group_in_one_region(db, settings, series):
    _, _, _, (first, second, _) = series
    people = [make_resident(db, offset_km=1.0) for _ in range(5)]  # around the venue, on a spiral
    group, after = _meet(db, settings, first, people)
    for _ in range(5):
        make_resident(db, offset_km=1.0)
    regions = plan_regions(db, second.id, region_size=3, now=after)  # regions of three cannot hold five
    ids = [{c["user_id"] for c in region} for region in regions]
    assert sum(len(r) for r in ids) == 10 and len(regions) >= 3
    assert [r for r in ids if r & _members(group)] == [r for r in ids if _members(group) <= r]
    counts = [run_matching(db, settings, second.id, region=region, now=after) for region in regions]
    assert sum(c.get("continued", 0) for c in counts) == 1
    [standing] = [g for g in _groups_at(db, second) if g.continues_id == group.id]
    assert _members(standing) == _members(group)
