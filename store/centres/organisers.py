"""Organisers: adding staff to a centre and invitations to join as organiser."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import (
    Role,
    User,
)
from store.accounts.operations import (
    AccountError,
    _token_hash,
    create_user,
    normalise_email,
)
from store.centres.models import Centre, Invitation
from store.core.db import utcnow
from store.messages import links
from store.messages.outbox import queue_message
from store.messages.rendering import render

__all__ = ["centres_run_by", "open_invitations", "add_organiser", "invite_organiser", "find_invitation",
           "accept_invitation"]


def centres_run_by(session: Session, user: User) -> list[Centre]:
    """The centres ``user`` may run, by name: every centre for an admin, else their own."""
    if user.is_admin:
        return list(session.scalars(select(Centre).order_by(Centre.name)))
    return sorted(user.centres, key=lambda c: c.name)


def open_invitations(session: Session, centre_id: int) -> list[Invitation]:
    """A centre's invitations not yet accepted, newest first."""
    return list(session.scalars(
        select(Invitation).where(Invitation.centre_id == centre_id, Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at.desc())
    ))


def add_organiser(session: Session, user: User, centre: Centre) -> None:
    """Make ``user`` an organiser of ``centre`` (admins keep their role)."""
    if user.role == Role.RESIDENT:
        user.role = Role.ORGANISER
    if centre not in user.centres:
        user.centres.append(centre)
    session.flush()


def invite_organiser(
    session: Session, settings: Settings, *, centre: Centre, email: str, invited_by: User | None
) -> Invitation:
    """Invite someone by email to organise ``centre``; the link works once, for a few days."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise AccountError("Please enter a valid email address.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        centre_id=centre.id,
        invited_by_id=invited_by.id if invited_by else None,
        token_hash=_token_hash(token),
        expires_at=utcnow() + timedelta(days=settings.invite_days),
    )
    session.add(invitation)
    session.flush()
    user = session.scalar(select(User).where(User.email == email))
    queue_message(
        session,
        to_email=email,
        user_id=user.id if user else None,
        kind="invitation",
        content=render("organiser_invite", centre=centre.name, days=settings.invite_days,
                       invite_link=links.invite_link(settings, token)),
    )
    return invitation


def find_invitation(session: Session, token: str) -> Invitation | None:
    """The open invitation for ``token``, or ``None`` if it is unknown, used or expired."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token or "")))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= utcnow():
        return None
    return invitation


def accept_invitation(
    session: Session,
    token: str,
    *,
    current_user: User | None = None,
    display_name: str = "",
    password: str = "",
) -> User:
    """Accept an invitation, as the signed-in account or by creating one for the invited email."""
    invitation = find_invitation(session, token)
    if invitation is None:
        raise AccountError("This invitation has expired or has already been used.")
    if current_user is not None:
        if current_user.email != invitation.email:
            raise AccountError(
                "This invitation was sent to a different email address. "
                "Please log out and accept it with that address."
            )
        user = current_user
    else:
        if session.scalar(select(User.id).where(User.email == invitation.email)) is not None:
            raise AccountError("You already have an account: please log in first, then open the link again.")
        user = create_user(
            session,
            email=invitation.email,
            display_name=display_name,
            password=password,
            role=Role.ORGANISER,
            confirmed=True,
        )
    invitation.accepted_at = utcnow()
    add_organiser(session, user, invitation.centre)
    return user
