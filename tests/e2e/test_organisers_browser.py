"""In a real browser: the runs page says what happened in words; check-in on a date today, with a
refusal shown beside its row (in view, not at the top), and a line saying when for a later date;
the list prints without the menu and downloads as CSV and ODS; an admin places a centre by
searching its address, sees its time zone at once, and edits it."""

from __future__ import annotations

import csv
import io
import re
from datetime import time, timedelta

from browsing import log_in
from event_factories import make_event as make_dated_event
from event_factories import share_first_name
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select, update

from store.accounts.models import Role
from store.centres.models import Centre
from store.core.db import utcnow
from store.events import signups
from store.events.models import SignUp, SignupStatus
from store.events.times import local_datetime, to_local


def test_runs_page_in_words(live_server, browser):
    url = live_server.url
    settings = live_server.app.extensions["hearth.settings"]
    with live_server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org")
        make_event(session, settings, centre, organiser, title="Friday supper")
        for i in range(7):
            make_resident(session, name=f"Pat{i}", email=f"pat{i}@example.org")
        centre_id = centre.id
    page = browser.new_context().new_page()
    log_in(page, url, "olu@example.org")
    page.goto(url + f"/organiser/centres/{centre_id}/runs")
    page.get_by_role("button", name="Run matching now").click()
    page.get_by_text("Matching has started").wait_for()
    page.reload()
    table = page.locator("table")
    table.get_by_text(re.compile("Matching for Friday supper")).first.wait_for()
    text = table.inner_text()
    assert "7 neighbours could come" in text and re.search(r"a (strong|good|fair|loose) fit \(\d+%\)", text)
    assert "Started matching for 1 date in the next two weeks" in text
    for raw in ("occurrence=", "candidates:", "objective", "regions:", "(s)"):
        assert raw not in page.locator("main").inner_text(), raw
    page.screenshot(path="/tmp/organisers-runs.png", full_page=True)
    page.goto(url + f"/organiser/centres/{centre_id}/")
    assert "Week starting (day/month)" in page.locator("main").inner_text()
    page.screenshot(path="/tmp/organisers-overview.png", full_page=True)


def _today(session, settings, centre, organiser):
    today = to_local(utcnow(), centre.timezone).date()
    midnight = local_datetime(today, time(0, 0), centre.timezone)
    return make_dated_event(session, settings, centre=centre, by=organiser, now=midnight, start_date=today,
                            start_time=time(0, 1), end_time=time(23, 59), capacity=40, title="Open day")


def test_check_in_today_print_and_export(live_server, browser):
    url = live_server.url
    settings = live_server.app.extensions["hearth.settings"]
    with live_server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org")
        event = _today(session, settings, centre, organiser)
        occurrence = event.occurrences[0]
        before = min(utcnow(), occurrence.starts_at - timedelta(minutes=1))
        seats = []
        for i in range(30):  # a long list, so the last row is far below the top of the page
            person = make_user(session, name=f"Guest{i:02d} Surname", email=f"guest{i}@example.org")
            share_first_name(session, person)
            seats.append(signups.sign_up(session, settings, occurrence.id, person, now=before).id)
        later = make_dated_event(session, settings, centre=centre, by=organiser, now=None,
                                 start_date=utcnow().date() + timedelta(days=4), title="Later lunch")
        event_id, occurrence_id, later_path = event.id, occurrence.id, (
            f"/organiser/events/{later.id}/dates/{later.occurrences[0].id}")
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    log_in(page, url, "olu@example.org")
    path = f"/organiser/events/{event_id}/dates/{occurrence_id}"
    page.goto(url + path)
    first = page.locator(f"#signup-{seats[0]}")
    first.get_by_role("button", name="Came (Guest00)").click()
    page.wait_for_url(re.compile(f"#signup-{seats[0]}$"))
    assert "Came" in page.locator(f"#signup-{seats[0]}").inner_text()
    assert "Surname" not in page.locator("main").inner_text()

    # someone else took the last guest off the list meanwhile: the refusal sits by that row, in view
    with live_server.database.unit_of_work() as session:
        session.execute(update(SignUp).where(SignUp.id == seats[-1]).values(status=SignupStatus.CANCELLED))
    last = page.locator(f"#signup-{seats[-1]}")
    last.get_by_role("button", name="Came (Guest29)").click()
    note = page.locator(f"#signup-{seats[-1]} [role=alert]")
    note.wait_for()
    assert "Only people with a seat can be checked in." in note.inner_text()
    box, height = note.bounding_box(), page.viewport_size["height"]
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= height, box  # on screen, by the row
    page.screenshot(path="/tmp/organisers-refusal.png")

    # printing: no menu, no buttons, one clean table
    page.goto(url + path)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Came (Guest01)").is_visible()
    assert page.locator("table.roster").is_visible() and page.get_by_text(re.compile("^Printed ")).is_visible()
    page.pdf(path="/tmp/organisers-list.pdf")
    page.screenshot(path="/tmp/organisers-print.png", full_page=True)
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name="Print the list").is_visible()

    rows = list(csv.reader(io.StringIO(page.request.get(url + path + "/sign-ups.csv").text())))
    assert rows[1][:2] == ["Guest00", "Came"] and len(rows) == 31
    ods = page.request.get(url + path + "/sign-ups.ods")
    assert ods.ok and ods.headers["content-type"].startswith("application/vnd.oasis.opendocument.spreadsheet")
    assert ods.body()[:2] == b"PK"

    page.goto(url + later_path)
    assert "You can check people in from" in page.locator("#checkin-when").inner_text()


def test_admin_places_a_centre_by_its_address_and_edits_it(live_server, browser):
    url = live_server.url
    with live_server.database.unit_of_work() as session:
        make_user(session, role=Role.ADMIN, email="ada@example.org")
    page = browser.new_context().new_page()
    log_in(page, url, "ada@example.org")
    page.goto(url + "/admin/centres")
    assert page.get_by_label("Latitude").count() == 0
    page.get_by_label("Centre name").fill("Rue Hall")
    page.get_by_label("Address").fill("Paris")
    page.get_by_role("button", name="Find this address").click()
    found = page.locator("#place-found")
    found.wait_for()
    assert "Paris, France" in found.inner_text() and "Europe/Paris" in found.inner_text()
    assert page.get_by_label("Centre name").input_value() == "Rue Hall"  # nothing typed is lost
    page.screenshot(path="/tmp/organisers-admin-found.png", full_page=True)
    page.get_by_role("button", name="Add centre").click()
    page.get_by_text("Rue Hall is on the map, in the Europe/Paris time zone").wait_for()
    assert "Time zone: Europe/Paris" in page.locator("main").inner_text()

    page.get_by_role("link", name="Change the centre's details or place").click()
    assert "Europe/Paris" in page.locator("#place-found").inner_text()
    page.get_by_label("Address").fill("Springfield")
    page.get_by_role("button", name="Find this address").click()
    page.get_by_role("group", name="Which place is it?").wait_for()
    page.get_by_label(re.compile("Springfield, Massachusetts")).check()
    page.get_by_label("Centre name").fill("Spring Hall")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Spring Hall is in the America/New_York time zone").wait_for()
    with live_server.database.unit_of_work() as session:
        centre = session.scalar(select(Centre).where(Centre.name == "Spring Hall"))
        assert (centre.address, centre.timezone) == ("Springfield", "America/New_York")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(url + "/admin/centres")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
