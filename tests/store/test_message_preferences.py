"""Message preferences, applied in the one place messages are queued; the daily summary; reading
one's own messages (unread count, mark all read, attachments); bodies made safe with their links."""

from __future__ import annotations

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from jobs.tasks import drain_outbox
from store.accounts.models import Role
from store.events.reminders import send_checkin_invitations, send_event_reminders
from store.events.signups import sign_up
from store.messages.bodies import body_html
from store.messages.delivery import pending_message_ids
from store.messages.models import Attachment, Message
from store.messages.notices import send_once
from store.messages.outbox import queue_message
from store.messages.preferences import (
    DAILY,
    NOW,
    OFF,
    TOPICS,
    PreferenceError,
    preferences_for,
    set_preferences,
    topic_of,
)
from store.messages.reading import attachment_for, mark_all_read, unread_count
from store.messages.rendering import render
from store.messages.summary import send_daily_summaries

OFFER = dict(name="Ada", what="Friday supper at Oak Hall", when="Fri 5 Mar, 18:00", reason="You all cook.",
             reply_by="Please reply by Friday 5 Mar, 06:00", note="", group_link="http://localhost/groups/1", keeps_meeting="")
FEEDBACK = dict(name="Ada", what="Friday supper at Oak Hall", feedback_link="http://localhost/groups/1/feedback")
CANCELLED = dict(name="Ada", centre="Oak Hall", title="Friday supper", dates=["Fri 5 Mar, 18:00"], reason="",
                 events_link="http://localhost/events/")


@pytest.fixture
def database(app, db):
    return app.extensions["hearth.db"]


def _mine(db, user) -> list[Message]:
    return list(db.scalars(select(Message).where(Message.user_id == user.id).order_by(Message.id)))


def test_everything_comes_as_it_happens_until_a_person_chooses(db):
    person = make_user(db)
    assert preferences_for(db, person.id) == {t.key: NOW for t in TOPICS}
    message = queue_message(db, to_email=person.email, user_id=person.id, content=render("group_offer", **OFFER))
    assert message.topic == "group_offers" and not message.held
    assert message.id in pending_message_ids(db)


def test_a_topic_turned_off_is_not_queued_but_what_must_arrive_always_is(db):
    person = make_user(db)
    set_preferences(db, person.id, {t.key: OFF for t in TOPICS})
    assert queue_message(db, to_email=person.email, user_id=person.id, content=render("group_offer", **OFFER)) is None
    assert send_once(db, "offer:1:x", person, content=render("group_offer", **OFFER)) is None
    assert send_once(db, "feedback:1:x", person, content=render("group_feedback", **FEEDBACK)) is None
    cancelled = queue_message(db, to_email=person.email, user_id=person.id, content=render("event_cancelled", **CANCELLED))
    confirm = queue_message(db, to_email=person.email, user_id=person.id, content=render(
        "account_confirm", name="Ada", days=3, confirm_link="http://localhost/confirm/t"))
    reply = queue_message(db, to_email=person.email, user_id=person.id, content=render(
        "centre_reply", name="Ada", centre="Oak Hall", about="Lift", reply="Fixed.",
        conversation_link="http://localhost/messages/conversations/1"))
    assert [m.id for m in _mine(db, person)] == [cancelled.id, confirm.id, reply.id]
    assert {m.topic for m in _mine(db, person)} == {"always"}
    # another person's choices are theirs alone
    other = make_user(db)
    assert queue_message(db, to_email=other.email, user_id=other.id, content=render("group_offer", **OFFER))


def test_choices_that_do_not_exist_are_refused_and_nothing_changes(db):
    person = make_user(db)
    set_preferences(db, person.id, {"feedback": DAILY})
    with pytest.raises(PreferenceError):
        set_preferences(db, person.id, {"group_offers": OFF, "always": OFF})
    with pytest.raises(PreferenceError):
        set_preferences(db, person.id, {"group_offers": OFF, "reminders": DAILY})  # reminders cannot wait a day
    assert preferences_for(db, person.id)["group_offers"] == NOW
    assert preferences_for(db, person.id)["feedback"] == DAILY
    assert set_preferences(db, person.id, {"feedback": NOW})["feedback"] == NOW


def test_every_template_a_person_can_choose_about_names_a_topic_and_the_rest_always_arrive():
    assert topic_of("group_offer") == "group_offers" and topic_of("event_reminder") == "reminders"
    assert topic_of("group_feedback") == topic_of("checkin_invite") == "feedback"
    for always in ("event_cancelled", "event_changed", "account_reset", "account_confirm", "group_dissolved",
                   "centre_reply", "daily_summary", None):
        assert topic_of(always) == "always"


def test_real_senders_respect_the_choice(db, settings):
    """The reminder and check-in jobs go through the same door: a person who turned them off gets none."""
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser, days_ahead=1)
    keen, quiet = make_resident(db), make_resident(db)
    for person in (keen, quiet):
        sign_up(db, settings, occurrence.id, person)
    set_preferences(db, quiet.id, {"reminders": OFF, "feedback": OFF})
    assert send_event_reminders(db, settings) == 1
    assert send_checkin_invitations(db, settings) == 1
    kinds = lambda p: sorted(m.kind for m in _mine(db, p))  # noqa: E731
    assert kinds(keen) == ["checkin", "event", "reminder"]
    assert kinds(quiet) == ["event"]  # the sign-up confirmation always arrives


