"""A resident joins, confirms their email, logs out and logs in again, in a real browser."""

from __future__ import annotations

import re

from sqlalchemy import select

from store.messages.models import Message


def _newest_link(server, email: str) -> str:
    with server.database.unit_of_work() as session:
        body = session.scalars(select(Message.body).where(Message.to_email == email).order_by(Message.id.desc())).first()
    return re.search(r"/confirm/[\w-]+", body).group(0)


def test_resident_registers_and_logs_in(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Join Hearth").first.click()
    page.get_by_label("What should we call you?").fill("Maya")
    page.get_by_label("Email address").fill("maya@example.org")
    page.get_by_label("Choose a password").fill("sunflowers by the canal")
    page.get_by_label("Type the password again").fill("sunflowers by the canal")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Nearly there").wait_for()

    page.goto(live_server.url + _newest_link(live_server, "maya@example.org"))
    page.get_by_role("button", name="Confirm my email").click()
    page.get_by_text("your email is confirmed").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You've logged out").wait_for()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill("maya@example.org")
    page.get_by_label("Password").fill("sunflowers by the canal")
    page.keyboard.press("Enter")  # the keyboard is enough
    page.get_by_role("heading", name="Hello, Maya").wait_for()
    # "Messages 1 unread": the confirmation is waiting there
    assert page.get_by_role("link", name=re.compile(r"^Messages( |$)")).is_visible()


def test_form_errors_are_announced_and_focused(live_server, page):
    page.goto(live_server.url + "/register")
    page.get_by_role("button", name="Create my account").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    # hearth.js moves focus once the page's deferred script has run: wait for it, then check
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('error-summary')")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label("What should we call you?").get_attribute("aria-invalid") == "true"


def test_pages_fit_a_narrow_phone(live_server, page):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/register", "/login"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
