"""In a real browser: keyword search with its count, a repeating event as one card with its next
dates, signing up with a guest (two seats), and adding one's events to a calendar by a webcal address."""

from __future__ import annotations

from datetime import date, timedelta

from browsing import log_in
from event_factories import make_event, make_organiser, share_first_name
from factories import make_centre, make_user

SHOTS = "/tmp/hearth-events-shots"


def _world(server):
    settings = server.app.extensions["hearth.settings"]
    start = date.today() + timedelta(days=2)
    with server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_organiser(session, centre)
        walk = make_event(session, settings, centre=centre, by=organiser, now=None, title="Park walk and talk",
                          kind="exercise", tags=("walking",), start_date=start, recurrence="weekly",
                          repeat_until=start + timedelta(days=35), capacity=3, max_guests=1, step_free=True,
                          access_notes="Flat paths all the way; benches every 200 metres.")
        make_event(session, settings, centre=centre, by=organiser, now=None, title="Soup lunch",
                   start_date=start + timedelta(days=1))
        pat = make_user(session, email="pat@example.org", name="Pat Jones")
        share_first_name(session, pat)
        return walk.id, [o.local_date for o in walk.occurrences[:3]]


def test_search_a_repeating_card_a_guest_and_the_calendar_feed(live_server, browser):
    url = live_server.url
    walk_id, next_days = _world(live_server)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, url, "pat@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()

    # Keyword search, with a count, combined with the kind filter.
    page.get_by_label("Search").fill("walk")
    page.get_by_role("button", name="Show events").click()
    page.get_by_text("1 event matches “walk”").wait_for()
    assert page.locator("article.event-card").count() == 1
    card = page.locator("article", has_text="Park walk and talk")
    text = card.inner_text()
    assert "· next: " + ", ".join(f"{d.day} {d:%b}" for d in next_days) in text
    assert "Hyde Park Community Hall · Hyde Park Community Hall" not in text
    page.screenshot(path=f"{SHOTS}-search.png", full_page=True)
    page.get_by_label("Search").fill("walk")
    page.get_by_label("Shared meal").check()
    page.get_by_role("button", name="Show events").click()
    page.get_by_text("No events match “walk”").wait_for()

    # A repeating event is one card; its page lists the dates to sign up for.
    page.get_by_label("Shared meal").uncheck()
    page.get_by_role("button", name="Show events").click()
    page.get_by_text("1 event matches “walk”").wait_for()  # the new page, not the one before it
    cards = page.locator("article.event-card", has_text="Park walk and talk")
    assert cards.count() == 1
    cards.get_by_role("link", name="Park walk and talk").click()
    page.locator(".date-row").first.wait_for()  # the event's own page
    assert page.locator(".date-row").count() >= 3
    assert "Flat paths all the way" in page.inner_text("body")
    assert "openstreetmap.org/?mlat=53.81130" in page.get_by_role("link", name="Open the map in OpenStreetMap").get_attribute("href")

    # Sign up with a guest: two of the three seats.
    first = page.locator(".date-row").first
    first.get_by_label("Bringing a guest?").select_option("1")
    first.get_by_role("button", name="Sign me up").click()
    page.get_by_text("You have a seat, and so does your guest.").wait_for()
    assert "2 going, 1 seat left. Coming: Pat (+1 guest)." in page.locator(".date-row").first.inner_text()
    page.screenshot(path=f"{SHOTS}-guest.png", full_page=True)

    # Add to calendar: a private webcal address for one's own sign-ups, and it serves them.
    page.get_by_role("link", name="Get a calendar address for everything you sign up for").click()
    page.get_by_role("button", name="Make my calendar address").click()
    field = page.get_by_label("Your calendar address")
    address = field.input_value()
    assert address.startswith("webcal://") and address.endswith(".ics")
    page.get_by_role("button", name="Copy the address").click()
    page.get_by_text("Copied.").wait_for()
    page.screenshot(path=f"{SHOTS}-feed.png", full_page=True)
    feed = page.request.get("http://" + address[len("webcal://"):])
    assert feed.ok and "BEGIN:VCALENDAR" in feed.text() and "Park walk and talk" in feed.text()

    # At 320 px the event page still fits without sideways scrolling.
    phone = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    phone.goto(f"{url}/events/{walk_id}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    phone.screenshot(path=f"{SHOTS}-phone.png", full_page=True)
