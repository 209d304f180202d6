"""Account operations: registration with email confirmation, log-in, password resets, organisers.

Every operation takes a session and only flushes; the request or job that calls it commits.
Messages never reveal whether an email address has an account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from config import Settings
from store.accounts.models import AccountToken, Role, TokenPurpose, User
from store.accounts.sessions import end_all_sessions
from store.core.db import utcnow
from store.core.errors import HearthError
from store.messages import links
from store.messages.models import Message
from store.messages.outbox import queue_message
from store.messages.rendering import render

__all__ = [
    "AccountError", "normalise_email", "password_problem", "hash_password", "create_user", "register_resident",
    "check_token", "confirm_email", "authenticate", "request_password_reset", "reset_password", "note_write",
]

MIN_PASSWORD = 10

#: How long a new account's confirmation link works.
CONFIRM_FOR = timedelta(days=3)

MAX_PASSWORD = 128

_COMMON = {
    "password", "password1", "password12", "password123", "passw0rd", "qwerty", "qwertyuiop",
    "1234567890", "0123456789", "12345678910", "letmein123", "iloveyou12", "welcome123",
    "abc1234567", "aaaaaaaaaa", "hearth1234", "community1", "changeme12", "football12",
}

_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")


class AccountError(HearthError):
    """Something the person can fix; the message is safe to show them."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a password is too weak, in words a person can act on; ``None`` if it is fine."""
    if len(password) < MIN_PASSWORD:
        return f"Please use at least {MIN_PASSWORD} characters; a short phrase is easy to remember."
    if len(password) > MAX_PASSWORD:
        return f"Please use at most {MAX_PASSWORD} characters."
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return "That password is too easy to guess. Try a few unrelated words together."
    local = normalise_email(email).split("@")[0]
    if (local and len(local) >= 4 and local in lowered) or (name and name.strip().lower() == lowered):
        return "Please choose a password that doesn't contain your email address or name."
    return None


def hash_password(password: str) -> str:
    """A scrypt hash (werkzeug's default method)."""
    return generate_password_hash(password, method="scrypt")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(
    session: Session, user: User, purpose: TokenPurpose, lifetime: timedelta
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(token),
            expires_at=utcnow() + lifetime,
        )
    )
    session.flush()
    return token


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.RESIDENT,
    confirmed: bool = False,
) -> User:
    """Create an account after checking the email is free and the password strong enough."""
    email = normalise_email(email)
    display_name = (display_name or "").strip()
    if not email or "@" not in email:
        raise AccountError("Please enter a valid email address.")
    if not display_name:
        raise AccountError("Please tell us what to call you.")
    problem = password_problem(password, email=email, name=display_name)
    if problem:
        raise AccountError(problem)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("An account with that email address already exists.")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    session.add(user)
    session.flush()
    return user


def register_resident(
    session: Session, settings: Settings, *, email: str, display_name: str, password: str
) -> Message:
    """Start a resident's account and send the confirmation link; returns the message queued.

    If the address already has an account, its owner is told instead and nothing else changes,
    so the response is the same either way, and so is the time it takes: the password is hashed
    on both paths (scrypt is most of the work). Raises :class:`AccountError` for a weak password.
    (The message is returned for development, where the page may offer it; no page shows it
    otherwise, since it would tell whether the address had an account.)
    """
    email = normalise_email(email)
    problem = password_problem(password, email=email, name=display_name)
    if problem:
        raise AccountError(problem)
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None:
        hash_password(password)  # thrown away: the same work as a new account, so timing tells nothing
        return queue_message(
            session,
            to_email=existing.email,
            user_id=existing.id,
            kind="account",
            content=render("account_exists", name=existing.display_name, login_link=links.login_link(settings),
                           reset_request_link=links.reset_request_link(settings)),
        )
        return
    user = create_user(session, email=email, display_name=display_name, password=password)
    token = _new_token(session, user, TokenPurpose.CONFIRM_EMAIL, CONFIRM_FOR)
    return queue_message(
        session,
        to_email=user.email,
        user_id=user.id,
        kind="account",
        content=render("account_confirm", name=user.display_name, days=CONFIRM_FOR.days,
                       confirm_link=links.confirm_link(settings, token)),
    )


def check_token(session: Session, token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unused, unexpired token matching ``token``, or ``None``."""
    record = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _token_hash(token or ""), AccountToken.purpose == purpose
        )
    )
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        return None
    return record


def _use_token(session: Session, token: str, purpose: TokenPurpose) -> AccountToken:
    """Spend a token exactly once, even if two requests race for it."""
    record = check_token(session, token, purpose)
    if record is None:
        raise AccountError(
            "This link has expired or has already been used. You can ask for a new one."
        )
    spent = session.execute(
        update(AccountToken)
        .where(AccountToken.id == record.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise AccountError("This link has already been used. You can ask for a new one.")
    session.refresh(record)
    return record


def confirm_email(session: Session, token: str) -> User:
    """Confirm a new account's email from its link; returns the person, now able to log in."""
    record = _use_token(session, token, TokenPurpose.CONFIRM_EMAIL)
    user = record.user
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this email and password, else ``None`` (same cost either way)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        return None
    user.last_login_at = utcnow()
    session.flush()
    return user


def note_write(session: Session, user_id: int, now: datetime | None = None) -> None:
    """Record that ``user_id`` just changed something (in the unit of work that saves it), so
    that no cached page worked out before it is served to them, on any device or worker."""
    session.execute(update(User).where(User.id == user_id).values(last_wrote_at=now or utcnow()))


def request_password_reset(session: Session, settings: Settings, email: str) -> None:
    """Send a reset link if the address has an account; do the same visible nothing otherwise."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        return
    minutes = settings.reset_token_minutes
    token = _new_token(session, user, TokenPurpose.RESET_PASSWORD, timedelta(minutes=minutes))
    queue_message(
        session,
        to_email=user.email,
        user_id=user.id,
        kind="account",
        content=render("account_reset", name=user.display_name, minutes=minutes,
                       reset_link=links.reset_link(settings, token)),
    )


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set a new password from a reset link; ends the person's log-in on every device."""
    record = check_token(session, token, TokenPurpose.RESET_PASSWORD)
    if record is None:
        raise AccountError(
            "This link has expired or has already been used. You can ask for a new one."
        )
    user = record.user
    problem = password_problem(new_password, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem)
    record = _use_token(session, token, TokenPurpose.RESET_PASSWORD)
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user.id)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link proved they read this mailbox
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.RESET_PASSWORD,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return user
