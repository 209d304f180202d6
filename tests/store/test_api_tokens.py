"""Personal access tokens: the secret works once made, is never stored, stops when revoked or
expired, is only its owner's to revoke, and goes with the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_user
from sqlalchemy import select, text

from store.accounts import api_tokens
from store.accounts.api_tokens import ApiTokenError, ApiTokenNotFound
from store.accounts.models import ApiScope, ApiToken
from store.core.db import utcnow
from store.core.errors import HearthError
from store.leaving.operations import delete_account


def test_a_new_secret_authenticates_and_is_marked_used(db):
    user = make_user(db)
    token, secret = api_tokens.create_token(db, user, "  our website ", "read", 90)
    assert secret.startswith("hth_") and len(secret) > 40
    assert token.name == "our website" and token.scopes == ApiScope.READ and not token.can_write
    assert token.expires_at - token.created_at == timedelta(days=90)
    assert token.last_used_at is None
    found = api_tokens.authenticate(db, secret)
    assert found is token and found.user_id == user.id and found.last_used_at is not None
    assert api_tokens.authenticate(db, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert api_tokens.authenticate(db, "") is None and api_tokens.authenticate(db, "nothing") is None


def test_the_stored_row_never_holds_the_secret(db):
    user = make_user(db)
    token, secret = api_tokens.create_token(db, user, "calendar", ApiScope.READ_WRITE, 30)
    assert token.can_write
    row = db.execute(text("SELECT * FROM api_tokens WHERE id = :id"), {"id": token.id}).mappings().one()
    stored = " ".join(str(value) for value in row.values())
    assert secret not in stored and secret[len("hth_"):] not in stored
    assert len(token.secret_hash) == 64 and all(c in "0123456789abcdef" for c in token.secret_hash)


def test_revoked_and_expired_tokens_do_not_authenticate(db):
    user = make_user(db)
    revoked, revoked_secret = api_tokens.create_token(db, user, "old laptop", "read", 30)
    api_tokens.revoke_token(db, user, revoked.id)
    assert revoked.revoked_at is not None
    assert api_tokens.authenticate(db, revoked_secret) is None
    again = api_tokens.revoke_token(db, user, revoked.id)  # twice changes nothing
    assert again.revoked_at == revoked.revoked_at

    expiring, expiring_secret = api_tokens.create_token(db, user, "short", "read", 30)
    soon = utcnow() + timedelta(days=29)
    assert api_tokens.authenticate(db, expiring_secret, now=soon) is expiring
    assert api_tokens.authenticate(db, expiring_secret, now=utcnow() + timedelta(days=30, seconds=1)) is None
    assert expiring.last_used_at == soon  # the refused attempt did not count as a use


def test_only_the_owner_can_revoke(db):
    owner, other = make_user(db), make_user(db)
    token, secret = api_tokens.create_token(db, owner, "website", "read", 365)
    with pytest.raises(ApiTokenNotFound):
        api_tokens.revoke_token(db, other, token.id)
    with pytest.raises(ApiTokenNotFound):
        api_tokens.revoke_token(db, owner, token.id + 1000)
    assert token.revoked_at is None and api_tokens.authenticate(db, secret) is token
    assert api_tokens.tokens_of(db, other) == []
    assert api_tokens.tokens_of(db, owner) == [token]


@pytest.mark.parametrize("name, scopes, days, field", [
    ("", "read", 30, "name"),
    ("   ", "read", 30, "name"),
    ("x" * 81, "read", 30, "name"),
    ("ok", "admin", 30, "scopes"),
    ("ok", "", 30, "scopes"),
    ("ok", "read", 31, "days"),
    ("ok", "read", 0, "days"),
    ("ok", "read", True, "days"),
])
def test_bad_input_raises_the_validation_error(db, name, scopes, days, field):
    user = make_user(db)
    with pytest.raises(ApiTokenError) as raised:
        api_tokens.create_token(db, user, name, scopes, days)
    assert isinstance(raised.value, HearthError) and raised.value.field == field and raised.value.message
    assert api_tokens.tokens_of(db, user) == []


def test_the_longest_name_is_allowed(db):
    token, _ = api_tokens.create_token(db, make_user(db), "x" * 80, "read", 365)
    assert len(token.name) == 80


def test_a_disabled_account_cannot_use_its_token(db):
    user = make_user(db)
    _, secret = api_tokens.create_token(db, user, "website", "read", 30)
    user.is_active = False
    db.flush()
    assert api_tokens.authenticate(db, secret) is None


def test_deleting_the_account_removes_its_tokens(db, settings):
    leaver, stayer = make_user(db), make_user(db)
    _, secret = api_tokens.create_token(db, leaver, "website", "read", 30)
    kept, _ = api_tokens.create_token(db, stayer, "website", "read", 30)
    delete_account(db, settings, leaver)
    db.expire_all()
    assert db.scalars(select(ApiToken)).all() == [kept]
    assert api_tokens.authenticate(db, secret) is None


def test_the_data_download_lists_the_persons_tokens_but_never_a_secret(db):
    import io
    import json
    import zipfile

    from store.leaving.export import export_zip

    me, other = make_user(db), make_user(db)
    _, secret = api_tokens.create_token(db, me, "our website", "read_write", 30)
    _, other_secret = api_tokens.create_token(db, other, "someone else's script", "read", 30)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(db, me)))
    everything = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    tokens = json.loads(archive.read("access_tokens.json"))
    assert [t["name"] for t in tokens] == ["our website"] and tokens[0]["may"] == "read and make changes"
    assert secret not in everything and secret[4:] not in everything and "someone else" not in everything
    assert other_secret not in everything
