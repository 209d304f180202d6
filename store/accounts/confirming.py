"""A new confirmation link for someone who lost the first one (the page looks the same whoever asks)."""

from __future__ import annotations

import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import AccountToken, TokenPurpose, User
from store.accounts.operations import CONFIRM_FOR, _new_token, _token_hash, normalise_email
from store.core.db import utcnow
from store.messages import links
from store.messages.models import Message
from store.messages.outbox import queue_message
from store.messages.rendering import render

__all__ = ["resend_confirmation"]


def resend_confirmation(session: Session, settings: Settings, email: str) -> Message | None:
    """Send a fresh confirmation link to an unconfirmed account; returns the message queued, if any.

    The earlier links stop working (only the newest is valid). An address that is already
    confirmed is told it has an account (with the log-in and reset links), and an address without
    an account gets nothing; the work is the same on every path (a token made and hashed, a
    message rendered), so neither the page nor its timing tells whether the address has an account.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        _token_hash(secrets.token_urlsafe(32))
        render("account_confirm", name="", days=CONFIRM_FOR.days, confirm_link=links.confirm_link(settings, "x"))
        return None
    if user.email_confirmed_at is not None:
        _token_hash(secrets.token_urlsafe(32))
        content = render("account_exists", name=user.display_name, login_link=links.login_link(settings),
                         reset_request_link=links.reset_request_link(settings))
    else:
        session.execute(
            update(AccountToken)
            .where(AccountToken.user_id == user.id, AccountToken.purpose == TokenPurpose.CONFIRM_EMAIL,
                   AccountToken.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        token = _new_token(session, user, TokenPurpose.CONFIRM_EMAIL, CONFIRM_FOR)
        content = render("account_confirm", name=user.display_name, days=CONFIRM_FOR.days,
                         confirm_link=links.confirm_link(settings, token))
    return queue_message(session, to_email=user.email, user_id=user.id, kind="account", content=content)
