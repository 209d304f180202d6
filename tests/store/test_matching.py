"""Matching in the product: candidates, groups offered once, accept, decline, refill, dissolve."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import func, select

from store.accounts.models import Role
from store.events.models import SignUp, SignupStatus
from store.groups.candidates import candidates_for
from store.groups.matching import run_matching
from store.groups.models import Group, GroupMember, GroupStatus, SeatStatus
from store.groups.offers import GroupError, respond
from store.messages.models import Message
from store.social.operations import block, record_checkin, strengthen_tie


@pytest.fixture
def world(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    event, occurrence = make_event(db, settings, centre, organiser)
    return centre, organiser, event, occurrence


def _offers(db):
    return db.scalar(select(func.count()).select_from(Message).where(Message.kind == "group"))


def test_groups_are_formed_offered_once_and_idempotent(db, settings, world):
    _, _, _, occurrence = world
    people = [make_resident(db) for _ in range(10)]
    counts = run_matching(db, settings, occurrence.id)
    assert counts["candidates"] == 10 and counts["groups"] >= 1
    groups = db.scalars(select(Group)).all()
    placed = [s.user_id for g in groups for s in g.seats]
    assert len(placed) == len(set(placed)) == counts["offered"]
    assert all(4 <= len(g.seats) <= 8 for g in groups)
    assert set(placed) <= {p.id for p in people}
    assert _offers(db) == counts["offered"]
    assert all(g.reason for g in groups)
    again = run_matching(db, settings, occurrence.id)
    assert again["groups"] == 0
    assert db.scalar(select(func.count()).select_from(Group)) == len(groups)
    assert _offers(db) == counts["offered"]


def test_only_consenting_unpaused_people_within_reach(db, settings, world):
    _, _, _, occurrence = world
    ok = [make_resident(db) for _ in range(4)]
    make_resident(db, consent=False)
    make_resident(db, paused_until=date.today() + timedelta(days=30))
    make_resident(db, offset_km=12.0, travel_km=2.0)
    make_resident(db, wants=("exercise",))
    ids = {c.user_id for c in candidates_for(db, occurrence)}
    assert ids == {u.id for u in ok}


def test_blocked_pairs_are_never_together(db, settings, world):
    _, _, _, occurrence = world
    people = [make_resident(db) for _ in range(8)]
    block(db, people[0], people[1].id)
    run_matching(db, settings, occurrence.id)
    for group in db.scalars(select(Group)):
        ids = {s.user_id for s in group.seats}
        assert not {people[0].id, people[1].id} <= ids


def test_accepting_signs_up_and_confirms_at_the_minimum(db, settings, world):
    _, _, _, occurrence = world
    for _ in range(5):
        make_resident(db)
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    seats = list(group.seats)
    for seat in seats[:3]:
        respond(db, settings, group.id, seat.user, accept=True)
    assert group.status == GroupStatus.PROPOSED
    respond(db, settings, group.id, seats[3].user, accept=True)
    assert group.status == GroupStatus.CONFIRMED
    statuses = db.scalars(select(SignUp.status).where(SignUp.occurrence_id == occurrence.id)).all()
    assert statuses.count(SignupStatus.CONFIRMED) == 4
    with pytest.raises(GroupError):
        respond(db, settings, group.id, seats[0].user, accept=True)


def test_declined_seat_goes_to_the_next_best_neighbour(db, settings, world):
    _, _, _, occurrence = world
    for _ in range(8):
        make_resident(db)
    run_matching(db, settings, occurrence.id, size=(4, 4))
    groups = db.scalars(select(Group)).all()
    assert len(groups) == 2
    latecomer = make_resident(db)
    leaver = groups[0].seats[0]
    _, rematch = respond(db, settings, groups[0].id, leaver.user, accept=False)
    assert not rematch
    active = {s.user_id for s in groups[0].active_seats}
    assert latecomer.id in active and leaver.user_id not in active
    assert db.scalar(select(Message).where(Message.user_id == latecomer.id, Message.kind == "group")) is not None


def test_a_group_below_its_minimum_is_dissolved_kindly(db, settings, world):
    _, _, _, occurrence = world
    for _ in range(4):
        make_resident(db)
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    leaver = group.seats[0]
    _, rematch = respond(db, settings, group.id, leaver.user, accept=False)
    assert rematch and group.status == GroupStatus.DISSOLVED
    others = [s for s in group.seats if s.user_id != leaver.user_id]
    assert all(s.status == SeatStatus.WITHDRAWN for s in others)
    subjects = db.scalars(select(Message.subject).where(Message.user_id == others[0].user_id)).all()
    assert any("A change to your group" in s for s in subjects)
    # The withdrawn can be matched again; the one who declined is not offered this date again.
    ids = {c.user_id for c in candidates_for(db, occurrence)}
    assert {s.user_id for s in others} <= ids and leaver.user_id not in ids


def test_someone_without_a_seat_cannot_answer(db, settings, world):
    _, _, _, occurrence = world
    for _ in range(4):
        make_resident(db)
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    stranger = make_user(db)
    with pytest.raises(LookupError):
        respond(db, settings, group.id, stranger, accept=True)
    assert db.scalar(select(GroupMember).where(GroupMember.user_id == stranger.id)) is None


def test_one_group_at_a_time_as_often_as_asked(db, settings, world):
    centre, organiser, _, first = world
    _, second = make_event(db, settings, centre, organiser, days_ahead=5, title="Sunday lunch")
    _, later = make_event(db, settings, centre, organiser, days_ahead=10, title="Next week's supper")
    for _ in range(4):
        make_resident(db)
    assert run_matching(db, settings, first.id)["groups"] == 1
    assert candidates_for(db, second) == []  # two days apart: weekly people wait
    assert len(candidates_for(db, later)) == 4  # a week later is fine


def test_a_run_shared_out_by_region_gives_the_same_groups(db, settings, world):
    from store.groups.matching import plan_regions

    _, _, _, occurrence = world
    for near in ((53.8195, -1.5775), (53.8290, -1.5370), (53.7720, -1.5650)):  # three neighbourhoods
        for _ in range(4):
            make_resident(db, near=near, offset_km=0.2, travel_km=10.0)

    def groups():
        return sorted(sorted(s.user_id for s in g.seats) for g in db.scalars(select(Group)))

    nested = db.begin_nested()
    whole = run_matching(db, settings, occurrence.id, region_size=5, seed=7)
    one_run = groups()
    nested.rollback()
    assert whole["regions"] == 3 and groups() == []
    regions = plan_regions(db, occurrence.id, region_size=5, seed=7)
    assert len(regions) == 3 and sorted(len(r) for r in regions) == [4, 4, 4]
    for region in regions:
        run_matching(db, settings, occurrence.id, region=region, seed=7)
    assert groups() == one_run and len(one_run) == 3


def test_a_region_task_rechecks_only_its_own_people(db, settings, world):
    """A region's task takes the candidates the plan found, and drops only those who can no
    longer be offered a group (paused since); it never searches the whole date again."""
    import store.groups.matching as matching_module
    from store.groups.matching import plan_regions
    from store.groups.membership import save_profile_step

    _, _, _, occurrence = world
    people = [make_resident(db) for _ in range(6)]
    [region] = plan_regions(db, occurrence.id)
    save_profile_step(db, settings, people[0].id, "needs", {"include_in_matching": False, "show_first_name": True,
                                                             "paused_until": None})
    calls = []  # count whole-date searches: there must be none in a region's task
    original = matching_module.eligible_with_cores
    matching_module.eligible_with_cores = lambda *a, **k: calls.append(a) or original(*a, **k)
    try:
        counts = run_matching(db, settings, occurrence.id, region=region)
    finally:
        matching_module.eligible_with_cores = original
    assert calls == [] and counts["candidates"] == 5
    assert people[0].id not in {s.user_id for g in db.scalars(select(Group)) for s in g.seats}



def test_pausing_takes_back_unanswered_offers(db, settings, world):
    from store.groups.offers import withdraw_open_offers

    _, _, _, occurrence = world
    for _ in range(5):
        make_resident(db)
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    first, second = group.seats[0], group.seats[1]
    respond(db, settings, group.id, first.user, accept=True)
    assert withdraw_open_offers(db, settings, first.user_id) == []  # a yes stays a yes
    assert first.status == SeatStatus.ACCEPTED
    withdraw_open_offers(db, settings, second.user_id)
    assert second.status == SeatStatus.WITHDRAWN and len(group.active_seats) == 4


def test_small_dates_get_proven_groups_within_the_exact_settings(db, settings, world):
    from store.groups.matching import exact_options

    _, _, _, occurrence = world
    for _ in range(10):
        make_resident(db)
    roomy = settings.replace(match_exact_seconds=10)  # the default 0.5 s, on a loaded test machine, may not do
    counts = run_matching(db, roomy, occurrence.id)
    assert counts["regions"] == 1 and counts["proven_optimal"] == 1
    assert exact_options(settings, 10) == {"exact": "auto", "exact_time_limit": settings.match_exact_seconds}
    assert exact_options(settings, settings.match_exact_up_to + 1) == {"exact": False}
    assert exact_options(settings.replace(match_exact_seconds=0), 10) == {"exact": False}
    assert exact_options(settings.replace(match_exact_up_to=0), 10) == {"exact": False}


def test_without_the_exact_path_the_same_date_is_not_claimed_proven(db, settings, world):
    _, _, _, occurrence = world
    for _ in range(10):
        make_resident(db)
    counts = run_matching(db, settings.replace(match_exact_seconds=0), occurrence.id)
    assert counts["groups"] >= 1 and counts["proven_optimal"] == 0


def _newcomer_placed(db, settings, centre, organiser):
    """Eight residents who have been in a group before and met each other (so none is isolated),
    one who never has (and shares less with them): matched in groups of exactly four, one of the
    nine is left out. Is the newcomer placed?"""
    _, earlier = make_event(db, settings, centre, organiser, days_ahead=2, title="Earlier supper")
    regulars = [make_resident(db) for _ in range(8)]
    run_matching(db, settings, earlier.id, size=(4, 4))
    for group in db.scalars(select(Group).where(Group.occurrence_id == earlier.id)):
        for seat in group.seats:
            respond(db, settings, group.id, seat.user, accept=True)
    for i, a in enumerate(regulars):
        for step in (1, 2):
            strengthen_tie(db, a.id, regulars[(i + step) % 8].id, 0.5, met=True)
    newcomer = make_resident(db, interests=("chess", "walking"))
    _, later = make_event(db, settings, centre, organiser, days_ahead=60, title="Later supper")
    run_matching(db, settings, later.id, size=(4, 4))
    seated = {s.user_id for g in db.scalars(select(Group).where(Group.occurrence_id == later.id)) for s in g.seats}
    assert len(seated) == 8 and seated <= {u.id for u in regulars} | {newcomer.id}
    return newcomer.id in seated


def test_people_never_placed_come_first_unless_the_setting_turns_it_off(db, settings, world):
    centre, organiser, _, _ = world
    assert settings.match_newcomers_first is True
    assert _newcomer_placed(db, settings, centre, organiser)


def test_without_newcomers_first_the_newcomer_has_no_priority(db, settings, world):
    centre, organiser, _, _ = world
    assert not _newcomer_placed(db, settings.replace(match_newcomers_first=False), centre, organiser)


def _in_a_group_before(db, settings, centre, organiser, people) -> None:
    _, earlier = make_event(db, settings, centre, organiser, days_ahead=2, title="Earlier supper")
    before = Group(centre_id=centre.id, occurrence_id=earlier.id, size_min=2, size_max=len(people), score=0.5,
                   reason="", farthest_km=1.0)
    db.add(before)
    db.flush()
    for person in people:
        db.add(GroupMember(group_id=before.id, user_id=person.id, status=SeatStatus.ACCEPTED))
    db.flush()


def _have_met(db, people) -> None:
    """Each has met the next two in a ring (two ties met each: nobody isolated by ties)."""
    for i, a in enumerate(people):
        for step in (1, 2):
            strengthen_tie(db, a.id, people[(i + step) % len(people)].id, 0.5, met=True)


def _loner_placed(db, settings, centre, organiser, *, why: str) -> bool:
    """Nine residents who have all been in a group before; eight have met several people through
    Hearth, one (who shares less with them) is isolated: ``why`` = "ties" (has met only one person)
    or "checkin" (has met two, but their latest check-in says they often feel isolated). Matched in
    groups of exactly four, one of the nine is left out. Is the isolated one placed?"""
    regulars = [make_resident(db) for _ in range(8)]
    loner = make_resident(db, interests=("chess", "walking"))
    _in_a_group_before(db, settings, centre, organiser, [*regulars, loner])
    _have_met(db, regulars)
    strengthen_tie(db, loner.id, regulars[0].id, 0.5, met=True)
    if why == "checkin":
        strengthen_tie(db, loner.id, regulars[4].id, 0.5, met=True)
        record_checkin(db, loner, companionship=3, left_out=2, isolated=3)
    db.flush()
    _, later = make_event(db, settings, centre, organiser, days_ahead=60, title="Later supper")
    cands = {c.user_id: c for c in candidates_for(db, later)}
    assert cands[loner.id].isolated and not any(cands[r.id].isolated for r in regulars)
    assert all(c.placed_before for c in cands.values())
    run_matching(db, settings, later.id, size=(4, 4))
    seated = {s.user_id for g in db.scalars(select(Group).where(Group.occurrence_id == later.id)) for s in g.seats}
    assert len(seated) == 8 and seated <= {u.id for u in regulars} | {loner.id}
    return loner.id in seated


@pytest.mark.parametrize("why", ["ties", "checkin"])
def test_isolated_people_come_first_unless_the_setting_turns_it_off(db, settings, world, why):
    centre, organiser, _, _ = world
    assert settings.match_isolated_first is True
    assert _loner_placed(db, settings, centre, organiser, why=why)


def test_without_isolated_first_the_isolated_resident_has_no_priority(db, settings, world):
    centre, organiser, _, _ = world
    assert not _loner_placed(db, settings.replace(match_isolated_first=False), centre, organiser, why="ties")


@pytest.mark.parametrize("isolated_first", [True, False])
def test_a_freed_seat_goes_to_an_isolated_neighbour_first(db, settings, world, isolated_first):
    centre, organiser, _, _ = world
    settings = settings.replace(match_isolated_first=isolated_first)
    _, occurrence = make_event(db, settings, centre, organiser, days_ahead=20, title="Soup lunch")
    four = [make_resident(db) for _ in range(4)]
    _have_met(db, four)
    run_matching(db, settings, occurrence.id, size=(4, 4))
    [group] = db.scalars(select(Group).where(Group.occurrence_id == occurrence.id)).all()
    pal = make_resident(db)  # as alike as the four, and has met two of them
    loner = make_resident(db, interests=("chess", "walking"))  # shares less, has met nobody
    _in_a_group_before(db, settings, centre, organiser, [pal, loner])
    strengthen_tie(db, pal.id, four[0].id, 0.5, met=True)
    strengthen_tie(db, pal.id, four[1].id, 0.5, met=True)
    db.flush()
    respond(db, settings, group.id, four[3], accept=False)
    offered = {s.user_id for s in group.seats if s.status == SeatStatus.OFFERED}
    assert (loner.id in offered) is isolated_first and (pal.id in offered) is not isolated_first
