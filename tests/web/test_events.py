"""Residents' event pages: finding, distances, signing up, the waiting list, cancelling, calendars, privacy."""

from __future__ import annotations

import html
import json
import re

from event_factories import future_day, make_event, set_home
from factories import csrf_token, login, make_centre, make_user, post_form
from sqlalchemy import select

from store.events import signups
from store.events.models import SignUp, SignupStatus


def _event(db, settings, **changes):
    changes.setdefault("start_date", future_day())
    return make_event(db, settings, now=None, **changes)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _sign_up(client, event, occurrence=None):
    occurrence = occurrence or event.occurrences[0]
    return post_form(client, f"/events/{event.id}/dates/{occurrence.id}/sign-up", {},
                     form_path=f"/events/{event.id}", follow_redirects=True)


def test_anyone_can_browse_and_read_an_event(client, db, settings):
    event = _event(db, settings, title="Soup & stories", description="Bring a story </script><b>x</b>")
    page = _text(client.get("/events/"))
    assert "Soup & stories" in page and "10 seats left" in page
    page = _text(client.get(f"/events/{event.id}"))
    assert "Log in to sign up" in page and "Shared meal" in page
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw and "&" not in raw.replace("\\u0026", "")
    data = json.loads(raw)
    assert data[0]["@type"] == "Event" and data[0]["name"] == "Soup & stories"
    assert data[0]["description"].endswith("</script><b>x</b>") and data[0]["remainingAttendeeCapacity"] == 10
    assert data[0]["eventStatus"] == "https://schema.org/EventScheduled"
    assert client.get("/events/999999").status_code == 404


def test_distances_come_from_the_coarse_home_and_nearest_sorts(client, db, settings):
    near = _event(db, settings, centre=make_centre(db, lat=53.8113, lon=-1.5660), title="Hyde Park lunch",
                  start_date=future_day(4))
    _event(db, settings, centre=make_centre(db, lat=53.7600, lon=-1.5700), title="Beeston walk", kind="exercise",
           start_date=future_day(2))
    resident = make_user(db)
    set_home(db, resident, 53.8195, -1.5775)
    login(client, resident.email)
    page = _text(client.get("/events/?sort=nearest&within=10"))
    assert page.index("Hyde Park lunch") < page.index("Beeston walk")
    assert re.search(r"1\.\d km away", page)
    page = _text(client.get("/events/?within=2"))
    assert "Hyde Park lunch" in page and "Beeston walk" not in page
    assert "from your home area" in _text(client.get(f"/events/{near.id}"))
    assert "53.8195" not in page and "53.81" not in page.replace("53.8113", "")


def test_without_a_home_distance_filters_are_explained_not_broken(client, db, settings):
    _event(db, settings, title="Coffee morning")
    login(client, make_user(db).email)
    page = _text(client.get("/events/?sort=nearest&within=5"))
    assert "We don't know your home area yet" in page and "Coffee morning" in page
    assert client.get("/events/?kind=nonsense").status_code == 200


def test_sign_up_waiting_list_and_promotion(client, db, settings):
    event = _event(db, settings, capacity=1)
    first, second = make_user(db), make_user(db)
    login(client, first.email)
    assert re.search(r"you'll appear as <strong>Neighbour \d+</strong>", _text(client.get(f"/events/{event.id}")))
    page = _text(_sign_up(client, event))
    assert "You're signed up" in page and "You have a seat" in page
    page = _text(_sign_up(client, event))
    assert "already signed up" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(client, second.email)
    page = _text(_sign_up(client, event))
    assert "number 1 on the waiting list" in page
    mine = _text(client.get("/events/mine"))
    assert "You're number 1 on the waiting list" in mine
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(client, first.email)
    signup = db.scalar(select(SignUp).where(SignUp.user_id == first.id))
    page = _text(post_form(client, f"/events/sign-ups/{signup.id}/cancel", {}, form_path="/events/mine",
                           follow_redirects=True))
    assert "You've cancelled" in page
    promoted = db.scalar(select(SignUp).where(SignUp.user_id == second.id))
    db.refresh(promoted)
    assert promoted.status == SignupStatus.CONFIRMED


