"""Who is logged in, looked up cheaply: a signed-in person's account row is remembered for a few
seconds per process, so a busy page does not read it from the database on every request.

A password reset or deactivation changes the row; a remembered copy keyed by the old session
token stops working everywhere within ``SECONDS``.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy.inspection import inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from store.accounts.models import User

__all__ = ["SECONDS", "load_signed_in", "forget"]

SECONDS = 5.0
_SIZE = 4096
_lock = threading.Lock()
_remembered: dict[str, tuple[float, User]] = {}


def _detached_copy(user: User) -> User:
    values = {attr.key: getattr(user, attr.key) for attr in inspect(User).column_attrs}
    copy = User(**values)
    make_transient_to_detached(copy)
    return copy


def load_signed_in(session: Session, user_id: str) -> User | None:
    """The active account for Flask-Login's ``"id:session_token"``, or ``None``."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    now = time.monotonic()
    with _lock:
        item = _remembered.get(user_id)
    if item is not None and item[0] > now:
        return session.merge(item[1], load=False)
    user = session.get(User, int(ident))
    if user is None or not user.is_active or user.session_token != token:
        return None
    with _lock:
        if len(_remembered) >= _SIZE:
            _remembered.clear()
        _remembered[user_id] = (now + SECONDS, _detached_copy(user))
    return user


def forget(user_id: int | None = None) -> None:
    """Drop a person's remembered account (on log-out, a password change, leaving), or all."""
    with _lock:
        if user_id is None:
            _remembered.clear()
            return
        for key in [k for k in _remembered if k.partition(":")[0] == str(user_id)]:
            del _remembered[key]
