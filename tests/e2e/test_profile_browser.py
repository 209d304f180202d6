"""A resident fills in their profile in a real browser, mostly by keyboard, then changes an answer."""

from __future__ import annotations

import re

import pytest

from store.places.neighbourhoods import load_neighbourhoods
from store.profiles.operations import get_profile
from tests.factories import make_centre, make_user

HOODS = "name,lat,lon\nHeadingley,53.8195,-1.5775\nHyde Park,53.8113,-1.5660\nBeeston,53.7720,-1.5650\n"


@pytest.fixture
def maya(live_server):
    with live_server.database.unit_of_work() as session:
        load_neighbourhoods(session, make_centre(session), HOODS)
        user = make_user(session, email="maya@example.org", name="Maya")
        user_id = user.id
    return user_id


def _log_in(live_server, page) -> None:
    page.goto(live_server.url + "/login")
    page.get_by_label("Email address").fill("maya@example.org")
    page.get_by_label("Password").fill("a perfectly fine passphrase")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Hello, Maya").wait_for()


def test_questionnaire_round_trip_by_keyboard(live_server, page, maya):
    _log_in(live_server, page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Your profile").click()
    page.get_by_role("link", name="Let's start").click()

    page.get_by_text("Step 1 of 5").wait_for()
    page.get_by_label("Your postcode, or your street and town, or just your town").fill("Leeds")
    page.keyboard.press("Enter")
    page.get_by_text("Leeds, United Kingdom").wait_for()
    neighbourhood = page.get_by_label("Which neighbourhood is home, or closest to it?")
    neighbourhood.focus()
    neighbourhood.select_option("Headingley")
    page.keyboard.press("Tab")  # to the confirm button
    assert page.evaluate("document.activeElement.textContent") == "Yes, that's right"
    page.keyboard.press("Enter")

    page.get_by_text("Step 2 of 5").wait_for()
    assert page.get_by_role("heading", name="What you enjoy").is_visible()
    baking = page.get_by_label("Baking")
    baking.focus()
    page.keyboard.press("Space")
    assert baking.is_checked()
    page.get_by_label("Gentle walks").check()
    page.get_by_label("A few words about you (optional)").fill("I bake on Sundays and like a slow walk.")
    page.get_by_role("button", name="Save and continue").press("Enter")

    page.get_by_text("Step 3 of 5").wait_for()
    first = page.locator("#value_sd1-0")
    first.focus()
    page.keyboard.press("ArrowRight")  # radio groups move with the arrow keys
    page.keyboard.press("ArrowRight")
    assert page.locator("#value_sd1-2").is_checked()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_text("Step 4 of 5").wait_for()
    page.get_by_label("Monday morning").check()
    page.get_by_label("Saturday afternoon").check()
    page.get_by_label("Sharing a meal").check()
    page.get_by_label("Smaller: four or five of us").check()
    page.get_by_label("How far will you travel, in kilometres?").fill("2")
    page.get_by_label("On foot").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_text("Step 5 of 5").wait_for()
    page.get_by_label("Step-free access").check()
    page.get_by_label("Vegetarian").check()
    page.get_by_label("Yes, include me when Hearth forms small groups of neighbours").check()
    page.get_by_role("button", name="Save and finish").click()

    page.get_by_role("heading", name="Your profile", exact=True).wait_for()
    body = page.locator("main").inner_text()
    for text in ("near Headingley, Leeds", "Baking", "Gentle walks", "Monday morning", "Sharing a meal",
                 "Up to 2 km", "Step-free access", "Vegetarian", "You're in group matching"):
        assert text in body, text
    assert not re.search(r"53\.\d{3}|-1\.\d{3}", page.content())

    page.get_by_role("link", name="Change what you enjoy").click()
    page.get_by_text("Changing your answers").wait_for()
    assert page.get_by_label("Baking").is_checked()
    page.get_by_label("Baking").uncheck()
    page.get_by_label("Board games").check()
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_role("heading", name="Your profile", exact=True).wait_for()
    body = page.locator("main").inner_text()
    assert "Board games" in body and "Baking" not in body

    with live_server.database.unit_of_work() as session:
        profile = get_profile(session, maya)
        assert profile.interests == ["walking", "board_games"]
        assert profile.value_answers == {"sd1": 3}
        assert profile.vector is not None


def test_a_name_shared_by_many_towns_offers_a_choice(live_server, page, maya):
    _log_in(live_server, page)
    page.goto(live_server.url + "/profile/where")
    page.get_by_label("Your postcode, or your street and town, or just your town").fill("Springfield")
    page.keyboard.press("Enter")
    page.get_by_text("more than one place").wait_for()
    page.get_by_label("Springfield, Illinois, United States").check()
    page.get_by_role("button", name="This is my place").click()
    page.get_by_text("Springfield, Illinois, United States").wait_for()
    page.get_by_role("button", name="Yes, that's right").click()
    page.get_by_text("Step 2 of 5").wait_for()


def test_an_unknown_place_is_explained_and_the_error_is_focused(live_server, page, maya):
    _log_in(live_server, page)
    page.goto(live_server.url + "/profile/where")
    page.get_by_label("Your postcode, or your street and town, or just your town").fill("Xyzzyville")
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "couldn't find that place" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label("Your postcode, or your street and town, or just your town").input_value() == "Xyzzyville"


def test_questionnaire_pages_fit_a_narrow_phone(live_server, page, maya):
    _log_in(live_server, page)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/profile/where")
    page.get_by_label("Your postcode, or your street and town, or just your town").fill("Headingley, Leeds")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Yes, that's right").click()
    for path in ("/profile/", "/profile/where", "/profile/interests", "/profile/values", "/profile/meeting",
                 "/profile/needs"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_the_hint_examples_work_and_a_postcode_says_near_its_district(live_server, page, maya):
    _log_in(live_server, page)
    page.goto(live_server.url + "/profile/where")
    box = page.get_by_label("Your postcode, or your street and town, or just your town")
    hint = page.locator("#query-hint").inner_text()
    assert "“LS6 3AA”" in hint and "“LS6”" in hint and "Otley Road" not in hint
    box.fill("Otley Road, Leeds")
    page.keyboard.press("Enter")
    page.get_by_text("We don't know street names here").wait_for()
    page.get_by_role("link", name="No, search again").click()
    page.get_by_label("Your postcode, or your street and town, or just your town").fill("LS6 3AA")
    page.keyboard.press("Enter")
    page.get_by_text("near LS6, Leeds").wait_for()
    assert "middle of your postcode district, LS6" in page.locator("main").inner_text()
    page.screenshot(path="/tmp/places-where-ls6.png", full_page=True)
    page.get_by_role("button", name="Yes, that's right").click()
    page.get_by_text("Step 2 of 5").wait_for()
