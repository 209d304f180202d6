"""In a real browser: the offer says when to reply and its yes and no look different (not by colour
alone); an organiser leaves a meeting note that members see; after the meeting the home page asks
"How did it go?" and nothing says "(coming)"."""

from __future__ import annotations

from datetime import timedelta

from browsing import log_in
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select, update

from store.accounts.models import Role, User
from store.core.db import utcnow
from store.events.models import Occurrence
from store.groups.matching import run_matching
from store.groups.models import Group
from store.groups.offers import close_finished_groups, respond
from store.groups.words import reply_by_words

NOTE = "Look for the Hearth sign by the window"


def _world(server):
    settings = server.app.extensions["hearth.settings"]
    with server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org", name="Olu")
        _, occurrence = make_event(session, settings, centre, organiser)
        people = [make_resident(session, name=name, email=f"{name.lower()}@example.org",
                                interests=("cooking", "walking"))
                  for name in ("Ada", "Ben", "Cara", "Dev", "Eli")]
        run_matching(session, settings, occurrence.id)
        group = session.scalars(select(Group)).one()
        words = reply_by_words(occurrence.starts_at, occurrence.event.timezone)
        return group.id, occurrence.id, [p.email for p in people], words


def _style(locator, prop):
    return locator.evaluate(f"e => getComputedStyle(e).{prop}")


def test_the_offer_shows_reply_by_and_distinct_answers(live_server, browser):
    group_id, _, emails, words = _world(live_server)
    ada = browser.new_context().new_page()
    log_in(ada, live_server.url, emails[0])
    ada.goto(live_server.url + f"/groups/{group_id}")
    assert ada.get_by_text(words).is_visible()
    yes = ada.get_by_role("button", name="Yes, I'd like to come")
    no = ada.get_by_role("button", name="No, not this time")
    assert yes.is_visible() and no.is_visible()
    # different in shape and icon, not only colour
    assert _style(yes, "borderTopStyle") != _style(no, "borderTopStyle")
    assert _style(yes, "backgroundColor") != _style(no, "backgroundColor")
    assert "✓" in yes.inner_text() and "✗" in no.inner_text()
    assert "%" not in ada.get_by_role("region", name="Why these neighbours").inner_text()
    ada.set_viewport_size({"width": 320, "height": 640})
    assert ada.evaluate("document.documentElement.scrollWidth") <= 320
    ada.screenshot(path="/tmp/groups-offer-320.png", full_page=True)
    yes.focus()
    ada.keyboard.press("Enter")
    ada.get_by_text("Thank you for saying yes").wait_for()
    assert ada.get_by_role("button", name="I can't come after all").is_visible()


def test_an_organisers_meeting_note_reaches_the_group_page(live_server, browser):
    group_id, occurrence_id, emails, _ = _world(live_server)
    olu = browser.new_context().new_page()
    log_in(olu, live_server.url, "olu@example.org")
    olu.goto(live_server.url + f"/groups/dates/{occurrence_id}/note")
    olu.get_by_label("How will they find each other?").fill(NOTE)
    olu.get_by_role("button", name="Save the note").click()
    olu.get_by_text("Saved.").wait_for()
    olu.screenshot(path="/tmp/groups-note-organiser.png", full_page=True)
    ada = browser.new_context().new_page()
    log_in(ada, live_server.url, emails[0])
    ada.goto(live_server.url + f"/groups/{group_id}")
    assert ada.get_by_role("note", name="How to find each other").inner_text().endswith(NOTE)
    ada.goto(live_server.url + "/messages")
    assert ada.get_by_text("How to find your group").first.is_visible()


def test_after_the_meeting_the_home_page_asks_how_it_went(live_server, browser):
    group_id, occurrence_id, emails, _ = _world(live_server)
    settings = live_server.app.extensions["hearth.settings"]
    with live_server.database.unit_of_work() as session:
        for email in emails[:4]:
            respond(session, settings, group_id, session.scalar(select(User).where(User.email == email)), accept=True)
        start = utcnow() - timedelta(hours=3)
        session.execute(update(Occurrence).where(Occurrence.id == occurrence_id)
                        .values(starts_at=start, ends_at=start + timedelta(hours=2)))
        close_finished_groups(session, settings)
    ada = browser.new_context().new_page()
    log_in(ada, live_server.url, emails[0])
    card = ada.get_by_role("region", name="How did it go?")
    card.wait_for()
    ada.screenshot(path="/tmp/groups-home-after.png", full_page=True)
    card.get_by_role("link", name="Tell us how it went").click()
    ada.get_by_text("Did you go?").wait_for()
    ada.goto(live_server.url + f"/groups/{group_id}")
    body = ada.locator("main").inner_text()
    assert "(coming)" not in body and "this has happened" in body
