"""Joining, confirming, logging in and out, and resetting a password, through the web pages."""

from __future__ import annotations

import re
from datetime import timedelta

from factories import PASSWORD, csrf_token, login, make_user, post_form
from sqlalchemy import select

from store.accounts.models import AccountToken, User
from store.accounts.sessions import count_sessions, start_session
from store.core.db import utcnow
from store.messages.models import Message


def _link(db, email: str, kind: str) -> str:
    body = db.scalars(
        select(Message.body).where(Message.to_email == email).order_by(Message.id.desc())
    ).first()
    match = re.search(rf"http://localhost(/{kind}/[\w-]+)", body or "")
    assert match, f"no {kind} link in the newest message to {email}"
    return match.group(1)


def _register(client, email="new@example.org", password="tea and biscuits at four", name="Nell"):
    return post_form(
        client, "/register",
        {"display_name": name, "email": email, "password": password, "confirm": password},
    )


def test_register_confirm_and_log_in(client, db, app):
    response = _register(client)
    assert response.status_code == 200
    assert "Nearly there" in response.get_data(as_text=True)
    user = db.scalar(select(User).where(User.email == "new@example.org"))
    assert user.email_confirmed_at is None
    assert user.password_hash.startswith("scrypt:")
    # Not confirmed yet: log-in explains what to do.
    page = login(client, "new@example.org", "tea and biscuits at four").get_data(as_text=True)
    assert "confirm your address first" in page
    link = _link(db, "new@example.org", "confirm")
    assert client.get(link).status_code == 200  # a preview of the link spends nothing
    response = post_form(client, link, {}, follow_redirects=True)
    assert "your email is confirmed" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200
    # Single use.
    again = client.get(link).get_data(as_text=True)
    assert "expired" in again
    # The message was also written to the instance outbox folder.
    outbox = list((app.extensions["hearth.settings"].outbox_path).glob("*.eml"))
    assert outbox


def test_log_in_and_out(client, db):
    user = make_user(db)
    page = login(client, user.email.upper(), PASSWORD).get_data(as_text=True)
    assert f"Welcome back, {user.display_name}" in page
    assert client.get("/messages").status_code == 200
    token = csrf_token(client, "/account")
    client.post("/logout", data={"csrf_token": token})
    response = client.get("/messages")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_and_unknown_email_look_the_same(client, db):
    user = make_user(db)
    wrong = login(client, user.email, "not the right password").get_data(as_text=True)
    unknown = login(client, "nobody@example.org", "not the right password").get_data(as_text=True)
    message = "don&#39;t match an account"
    assert message in wrong and message in unknown


def test_duplicate_email_gives_the_same_answer_and_tells_the_owner(client, db):
    user = make_user(db, email="taken@example.org")
    before = db.scalar(select(User.password_hash).where(User.id == user.id))
    response = _register(client, email="Taken@Example.org")
    assert "Nearly there" in response.get_data(as_text=True)
    assert db.scalar(select(User.password_hash).where(User.id == user.id)) == before
    assert len(db.scalars(select(User).where(User.email == "taken@example.org")).all()) == 1
    subject = db.scalars(select(Message.subject).where(Message.to_email == "taken@example.org")).first()
    assert "tried to make a Hearth account" in subject


def test_weak_password_is_refused_with_a_helpful_message(client, db):
    page = _register(client, password="short").get_data(as_text=True)
    assert "at least 10 characters" in page
    page = _register(client, password="password123").get_data(as_text=True)
    assert "too easy to guess" in page
    assert db.scalar(select(User).where(User.email == "new@example.org")) is None


def test_overlong_field_is_refused(client, db):
    page = _register(client, name="x" * 200).get_data(as_text=True)
    assert "under 80 characters" in page
    assert db.scalar(select(User).where(User.email == "new@example.org")) is None


def test_markup_in_a_name_is_shown_as_text(client, db):
    _register(client, name="<script>alert(1)</script>")
    post_form(client, _link(db, "new@example.org", "confirm"), {}, follow_redirects=True)
    page = client.get("/account").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_password_reset_is_single_use(client, db):
    user = make_user(db)
    start_session(db, user, remember=True, remember_days=30)  # a log-in on another device
    response = post_form(client, "/reset", {"email": user.email})
    assert "Check your email" in response.get_data(as_text=True)
    link = _link(db, user.email, "reset")
    new = "a brand new kettle song"
    response = post_form(client, link, {"password": new, "confirm": new}, follow_redirects=True)
    assert "Your new password is set" in response.get_data(as_text=True)
    assert count_sessions(db, user.id) == 0  # every other session is signed out
    assert "Welcome back" in login(client, user.email, new).get_data(as_text=True)
    assert client.get(link).status_code == 410


def test_expired_reset_link_is_refused(client, db):
    user = make_user(db)
    post_form(client, "/reset", {"email": user.email})
    link = _link(db, user.email, "reset")
    for token in db.scalars(select(AccountToken).where(AccountToken.user_id == user.id)):
        token.expires_at = utcnow() - timedelta(minutes=1)
    db.flush()
    assert client.get(link).status_code == 410


def test_reset_for_unknown_email_says_the_same(client, db):
    response = post_form(client, "/reset", {"email": "nobody@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    assert db.scalar(select(Message).where(Message.to_email == "nobody@example.org")) is None


def test_open_redirect_is_refused(client, db):
    user = make_user(db)
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_messages_are_private(client, db):
    alice, bob = make_user(db), make_user(db)
    from store.messages.outbox import queue_message

    note = queue_message(db, to_email=bob.email, user_id=bob.id, subject="For Bob only", body="hello")
    login(client, alice.email)
    assert client.get(f"/messages/{note.id}").status_code == 404
    assert "For Bob only" not in client.get("/messages").get_data(as_text=True)


def test_a_new_password_signs_out_every_other_session(app, client, db):
    user = make_user(db)
    other = app.test_client()
    login(client, user.email)
    login(other, user.email)
    assert other.get("/account").status_code == 200
    post_form(client, "/reset", {"email": user.email})
    new = "another kettle entirely"
    post_form(client, _link(db, user.email, "reset"), {"password": new, "confirm": new})
    assert other.get("/account").status_code == 302  # the remembered login is gone too
