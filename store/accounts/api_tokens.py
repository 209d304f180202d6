"""Personal access tokens: a person makes one for another tool, sees its secret once, and can revoke it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.models import ApiScope, ApiToken, User
from store.core.db import utcnow
from store.core.errors import HearthError

__all__ = ["PREFIX", "ALLOWED_DAYS", "MAX_NAME", "ApiTokenError", "ApiTokenNotFound", "create_token",
           "revoke_token", "tokens_of", "authenticate"]

#: The public start of every secret, so a person (or a secret scanner) recognises a Hearth token.
PREFIX = "hth_"
#: How long a token may last, in days: the person chooses one.
ALLOWED_DAYS = (30, 90, 365)
MAX_NAME = 80


class ApiTokenError(HearthError):
    """A token that cannot be made as asked; the message says why."""


class ApiTokenNotFound(ApiTokenError):
    """No such token among the asking person's own (another person's looks the same as none)."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str, scopes: ApiScope | str, days: int,
                 now: datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it and its secret, which is never stored and never shown again."""
    name = (name or "").strip()
    if not name:
        raise ApiTokenError("Please give the token a name, so you know later what it is for.", field="name")
    if len(name) > MAX_NAME:
        raise ApiTokenError(f"Please keep the name under {MAX_NAME} characters.", field="name")
    try:
        scope = ApiScope(scopes)
    except ValueError:
        raise ApiTokenError("Please choose whether the token may only read, or read and write.", field="scopes") from None
    if isinstance(days, bool) or days not in ALLOWED_DAYS:
        raise ApiTokenError("Please choose 30, 90 or 365 days.", field="days")
    now = now or utcnow()
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, secret_hash=_digest(secret), scopes=scope,
                     created_at=now, expires_at=now + timedelta(days=days))
    session.add(token)
    session.flush()
    return token, secret


def revoke_token(session: Session, user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Stop one of ``user``'s own tokens from working; revoking it twice changes nothing."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ApiTokenNotFound("We couldn't find that token among yours.")
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        session.flush()
    return token


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """``user``'s tokens, newest first (revoked and expired ones included, so they can be seen)."""
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def authenticate(session: Session, secret: str, now: datetime | None = None) -> ApiToken | None:
    """The working token whose secret this is, marked as used now; ``None`` when unknown, revoked or
    expired. Looking up the digest (not the secret) keeps the comparison from leaking its timing."""
    if not secret or not secret.startswith(PREFIX):
        return None
    now = now or utcnow()
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == _digest(secret)))
    if token is None or not token.works_at(now) or not token.user.is_active:
        return None
    token.last_used_at = now
    session.flush()
    return token
