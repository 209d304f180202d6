"""Events pages as a Meetup or Mobilizon user expects them: keyword search with a count, one card per
repeating event, the address with an OpenStreetMap link, access notes, who is going, guests, and
adding to a calendar; the words every page shares."""

from __future__ import annotations

import html
import re
from datetime import time

from event_factories import future_day, make_event, make_organiser, share_first_name
from factories import login, logout, make_centre, make_user, post_form
from sqlalchemy import select

from store.events import signups
from store.events.models import Event, SignUp, SignupStatus


def _event(db, settings, **changes):
    changes.setdefault("start_date", future_day())
    return make_event(db, settings, now=None, **changes)


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _sign_up(client, event, guests=None, occurrence=None):
    occurrence = occurrence or event.occurrences[0]
    data = {} if guests is None else {"guests": str(guests)}
    return post_form(client, f"/events/{event.id}/dates/{occurrence.id}/sign-up", data,
                     form_path=f"/events/{event.id}", follow_redirects=True)


def test_keyword_search_counts_and_combines_with_filters(client, db, settings):
    _event(db, settings, title="Riverside walk", kind="exercise", tags=("walking",))
    _event(db, settings, title="Walkers' soup", kind="meal", description="After the walk.")
    _event(db, settings, title="Bingo", kind="event")
    page = _text(client.get("/events/?q=walk"))
    assert "2 events match “walk”" in page and "Riverside walk" in page and "Bingo" not in page
    page = _text(client.get("/events/?q=walk&kind=meal"))
    assert "1 event matches “walk”" in page and "Walkers' soup" in page and "Riverside walk" not in page
    page = _text(client.get("/events/?q=zzzz"))
    assert "No events match “zzzz”" in page
    assert 'value="walk"' in client.get("/events/?q=walk").get_data(as_text=True)  # what was typed stays


def test_bad_search_input_gets_a_clear_message(client, db, settings):
    response = client.get("/events/?q=" + "x" * 101)
    assert response.status_code == 200 and "up to 100 characters" in _text(response)
    response = client.get("/events/?q=a%01b")
    assert response.status_code == 200 and "role=\"alert\"" in response.get_data(as_text=True)


def test_a_repeating_event_is_one_card_with_its_next_dates(client, db, settings):
    start = future_day(2)
    event = _event(db, settings, title="Tuesday lunch", start_date=start, recurrence="weekly",
                   repeat_until=future_day(40))
    page = client.get("/events/?q=tuesday+lunch").get_data(as_text=True)
    assert page.count(">Tuesday lunch</a>") == 1
    days = [o.local_date for o in event.occurrences[:3]]
    expected = f"Every {start:%A}, 12:30 to 14:00 · next: " + ", ".join(f"{d.day} {d:%b}" for d in days)
    assert expected in _text(client.get("/events/?q=tuesday+lunch"))
    event_page = _text(client.get(f"/events/{event.id}"))
    assert expected in event_page
    assert all(f'id="date-{o.id}"' in client.get(f"/events/{event.id}").get_data(as_text=True)
               for o in event.occurrences[:5])


def test_a_one_off_says_its_date_and_the_centre_is_named_once(client, db, settings):
    centre = make_centre(db, name="Hyde Park Community Hall")
    day = future_day(4)
    event = _event(db, settings, centre=centre, start_date=day, start_time=time(16),
                   end_time=time(17, 30))
    page = _text(client.get(f"/events/{event.id}"))
    assert f"Once, on {day:%A} {day.day} {day:%B}, 16:00 to 17:30" in page
    assert "Hyde Park Community Hall · Hyde Park Community Hall" not in page
    organiser = centre.organisers[0]
    login(client, organiser.email)
    for path in (f"/organiser/events/{event.id}", f"/organiser/events/{event.id}/dates/{event.occurrences[0].id}",
                 "/organiser/"):
        page = _text(client.get(path))
        assert "Hyde Park Community Hall · Hyde Park Community Hall" not in page
        assert "Once, 16:00" not in page


def test_the_address_opens_in_openstreetmap_and_nothing_loads_from_outside(client, db, settings):
    centre = make_centre(db, lat=53.8113, lon=-1.5660)
    event = _event(db, settings, centre=centre, step_free=True, access_notes="Ramp at the side door.\nSeats with arms.")
    raw = client.get(f"/events/{event.id}").get_data(as_text=True)
    page = _text(client.get(f"/events/{event.id}"))
    assert "1 Test Street" in page
    assert "https://www.openstreetmap.org/?mlat=53.81130&amp;mlon=-1.56600#map=17/53.81130/-1.56600" in raw
    assert "https://www.openstreetmap.org/directions?to=53.81130%2C-1.56600" in raw
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="https?://', raw)  # nothing loaded from outside
    assert "Step-free access" in page and "Ramp at the side door." in page and "Seats with arms." in page


