"""The outbox: every message stored, copied to a file, and sent by SMTP when configured (the SMTP
server is the edge of the world, so a fake stands in for it; the real adapter is what runs)."""

from __future__ import annotations

import smtplib

from sqlalchemy import select

from store.messages.models import Attachment, Message
from store.messages.outbox import deliver_pending, queue_message


class FakeSMTP:
    """Records what smtplib.SMTP would have sent; can be told to fail."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        if FakeSMTP.fail:
            raise smtplib.SMTPConnectError(421, b"try later")
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        self.tls = True

    def login(self, user, password):
        self.user = user

    def send_message(self, email):
        FakeSMTP.sent.append(email)


def test_smtp_sends_with_attachments_and_retries_failures(db, settings, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail = [], True
    smtp = settings.replace(smtp_host="smtp.example.org", smtp_username="hearth", smtp_password="secret")
    queue_message(db, to_email="a@example.org", subject="Your seat", body="See you there",
                  attachments=[Attachment(filename="event.ics", content_type="text/calendar", content="BEGIN:VCALENDAR")])
    assert deliver_pending(db, smtp) == 0
    message = db.scalar(select(Message))
    assert message.delivered_at is None and "SMTPConnectError" in message.delivery_error
    assert not list(settings.outbox_path.glob("*.eml"))
    FakeSMTP.fail = False
    assert deliver_pending(db, smtp) == 1
    assert message.delivered_at is not None and message.delivery_attempts == 2
    email = FakeSMTP.sent[0]
    assert email["To"] == "a@example.org" and email["Subject"] == "Your seat"
    assert [part.get_filename() for part in email.iter_attachments()] == ["event.ics"]
    assert deliver_pending(db, smtp) == 0  # never twice
    assert len(list(settings.outbox_path.glob("*.eml"))) == 1
