"""In a real browser: a resident downloads their data, changes their name, email and password from
the account page, and what they changed holds (the other device is logged out, this one is not)."""

from __future__ import annotations

import io
import json
import re
import zipfile

from factories import PASSWORD, make_resident
from sqlalchemy import select

from store.messages.models import Message

NEW_PASSWORD = "lanterns along the river"


def _log_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hello").wait_for()


def _email_link(server, address: str) -> str:
    with server.database.unit_of_work() as session:
        body = session.scalars(select(Message.body).where(Message.to_email == address)
                               .order_by(Message.id.desc())).first()
    return re.search(r"/account/email/[\w-]+", body).group(0)


def test_a_resident_walks_their_account_page(live_server, browser):
    url = live_server.url
    with live_server.database.unit_of_work() as session:
        make_resident(session, name="Rosa Marsh", email="rosa@example.org", interests=("baking", "walking"))
        make_resident(session, name="Someone Else", email="someone.else@example.org")

    phone = browser.new_context().new_page()
    _log_in(phone, url, "rosa@example.org")
    context = browser.new_context(accept_downloads=True, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(10_000)
    _log_in(page, url, "rosa@example.org")
    if page.locator(".menu-toggle").is_visible():  # a phone: the menu is folded behind its button
        page.locator(".menu-toggle").click()
    page.get_by_role("link", name="Account").first.click()
    page.get_by_role("heading", name="Your account").wait_for()
    page.screenshot(path="/tmp/account-320.png", full_page=True)

    # Download everything
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data").click()
    download = info.value
    assert re.fullmatch(r"hearth-my-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert json.loads(files["account.json"])["email"] == "rosa@example.org"
    assert "Baking" in json.loads(files["profile.json"])["interests"]
    assert "someone.else@example.org" not in "".join(files.values())

    # Change the name: an empty one is refused with a message, then a real one is kept
    name_box = page.get_by_label("Your name", exact=True)
    name_box.fill(" ")
    page.get_by_role("button", name="Save my name").click()
    page.get_by_text("Please tell us what to call you.").first.wait_for()
    page.get_by_label("Your name", exact=True).fill("Rosa M.")
    page.get_by_role("button", name="Save my name").click()
    page.get_by_text("we'll call you Rosa M. from now on").wait_for()

    # Change the email: nothing changes until the link sent to the new address is opened
    page.get_by_label("New email address", exact=True).fill("rosa.marsh@example.org")
    page.get_by_label("Your password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Send the link").click()
    page.get_by_text("We've sent a link to rosa.marsh@example.org").first.wait_for()
    page.goto(url + _email_link(live_server, "rosa.marsh@example.org"))
    page.get_by_role("button", name="Use this email address").click()
    page.get_by_text("your email is now rosa.marsh@example.org").wait_for()

    # Change the password: a wrong current one gets a clear message, the right one works
    page.get_by_label("Current password", exact=True).fill("not my password at all")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    page.get_by_text("That isn't your current password.").first.wait_for()
    page.get_by_label("Current password", exact=True).fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    page.get_by_text("Your new password is set").wait_for()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/account-1280.png", full_page=True)

    phone.goto(url + "/account")  # the other device was logged out
    phone.get_by_role("heading", name="Log in").wait_for()
    page.goto(url + "/account")  # this one was not
    page.get_by_role("heading", name="Your account").wait_for()
    assert page.get_by_text("rosa.marsh@example.org").first.is_visible()
    page.get_by_role("button", name="Log out", exact=True).click()
    page.get_by_text("You've logged out").wait_for()
    _log_in(page, url, "rosa.marsh@example.org", NEW_PASSWORD)
    context.close()
