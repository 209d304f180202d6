"""In a real browser: logging out, and "log out everywhere", end the session for good."""

from __future__ import annotations

from factories import PASSWORD, make_user


def _log_in(page, url: str, email: str, *, remember: bool) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if remember:
        page.get_by_label("Keep me logged in on this device").check()
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hello").wait_for()


def _lands_on_log_in(browser, url: str, cookies) -> bool:
    """Open /account in a fresh browser holding only ``cookies``; whether it asks to log in."""
    context = browser.new_context()
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(url + "/account")
        return page.url.startswith(url + "/login") and page.get_by_role("heading", name="Log in").is_visible()
    finally:
        context.close()


def test_saved_cookies_open_nothing_after_log_out_or_log_out_everywhere(live_server, browser):
    url = live_server.url
    with live_server.database.unit_of_work() as session:
        make_user(session, email="rosa@example.org", name="Rosa")

    laptop = browser.new_context().new_page()
    _log_in(laptop, url, "rosa@example.org", remember=True)
    saved = laptop.context.cookies()
    assert {c["name"] for c in saved} >= {"hearth_session", "hearth_remember"}
    assert not _lands_on_log_in(browser, url, saved)  # a copy of the cookies works while logged in
    laptop.get_by_role("button", name="Log out").click()
    laptop.get_by_text("You've logged out").wait_for()
    assert _lands_on_log_in(browser, url, saved)

    phone = browser.new_context().new_page()
    _log_in(phone, url, "rosa@example.org", remember=True)
    _log_in(laptop, url, "rosa@example.org", remember=False)
    on_phone = phone.context.cookies()
    laptop.goto(url + "/account")
    laptop.get_by_text("logged in on 2 devices").wait_for()
    laptop.get_by_role("button", name="Log out everywhere").click()
    laptop.get_by_text("logged out on 2 devices").wait_for()
    phone.goto(url + "/account")
    phone.get_by_role("heading", name="Log in").wait_for()
    assert _lands_on_log_in(browser, url, on_phone)