def test_no_one_can_cancel_or_read_anothers_sign_ups(client, db, settings):
    event = _event(db, settings)
    owner, other = make_user(db), make_user(db)
    theirs = signups.sign_up(db, settings, event.occurrences[0].id, owner)
    login(client, other.email)
    response = post_form(client, f"/events/sign-ups/{theirs.id}/cancel", {}, form_path="/events/mine")
    assert response.status_code == 404
    db.refresh(theirs)
    assert theirs.status == SignupStatus.CONFIRMED
    assert event.title not in _text(client.get("/events/mine"))
    assert client.get(f"/organiser/events/{event.id}/dates/{event.occurrences[0].id}").status_code == 403
    assert client.get(f"/organiser/events/{event.id}/dates/{event.occurrences[0].id}/sign-ups.csv").status_code == 403


def test_sign_up_needs_a_login_and_a_token(client, db, settings):
    event = _event(db, settings)
    occurrence = event.occurrences[0]
    response = post_form(client, f"/events/{event.id}/dates/{occurrence.id}/sign-up", {}, form_path="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, make_user(db).email)
    assert client.post(f"/events/{event.id}/dates/{occurrence.id}/sign-up").status_code == 400
    other = _event(db, settings)
    response = post_form(client, f"/events/{other.id}/dates/{occurrence.id}/sign-up", {}, form_path="/events/mine")
    assert response.status_code == 404
    assert db.scalar(select(SignUp).where(SignUp.occurrence_id == occurrence.id)) is None


def test_calendar_downloads(client, db, settings):
    event = _event(db, settings, recurrence="weekly", repeat_until=future_day(30))
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert response.mimetype == "text/calendar" and b"RRULE:FREQ=WEEKLY" in response.data
    single = client.get(f"/events/{event.id}/dates/{event.occurrences[1].id}/calendar.ics")
    assert single.status_code == 200 and b"RRULE" not in single.data
    assert client.get(f"/events/{event.id}/dates/999999/calendar.ics").status_code == 404


def test_private_feed_can_be_made_replaced_and_turned_off(client, db, settings):
    event = _event(db, settings, title="Knit and natter")
    resident = make_user(db)
    signups.sign_up(db, settings, event.occurrences[0].id, resident)
    login(client, resident.email)
    page = _text(post_form(client, "/events/calendar", {"action": "new"}))
    webcal = re.search(r'value="(webcal://localhost/events/feed/[^"]+\.ics)"', page).group(1)
    url = webcal.replace("webcal://", "http://")
    assert url in page  # the https form, for calendars that want it
    feed = client.get(url.replace("http://localhost", ""))
    assert feed.status_code == 200 and b"Knit and natter" in feed.data
    assert "private" in feed.headers["Cache-Control"]
    assert "For your privacy we don't show it again" in _text(client.get("/events/calendar"))
    post_form(client, "/events/calendar", {"action": "revoke"})
    assert client.get(url.replace("http://localhost", "")).status_code == 404
    assert client.get("/events/feed/not-a-real-token.ics").status_code == 404


def test_home_lists_upcoming_events(client, db, settings):
    event = _event(db, settings, title="Sunday lunch")
    resident = make_user(db)
    signups.sign_up(db, settings, event.occurrences[0].id, resident)
    login(client, resident.email)
    page = _text(client.get("/events/mine"))
    assert "Sunday lunch" in page and "You have a seat" in page


def test_listings_are_cached_briefly_and_cleared_by_a_sign_up(client, db, settings, app):
    event = _event(db, settings, title="Bingo night", capacity=3)
    assert "3 seats left" in _text(client.get("/events/"))
    signups.sign_up(db, settings, event.occurrences[0].id, make_user(db))  # not through this app
    assert "3 seats left" in _text(client.get("/events/"))  # the listing may lag a few seconds
    assert "2 seats left" in _text(client.get(f"/events/{event.id}"))  # the event page never does
    login(client, make_user(db).email)
    _sign_up(client, event)
    assert "1 seat left" in _text(client.get("/events/"))
    app.config["EVENTS_LIST_CACHE_SECONDS"] = 0
    app.extensions.pop("hearth.event_listings")
    signups.sign_up(db, settings, event.occurrences[0].id, make_user(db))
    assert "Full: you can join the waiting list" in _text(client.get("/events/"))
