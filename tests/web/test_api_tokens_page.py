"""The account page's access tokens: the secret is shown once, never listed, revoking works and
is only the owner's, and every form needs its security token."""

from __future__ import annotations

import html
import re

import pytest
from factories import login, logout, make_user, post_form
from sqlalchemy import select

from store.accounts import api_tokens
from store.accounts.models import ApiScope, ApiToken, Role


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _post(client, path: str, data: dict, **kwargs):
    return post_form(client, path, data, form_path="/account", **kwargs)


def _make(client, name="our website", scopes="read", days="90"):
    return _post(client, "/account/tokens", {"name": name, "scopes": scopes, "days": days})


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISER])
def test_a_token_made_on_the_page_is_shown_once_and_works(client, db, role):
    user = make_user(db, role=role)
    login(client, user.email)
    assert "Access tokens for other tools" in _page(client.get("/account"))
    made = _make(client, scopes="read_write", days="365")
    page = _page(made)
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    assert "we will not show it again" in page
    secret = re.search(r'value="(hth_[A-Za-z0-9_-]+)"', page).group(1)
    db.expire_all()
    token = api_tokens.authenticate(db, secret)
    assert token is not None and token.user_id == user.id and token.scopes == ApiScope.READ_WRITE
    listed = _page(client.get("/account"))
    assert "our website" in listed and "Read and make changes" in listed
    assert secret not in listed and secret[4:] not in listed


def test_bad_input_is_explained_and_makes_nothing(client, db):
    user = make_user(db)
    login(client, user.email)
    empty = _make(client, name="  ")
    assert empty.status_code == 200 and "Please give the token a name" in _page(empty)
    long = _make(client, name="x" * 81)
    assert "under 80 characters" in _page(long)
    odd_days = _make(client, days="31")
    assert "error-summary" in _page(odd_days)
    odd_scope = _make(client, scopes="admin")
    assert "error-summary" in _page(odd_scope)
    db.expire_all()
    assert db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all() == []


def test_revoking_a_token(client, db):
    user = make_user(db)
    token, secret = api_tokens.create_token(db, user, "old laptop", "read", 30)
    db.commit()
    login(client, user.email)
    done = _post(client, f"/account/tokens/{token.id}/revoke", {}, follow_redirects=True)
    assert done.status_code == 200 and "no longer works" in _page(done)
    assert "Revoked" in _page(done) and 'aria-label="Revoke old laptop"' not in _page(done)
    db.expire_all()
    assert api_tokens.authenticate(db, secret) is None


def test_another_persons_token_is_not_found(client, db):
    owner, other = make_user(db), make_user(db)
    token, secret = api_tokens.create_token(db, owner, "Rosemary's garden club", "read", 30)
    db.commit()
    login(client, other.email)
    assert "Rosemary's garden club" not in _page(client.get("/account"))
    assert _post(client, f"/account/tokens/{token.id}/revoke", {}).status_code == 404
    assert _post(client, "/account/tokens/999999/revoke", {}).status_code == 404
    db.expire_all()
    assert api_tokens.authenticate(db, secret) is not None


def test_the_forms_need_their_security_token_and_a_log_in(client, db):
    user = make_user(db)
    token, secret = api_tokens.create_token(db, user, "website", "read", 30)
    db.commit()
    assert client.post("/account/tokens", data={"name": "x", "scopes": "read", "days": "30"}).status_code == 400
    anonymous = post_form(client, "/account/tokens", {"name": "x", "scopes": "read", "days": "30"}, form_path="/login")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]  # log in first
    login(client, user.email)
    refused = client.post("/account/tokens", data={"name": "sneaky", "scopes": "read", "days": "30"})
    assert refused.status_code == 400
    assert client.post(f"/account/tokens/{token.id}/revoke", data={}).status_code == 400
    db.expire_all()
    assert [t.name for t in api_tokens.tokens_of(db, user)] == ["website"]
    assert api_tokens.authenticate(db, secret) is not None
    logout(client)