def test_daily_messages_wait_for_one_summary_that_carries_them(db, database, settings):
    person, other = make_user(db, name="Ada Lovelace"), make_user(db)
    set_preferences(db, person.id, {"feedback": DAILY})
    first = queue_message(db, to_email=person.email, user_id=person.id, content=render("group_feedback", **FEEDBACK))
    second = queue_message(db, to_email=person.email, user_id=person.id,
                           content=render("checkin_invite", name="Ada", checkin_link="http://localhost/checkin/"))
    now_one = queue_message(db, to_email=other.email, user_id=other.id, content=render("group_feedback", **FEEDBACK))
    assert first.held and second.held and not now_one.held
    assert unread_count(db, person.id) == 2  # already in their Messages
    pending = pending_message_ids(db)
    assert first.id not in pending and second.id not in pending and now_one.id in pending
    db.commit()
    drain_outbox(database, settings)
    db.expire_all()
    assert first.delivered_at is None and second.delivered_at is None and now_one.delivered_at is not None

    assert send_daily_summaries(db, settings) == 1
    summary = db.scalars(select(Message).where(Message.kind == "summary")).one()
    assert summary.user_id == person.id and summary.topic == "always" and not summary.held
    assert "2 new messages" in summary.subject
    assert f"http://localhost/messages/{first.id}" in summary.body and second.subject in summary.body
    assert "http://localhost/account/messages" in summary.body
    for held in (first, second):
        assert not held.held and held.delivered_at is not None and held.summary_id == summary.id
    assert send_daily_summaries(db, settings) == 0  # safe to run twice


def test_the_daily_summary_job_runs_on_the_schedule(db):
    from jobs.registry import JOBS
    from jobs.schedule import SCHEDULE

    assert "daily_summaries" in {p.job for p in SCHEDULE}
    assert "daily_summaries" in JOBS


def test_unread_count_and_mark_all_read_are_each_persons_own(db):
    me, you = make_user(db), make_user(db)
    for person in (me, me, you):
        queue_message(db, to_email=person.email, user_id=person.id, subject="Hello", body="Hi")
    assert unread_count(db, me.id) == 2 and unread_count(db, you.id) == 1
    assert mark_all_read(db, me.id) == 2
    assert unread_count(db, me.id) == 0 and unread_count(db, you.id) == 1
    assert mark_all_read(db, me.id) == 0


def test_an_attachment_is_served_to_its_recipient_only_with_a_safe_name_and_type(db):
    me, you = make_user(db), make_user(db)
    message = queue_message(db, to_email=me.email, user_id=me.id, subject="Your seat", body="See you", attachments=[
        Attachment(filename="hearth-event.ics", content_type="text/calendar", content="BEGIN:VCALENDAR\r\nEND:VCALENDAR"),
        Attachment(filename='../../evil"\r\nX: y.html', content_type="text/html", content="<script>1</script>"),
    ])
    item = attachment_for(db, me.id, message.id, 0)
    assert item.filename == "hearth-event.ics" and item.content_type == "text/calendar"
    assert item.content.startswith(b"BEGIN:VCALENDAR")
    odd = attachment_for(db, me.id, message.id, 1)
    assert odd.content_type == "text/plain" and "/" not in odd.filename and '"' not in odd.filename
    assert "\r" not in odd.filename and "\n" not in odd.filename and " " not in odd.filename
    assert attachment_for(db, you.id, message.id, 0) is None
    assert attachment_for(db, me.id, message.id, 2) is None and attachment_for(db, me.id, message.id, -1) is None


@pytest.mark.parametrize("text, expected", [
    ("See http://localhost/events/3#date-9.", '<a href="/events/3#date-9">http://localhost/events/3#date-9</a>.'),
    ("Map: https://www.openstreetmap.org/?mlat=53.8&mlon=-1.5, then",
     '<a href="https://www.openstreetmap.org/?mlat=53.8&amp;mlon=-1.5" rel="noopener noreferrer nofollow">'),
    ("Write to mailto:hello@example.org today", '<a href="mailto:hello@example.org">hello@example.org</a> today'),
    ("(see https://en.wikipedia.org/wiki/Tea_(meal))", "wiki/Tea_(meal)</a>)"),
])
def test_links_become_links(text, expected):
    assert expected in str(body_html(text, "http://localhost"))


def test_nothing_from_a_body_is_kept_as_html():
    html = str(body_html('<script>alert(1)</script> javascript:alert(1) <a href="x">x</a>\n'
                         'https://x.org/"onmouseover="alert(1) data:text/html,hi', "http://localhost"))
    assert "<script" not in html and "<a href=\"x\"" not in html
    assert 'href="javascript' not in html and 'href="data' not in html
    assert "onmouseover=\"" not in html
    assert html.count("<a ") == 1  # only the https link


def test_paragraphs_and_line_breaks_are_kept():
    html = str(body_html("Hello Ada,\n\nLine one\nLine two\n", ""))
    assert html == "<p>Hello Ada,</p>\n<p>Line one<br>\nLine two</p>"
