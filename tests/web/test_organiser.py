"""Organisers' event pages: posting with checked input, own centres only, lists, check-in, CSV, messages."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from event_factories import future_day, make_event, make_organiser, share_first_name
from factories import login, make_centre, make_user, post_form
from sqlalchemy import func, select

from store.core.db import utcnow
from store.events import signups
from store.events.models import Event, SignupStatus
from store.events.times import to_local
from store.messages.models import Message


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _form(centre, **changes):
    data = {"centre_id": str(centre.id), "title": "Chair yoga", "kind": "exercise", "description": "Gentle, seated.",
            "start_date": future_day(5).isoformat(), "start_time": "10:00", "end_time": "11:00",
            "recurrence": "weekly", "repeat_until": future_day(40).isoformat(), "where": "centre",
            "capacity": "12", "language": "en", "tags": ["yoga", "chair_exercise"], "step_free": "y",
            "cost_note": "Free"}
    data.update(changes)
    return data


def _organiser(client, db):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    login(client, organiser.email)
    return centre, organiser


def test_an_organiser_posts_a_repeating_event(client, db):
    centre, _ = _organiser(client, db)
    page = _text(post_form(client, "/organiser/events/new", _form(centre), follow_redirects=True))
    assert "“Chair yoga” is posted" in page
    event = db.scalar(select(Event).where(Event.title == "Chair yoga", Event.centre_id == centre.id))
    assert event.recurrence == "weekly" and event.step_free and event.tags == ["chair_exercise", "yoga"]
    assert len(event.occurrences) >= 5 and event.timezone == "Europe/London"
    page = _text(client.get(f"/events/{event.id}"))
    assert f"Every {event.start_date:%A}, " in page and "· next: " in page


def test_bad_input_is_explained_and_nothing_is_saved(client, db):
    centre, _ = _organiser(client, db)
    cases = [
        ({"end_time": "09:00"}, "ends before it starts"),
        ({"start_date": (utcnow().date() - timedelta(days=2)).isoformat()}, "already passed"),
        ({"repeat_until": ""}, "until when"),
        ({"capacity": "0"}, "from 1 to 10,000"),
        ({"skipped_dates": "next tuesday"}, "isn't a date we understand"),
        ({"where": "elsewhere", "venue_name": "", "venue_address": "Somewhere"}, "give the venue a name"),
    ]
    for changes, words in cases:
        response = post_form(client, "/organiser/events/new", _form(centre, **changes))
        assert response.status_code == 200 and words in _text(response), words
    assert db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id)) == 0


def test_a_venue_that_cannot_be_found(client, db, monkeypatch):
    from store.places import geocoding

    def nowhere(session, settings, query):
        raise geocoding.PlaceNotFound("no")

    monkeypatch.setattr(geocoding, "geocode", nowhere)
    centre, _ = _organiser(client, db)
    response = post_form(client, "/organiser/events/new",
                         _form(centre, where="elsewhere", venue_name="The Lost Hall", venue_address="Nowhere Road"))
    assert "couldn't find that address" in _text(response)
    assert db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id)) == 0


def test_organisers_only_reach_their_own_centres_events(client, db, settings):
    theirs = make_event(db, settings, now=None, start_date=future_day())
    occurrence = theirs.occurrences[0]
    centre, _ = _organiser(client, db)
    base = f"/organiser/events/{theirs.id}"
    for path in (base, base + "/edit", base + "/duplicate", f"{base}/dates/{occurrence.id}",
                 f"{base}/dates/{occurrence.id}/sign-ups.csv"):
        assert client.get(path).status_code == 403, path
    response = post_form(client, base + "/cancel", {}, form_path="/organiser/")
    assert response.status_code == 403
    response = post_form(client, base + "/edit", _form(centre, title="Taken over"), form_path="/organiser/events/new")
    assert response.status_code == 403
    page = _text(post_form(client, "/organiser/events/new", _form(centre, centre_id=str(theirs.centre_id))))
    assert "Not a valid choice" in page
    db.refresh(theirs)
    assert theirs.title == "Tuesday lunch club" and not theirs.is_cancelled
    assert client.get("/organiser/events/999999").status_code == 404


def test_residents_cannot_use_organiser_pages(client, db, settings):
    event = make_event(db, settings, now=None, start_date=future_day())
    login(client, make_user(db).email)
    assert client.get("/organiser/").status_code == 403
    assert client.get(f"/organiser/events/{event.id}").status_code == 403


def test_edit_capacity_below_the_seats_taken_is_refused(client, db, settings):
    centre, organiser = _organiser(client, db)
    event = make_event(db, settings, centre=centre, by=organiser, now=None, start_date=future_day(), capacity=3)
    for _ in range(2):
        signups.sign_up(db, settings, event.occurrences[0].id, make_user(db))
    data = _form(centre, capacity="1", recurrence="none", kind="meal", title=event.title,
                 start_date=event.start_date.isoformat(), start_time="12:30", end_time="14:00")
    response = post_form(client, f"/organiser/events/{event.id}/edit", data)
    assert "2 seats are already taken" in _text(response)
    db.refresh(event)
    assert event.capacity == 3
    data["capacity"] = "5"
    page = _text(post_form(client, f"/organiser/events/{event.id}/edit", data, follow_redirects=True))
    assert "Your changes are saved" in page


def test_sign_up_list_check_in_csv_message_and_cancel(client, db, settings):
    centre, organiser = _organiser(client, db)
    event = make_event(db, settings, centre=centre, by=organiser, now=None, start_date=utcnow().date() + timedelta(days=1),
                       capacity=1)
    occurrence = event.occurrences[0]
    seated, waiting = make_user(db, name="Maud Jones"), make_user(db, name="Winston Private")
    share_first_name(db, seated)
    first = signups.sign_up(db, settings, occurrence.id, seated)
    signups.sign_up(db, settings, occurrence.id, waiting)
    path = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    page = _text(client.get(path))
    assert "Maud" in page and "Jones" not in page and "Winston" not in page and "Neighbour " in page
    assert "Waiting list (number 1)" in page
    csv_text = client.get(path + "/sign-ups.csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("Maud,Has a seat")
    page = _text(post_form(client, path + "/message", {"subject": "Parking", "body": "Use the back gate."},
                           form_path=path, follow_redirects=True))
    assert "on its way to 1 person" in page
    assert db.scalar(select(Message.subject).where(Message.user_id == seated.id, Message.subject.like("%Parking")))
    page = _text(post_form(client, f"{path}/check-in/{first.id}", {"status": "attended"}, form_path=path,
                           follow_redirects=True))
    assert "from the day of the event" in page
    page = _text(post_form(client, path + "/cancel", {"reason": "Boiler broke"}, form_path=path, follow_redirects=True))
    assert "That date is cancelled. We've told the 2 people signed up, with a calendar update." in page
    body = db.scalar(select(Message.body).where(Message.user_id == waiting.id, Message.subject.like("Cancelled:%")))
    assert "Boiler broke" in body


def test_check_in_on_the_day(client, db, settings):
    centre, organiser = _organiser(client, db)
    start = to_local(utcnow() + timedelta(minutes=30), centre.timezone)
    if start.date() != to_local(utcnow(), centre.timezone).date() or (start + timedelta(minutes=8)).date() != start.date():
        pytest.skip("too close to midnight for a same-day event")
    event = make_event(db, settings, centre=centre, by=organiser, now=None, start_date=start.date(),
                       start_time=start.time().replace(second=0, microsecond=0),
                       end_time=(start + timedelta(minutes=8)).time().replace(second=0, microsecond=0))
    occurrence = event.occurrences[0]
    ivy = make_user(db, name="Ivy")
    share_first_name(db, ivy)
    signup = signups.sign_up(db, settings, occurrence.id, ivy)
    path = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    page = _text(post_form(client, f"{path}/check-in/{signup.id}", {"status": "attended"}, form_path=path,
                           follow_redirects=True))
    assert "Ivy: came" in page
    db.refresh(signup)
    assert signup.status == SignupStatus.ATTENDED
    assert post_form(client, f"{path}/check-in/999999", {"status": "attended"}, form_path=path).status_code == 404


def test_duplicate_and_cancel_the_whole_event(client, db, settings):
    centre, organiser = _organiser(client, db)
    event = make_event(db, settings, centre=centre, by=organiser, now=None, start_date=future_day())
    signups.sign_up(db, settings, event.occurrences[0].id, make_user(db))
    page = _text(post_form(client, f"/organiser/events/{event.id}/duplicate",
                           {"start_date": future_day(14).isoformat()}, follow_redirects=True))
    assert "Here is the copy" in page
    assert db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id)) == 2
    page = _text(post_form(client, f"/organiser/events/{event.id}/cancel", {"reason": ""},
                           form_path=f"/organiser/events/{event.id}", follow_redirects=True))
    assert "is cancelled. We've told the 1 person signed up, with a calendar update." in page
    assert "This event has been cancelled" in _text(client.get(f"/events/{event.id}"))


def test_a_subject_that_would_add_an_email_header_is_refused(client, db, settings):
    centre, organiser = _organiser(client, db)
    event = make_event(db, settings, centre=centre, by=organiser, now=None, start_date=future_day())
    occurrence = event.occurrences[0]
    signups.sign_up(db, settings, occurrence.id, make_user(db))
    path = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    before = db.scalar(select(func.count(Message.id)))
    response = post_form(client, path + "/message", {"subject": "Hi\r\nBcc: evil@example.org", "body": "Hello"},
                         form_path=path)
    assert response.status_code == 200
    assert "Please write the subject on one line" in _text(response)
    assert db.scalar(select(func.count(Message.id))) == before
