"""Log-in sessions kept on the server: each log-in on each device is a row, so logging out ends it.

A browser keeps only ``"<user id>:<key>"`` (in the session cookie, and in the remember cookie when
the person ticked "keep me logged in"); the database keeps the key's SHA-256. A saved copy of
either cookie stops working the moment its row is gone: at log-out, "log out everywhere", a new
password (a password changed on the account page keeps only the device it was changed on), or when the account is deleted (the rows go with it).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.accounts.models import LoginSession, User
from store.core.db import utcnow

__all__ = [
    "BROWSER_SESSION", "start_session", "signed_in_user", "end_session", "end_all_sessions", "end_other_sessions",
    "count_sessions",
]

#: How long a log-in lasts without "keep me logged in" (the browser forgets it sooner when closed).
BROWSER_SESSION = timedelta(hours=12)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(
    session: Session, user: User, *, remember: bool, remember_days: int, now: datetime | None = None
) -> str:
    """Log ``user`` in on one device; returns the new session's key (also set as ``user.login_key``).

    A remembered log-in lasts ``remember_days``; any other one :data:`BROWSER_SESSION`. The
    person's expired sessions are cleared away at the same time.
    """
    now = now or utcnow()
    session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    key = secrets.token_urlsafe(32)
    lifetime = timedelta(days=remember_days) if remember else BROWSER_SESSION
    session.add(LoginSession(user_id=user.id, key_hash=_hash(key), remember=remember, created_at=now,
                             expires_at=now + lifetime))
    session.flush()
    user.login_key = key
    return key


def signed_in_user(session: Session, user_id: int, key: str, *, now: datetime | None = None) -> User | None:
    """The active account whose unexpired session this is, in one query; ``None`` otherwise."""
    if not key:
        return None
    user = session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.key_hash == _hash(key), User.id == user_id,
               LoginSession.expires_at > (now or utcnow()), User.is_active.is_(True))
    )
    if user is not None:
        user.login_key = key
    return user


def end_session(session: Session, user_id: int, key: str) -> bool:
    """End one log-in (this device's); whether there was one to end."""
    result = session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.key_hash == _hash(key or ""))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount > 0


def end_all_sessions(session: Session, user_id: int) -> int:
    """End every log-in of a person, on every device; how many there were."""
    result = session.execute(
        delete(LoginSession).where(LoginSession.user_id == user_id).execution_options(synchronize_session=False)
    )
    return result.rowcount


def end_other_sessions(session: Session, user_id: int, keep_key: str) -> int:
    """End every log-in of a person except the one whose key is ``keep_key`` (this device's);
    how many were ended."""
    result = session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.key_hash != _hash(keep_key or ""))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def count_sessions(session: Session, user_id: int, *, now: datetime | None = None) -> int:
    """How many devices a person is logged in on now."""
    return session.scalar(
        select(func.count()).select_from(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.expires_at > (now or utcnow()))
    ) or 0