def test_an_organiser_writes_access_notes_and_allows_guests(client, db, settings):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    login(client, organiser.email)
    data = {"centre_id": str(centre.id), "title": "Garden tea", "kind": "meal", "start_date": future_day(5).isoformat(),
            "start_time": "15:00", "end_time": "16:00", "recurrence": "none", "where": "centre", "capacity": "8",
            "language": "en", "access_notes": "Two steps into the garden; a ramp is on request.", "max_guests": "1"}
    page = _text(post_form(client, "/organiser/events/new", data, follow_redirects=True))
    assert "is posted" in page
    event = db.scalar(select(Event).where(Event.title == "Garden tea"))
    assert event.access_notes.startswith("Two steps") and event.max_guests == 1
    assert "Two steps into the garden" in _text(client.get(f"/events/{event.id}"))
    edit = dict(data, title="Garden tea party")
    del edit["centre_id"]
    page = _text(post_form(client, f"/organiser/events/{event.id}/edit", edit, follow_redirects=True))
    assert "Nobody had signed up yet, so no one needed telling." in page
    assert "Everyone signed up has been told" not in page
    bad = dict(edit, max_guests="7")
    page = _text(post_form(client, f"/organiser/events/{event.id}/edit", bad))
    assert "Not a valid choice" in page or "from the list" in page or "0 to 2" in page


def test_signing_up_with_a_guest_takes_two_seats_and_the_roster_says_so(client, db, settings):
    event = _event(db, settings, capacity=3, max_guests=1)
    pat = make_user(db, name="Pat Jones")
    share_first_name(db, pat)
    login(client, pat.email)
    page = _text(_sign_up(client, event, guests=1))
    assert "You're signed up and your guest" in page
    assert "You have a seat, and so does your guest." in page
    assert "2 going, 1 seat left. Coming: Pat (+1 guest)." in page
    row = db.scalar(select(SignUp).where(SignUp.user_id == pat.id))
    assert row.guests == 1 and signups.seats_taken(db, row.occurrence_id) == 2
    assert "you have a seat, +1 guest" in _text(client.get("/"))
    # Another resident needs two seats where one is left: the waiting list, not an overbooking.
    sam = make_user(db)
    logout(client)
    login(client, sam.email)
    page = _text(_sign_up(client, event, guests=1))
    assert "number 1 on the waiting list" in page and "(with 1 guest)" in page
    assert signups.seats_taken(db, row.occurrence_id) == 2
    # The organiser's list shows the guest beside the name, and the seats with guests counted.
    logout(client)
    login(client, event.centre.organisers[0].email)
    roster = _text(client.get(f"/organiser/events/{event.id}/dates/{row.occurrence_id}"))
    assert "Pat (+1 guest)" in roster and "2 of 3 seats taken, 1 waiting." in roster
    csv_text = client.get(f"/organiser/events/{event.id}/dates/{row.occurrence_id}/sign-ups.csv").get_data(as_text=True)
    assert "Pat (+1 guest)" in csv_text
    # Pat cancels: both seats free, and Sam and guest move up.
    logout(client)
    login(client, pat.email)
    post_form(client, f"/events/sign-ups/{row.id}/cancel", {}, form_path=f"/events/{event.id}")
    db.expire_all()
    assert db.scalar(select(SignUp).where(SignUp.user_id == sam.id)).status == SignupStatus.CONFIRMED


def test_guests_are_refused_clearly_where_the_event_takes_none(client, db, settings):
    event = _event(db, settings)
    person = make_user(db)
    login(client, person.email)
    page = _text(_sign_up(client, event, guests=1))
    assert "doesn't take guests" in page
    page = _text(_sign_up(client, event, guests="lots"))
    assert "Please choose how many guests from the list." in page
    assert db.scalar(select(SignUp).where(SignUp.user_id == person.id)) is None
    assert "Bringing a guest?" not in _text(client.get(f"/events/{event.id}"))


def test_going_names_only_for_logged_in_residents_and_only_where_agreed(client, db, settings):
    event = _event(db, settings, capacity=10)
    named, private = make_user(db, name="Pat Jones"), make_user(db, name="Wendy Private")
    share_first_name(db, named)
    for person in (named, private):
        signups.sign_up(db, settings, event.occurrences[0].id, person)
    anonymous = _text(client.get(f"/events/{event.id}"))
    assert "2 going, 8 seats left" in anonymous and "Pat" not in anonymous
    login(client, make_user(db).email)
    page = _text(client.get(f"/events/{event.id}"))
    assert "2 going, 8 seats left. Coming: Pat and 1 other." in page and "Wendy" not in page


def test_add_to_calendar_offers_the_file_and_a_webcal_address(client, db, settings):
    event = _event(db, settings, title="Knit and natter")
    person = make_user(db)
    login(client, person.email)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Add to calendar" in page and f"/events/{event.id}/calendar.ics" in page and "/events/calendar" in page
    _sign_up(client, event)
    page = post_form(client, "/events/calendar", {"action": "new"}).get_data(as_text=True)
    webcal = re.search(r'value="(webcal://[^"]+\.ics)"', page).group(1)
    assert f'href="{webcal}"' in page and "Copy the address" in page
    token = webcal.rsplit("/", 1)[1][:-4]
    assert token not in client.get("/events/calendar").get_data(as_text=True)  # shown once only
    feed = client.get(f"/events/feed/{token}.ics")
    assert feed.status_code == 200 and b"Knit and natter" in feed.data


def test_cancelling_a_date_nobody_signed_up_for_says_so(client, db, settings):
    event = _event(db, settings, recurrence="weekly", repeat_until=future_day(30))
    login(client, event.centre.organisers[0].email)
    occurrence = event.occurrences[0]
    page = _text(post_form(client, f"/organiser/events/{event.id}/dates/{occurrence.id}/cancel", {"reason": ""},
                           form_path=f"/organiser/events/{event.id}/dates/{occurrence.id}", follow_redirects=True))
    assert "That date is cancelled. Nobody had signed up, so no one needed telling." in page
    assert "We've told 0" not in page
