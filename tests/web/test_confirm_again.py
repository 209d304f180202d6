"""Confirming an account: a new link when the first is lost, and, in development only, the message
offered on the page (it never leaves the computer there); never in production or with a mail server."""

from __future__ import annotations

import html
import re

import pytest
from factories import csrf_token, login, make_user, post_form
from sqlalchemy import delete, func, select

from store.accounts.models import User
from store.messages.models import Message
from web import create_app

PASSWORD = "tea and biscuits at four"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _register(client, email="nell@example.org", **kwargs):
    return post_form(client, "/register", {"display_name": "Nell", "email": email, "password": PASSWORD,
                                           "confirm": PASSWORD}, **kwargs)


def _forget(app, email: str) -> None:
    """An app of its own commits for real: take away what it made."""
    session = app.extensions["hearth.db"].session()
    try:
        session.execute(delete(Message).where(Message.to_email == email))
        session.execute(delete(User).where(User.email == email))
        session.commit()
    finally:
        session.close()
        app.extensions["hearth.db"].dispose()


def _newest_link(db, email: str) -> str:
    body = db.scalars(select(Message.body).where(Message.to_email == email).order_by(Message.id.desc())).first()
    return re.search(r"http://localhost(/confirm/[\w-]+)", body).group(1)


@pytest.fixture(autouse=True)
def _roomy_limits(settings_override):
    """Many sign-ups from one test address in a minute: limits are tested on their own, below."""
    settings_override.update(register_rate_limit="10000 per minute", login_rate_limit="10000 per minute")


@pytest.fixture
def development(settings_override):
    settings_override["env"] = "development"
    return settings_override


def test_in_development_the_page_offers_the_message_and_its_link_confirms(development, client, db, app):
    page = _text(_register(client))
    assert "no email leaves this computer" in page
    assert str(app.extensions["hearth.settings"].outbox_path) in page
    offered = re.search(r'href="(/dev/messages/\d+)">Open the message we just wrote', page).group(1)
    message = _text(client.get(offered))
    assert "Development only" in message and "nell@example.org" in message
    link = re.search(r'<a href="(/confirm/[\w-]+)">http://localhost/confirm/', message).group(1)
    assert link == _newest_link(db, "nell@example.org")
    assert "your email is confirmed" in _text(post_form(client, link, {}, follow_redirects=True))
    assert db.scalar(select(User.email_confirmed_at).where(User.email == "nell@example.org")) is not None


def test_in_development_only_the_browser_that_asked_may_open_the_message(development, client, db, app):
    page = _text(_register(client))
    offered = re.search(r'href="(/dev/messages/(\d+))"', page)
    stranger = app.test_client()
    assert stranger.get(offered.group(1)).status_code == 404
    other = db.scalar(select(func.max(Message.id)))
    assert client.get(f"/dev/messages/{other + 1}").status_code == 404


def test_with_a_mail_server_nothing_is_offered(development, client, db):
    development["smtp_host"] = "mail.example.org"
    app = create_app(development)
    try:
        web = app.test_client()
        page = _text(_register(web, email="nell-smtp@example.org"))
        assert "Nearly there" in page and "no email leaves" not in page and "/dev/messages" not in page
    finally:
        _forget(app, "nell-smtp@example.org")


def test_in_production_nothing_is_offered_and_the_page_does_not_exist(settings_override, db):
    settings_override.update(env="production", secret_key="a-real-secret-for-this-test-only-0123456789")
    app = create_app(settings_override)
    try:
        web = app.test_client()
        https = {"base_url": "https://localhost"}
        form = web.get("/register", **https).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        page = _text(web.post("/register", data={"display_name": "Nell", "email": "nell-prod@example.org",
                                                 "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token},
                              headers={"Referer": "https://localhost/register"}, **https))
        assert "Nearly there" in page and "no email leaves" not in page and "/dev/messages" not in page
        newest = db.scalar(select(func.max(Message.id))) or 1
        assert web.get(f"/dev/messages/{newest}", **https).status_code == 404
    finally:
        _forget(app, "nell-prod@example.org")


def test_testing_offers_nothing_either(client, db):
    page = _text(_register(client))
    assert "no email leaves" not in page and "/dev/messages" not in page
    assert "/confirm/again" in page  # "ask for a new link" is a new confirmation, not the reset form
    assert "/reset" not in page


def test_a_new_link_replaces_the_old_one(client, db):
    _register(client)
    first = _newest_link(db, "nell@example.org")
    page = _text(post_form(client, "/confirm/again", {"email": "Nell@Example.org"}))
    assert "a new link is on its way" in page
    second = _newest_link(db, "nell@example.org")
    assert second != first
    assert "expired" in _text(client.get(first))
    assert "your email is confirmed" in _text(post_form(client, second, {}, follow_redirects=True))


def test_a_new_link_looks_the_same_whoever_asks(client, db):
    make_user(db, email="known@example.org")  # already confirmed
    db.commit()
    before = db.scalar(select(func.count(Message.id)))
    pages = {}
    for email in ("known@example.org", "nobody@example.org"):
        pages[email] = _text(post_form(client, "/confirm/again", {"email": email})).replace(email, "EMAIL")
    assert pages["known@example.org"] == pages["nobody@example.org"]
    told = db.scalars(select(Message).where(Message.to_email == "known@example.org")).all()
    assert len(told) == 1 and "/reset" in told[0].body  # the owner is told they have an account
    assert db.scalar(select(func.count(Message.id))) == before + 1  # and nobody@ got nothing


def test_the_login_page_points_to_a_new_confirmation_link(client, db):
    _register(client)
    page = _text(login(client, "nell@example.org", PASSWORD))
    assert "Send me a new confirmation link" in page and 'href="/confirm/again"' in page


def test_asking_for_new_links_is_rate_limited(settings_override, database_url):
    settings_override["login_rate_limit"] = "3 per minute;7 per hour"  # counted afresh for this test
    app = create_app(settings_override)
    try:
        web = app.test_client()
        token = csrf_token(web, "/confirm/again")
        codes = [web.post("/confirm/again", data={"email": "x@example.org", "csrf_token": token}).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    finally:
        app.extensions["hearth.db"].dispose()
