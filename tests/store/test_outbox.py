"""The outbox: every message stored, built safely, copied to a file, and sent by SMTP when
configured, one message per unit of work, so a bad one is marked failed and never blocks or
repeats the others (the SMTP server is the edge of the world, so a fake stands in for it; the real
adapter is what runs)."""

from __future__ import annotations

import email as email_lib
import smtplib
import threading
from email import policy

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.pool import NullPool

from jobs.tasks import drain_outbox
from store.core.db import Database, utcnow
from store.messages.delivery import MAX_ATTEMPTS
from store.messages.models import Attachment, Message
from store.messages.outbox import build_email, queue_message
from store.messages.rendering import render


class FakeSMTP:
    """Records what smtplib.SMTP would have sent; can be told to fail to connect, to refuse
    some recipients (for now or for good), or to break mid-run."""

    sent: list = []
    connections = 0
    fail = False
    refuse: dict = {}  # address -> SMTP code
    crash_on: str | None = None  # a subject that makes the "server" raise something unexpected

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        if FakeSMTP.fail:
            raise smtplib.SMTPConnectError(421, b"try later")
        FakeSMTP.connections += 1
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        self.tls = True

    def login(self, user, password):
        self.user = user

    def send_message(self, email, to_addrs=None):
        assert to_addrs == [str(email["To"])], "a message goes to its one stored address only"
        if FakeSMTP.crash_on and email["Subject"] == FakeSMTP.crash_on:
            raise RuntimeError("the worker was killed")
        code = FakeSMTP.refuse.get(str(email["To"]))
        if code:
            raise smtplib.SMTPRecipientsRefused({str(email["To"]): (code, b"no thanks")})
        FakeSMTP.sent.append(email)


@pytest.fixture
def smtp(settings, monkeypatch):
    """Settings that send through :class:`FakeSMTP`, starting empty."""
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.connections, FakeSMTP.fail, FakeSMTP.refuse, FakeSMTP.crash_on = [], 0, False, {}, None
    return settings.replace(smtp_host="smtp.example.org", smtp_username="hearth", smtp_password="secret")


@pytest.fixture
def database(app, db):
    """The app's database, bound to the test's connection: each unit of work is a savepoint."""
    return app.extensions["hearth.db"]


def _sent_subjects() -> list[str]:
    return [str(e["Subject"]) for e in FakeSMTP.sent]


def test_smtp_sends_html_and_attachments_and_retries_when_the_server_is_down(db, database, settings, smtp):
    FakeSMTP.fail = True
    content = render("group_confirmed", name="Ada", what="Supper at Oak Hall", when="Fri 5 Mar, 18:00", note="",
                     group_link="http://localhost/groups/1")
    message = queue_message(db, to_email="a@example.org", content=content, attachments=[
        Attachment(filename="event.ics", content_type="text/calendar", content="BEGIN:VCALENDAR")])
    assert drain_outbox(database, smtp) == 0
    db.refresh(message)
    assert message.delivered_at is None and message.failed_at is None and "SMTPConnectError" in message.delivery_error
    assert not list(settings.outbox_path.glob("*.eml"))
    FakeSMTP.fail = False
    assert drain_outbox(database, smtp) == 1
    db.refresh(message)
    # the server being down is not counted against the message (a greylisting 4xx later still has its tries)
    assert message.delivered_at is not None and message.delivery_attempts == 1 and message.delivery_error is None
    sent = FakeSMTP.sent[0]
    assert sent["To"] == "a@example.org" and sent["Subject"] == "Your group is on: Supper at Oak Hall, Fri 5 Mar, 18:00"
    assert sent.get_body(("plain",)).get_content().startswith("Hello Ada,")
    assert 'href="http://localhost/groups/1"' in sent.get_body(("html",)).get_content()
    assert [part.get_filename() for part in sent.iter_attachments()] == ["event.ics"]
    assert drain_outbox(database, smtp) == 0  # never twice
    assert len(list(settings.outbox_path.glob("*.eml"))) == 1


def test_one_bad_message_is_marked_failed_and_the_others_go_exactly_once(db, database, settings, smtp):
    ids = [queue_message(db, to_email=f"p{i}@example.org", subject=f"Message {i}", body="Hello").id for i in range(3)]
    bad = queue_message(db, to_email="bad@example.org", subject="Broken", body="Hello").id
    ids += [queue_message(db, to_email=f"p{i}@example.org", subject=f"Message {i}", body="Hello").id for i in (3, 4)]
    # stored data no operation would write any more: an attachment that lost its content
    db.execute(update(Message).where(Message.id == bad).values(attachments=[{"filename": "x.ics"}]))
    db.flush()
    FakeSMTP.crash_on = "Message 3"  # and the second message after the bad one kills the first run
    with pytest.raises(RuntimeError):
        drain_outbox(database, smtp)
    assert _sent_subjects() == ["Message 0", "Message 1", "Message 2"]
    FakeSMTP.crash_on = None
    for _ in range(2):  # the job's retry, then the next periodic run
        drain_outbox(database, smtp)
    assert sorted(_sent_subjects()) == [f"Message {i}" for i in range(5)]  # five, each exactly once
    failed = db.get(Message, bad, populate_existing=True)
    assert failed.failed_at is not None and failed.delivered_at is None and failed.delivery_attempts == 1
    assert failed.delivery_error.startswith("could not be built: KeyError")
    assert db.scalar(select(func.count()).select_from(Message).where(Message.id.in_(ids),
                                                                     Message.delivered_at.is_not(None))) == 5


