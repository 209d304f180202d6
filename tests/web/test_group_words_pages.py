"""The group pages in words: reply-by and distinct answers on the offer, "How did it go?" on the
home page after a meeting, meeting notes (organisers of the centre only), the real reason when there
is no group, and no check-in card for organisers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import login, logout, make_centre, make_event, make_resident, make_user, post_form
from sqlalchemy import select

from store.accounts.models import Role
from store.groups.matching import run_matching
from store.groups.models import Group
from store.groups.notes import meeting_note
from store.groups.offers import close_finished_groups, respond
from store.groups.words import reply_by_words


@pytest.fixture
def offered(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    people = [make_resident(db, name=f"Resident{i} Surname") for i in range(5)]
    run_matching(db, settings, occurrence.id)
    return db.scalars(select(Group)).one(), occurrence, people, organiser


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def test_the_offer_page_says_when_to_reply_and_yes_and_no_differ(client, db, offered):
    group, occurrence, people, _ = offered
    login(client, people[0].email)
    page = _text(client.get(f"/groups/{group.id}"))
    assert reply_by_words(occurrence.starts_at, occurrence.event.timezone) in page
    assert 'class="answer-yes"' in page and 'class="answer-no"' in page
    assert "Yes, I'd like to come" in page and "No, not this time" in page
    assert "%" not in page.split("Why these neighbours")[1].split("</section>")[0]
    listing = _text(client.get("/groups/"))
    assert reply_by_words(occurrence.starts_at, occurrence.event.timezone) in listing


def test_after_the_meeting_the_home_page_asks_how_it_went(client, db, settings, offered):
    group, occurrence, people, _ = offered
    for person in people[:4]:
        respond(db, settings, group.id, person, accept=True)
    close_finished_groups(db, settings, now=occurrence.ends_at + timedelta(minutes=1))
    db.commit()
    login(client, people[0].email)
    home = _text(client.get("/"))
    assert "How did it go?" in home and f"/groups/{group.id}/feedback" in home
    page = _text(client.get(f"/groups/{group.id}"))
    assert "(coming)" not in page and "this has happened" in page and "Who was invited" in page


def test_an_organiser_leaves_a_meeting_note_members_see_it(client, db, offered):
    group, occurrence, people, organiser = offered
    login(client, organiser.email)
    path = f"/groups/dates/{occurrence.id}/note"
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"note": "Look for the Hearth sign by the window"}, follow_redirects=True)
    assert "Saved" in _text(response)
    assert meeting_note(db, group) == "Look for the Hearth sign by the window"
    response = post_form(client, path, {"note": "x" * 400})
    assert "300 characters" in _text(response)
    assert meeting_note(db, group) == "Look for the Hearth sign by the window"
    logout(client)
    login(client, people[0].email)
    assert "Look for the Hearth sign by the window" in _text(client.get(f"/groups/{group.id}"))
    assert "Look for the Hearth sign by the window" in _text(client.get("/"))


def test_meeting_notes_are_only_for_the_centres_organisers(client, db, offered):
    group, occurrence, people, _ = offered
    stranger = make_user(db, role=Role.ORGANISER, centre=make_centre(db, name="Elsewhere"))
    for who in (stranger, people[0]):
        login(client, who.email)
        assert client.get(f"/groups/dates/{occurrence.id}/note").status_code == 404
        assert client.get(f"/groups/dates/{occurrence.id}/groups/{group.id}/note").status_code == 404
        assert post_form(client, f"/groups/dates/{occurrence.id}/note", {"note": "Mine"},
                         form_path="/groups/").status_code == 404
        logout(client)
    assert meeting_note(db, group) == ""


def test_the_empty_groups_page_says_the_real_reason(client, db, settings):
    ready = make_resident(db)
    login(client, ready.email)
    page = _text(client.get("/groups/"))
    assert "Nothing is planned near you" in page and "Your profile is complete" not in page
    centre = make_centre(db)
    make_event(db, settings, centre, make_user(db, role=Role.ORGANISER, centre=centre))
    db.commit()
    page = _text(client.get("/groups/"))
    assert "Your profile is complete" in page and "fill in" not in page.lower()


def test_the_organisers_home_has_no_checkin_card_and_residents_do(client, db, offered):
    _, _, people, organiser = offered
    login(client, organiser.email)
    assert "How have you been?" not in _text(client.get("/"))
    logout(client)
    login(client, people[0].email)
    assert "How have you been?" in _text(client.get("/"))


def test_the_welcome_page_sizes_match_the_setting(client):
    assert "Four to eight people" in _text(client.get("/"))
