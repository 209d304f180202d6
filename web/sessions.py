"""Logging in and out, over the server-side sessions of ``store.accounts.sessions``.

Flask's session cookie and the "keep me logged in" cookie hold only ``"<user id>:<key>"``; each
request finds the person by that key in one query, so a log-out (or "log out everywhere", or a
new password) ends the session in every worker at once, however many copies of the cookies were
saved. Logging in and out also starts a fresh Flask session, so the CSRF secret it holds (and any
token made from it) is never carried across.
"""

from __future__ import annotations

from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import Session

from store.accounts.models import User
from store.accounts.sessions import end_all_sessions, end_session, signed_in_user, start_session
from web.db import db_session

__all__ = ["load_signed_in", "log_in", "log_out", "log_out_everywhere"]


def load_signed_in(db: Session, user_id: str) -> User | None:
    """The active account for Flask-Login's ``"id:key"`` (from either cookie), or ``None``."""
    ident, _, key = (user_id or "").partition(":")
    if not ident.isdigit() or not key or len(ident) > 18:
        return None
    return signed_in_user(db, int(ident), key)


def _fresh_flask_session() -> None:
    """Forget everything the browser's session held, the CSRF secret included."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.clear()
    g.pop(field, None)  # Flask-WTF's token for this request, made from the old secret


def log_in(user: User, *, remember: bool = False) -> None:
    """Start a new server-side session for ``user`` on this device and log them in."""
    days = current_app.extensions["hearth.settings"].remember_days
    _fresh_flask_session()
    start_session(db_session(), user, remember=remember, remember_days=days)
    login_user(user, remember=remember)


def log_out() -> None:
    """End this device's session for good (both cookies stop working) and log out."""
    if current_user.is_authenticated and current_user.login_key:
        end_session(db_session(), current_user.id, current_user.login_key)
    _fresh_flask_session()
    logout_user()  # after the clear: it marks the remember cookie for deletion


def log_out_everywhere() -> int:
    """End every session of the logged-in person, on every device; how many were ended."""
    ended = end_all_sessions(db_session(), current_user.id) if current_user.is_authenticated else 0
    _fresh_flask_session()
    logout_user()
    return ended
