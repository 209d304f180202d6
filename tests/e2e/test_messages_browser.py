"""In a real browser: a resident reads a message with a link and an attachment, the unread count
goes down, they write to their centre, the organiser replies, and the resident reads the reply."""

from __future__ import annotations

from browsing import log_in
from factories import make_centre, make_event, make_resident, make_user

from store.accounts.models import Role
from store.events.signups import sign_up


def _town(server):
    settings = server.app.extensions["hearth.settings"]
    with server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall")
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org", name="Olu")
        _, occurrence = make_event(session, settings, centre, organiser, title="Soup and bread")
        resident = make_resident(session, name="Rosa Diaz", email="rosa@example.org")
        sign_up(session, settings, occurrence.id, resident)  # "You have a seat", with its calendar file


def _open_menu(page) -> None:
    """On a phone the menu is folded behind its button."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():
        toggle.click()


def _no_sideways_scroll(page, selector: str) -> bool:
    return page.evaluate(f"""() => [...document.querySelectorAll({selector!r})]
        .every(el => el.scrollWidth <= el.clientWidth + 1)""")


def test_read_a_message_write_to_the_centre_and_read_the_reply(live_server, browser):
    url = live_server.url
    _town(live_server)
    rosa = browser.new_context(viewport={"width": 320, "height": 640}, accept_downloads=True).new_page()
    log_in(rosa, url, "rosa@example.org")
    _open_menu(rosa)
    rosa.get_by_role("link", name="Messages 1 unread").click()
    rosa.get_by_role("link", name="You're signed up: Soup and bread").click()

    body = rosa.locator(".message-body")
    event_link = body.get_by_role("link", name="/events/")
    assert event_link.count() >= 1 and event_link.first.get_attribute("href").startswith("/events/")
    assert rosa.locator("pre").count() == 0
    assert _no_sideways_scroll(rosa, ".message-body")
    rosa.screenshot(path="/tmp/messages-message-320.png", full_page=True)
    with rosa.expect_download() as download:
        rosa.get_by_role("link", name="Download hearth-event.ics").click()
    assert download.value.suggested_filename == "hearth-event.ics"
    assert "BEGIN:VCALENDAR" in open(download.value.path(), encoding="utf-8").read()
    _open_menu(rosa)
    assert rosa.get_by_role("link", name="Messages", exact=True).count() == 1  # read: no count left

    rosa.goto(url + "/messages")
    rosa.get_by_role("link", name="Write to your centre").click()
    rosa.get_by_label("What is it about?").fill("Is there step-free access?")
    rosa.get_by_label("Your message").fill("I use a walker. Is there a ramp at the front?")
    rosa.get_by_role("button", name="Send").click()
    rosa.get_by_text("Your message is on its way to Hyde Park Community Hall").wait_for()

    olu = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(olu, url, "olu@example.org")
    olu.get_by_role("link", name="Inbox 1 waiting").click()
    olu.get_by_role("link", name="Is there step-free access?").click()
    olu.get_by_text("I use a walker. Is there a ramp at the front?").wait_for()
    page_text = olu.locator("main").inner_text()
    assert "From Rosa" in page_text and "rosa@example.org" not in page_text and "Diaz" not in page_text
    olu.get_by_label("Your reply").fill("Yes: the ramp is by the side door. See https://www.openstreetmap.org/ for the way.")
    olu.get_by_role("button", name="Send reply").click()
    olu.get_by_text("Your reply is sent").wait_for()
    olu.get_by_role("button", name="Mark handled").click()
    olu.get_by_text("Nothing waiting").wait_for()
    olu.screenshot(path="/tmp/messages-inbox-1280.png", full_page=True)

    rosa.goto(url + "/")
    _open_menu(rosa)
    rosa.get_by_role("link", name="Messages 1 unread").click()
    rosa.get_by_role("link", name="Hyde Park Community Hall replied: Is there step-free access?").click()
    rosa.get_by_text("the ramp is by the side door").wait_for()
    outside = rosa.locator(".message-body").get_by_role("link", name="https://www.openstreetmap.org/")
    assert outside.get_attribute("rel") == "noopener noreferrer nofollow"
    rosa.get_by_role("link", name="Reply to Hyde Park Community Hall").click()
    rosa.get_by_label("Your reply").fill("Thank you, see you Friday!")
    rosa.get_by_role("button", name="Send").click()
    rosa.get_by_text("Thank you, see you Friday!").wait_for()
    assert _no_sideways_scroll(rosa, ".thread-post")
    rosa.screenshot(path="/tmp/messages-conversation-320.png", full_page=True)
    _open_menu(rosa)
    assert rosa.get_by_role("link", name="Messages", exact=True).count() == 1
