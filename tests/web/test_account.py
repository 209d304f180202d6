"""The account page's forms: each one's errors and success, the email link, the download and its scoping."""

from __future__ import annotations

import html
import io
import json
import zipfile

import pytest
from factories import PASSWORD, csrf_token, login, logout, make_resident, make_user, post_form
from sqlalchemy import select

from store.accounts import operations as accounts
from store.accounts.models import User
from store.accounts.sessions import count_sessions, signed_in_user, start_session
from store.messages.models import Message
from web import create_app

NEW_PASSWORD = "kettle singing softly 7"


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _post(client, path: str, data: dict, **kwargs):
    return post_form(client, path, data, form_path="/account", **kwargs)


def test_the_account_page_has_every_section_and_needs_a_log_in(client, db):
    assert client.get("/account").status_code == 302
    user = make_user(db, name="Ada Lovelace")
    login(client, user.email)
    page = _page(client.get("/account"))
    for heading in ("What we call you", "Your email address", "Change your password", "Download your data", "Where you're logged in"):
        assert heading in page
    assert 'value="Ada Lovelace"' in page and 'id="current_password"' in page and 'id="new_email"' in page


def test_changing_the_name(client, db):
    user = make_user(db, name="Ada Lovelace")
    login(client, user.email)
    refused = _post(client, "/account/name", {"display_name": "   "})
    assert refused.status_code == 200 and "Please tell us what to call you" in _page(refused)
    assert "error-summary" in _page(refused)
    too_long = _post(client, "/account/name", {"display_name": "x" * 81})
    assert "under 80 characters" in _page(too_long)
    hidden = _post(client, "/account/name", {"display_name": "Ada\x00 King"})
    assert "hidden character" in _page(hidden)
    done = _post(client, "/account/name", {"display_name": "Ada King"}, follow_redirects=True)
    assert "we'll call you Ada King from now on" in _page(done)
    db.refresh(user)
    assert user.display_name == "Ada King"


def test_a_form_without_its_security_token_changes_nothing(client, db):
    user = make_user(db, name="Ada Lovelace")
    login(client, user.email)
    response = client.post("/account/name", data={"display_name": "Mallory"})
    assert response.status_code == 400
    db.refresh(user)
    assert user.display_name == "Ada Lovelace"
    assert client.post("/account/export", data={}).status_code == 400


def test_changing_the_email_with_its_link(app, client, db):
    user = make_user(db, email="ada@example.org", name="Ada")
    login(client, user.email)
    wrong = _post(client, "/account/email", {"new_email": "ada.new@example.org", "email_password": "not it at all"})
    assert "isn't your current password" in _page(wrong)
    bad = _post(client, "/account/email", {"new_email": "not-an-address", "email_password": PASSWORD})
    assert "valid email address" in _page(bad)
    same = _post(client, "/account/email", {"new_email": "ADA@example.org", "email_password": PASSWORD})
    assert "the address you have now" in _page(same)
    sent = _post(client, "/account/email", {"new_email": "ada.new@example.org", "email_password": PASSWORD},
                 follow_redirects=True)
    assert "sent a link to ada.new@example.org" in _page(sent)
    assert "until then, you log in with ada@example.org" in _page(sent)
    assert "ada.new@example.org</strong>" in _page(client.get("/account"))  # waiting, and said so
    link = db.scalar(select(Message).where(Message.to_email == "ada.new@example.org")).body
    path = "/account/email/" + link.split("/account/email/")[1].split()[0]

    logout(client)
    assert "ada.new@example.org" in _page(client.get(path))  # a page with a button: previews spend nothing
    db.refresh(user)
    assert user.email == "ada@example.org"
    assert login(client, "ada.new@example.org").request.path == "/login"  # not yet
    done = post_form(client, path, {}, follow_redirects=True)
    assert "your email is now ada.new@example.org" in _page(done)
    db.refresh(user)
    assert user.email == "ada.new@example.org"
    assert "expired or has already been used" in _page(client.get(path))
    told = db.scalar(select(Message).where(Message.to_email == "ada@example.org", Message.subject.contains("changed")))
    assert told is not None and "hello@hearth.localhost" in told.body
    assert "Hello" in _page(login(client, "ada.new@example.org"))


