"""Each input the probe found answering 500 now gets a clear answer, and nothing is saved."""

from __future__ import annotations

import html
from datetime import date, time

import pytest
from event_factories import details, future_day, make_organiser, set_home
from factories import PASSWORD, csrf_token, login, make_centre, make_user, post_form
from sqlalchemy import func, select

from store.accounts.models import User
from store.events.admin import create_event, duplicate_event
from store.events.models import Event, EventError
from store.messages.models import Message


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _event_form(centre, **changes):
    data = {"centre_id": str(centre.id), "title": "Chair yoga", "kind": "exercise", "description": "Gentle.",
            "start_date": future_day(5).isoformat(), "start_time": "10:00", "end_time": "11:00",
            "recurrence": "none", "where": "centre", "capacity": "12", "language": "en"}
    data.update(changes)
    return data


@pytest.fixture
def organiser(client, db):
    centre = make_centre(db)
    person = make_organiser(db, centre)
    login(client, person.email)
    return centre, person


@pytest.mark.parametrize("query", ["within=abc", "within=1e999", "within=-5", "within=nan", "page=abc",
                                   "page=99999999999999999999", "date_from=9999-12-31", "date_to=0001-01-01",
                                   "kind=meal%00", "tags=%00", "sort=%00"])
def test_a_bad_search_is_explained(client, db, query):
    resident = make_user(db)
    set_home(db, resident, 53.81, -1.56)
    login(client, resident.email)
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200, query
    assert "filters weren't quite right" in _text(response), query


def test_a_good_search_still_works(client, db):
    resident = make_user(db)
    set_home(db, resident, 53.81, -1.56)
    login(client, resident.email)
    page = client.get("/events/?within=5&sort=nearest").get_data(as_text=True)
    assert "filters weren" not in page


@pytest.mark.parametrize("changes, words", [
    ({"recurrence": "weekly", "start_date": "9999-12-30", "repeat_until": "9999-12-31"}, "Please give a date"),
    ({"recurrence": "weekly", "start_date": future_day(5).isoformat(), "repeat_until": "9999-12-31"},
     "Please give a date"),
    ({"start_date": future_day(3 * 366).isoformat()}, "within the next two years"),
    ({"capacity": "99999999999999999999"}, "from 1 to 10,000"),
    ({"signup_deadline_hours": "-99999999999999999999"}, "from 0 to 720 hours"),
])
def test_far_dates_and_huge_numbers_in_an_event_are_explained(client, db, organiser, changes, words):
    centre, _ = organiser
    response = post_form(client, "/organiser/events/new", _event_form(centre, **changes))
    assert response.status_code == 200 and words in _text(response), _text(response)[:3000]
    assert db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id)) == 0


def test_the_store_refuses_far_dates_too(db, settings):
    centre = make_centre(db)
    person = make_organiser(db, centre)
    far = details(start_date=date(9999, 12, 30), recurrence="weekly", repeat_until=date(9999, 12, 31))
    with pytest.raises(EventError) as refused:
        create_event(db, settings, centre=centre, details=far, by=person)
    assert refused.value.field == "start_date"
    event = create_event(db, settings, centre=centre, by=person,
                         details=details(start_date=future_day(5), recurrence="weekly",
                                         repeat_until=future_day(60), start_time=time(10), end_time=time(11)))
    with pytest.raises(EventError) as refused:
        duplicate_event(db, settings, event, by=person, start_date=date(9999, 12, 31))
    assert refused.value.field == "start_date"


def test_a_copy_to_a_far_date_is_explained(client, db, organiser):
    centre, _ = organiser
    post_form(client, "/organiser/events/new", _event_form(
        centre, recurrence="weekly", repeat_until=future_day(40).isoformat()))
    event = db.scalar(select(Event).where(Event.centre_id == centre.id))
    for day in ("9999-12-31", future_day(900).isoformat()):
        response = post_form(client, f"/organiser/events/{event.id}/duplicate", {"start_date": day})
        assert response.status_code == 200 and "Please give a date" in _text(response), day
    assert db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id)) == 1


@pytest.mark.parametrize("target", ["%2F%0D%0AX-Injected:1", "%0D%0A", "//evil.example", "/%5Cevil.example",
                                    "https://evil.example/", "/%09/evil.example", "%00"])
def test_log_in_never_follows_a_next_off_the_site_or_across_a_header(client, db, target):
    user = make_user(db)
    token = csrf_token(client, "/login")
    response = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD,
                                                          "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "X-Injected" not in response.headers


def test_log_in_follows_a_path_on_the_site(client, db):
    user = make_user(db)
    token = csrf_token(client, "/login")
    response = client.post("/login?next=%2Fevents%2F%3Fpage%3D2", data={"email": user.email, "password": PASSWORD,
                                                                        "csrf_token": token})
    assert response.headers["Location"] == "/events/?page=2"


def test_a_nul_byte_in_a_display_name_is_refused(client, db):
    password = "tea and biscuits at four"
    response = post_form(client, "/register", {"display_name": "Ne\x00ll", "email": "nell@example.org",
                                               "password": password, "confirm": password})
    assert response.status_code == 200 and "hidden character" in _text(response)
    assert db.scalar(select(User).where(User.email == "nell@example.org")) is None


@pytest.mark.parametrize("field", ["title", "description", "cost_note", "venue_name"])
def test_a_nul_byte_in_an_event_is_refused(client, db, organiser, field):
    centre, _ = organiser
    changes = {field: "Chair\x00 yoga"}
    if field == "venue_name":
        changes.update(where="elsewhere", venue_address="1 Test Street")
    response = post_form(client, "/organiser/events/new", _event_form(centre, **changes))
    assert response.status_code == 200 and "hidden character" in _text(response)
    assert db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id)) == 0


def test_a_line_break_in_an_event_title_is_refused(client, db, organiser):
    centre, _ = organiser
    response = post_form(client, "/organiser/events/new", _event_form(centre, title="Hi\r\nBcc: evil@example.org"))
    assert response.status_code == 200 and "hidden character" in _text(response)


def test_a_nul_byte_in_a_message_body_is_refused(client, db, organiser, settings):
    centre, person = organiser
    post_form(client, "/organiser/events/new", _event_form(centre))
    event = db.scalar(select(Event).where(Event.centre_id == centre.id))
    occurrence = event.occurrences[0]
    url = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    before = db.scalar(select(func.count(Message.id)))
    for data in ({"subject": "Bring a mat", "body": "See you\x00 there"}, {"subject": "Bring\x00 a mat", "body": "Hi"}):
        response = post_form(client, url + "/message", data, form_path=url)
        assert response.status_code == 200 and "hidden character" in _text(response)
    assert db.scalar(select(func.count(Message.id))) == before


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999", "1\x00"])
def test_the_not_reached_page_explains_a_bad_person(client, db, value):
    centre = make_centre(db)
    person = make_organiser(db, centre)
    login(client, person.email)
    url = f"/organiser/centres/{centre.id}/unreached"
    response = post_form(client, url, {"user_id": value, "note": "Rang; coming Friday"})
    assert response.status_code in (200, 404)
    text = _text(response)
    assert "invalid literal" not in text and "Traceback" not in text
    if response.status_code == 200:
        assert "Please choose the person from the list" in text or "hidden character" in text
