"""In a real browser, on a development instance with no mail server: a newcomer joins, opens the
confirmation message the page offers, confirms, and logs in with their password."""

from __future__ import annotations

import pytest


@pytest.fixture
def settings_override(settings_override):
    settings_override.update(env="development", register_rate_limit="10000 per minute",
                             login_rate_limit="10000 per minute")
    return settings_override


def test_a_newcomer_confirms_with_the_offered_message_and_logs_in(live_server, page):
    page.goto(live_server.url + "/register")
    page.get_by_label("What should we call you?").fill("Nell")
    page.get_by_label("Email address").fill("nell@example.org")
    page.get_by_label("Choose a password").fill("tea and biscuits at four")
    page.get_by_label("Type the password again").fill("tea and biscuits at four")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("no email leaves this computer").wait_for()
    outbox = live_server.app.extensions["hearth.settings"].outbox_path
    assert str(outbox) in page.locator("main").inner_text()
    page.screenshot(path="/tmp/places-check-email.png", full_page=True)

    page.get_by_role("link", name="Open the message we just wrote").click()
    page.get_by_text("Development only").wait_for()
    link = page.locator("a[href^='/confirm/']")
    assert link.count() == 1 and link.inner_text().startswith("http://127.0.0.1/confirm/")  # as in the email
    page.screenshot(path="/tmp/places-dev-message.png", full_page=True)
    link.click()

    page.get_by_role("button", name="Confirm my email").click()
    page.get_by_text("your email is confirmed and you're logged in").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You've logged out").wait_for()

    page.goto(live_server.url + "/login")
    page.get_by_label("Email address").fill("nell@example.org")
    page.get_by_label("Password").fill("tea and biscuits at four")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Welcome back, Nell").wait_for()


def test_a_lost_link_is_sent_again_from_the_check_email_page(live_server, page):
    page.goto(live_server.url + "/register")
    page.get_by_label("What should we call you?").fill("Olu")
    page.get_by_label("Email address").fill("olu@example.org")
    page.get_by_label("Choose a password").fill("tea and biscuits at four")
    page.get_by_label("Type the password again").fill("tea and biscuits at four")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("link", name="ask for a new link").click()
    page.get_by_role("heading", name="A new confirmation link").wait_for()
    page.get_by_label("Email address").fill("olu@example.org")
    page.get_by_role("button", name="Send me a new link").click()
    page.get_by_text("a new link is on its way").wait_for()
    page.get_by_role("link", name="Open the message we just wrote").click()
    page.locator("a[href^='/confirm/']").first.click()
    page.get_by_role("button", name="Confirm my email").click()
    page.get_by_text("your email is confirmed").wait_for()
