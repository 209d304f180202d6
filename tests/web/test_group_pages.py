"""Residents' group pages: only your own, accept and decline, feedback, block and report, leaving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import (
    PASSWORD,
    login,
    logout,
    make_centre,
    make_event,
    make_resident,
    make_user,
    post_form,
)
from sqlalchemy import select

from store.accounts.models import Role, User
from store.groups.matching import run_matching
from store.groups.models import Group, GroupStatus, SeatStatus
from store.groups.offers import close_finished_groups
from store.messages.models import Message
from store.social.models import Block, Checkin, Report


@pytest.fixture
def offered(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    people = [make_resident(db, name=f"Resident{i} Surname") for i in range(5)]
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    return group, occurrence, people


def test_group_page_shows_who_and_why_without_addresses(client, db, offered):
    group, _, _ = offered
    me = group.seats[0].user
    login(client, me.email)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert group.reason.split(";")[0] in page
    assert "Resident" in page  # first names of those who agreed
    assert "Surname" not in page  # never the full name
    for seat in group.seats:
        assert seat.user.email not in page


def test_other_peoples_groups_are_not_found(client, db, offered):
    group, _, _ = offered
    outsider = make_user(db)
    login(client, outsider.email)
    assert client.get(f"/groups/{group.id}").status_code == 404
    assert post_form(client, f"/groups/{group.id}/accept", {}, form_path="/groups/").status_code == 404


def test_accept_from_the_page(client, db, offered):
    group, _, _ = offered
    seats = list(group.seats)
    for seat in seats[:4]:
        logout(client)
        login(client, seat.user.email)
        page = post_form(client, f"/groups/{group.id}/accept", {}, form_path=f"/groups/{group.id}",
                         follow_redirects=True).get_data(as_text=True)
    assert "your group is on" in page
    db.refresh(group)
    assert group.status == GroupStatus.CONFIRMED


def test_decline_refills_or_dissolves_and_rematches(client, db, offered):
    group, _, _ = offered
    seat = group.seats[0]
    login(client, seat.user.email)
    page = post_form(client, f"/groups/{group.id}/decline", {}, form_path=f"/groups/{group.id}",
                     follow_redirects=True).get_data(as_text=True)
    assert "thank you for letting us know" in page
    db.refresh(seat)
    assert seat.status == SeatStatus.DECLINED


def test_block_and_report_are_never_shown_to_the_other_person(client, db, offered):
    group, _, _ = offered
    me, other = group.seats[0], group.seats[1]
    login(client, me.user.email)
    post_form(client, f"/groups/{group.id}/people/{other.id}/block", {}, follow_redirects=True)
    post_form(client, f"/groups/{group.id}/people/{other.id}/report",
              {"reason": "Made unkind remarks <b>twice</b>", "also_block": "y"}, follow_redirects=True)
    assert db.scalar(select(Block).where(Block.blocker_id == me.user_id, Block.blocked_id == other.user_id))
    report = db.scalar(select(Report).where(Report.reporter_id == me.user_id))
    assert report.reported_id == other.user_id and report.centre_id == group.centre_id
    notice = db.scalar(select(Message).where(Message.kind == "report"))
    assert notice is not None and "Made unkind" not in notice.body and f"/reports/{report.id}" in notice.body
    logout(client)
    login(client, other.user.email)
    for path in ("/", f"/groups/{group.id}", "/messages"):
        page = client.get(path).get_data(as_text=True)
        assert "unkind" not in page
        assert "blocked" not in page.lower() and "reported" not in page.lower()
    assert db.scalar(select(Message).where(Message.user_id == other.user_id, Message.subject.ilike("%report%"))) is None


def test_report_needs_a_reason(client, db, offered):
    group, _, _ = offered
    me, other = group.seats[0], group.seats[1]
    login(client, me.user.email)
    page = post_form(client, f"/groups/{group.id}/people/{other.id}/report", {"reason": "  "}).get_data(as_text=True)
    assert "what happened" in page
    assert db.scalar(select(Report)) is None


def test_feedback_after_the_meeting(client, db, settings, offered):
    group, occurrence, _ = offered
    from store.groups.offers import respond

    for seat in group.seats:
        respond(db, settings, group.id, seat.user, accept=True)
    close_finished_groups(db, settings, now=occurrence.ends_at + timedelta(hours=1))
    me = group.seats[0]
    login(client, me.user.email)
    page = client.get(f"/groups/{group.id}/feedback").get_data(as_text=True)
    assert "Would you like to meet" in page
    others = [s for s in group.seats if s.id != me.id]
    data = {"attended": "yes", f"again_{others[0].id}": "yes", "companionship": "2", "left_out": "1",
            "isolated": "3", "follow_up": "y"}
    page = post_form(client, f"/groups/{group.id}/feedback", data, follow_redirects=True).get_data(as_text=True)
    assert "Thank you for telling us" in page
    db.refresh(me)
    assert me.attended is True and me.feedback_at is not None
    checkin = db.scalar(select(Checkin).where(Checkin.user_id == me.user_id))
    assert checkin.total == 6 and checkin.follow_up_consent


def test_checkin_page_and_private_trend(client, db):
    person = make_user(db)
    login(client, person.email)
    page = post_form(client, "/checkin/", {"companionship": "7"}).get_data(as_text=True)
    assert "Please choose an answer" in page or "Please choose" in page
    post_form(client, "/checkin/", {"companionship": "3", "left_out": "3", "isolated": "2"})
    page = client.get("/checkin/").get_data(as_text=True)
    assert "Your trend" in page and "<td>8</td>" in page
    assert "You've checked in this week" in page.replace("&#39;", "'") and "Save my answers" not in page


def test_the_weekly_checkin_is_kept_once_and_says_so(client, db):
    person = make_user(db)
    login(client, person.email)
    answers = {"companionship": "2", "left_out": "2", "isolated": "2"}
    post_form(client, "/checkin/", answers)
    page = post_form(client, "/checkin/", answers, form_path="/groups/", follow_redirects=True).get_data(as_text=True)
    assert "already checked in this week" in page.replace("&#39;", "'")
    assert len(db.scalars(select(Checkin).where(Checkin.user_id == person.id)).all()) == 1


def test_delete_account_needs_the_password(client, db, offered):
    group, _, _ = offered
    me = group.seats[0].user
    email = me.email
    login(client, email)
    page = post_form(client, "/account/delete", {"password": "wrong password here"}).get_data(as_text=True)
    assert "isn&#39;t right" in page
    page = post_form(client, "/account/delete", {"password": PASSWORD}, follow_redirects=True).get_data(as_text=True)
    assert "have been deleted" in page
    assert db.scalar(select(User).where(User.email == email)) is None


def test_pausing_in_the_profile_takes_back_offers(client, db, offered):
    from datetime import date, timedelta

    group, _, _ = offered
    seat = group.seats[0]
    login(client, seat.user.email)
    post_form(client, "/profile/needs", {"include_in_matching": "y", "show_first_name": "y",
                                         "paused_until": (date.today() + timedelta(days=20)).isoformat()})
    db.refresh(seat)
    assert seat.status == SeatStatus.WITHDRAWN


def test_a_new_resident_is_invited_to_start_a_profile(client, db):
    person = make_user(db)
    page = login(client, person.email).get_data(as_text=True)
    assert "Start my profile" in page