def test_stored_header_breaks_go_as_one_safe_line_or_not_at_all(db, database, settings, smtp):
    subject = queue_message(db, to_email="a@example.org", subject="Hi\nthere", body="Hello\x00 there")
    assert (subject.subject, subject.body) == ("Hi there", "Hello there")  # stored safe already
    address = queue_message(db, to_email="b@example.org", subject="For b", body="Hello")
    db.execute(update(Message).where(Message.id == subject.id).values(subject="Hi\r\nBcc: evil@example.org"))
    db.execute(update(Message).where(Message.id == address.id).values(to_email="b@example.org\r\nCc: evil@example.org"))
    db.flush()
    assert drain_outbox(database, smtp) == 1
    [sent] = FakeSMTP.sent
    assert sent["Subject"] == "Hi Bcc: evil@example.org" and sent["Bcc"] is None and sent["To"] == "a@example.org"
    [copy] = settings.outbox_path.glob("*.eml")
    assert email_lib.message_from_bytes(copy.read_bytes(), policy=policy.default)["Bcc"] is None
    db.refresh(address)
    assert address.failed_at is not None and "not one email address" in address.delivery_error


@pytest.mark.parametrize("subject", ["Hi\r\nBcc: evil@example.org", "a\x00b", "line\u2028sep", "nel\x85x",
                                     "tab\tvt\x0b", "surrogate \ud800", "é" * 300])
def test_build_email_never_raises_on_a_stored_subject_or_name(settings, subject):
    message = Message(id=7, to_email=f"{subject}@example.org", subject=subject, body="Hello " + subject,
                      html=f"<p>{subject}</p>", attachments=[], created_at=utcnow())
    built = bytes(build_email(message, settings))  # (a bad HEARTH_MAIL_FROM is refused at start-up)
    parsed = email_lib.message_from_bytes(built, policy=policy.default)
    assert "\n" not in str(parsed["Subject"]) and parsed["Bcc"] is None


def test_refusals_for_good_fail_and_for_now_are_tried_again(db, database, settings, smtp):
    gone = queue_message(db, to_email="gone@example.org", subject="One", body="Hello")
    busy = queue_message(db, to_email="busy@example.org", subject="Two", body="Hello")
    fine = queue_message(db, to_email="fine@example.org", subject="Three", body="Hello")
    FakeSMTP.refuse = {"gone@example.org": 550, "busy@example.org": 450}
    assert drain_outbox(database, smtp) == 1
    for m in (gone, busy, fine):
        db.refresh(m)
    assert gone.failed_at is not None and "550" in gone.delivery_error
    assert busy.failed_at is None and busy.delivered_at is None and "450" in busy.delivery_error
    assert fine.delivered_at is not None
    for _ in range(MAX_ATTEMPTS):
        drain_outbox(database, smtp)
    db.refresh(busy)
    assert busy.failed_at is not None and busy.delivery_attempts == MAX_ATTEMPTS
    assert _sent_subjects() == ["Three"]


def test_one_run_delivers_fifteen_hundred_messages(app, db, settings):
    db.add_all([Message(to_email=f"n{i}@example.org", subject=f"Your group {i}", body="Hello", kind="group",
                        attachments=[]) for i in range(1500)])
    db.flush()
    delivered = app.extensions["hearth.queue"].enqueue("deliver_outbox")()  # the real job, in immediate mode
    assert delivered == 1500
    assert db.scalar(select(func.count()).select_from(Message).where(Message.delivered_at.is_(None))) == 0
    assert len(list(settings.outbox_path.glob("*.eml"))) == 1500


def test_a_run_stops_at_its_time_budget_and_the_next_carries_on(db, database, settings):
    for i in range(10):
        queue_message(db, to_email=f"n{i}@example.org", subject=f"Number {i}", body="Hello")
    ticks = iter(range(100))  # the clock moves one second at each look
    first = drain_outbox(database, settings, budget_seconds=5, batch=3, clock=lambda: next(ticks))
    assert 0 < first < 10
    assert drain_outbox(database, settings) == 10 - first
    assert len(list(settings.outbox_path.glob("*.eml"))) == 10


def test_two_runs_at_once_send_each_message_once(database_url, settings, smtp):
    """Real engine, real threads, committed rows: a periodic run and an after-commit run overlap."""
    database = Database(database_url, poolclass=NullPool)
    with database.unit_of_work() as session:
        ids = [queue_message(session, to_email=f"r{i}@example.org", subject=f"Race {i}", body="Hello").id
               for i in range(60)]
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            counts.append(drain_outbox(database, smtp))
        except BaseException as exc:  # reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == [] and sum(counts) == 60
        assert sorted(_sent_subjects()) == sorted(f"Race {i}" for i in range(60))
    finally:
        with database.unit_of_work() as session:
            session.execute(delete(Message).where(Message.id.in_(ids)))
        database.dispose()
