"""In a real browser: an organiser posts a meal, a neighbour finds it by distance and signs up, a second
lands on the waiting list and gets the seat when the first cancels."""

from __future__ import annotations

from datetime import date, timedelta

from browsing import log_in
from event_factories import make_organiser, set_home
from factories import make_centre, make_user
from sqlalchemy import select

from store.messages.models import Message


def _people(server):
    with server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_organiser(session, centre)
        first = make_user(session, email="june@example.org", name="June")
        second = make_user(session, email="amir@example.org", name="Amir")
        set_home(session, first, 53.8195, -1.5775)
        set_home(session, second, 53.8063, -1.5820)
        return organiser.email




def test_post_find_sign_up_wait_and_be_promoted(live_server, browser):
    url = live_server.url
    organiser_email = _people(live_server)
    day = (date.today() + timedelta(days=6)).isoformat()

    organiser = browser.new_context().new_page()
    log_in(organiser, url, organiser_email)
    organiser.get_by_role("link", name="Run events").click()
    organiser.get_by_role("link", name="Post a new event").click()
    organiser.get_by_label("Title").fill("Friday soup and chat")
    organiser.get_by_label("Shared meal").check()
    organiser.get_by_label("Date (the first date, if it repeats)").fill(day)
    organiser.get_by_label("Starts at").fill("12:30")
    organiser.get_by_label("Ends at").fill("14:00")
    organiser.get_by_label("Number of places").fill("1")
    organiser.get_by_label("Step-free access").check()
    organiser.get_by_role("button", name="Post the event").click()
    organiser.get_by_text("is posted").wait_for()

    june = browser.new_context().new_page()
    june.on("dialog", lambda dialog: dialog.accept())
    log_in(june, url, "june@example.org")
    june.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    june.get_by_label("How far from home").select_option("5")
    june.get_by_label("The nearest").check()
    june.get_by_role("button", name="Show events").click()
    card = june.locator("article", has_text="Friday soup and chat")
    card.get_by_text("km away").wait_for()
    assert "1 seat left" in card.inner_text()
    card.get_by_role("link", name="Friday soup and chat").click()
    june.get_by_role("button", name="Sign me up").click()
    june.get_by_text("You have a seat").wait_for()

    amir = browser.new_context().new_page()
    log_in(amir, url, "amir@example.org")
    amir.goto(url + "/events/?within=5")
    amir.get_by_role("link", name="Friday soup and chat").click()
    amir.get_by_role("button", name="Join the waiting list").click()
    amir.get_by_text("You're number 1 on the waiting list").first.wait_for()

    june.goto(url + "/events/mine")
    june.get_by_role("button", name="Cancel my place").click()
    june.get_by_text("You've cancelled").wait_for()

    amir.goto(url + "/events/mine")
    amir.get_by_text("You have a seat").wait_for()
    amir.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    amir.get_by_text("A seat is yours: Friday soup and chat").wait_for()
    with live_server.database.unit_of_work() as session:
        kinds = session.scalars(select(Message.subject).where(Message.to_email == "amir@example.org")).all()
    assert "You're on the waiting list: Friday soup and chat" in kinds


def test_event_pages_fit_a_narrow_phone(live_server, page):
    organiser_email = _people(live_server)
    log_in(page, live_server.url, organiser_email)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/events/", "/organiser/", "/organiser/events/new"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
