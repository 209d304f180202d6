"""Changing one's own account: the name at once, the email only once the new address confirms it
(the old one is told), the password with the current one (other log-ins end, this one stays)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import PASSWORD, make_user
from sqlalchemy import select

from store.accounts import operations as accounts
from store.accounts.changes import (
    EMAIL_CHANGE_KIND,
    WrongPassword,
    cancel_email_change,
    change_name,
    change_password,
    confirm_email_change,
    pending_email_change,
    request_email_change,
)
from store.accounts.models import AccountToken, TokenPurpose
from store.accounts.sessions import count_sessions, signed_in_user, start_session
from store.leaving.operations import delete_account
from store.messages.models import Message


def _link_token(db, address: str) -> str:
    message = db.scalars(select(Message).where(Message.to_email == address).order_by(Message.id.desc())).first()
    assert message is not None, f"nothing sent to {address}"
    return message.body.split("/account/email/")[1].split()[0]


def test_a_new_name_takes_effect_at_once_and_an_empty_one_is_refused(db):
    user = make_user(db, name="Ada Lovelace")
    change_name(db, user, "  Ada King  ")
    assert user.display_name == "Ada King"
    for bad in ("", "   ", "x" * 81):
        with pytest.raises(accounts.AccountError):
            change_name(db, user, bad)
    assert user.display_name == "Ada King"


def test_a_new_email_waits_for_its_link_and_log_in_keeps_the_old_address(db, settings):
    user = make_user(db, email="ada@example.org", name="Ada")
    request_email_change(db, settings, user, new_email=" Ada.New@Example.org ", password=PASSWORD)
    assert user.email == "ada@example.org"
    assert pending_email_change(db, user.id) == "ada.new@example.org"
    assert accounts.authenticate(db, "ada@example.org", PASSWORD) is not None
    assert accounts.authenticate(db, "ada.new@example.org", PASSWORD) is None
    sent = db.scalar(select(Message).where(Message.to_email == "ada.new@example.org"))
    assert sent.user_id is None and sent.kind == EMAIL_CHANGE_KIND  # read only at the new address
    assert "/account/email/" in sent.body and "Hello Ada" in sent.body

    confirm_email_change(db, settings, _link_token(db, "ada.new@example.org"))
    assert user.email == "ada.new@example.org" and pending_email_change(db, user.id) is None
    assert accounts.authenticate(db, "ada.new@example.org", PASSWORD) is not None
    assert accounts.authenticate(db, "ada@example.org", PASSWORD) is None
    told = db.scalar(select(Message).where(Message.to_email == "ada@example.org"))
    assert "changed to ada.new@example.org" in told.body and "hello@hearth.localhost" in told.body


def test_the_link_works_once_and_a_newer_request_replaces_an_older_one(db, settings):
    user = make_user(db, email="bo@example.org")
    request_email_change(db, settings, user, new_email="first@example.org", password=PASSWORD)
    first = _link_token(db, "first@example.org")
    request_email_change(db, settings, user, new_email="second@example.org", password=PASSWORD)
    assert pending_email_change(db, user.id) == "second@example.org"
    with pytest.raises(accounts.AccountError):
        confirm_email_change(db, settings, first)
    second = _link_token(db, "second@example.org")
    confirm_email_change(db, settings, second)
    with pytest.raises(accounts.AccountError):
        confirm_email_change(db, settings, second)
    assert user.email == "second@example.org"


def test_an_expired_or_cancelled_link_changes_nothing(db, settings):
    user = make_user(db, email="cy@example.org")
    request_email_change(db, settings, user, new_email="cy2@example.org", password=PASSWORD)
    record = db.scalar(select(AccountToken).where(AccountToken.purpose == TokenPurpose.CHANGE_EMAIL))
    record.expires_at -= timedelta(days=2)
    with pytest.raises(accounts.AccountError):
        confirm_email_change(db, settings, _link_token(db, "cy2@example.org"))
    request_email_change(db, settings, user, new_email="cy3@example.org", password=PASSWORD)
    assert cancel_email_change(db, user) is True and pending_email_change(db, user.id) is None
    with pytest.raises(accounts.AccountError):
        confirm_email_change(db, settings, _link_token(db, "cy3@example.org"))
    assert user.email == "cy@example.org"


def test_a_taken_address_answers_the_same_and_tells_its_owner(db, settings):
    user = make_user(db, email="di@example.org")
    owner = make_user(db, email="taken@example.org", name="Tom Owner")
    assert request_email_change(db, settings, user, new_email="taken@example.org", password=PASSWORD) \
        == "taken@example.org"
    assert pending_email_change(db, user.id) is None
    told = db.scalar(select(Message).where(Message.to_email == "taken@example.org"))
    assert told.user_id == owner.id and "nothing was changed" in told.body and "/account/email/" not in told.body


def test_an_address_taken_before_the_link_is_opened_is_refused(db, settings):
    user = make_user(db, email="ed@example.org")
    request_email_change(db, settings, user, new_email="race@example.org", password=PASSWORD)
    make_user(db, email="race@example.org")
    with pytest.raises(accounts.AccountError, match="Another account"):
        confirm_email_change(db, settings, _link_token(db, "race@example.org"))
    assert user.email == "ed@example.org"


def test_an_email_change_needs_the_current_password_and_a_real_new_address(db, settings):
    user = make_user(db, email="fay@example.org")
    with pytest.raises(WrongPassword):
        request_email_change(db, settings, user, new_email="fay2@example.org", password="not my password")
    for bad in ("", "no-at-sign", "fay@example.org", "FAY@example.org "):
        with pytest.raises(accounts.AccountError):
            request_email_change(db, settings, user, new_email=bad, password=PASSWORD)
    assert db.scalar(select(Message).where(Message.to_email == "fay2@example.org")) is None


def test_a_new_password_ends_every_other_log_in_but_this_one(db, settings):
    user = make_user(db, email="gil@example.org", name="Gil")
    here = start_session(db, user, remember=False, remember_days=30)
    there = start_session(db, user, remember=True, remember_days=30)
    start_session(db, user, remember=True, remember_days=30)
    ended = change_password(db, settings, user, current=PASSWORD, new="a brand new passphrase", keep_key=here)
    assert ended == 2 and count_sessions(db, user.id) == 1
    assert signed_in_user(db, user.id, here) is not None and signed_in_user(db, user.id, there) is None
    assert accounts.authenticate(db, "gil@example.org", "a brand new passphrase") is not None
    assert accounts.authenticate(db, "gil@example.org", PASSWORD) is None
    told = db.scalar(select(Message).where(Message.to_email == "gil@example.org"))
    assert "password" in told.subject and "/reset" in told.body


def test_a_wrong_current_or_weak_new_password_changes_nothing(db, settings):
    user = make_user(db, email="halbert@example.org", name="Hal")
    keep = start_session(db, user, remember=False, remember_days=30)
    other = start_session(db, user, remember=False, remember_days=30)
    with pytest.raises(WrongPassword):
        change_password(db, settings, user, current="wrong password!", new="a brand new passphrase", keep_key=keep)
    for weak in ("short", "password123", "halbert is my name", PASSWORD):
        with pytest.raises(accounts.AccountError) as refused:
            change_password(db, settings, user, current=PASSWORD, new=weak, keep_key=keep)
        assert not isinstance(refused.value, WrongPassword)
    assert accounts.authenticate(db, "halbert@example.org", PASSWORD) is not None
    assert signed_in_user(db, user.id, other) is not None


def test_a_new_password_or_address_stops_an_old_reset_link(db, settings):
    user = make_user(db, email="ivy@example.org")
    accounts.request_password_reset(db, settings, "ivy@example.org")
    token = db.scalars(select(Message).where(Message.to_email == "ivy@example.org")).first().body
    token = token.split("/reset/")[1].split()[0]
    change_password(db, settings, user, current=PASSWORD, new="a brand new passphrase", keep_key=None)
    assert accounts.check_token(db, token, TokenPurpose.RESET_PASSWORD) is None


def test_leaving_takes_the_link_sent_to_a_new_address_too(db, settings):
    user = make_user(db, email="jo@example.org", name="Jo Leaving")
    request_email_change(db, settings, user, new_email="jo.new@example.org", password=PASSWORD)
    delete_account(db, settings, user)
    assert db.scalar(select(Message).where(Message.to_email == "jo.new@example.org")) is None
