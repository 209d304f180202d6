"""Log-out ends the session on the server: saved copies of either cookie open nothing afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from factories import PASSWORD, csrf_token, login, make_user, post_form
from sqlalchemy import select

from config import ConfigError, load_settings
from store.accounts.models import LoginSession
from store.accounts.sessions import BROWSER_SESSION, count_sessions
from store.core.db import utcnow

SESSION, REMEMBER = "hearth_session", "hearth_remember"


def _log_in(client, user, *, remember: bool = False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = post_form(client, "/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _cookie(client, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _replay(app, **cookies):
    """A new browser that has only the given saved cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _opens_account(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def _log_out(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def test_a_saved_session_cookie_opens_nothing_after_log_out(app, client, db):
    user = make_user(db)
    _log_in(client, user)
    saved = _cookie(client, SESSION)
    assert _opens_account(_replay(app, **{SESSION: saved}))  # the copy works while logged in
    assert _log_out(client).status_code == 302
    assert not _opens_account(client)
    replayed = _replay(app, **{SESSION: saved})
    response = replayed.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_saved_remember_cookie_opens_nothing_after_log_out(app, client, db):
    user = make_user(db)
    _log_in(client, user, remember=True)
    saved = _cookie(client, REMEMBER)
    assert _opens_account(_replay(app, **{REMEMBER: saved}))  # the remember cookie alone logs in
    _log_out(client)
    assert not _opens_account(_replay(app, **{REMEMBER: saved}))
    assert not _opens_account(_replay(app, **{REMEMBER: saved, SESSION: "tampered"}))
    assert count_sessions(db, user.id) == 0


def test_logging_out_on_one_device_keeps_the_others(app, client, db):
    user = make_user(db)
    phone = app.test_client()
    _log_in(client, user)
    _log_in(phone, user, remember=True)
    assert count_sessions(db, user.id) == 2
    _log_out(client)
    assert _opens_account(phone)
    assert count_sessions(db, user.id) == 1


def test_log_out_everywhere_ends_every_session_of_that_person(app, client, db):
    user, neighbour = make_user(db), make_user(db)
    phone, library, theirs = app.test_client(), app.test_client(), app.test_client()
    _log_in(client, user)
    _log_in(phone, user, remember=True)
    _log_in(library, user)
    _log_in(theirs, neighbour)
    saved = {SESSION: _cookie(phone, SESSION), REMEMBER: _cookie(phone, REMEMBER)}
    page = client.get("/account").get_data(as_text=True)
    assert "logged in on 3 devices" in page and "Log out everywhere" in page
    response = post_form(client, "/account/log-out-everywhere", {}, form_path="/account", follow_redirects=True)
    assert "logged out on 3 devices" in response.get_data(as_text=True)
    for device in (client, phone, library, _replay(app, **saved), _replay(app, **{REMEMBER: saved[REMEMBER]})):
        assert not _opens_account(device)
    assert _opens_account(theirs)  # nobody else is touched
    assert count_sessions(db, user.id) == 0 and count_sessions(db, neighbour.id) == 1


def test_log_out_everywhere_needs_the_form_token(app, client, db):
    user = make_user(db)
    _log_in(client, user)
    assert client.post("/account/log-out-everywhere", data={}).status_code == 400
    assert _opens_account(client) and count_sessions(db, user.id) == 1


def test_the_remember_cookie_and_its_session_last_the_setting(app, client, db):
    user = make_user(db)
    _log_in(client, user, remember=True)
    row = db.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    days = app.extensions["hearth.settings"].remember_days
    assert days == 30
    assert abs((row.expires_at - utcnow()) - timedelta(days=30)) < timedelta(minutes=1)
    assert row.remember


@pytest.fixture
def a_week(settings_override):
    settings_override["remember_days"] = 7


def test_the_remember_cookie_expires_with_the_setting(a_week, app, client, db):
    user = make_user(db)
    response = _log_in(client, user, remember=True)
    cookie = next(c for c in response.headers.get_all("Set-Cookie") if c.startswith(REMEMBER + "="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - datetime.now(timezone.utc) - timedelta(days=7)) < timedelta(minutes=1)
    row = db.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert abs((row.expires_at - utcnow()) - timedelta(days=7)) < timedelta(minutes=1)


@pytest.mark.parametrize("value", ["0", "366", "-3", "a month"])
def test_the_remember_setting_has_a_range(value):
    with pytest.raises(ConfigError, match="HEARTH_REMEMBER_DAYS"):
        load_settings(environ={"HEARTH_REMEMBER_DAYS": value})
    assert load_settings(environ={"HEARTH_REMEMBER_DAYS": "365"}).remember_days == 365


def test_a_session_without_remember_ends_on_the_server_too(app, client, db):
    user = make_user(db)
    _log_in(client, user)
    row = db.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert not row.remember
    assert abs((row.expires_at - utcnow()) - BROWSER_SESSION) < timedelta(minutes=1)
    saved = _cookie(client, SESSION)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    assert not _opens_account(_replay(app, **{SESSION: saved}))


def test_a_new_password_ends_every_session_and_deleting_the_account_removes_them(app, client, db):
    user = make_user(db)
    phone = app.test_client()
    _log_in(phone, user, remember=True)
    _log_in(client, user)
    assert count_sessions(db, user.id) == 2
    response = post_form(client, "/account/delete", {"password": PASSWORD})
    assert response.status_code == 302
    assert db.scalar(select(LoginSession).where(LoginSession.user_id == user.id)) is None
    assert not _opens_account(phone)


def test_log_in_starts_a_fresh_session(app, client, db):
    """Session fixation: a session cookie planted before log-in is not the one that logs in."""
    user = make_user(db)
    csrf_token(client, "/login")
    before = _cookie(client, SESSION)
    _log_in(client, user)
    assert _cookie(client, SESSION) != before
    assert not _opens_account(_replay(app, **{SESSION: before}))


# ------------------------------------------------------------------------------ CSRF rotation
def test_a_form_token_from_before_log_in_no_longer_works_after_it(client, db):
    user = make_user(db)
    before = csrf_token(client, "/reset")  # a token made before logging in
    login(client, user.email)
    assert client.post("/account/log-out-everywhere", data={"csrf_token": before}).status_code == 400
    assert count_sessions(db, user.id) == 1
    response = client.post("/logout", data={"csrf_token": before})
    assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    assert _opens_account(client)
    assert _log_out(client).status_code == 302  # a token made after logging in works


def test_a_form_token_from_before_log_out_no_longer_works_after_it(client, db):
    user = make_user(db)
    login(client, user.email)
    during = csrf_token(client, "/account")
    assert client.post("/logout", data={"csrf_token": during}).status_code == 302
    response = client.post("/reset", data={"email": user.email, "csrf_token": during})
    assert response.status_code == 400
    assert post_form(client, "/reset", {"email": user.email}).status_code == 200
