"""Delivering the outbox one message at a time: build it, send it, keep a copy, mark it.

:func:`deliver_message` handles exactly one message in the caller's unit of work, so the delivery
job (``jobs/tasks.py``) commits after each one: a message sent is marked sent at once and never
sent again, and one that cannot be built or that the server refuses for good is marked failed
with its reason and never blocks the messages behind it.
"""

from __future__ import annotations

import enum
import logging
import re
import smtplib
import ssl
from contextlib import ExitStack
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.core.db import utcnow
from store.messages.headers import fold_header
from store.messages.models import Message
from store.messages.outbox import build_email, write_copy

__all__ = ["MAX_ATTEMPTS", "Outcome", "Mailer", "pending_message_ids", "deliver_message"]

log = logging.getLogger(__name__)

#: After this many tries that the mail server turned down for a while (4xx), a message is given up.
MAX_ATTEMPTS = 8

#: One plain address: something, an @, a domain; no spaces, commas or brackets that could name more.
_ADDRESS = re.compile(r"[^@\s,;:<>()\[\]\"]+@[^@\s,;:<>()\[\]\"]+")

#: The server said no for good (5xx), or could never take this message: give it up.
_REFUSED_FOR_GOOD = (smtplib.SMTPNotSupportedError, UnicodeError, ValueError)


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"      # given up for good, with the reason on the message
    LATER = "later"        # refused for now; the next run tries it again
    STOP = "stop"          # the server (or the outbox folder) is unreachable: stop this run
    GONE = "gone"          # already delivered, given up, deleted, or another run has it


class Mailer:
    """The SMTP connection of one delivery run: opened at the first send, reused for the next,
    and dropped after any error so the next send starts afresh. Without ``smtp_host`` it sends
    nothing (the copies in ``instance/outbox/`` are then the delivery)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._stack: ExitStack | None = None
        self._smtp = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.smtp_host)

    def _connect(self):
        s = self.settings
        self._stack = ExitStack()
        smtp = self._stack.enter_context(smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=20))
        if s.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password)
        return smtp

    def send(self, email: EmailMessage, to_address: str) -> None:
        """Send ``email`` to ``to_address`` alone (never to whatever its headers might name)."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(email, to_addrs=[to_address])
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        stack, self._stack, self._smtp = self._stack, None, None
        if stack is not None:
            try:
                stack.close()
            except (OSError, smtplib.SMTPException):
                pass  # the connection is gone either way

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def pending_message_ids(session: Session, *, after_id: int = 0, limit: int = 200) -> list[int]:
    """The next ``limit`` messages waiting to go, oldest first, after ``after_id`` (not those held
    for a daily summary: the summary carries them)."""
    return list(session.scalars(
        select(Message.id)
        .where(Message.delivered_at.is_(None), Message.failed_at.is_(None), Message.held.is_(False),
               Message.id > after_id)
        .order_by(Message.id).limit(limit)
    ))


def _claim(session: Session, message_id: int) -> Message | None:
    """The message, locked for this unit of work, if it still waits to go.

    PostgreSQL locks its row and skips one another run holds; SQLite's delivery units of work
    begin as writers, which already keeps two runs from holding the same message."""
    query = select(Message).where(Message.id == message_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    message = session.scalar(query)
    if message is None or message.delivered_at is not None or message.failed_at is not None or message.held:
        return None
    return message


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _give_up(message: Message, reason: str) -> Outcome:
    message.failed_at, message.delivery_error = utcnow(), reason[:300]
    log.warning("gave up message %s: %s", message.id, message.delivery_error)
    return Outcome.FAILED


def _smtp_code(exc: smtplib.SMTPException) -> int:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return max(codes) if codes else 0
    return getattr(exc, "smtp_code", 0) or 0


def deliver_message(session: Session, settings: Settings, message_id: int, mailer: Mailer) -> Outcome:
    """Send one pending message and mark it (flushes; the caller commits straight after).

    - it cannot be built (bad stored data), has no single address, or the server refuses it for
      good (5xx): marked failed with the reason;
    - the server refuses this message for now (4xx): tried again next run, given up after
      ``MAX_ATTEMPTS`` such tries;
    - the server or the outbox folder cannot be reached: the reason is noted, the try is not
      counted against the message, and the caller stops the run (``Outcome.STOP``), as every
      message behind it would fail the same way.
    """
    message = _claim(session, message_id)
    if message is None:
        return Outcome.GONE
    outcome = _attempt(message, settings, mailer)
    if outcome is not Outcome.STOP:
        message.delivery_attempts += 1
    if outcome is Outcome.LATER and message.delivery_attempts >= MAX_ATTEMPTS:
        outcome = _give_up(message, f"after {message.delivery_attempts} tries: {message.delivery_error}")
    if outcome is Outcome.SENT:
        message.delivered_at, message.delivery_error = utcnow(), None
    session.flush()
    return outcome


def _attempt(message: Message, settings: Settings, mailer: Mailer) -> Outcome:
    address = fold_header(message.to_email)
    if not _ADDRESS.fullmatch(address):
        return _give_up(message, f"not one email address: {message.to_email[:80]!r}")
    try:
        email = build_email(message, settings)
        raw = bytes(email)
    except Exception as exc:  # noqa: BLE001 -- whatever is wrong with this message stays with it
        return _give_up(message, f"could not be built: {_reason(exc)}")
    if mailer.enabled:
        try:
            mailer.send(email, address)
        except _REFUSED_FOR_GOOD as exc:
            return _give_up(message, _reason(exc))
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
            code = _smtp_code(exc)
            if code >= 500 or code == 0:  # refused for good (0: the server gave no reason)
                return _give_up(message, _reason(exc))
            message.delivery_error = _reason(exc)
            return Outcome.LATER
        except (OSError, smtplib.SMTPException) as exc:
            message.delivery_error = _reason(exc)
            log.warning("could not send message %s: %s", message.id, message.delivery_error)
            return Outcome.STOP
    try:
        write_copy(settings, message, raw)
    except OSError as exc:
        if not mailer.enabled:  # the copy is the delivery: try again when the folder is back
            message.delivery_error = f"could not write to the outbox folder: {_reason(exc)}"[:300]
            log.warning("message %s: %s", message.id, message.delivery_error)
            return Outcome.STOP
        log.warning("message %s was sent but its copy could not be kept: %s", message.id, exc)
    return Outcome.SENT
