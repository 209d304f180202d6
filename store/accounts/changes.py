"""Changing one's own account from the account page: the name, the email (confirmed by a link sent
to the new address before it takes effect) and the password (with the current one).

Like every operation here, these take a session and only flush; the request commits.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from config import Settings
from store.accounts.models import AccountToken, TokenPurpose, User
from store.accounts.operations import (
    AccountError,
    _new_token,
    _token_hash,
    _use_token,
    hash_password,
    normalise_email,
    password_problem,
)
from store.accounts.sessions import end_other_sessions
from store.core.db import utcnow
from store.messages import links
from store.messages.outbox import queue_message
from store.messages.rendering import render

__all__ = [
    "EMAIL_CHANGE_FOR", "EMAIL_CHANGE_KIND", "NAME_MAX", "WrongPassword", "change_name", "request_email_change", "pending_email_change",
    "cancel_email_change", "confirm_email_change", "change_password",
]

#: How long the link confirming a new email address works.
EMAIL_CHANGE_FOR = timedelta(hours=24)

NAME_MAX = 80

#: The kind of the message carrying the link to a new address (kept in nobody's inbox).
EMAIL_CHANGE_KIND = "email_change"


class WrongPassword(AccountError):
    """The current password given to confirm a change is not the person's password."""


def _help_address(settings: Settings) -> str:
    """Where a person writes for help: the address Hearth's messages come from."""
    return parseaddr(settings.mail_from)[1] or settings.mail_from


def _check_current(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password or ""):
        raise WrongPassword("That isn't your current password. Please try again; if you've forgotten it, "
                            "we can email you a link to choose a new one.")


def _spend(session: Session, user_id: int, purpose: TokenPurpose) -> None:
    """Make every unused link of this kind for this person stop working."""
    session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user_id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def change_name(session: Session, user: User, name: str) -> User:
    """Call the person ``name`` from now on (every page and message reads it from the account)."""
    name = (name or "").strip()
    if not name:
        raise AccountError("Please tell us what to call you.")
    if len(name) > NAME_MAX:
        raise AccountError(f"Please keep your name under {NAME_MAX} characters.")
    user.display_name = name
    session.flush()
    return user


def request_email_change(session: Session, settings: Settings, user: User, *, new_email: str,
                         password: str) -> str:
    """Send a link to ``new_email`` that moves the account there once opened; returns the address.

    Nothing changes until then: the person keeps logging in with their old address. A newer
    request replaces an older one. If the address already has an account, its owner is told
    instead, and the answer to the person asking is the same (so this cannot be used to find out
    who has an account). Raises :class:`WrongPassword` or :class:`AccountError`.
    """
    new_email = normalise_email(new_email)
    _check_current(user, password)
    if not new_email or "@" not in new_email or len(new_email) > 254:
        raise AccountError("Please enter a valid email address.")
    if new_email == user.email:
        raise AccountError("That's the address you have now. To change it, please give a different one.")
    _spend(session, user.id, TokenPurpose.CHANGE_EMAIL)
    owner = session.scalar(select(User).where(User.email == new_email))
    if owner is not None:
        queue_message(
            session, to_email=owner.email, user_id=owner.id, kind="account",
            content=render("account_email_taken", name=owner.display_name, login_link=links.login_link(settings),
                           reset_request_link=links.reset_request_link(settings)),
        )
        session.flush()
        return new_email
    token = _new_token(session, user, TokenPurpose.CHANGE_EMAIL, EMAIL_CHANGE_FOR)
    session.scalar(select(AccountToken).where(AccountToken.token_hash == _token_hash(token))).new_email = new_email
    # Not kept in the person's own inbox (no ``user_id``): the link must be read at the new address,
    # so that nobody can claim an address they can't read. Leaving Hearth removes it all the same.
    queue_message(
        session, to_email=new_email, kind=EMAIL_CHANGE_KIND,
        content=render("account_email_change", name=user.display_name,
                       hours=int(EMAIL_CHANGE_FOR.total_seconds() // 3600), confirm_link=links.email_change_link(settings, token)),
    )
    session.flush()
    return new_email


def _pending(session: Session, user_id: int) -> AccountToken | None:
    return session.scalar(
        select(AccountToken)
        .where(AccountToken.user_id == user_id, AccountToken.purpose == TokenPurpose.CHANGE_EMAIL,
               AccountToken.used_at.is_(None), AccountToken.expires_at > utcnow(),
               AccountToken.new_email.is_not(None))
        .order_by(AccountToken.id.desc())
    )


def pending_email_change(session: Session, user_id: int) -> str | None:
    """The address a person asked to move to and has not confirmed yet, if any."""
    record = _pending(session, user_id)
    return record.new_email if record is not None else None


def cancel_email_change(session: Session, user: User) -> bool:
    """Forget a change of address not confirmed yet (its link stops working); whether there was one."""
    had = _pending(session, user.id) is not None
    _spend(session, user.id, TokenPurpose.CHANGE_EMAIL)
    session.flush()
    return had


def confirm_email_change(session: Session, settings: Settings, token: str) -> User:
    """Move an account to the address its link was sent to, and tell the old address, with where
    to get help if the person didn't do it. Raises :class:`AccountError` for a spent or expired
    link, or when another account took the address in the meantime."""
    record = _use_token(session, token, TokenPurpose.CHANGE_EMAIL)
    user, new_email = record.user, record.new_email
    if not new_email:
        raise AccountError("This link has expired or has already been used. You can ask for a new one.")
    if session.scalar(select(User.id).where(User.email == new_email, User.id != user.id)) is not None:
        raise AccountError("Another account uses that address now, so we couldn't move yours to it. "
                           "Your email address hasn't changed.")
    old_email = user.email
    user.email = new_email
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link proved they read this mailbox
    _spend(session, user.id, TokenPurpose.CHANGE_EMAIL)
    _spend(session, user.id, TokenPurpose.RESET_PASSWORD)  # a reset link sent to the old address stops working
    queue_message(
        session, to_email=old_email, user_id=user.id, kind="account",
        content=render("account_email_changed", name=user.display_name, new_email=new_email,
                       help_address=_help_address(settings)),
    )
    session.flush()
    return user


def change_password(session: Session, settings: Settings, user: User, *, current: str, new: str,
                    keep_key: str | None) -> int:
    """Set a new password, given the current one. The log-in whose key is ``keep_key`` (the device
    the change was made on) stays; every other one ends, and any reset link stops working. The
    person is told by email. Returns how many other log-ins ended.

    Raises :class:`WrongPassword` when ``current`` is wrong, :class:`AccountError` when the new
    one breaks the rules registration uses."""
    _check_current(user, current)
    problem = password_problem(new or "", email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem)
    if check_password_hash(user.password_hash, new):
        raise AccountError("That's the password you have now. Please choose a different one.")
    user.password_hash = hash_password(new)
    ended = end_other_sessions(session, user.id, keep_key or "")
    _spend(session, user.id, TokenPurpose.RESET_PASSWORD)
    queue_message(
        session, to_email=user.email, user_id=user.id, kind="account",
        content=render("account_password_changed", name=user.display_name,
                       reset_request_link=links.reset_request_link(settings), help_address=_help_address(settings)),
    )
    session.flush()
    return ended
