"""Who is asking: a personal access token in ``Authorization: Bearer``, never a session cookie."""

from __future__ import annotations

import hashlib

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from store.accounts.api_tokens import authenticate
from store.accounts.models import ApiToken
from web.api.problems import ApiProblem
from web.db import SAFE_METHODS, db_session

__all__ = ["bearer_secret", "rate_key", "rate_limit", "load_token", "current_token"]

DEFAULT_LIMIT = "120/minute"


def bearer_secret() -> str | None:
    """The secret from ``Authorization: Bearer <secret>``, or ``None``."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_key() -> str:
    """The rate-limit bucket: one per token (its digest names it without a database query), else the address."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]
    return "api-anon:" + (get_remote_address() or "")


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_LIMIT)


def load_token() -> None:
    """Before every API view: the token's person becomes ``current_user`` for this request only
    (``g._login_user``, which flask-login reads first), so the pages' access checks apply unchanged."""
    if request.endpoint in ("api.openapi", "api.docs"):
        return
    secret = bearer_secret()
    token = authenticate(db_session(), secret) if secret else None
    if token is None:
        raise ApiProblem(401, headers={"WWW-Authenticate": 'Bearer realm="hearth"'})
    g._login_user = token.user
    g.api_token = token
    if request.method not in SAFE_METHODS and not token.can_write:
        raise ApiProblem(403, "This token may only read; make a read and write token to change things.")


def current_token() -> ApiToken:
    return g.api_token