def test_an_email_change_can_be_called_off(client, db):
    user = make_user(db, email="bo@example.org")
    login(client, user.email)
    _post(client, "/account/email", {"new_email": "bo.new@example.org", "email_password": PASSWORD})
    kept = _post(client, "/account/email/cancel", {}, follow_redirects=True)
    assert "your email stays bo@example.org" in _page(kept)
    assert "bo.new@example.org</strong>" not in _page(client.get("/account"))


def test_changing_the_password(app, client, db):
    user = make_user(db, email="cy@example.org", name="Cy")
    other = start_session(db, user, remember=True, remember_days=30)
    login(client, user.email)
    assert count_sessions(db, user.id) == 2
    wrong = _post(client, "/account/password", {"current_password": "not my password", "new_password": NEW_PASSWORD,
                                                "confirm_password": NEW_PASSWORD})
    assert "isn't your current password" in _page(wrong)
    both = _post(client, "/account/password", {"current_password": PASSWORD, "new_password": "short",
                                               "confirm_password": "shorter"})
    assert "at least 10 characters" in _page(both) and "don't match" in _page(both)  # both problems at once
    weak = _post(client, "/account/password", {"current_password": PASSWORD, "new_password": "password123",
                                               "confirm_password": "password123"})
    assert "too easy to guess" in _page(weak)
    same = _post(client, "/account/password", {"current_password": PASSWORD, "new_password": PASSWORD,
                                               "confirm_password": PASSWORD})
    assert "the password you have now" in _page(same)
    assert accounts.authenticate(db, user.email, PASSWORD) is not None
    done = _post(client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "confirm_password": NEW_PASSWORD}, follow_redirects=True)
    assert "Your new password is set" in _page(done) and "other device you were logged in on" in _page(done)
    assert client.get("/account").status_code == 200  # still logged in here
    assert count_sessions(db, user.id) == 1
    assert signed_in_user(db, user.id, other) is None
    db.expire_all()
    assert accounts.authenticate(db, user.email, NEW_PASSWORD) is not None


def test_password_changes_are_rate_limited_per_person(settings_override, database_url):
    settings_override["login_rate_limit"] = "3 per minute"
    app = create_app(settings_override)
    database = app.extensions["hearth.db"]
    try:
        with database.unit_of_work() as session:
            email = make_user(session).email
        client = app.test_client()
        login(client, email)
        token = csrf_token(client, "/account")
        data = {"current_password": "wrong password!", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                "csrf_token": token}
        codes = [client.post("/account/password", data=data).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    finally:
        with database.unit_of_work() as session:
            session.delete(session.scalar(select(User).where(User.email == email)))
        database.dispose()


def _zip(response) -> dict[str, str]:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_download_is_the_askers_own(client, db):
    first = make_resident(db, name="Zephyrine Quillfeather", email="zeph@example.org")
    second = make_resident(db, name="Otto Second", email="otto@example.org")
    login(client, first.email)
    mine = _zip(_post(client, "/account/export", {}))
    assert json.loads(mine["account.json"])["email"] == "zeph@example.org"
    logout(client)
    login(client, second.email)
    theirs = _zip(_post(client, "/account/export", {}))
    assert json.loads(theirs["account.json"])["email"] == "otto@example.org"
    everything = "\n".join(theirs.values())
    assert "zeph@example.org" not in everything and "Quillfeather" not in everything
    # no way to ask for someone else's: the route takes no id, and ignores any it is sent
    tampered = _zip(_post(client, "/account/export", {"user_id": str(first.id)}))
    assert "zeph@example.org" not in "\n".join(tampered.values())
    logout(client)
    assert client.post("/account/export", data={}).status_code in (302, 400)


@pytest.mark.parametrize("path", ["/account/name", "/account/email", "/account/password", "/account/export",
                                  "/account/email/cancel"])
def test_every_account_form_needs_a_log_in(client, db, path):
    token = csrf_token(client, "/login")
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
