"""In a real browser on a phone: a resident makes an access token, copies its secret from the one
page that shows it, finds it listed (without the secret) and revokes it."""

from __future__ import annotations

from factories import PASSWORD, make_resident

from store.accounts import api_tokens


def test_a_resident_makes_and_revokes_an_access_token(live_server, browser):
    url = live_server.url
    with live_server.database.unit_of_work() as session:
        make_resident(session, name="Rosa Marsh", email="rosa.tokens@example.org")
    page = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    page.set_default_timeout(10_000)
    page.goto(url + "/login")
    page.get_by_label("Email address").fill("rosa.tokens@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hello").wait_for()

    page.goto(url + "/account")
    page.get_by_label("What is it for?").fill("our website")
    page.get_by_label("Read and make changes").check()
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Make a token").click()
    page.get_by_text("we will not show it again").wait_for()
    secret = page.get_by_label("Your token").input_value()
    assert secret.startswith("hth_")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    with live_server.database.unit_of_work() as session:
        assert api_tokens.authenticate(session, secret) is not None

    page.get_by_role("link", name="Back to your account").click()
    page.get_by_role("heading", name="Access tokens for other tools").wait_for()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke our website").click()
    page.get_by_text("no longer works").wait_for()
    with live_server.database.unit_of_work() as session:
        assert api_tokens.authenticate(session, secret) is None
