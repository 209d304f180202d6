"""Groups that keep meeting on the pages: the opt-out button, the profile choice, the organiser's date page."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from factories import csrf_token, login, logout, make_centre, make_event, make_resident, make_user, post_form
from sqlalchemy import select

from store.accounts.models import Role
from store.groups.feedback import save_feedback
from store.groups.matching import run_matching
from store.groups.models import Group, GroupMember
from store.groups.offers import close_finished_groups, respond
from store.groups.reasons import reason_for
from store.profiles.operations import get_profile
from store.profiles.taxonomy import number_word


@pytest.fixture
def met(db, settings):
    """Five neighbours met at the first of three weekly suppers and all would meet again."""
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    event, _ = make_event(db, settings, centre, organiser, recurrence="weekly",
                          repeat_until=date.today() + timedelta(days=20))
    first, second, _ = sorted(event.occurrences, key=lambda o: o.starts_at)
    people = [make_resident(db) for _ in range(5)]
    run_matching(db, settings, first.id)
    group = db.scalars(select(Group).where(Group.occurrence_id == first.id)).one()
    for seat in list(group.active_seats):
        respond(db, settings, group.id, seat.user, accept=True)
    after = first.ends_at + timedelta(minutes=5)
    close_finished_groups(db, settings, now=after)
    for seat in group.accepted:
        save_feedback(db, group.id, seat.user, attended=True, now=after,
                      meet_again={s.user_id: True for s in group.accepted if s.user_id != seat.user_id})
    db.flush()
    return group, people, second, after, organiser, event


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _standing(db, group, occurrence):
    return db.scalars(select(Group).where(Group.occurrence_id == occurrence.id, Group.continues_id == group.id)).first()


def test_the_opt_out_button_is_respected(client, db, settings, met):
    group, people, second, after, _, _ = met
    me = people[0]
    login(client, me.email)
    page = _text(client.get(f"/groups/{group.id}"))
    assert "I'd rather meet new people next time" in page
    # without the form's token the button does nothing
    assert client.post(f"/groups/{group.id}/rather-new", data={}).status_code == 400
    seat = db.scalars(select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == me.id)).one()
    assert seat.rather_new_at is None
    done = post_form(client, f"/groups/{group.id}/rather-new", {}, form_path=f"/groups/{group.id}")
    assert done.status_code == 302
    db.refresh(seat)
    assert seat.rather_new_at is not None
    page = _text(client.get(f"/groups/{group.id}"))
    assert "You chose to meet new people next time." in page
    assert "I'd rather meet new people next time" not in page
    run_matching(db, settings, second.id, now=after)
    standing = _standing(db, group, second)
    assert standing is not None and me.id not in {s.user_id for s in standing.active_seats}


def test_undo_keeps_meeting(client, db, settings, met):
    group, people, second, after, _, _ = met
    me = people[1]
    login(client, me.email)
    post_form(client, f"/groups/{group.id}/rather-new", {}, form_path=f"/groups/{group.id}")
    done = post_form(client, f"/groups/{group.id}/keep-meeting", {}, form_path=f"/groups/{group.id}")
    assert done.status_code == 302
    run_matching(db, settings, second.id, now=after)
    assert me.id in {s.user_id for s in _standing(db, group, second).active_seats}


def test_the_profile_choice_changes_the_outcome(client, db, settings, met):
    group, people, second, after, _, _ = met
    me = people[2]
    login(client, me.email)
    page = _text(client.get("/profile/meeting"))
    assert "New faces or familiar ones?" in page and "up to 4 times in a row" in page
    token = csrf_token(client, "/profile/meeting")
    assert client.post("/profile/meeting", data={"new_faces": "mostly_new", "travel_km": "5"}).status_code == 400
    done = client.post("/profile/meeting", data={"csrf_token": token, "new_faces": "mostly_new", "travel_km": "5",
                                                 "wants": ["meal", "event", "exercise"]})
    assert done.status_code == 302
    assert get_profile(db, me.id).new_faces == "mostly_new"
    run_matching(db, settings, second.id, now=after)
    standing = _standing(db, group, second)
    assert standing is not None and me.id not in {s.user_id for s in standing.active_seats}


def test_members_and_organisers_see_a_group_that_keeps_meeting(client, db, settings, met):
    group, people, second, after, organiser, event = met
    run_matching(db, settings, second.id, now=after)
    standing = _standing(db, group, second)
    login(client, people[3].email)
    page = _text(client.get(f"/groups/{standing.id}"))
    assert "This group keeps meeting" in page and "I'd rather meet new people next time" in page
    assert "You've all met before, last time." in page  # why these neighbours: they met, not a generic reason
    logout(client)
    login(client, organiser.email)
    page = _text(client.get(f"/organiser/events/{event.id}/dates/{second.id}"))
    assert "Groups at this date" in page and "Keeps meeting: their 2nd date together" in page
    page = _text(client.get(f"/groups/dates/{second.id}/note"))
    assert "Keeps meeting: their 2nd date together" in page


def test_a_newcomer_filling_a_gap_reads_no_claim_that_they_met(client, db, settings, met):
    group, people, second, after, _, _ = met
    run_matching(db, settings, second.id, now=after)
    standing = _standing(db, group, second)
    seats = [s for s in standing.seats if s.user_id != people[0].id]
    assert reason_for(db, standing, seats[0].user_id).startswith("You've all met before")
    seats[0].user_id = make_resident(db).id  # as if a newcomer took the seat of someone who opted out
    db.flush()
    db.expire(standing)
    assert "met" not in reason_for(db, standing, seats[0].user_id).split(".")[0]
    assert reason_for(db, standing, seats[1].user_id).startswith(f"You met {number_word(len(standing.seats) - 2)} of")
