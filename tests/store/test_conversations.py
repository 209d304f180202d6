"""A resident writing to their own centre: which centres, limits, organisers' replies and scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.models import Role
from store.centres.area import pseudonym
from store.conversations.access import (
    centres_for_resident,
    thread_for_organiser,
    thread_for_resident,
    thread_of_message,
)
from store.conversations.inbox import inbox, open_count
from store.conversations.models import ConversationError, Thread
from store.conversations.words import organiser_thread_words, resident_thread_words
from store.conversations.writing import centre_reply, mark_handled, resident_reply, start_thread
from store.core.db import utcnow
from store.events.signups import sign_up
from store.messages.models import Message
from store.messages.preferences import OFF, TOPICS, set_preferences
from store.places.neighbourhoods import set_neighbourhood
from store.profiles.models import Profile

LONDON = (51.5072, -0.1276)


@pytest.fixture
def town(db):
    home = make_centre(db, name="Hyde Park Hall")
    far = make_centre(db, name="Far Hall", lat=LONDON[0], lon=LONDON[1])
    organiser = make_user(db, role=Role.ORGANISER, centre=home, name="Olive Organiser")
    stranger = make_user(db, role=Role.ORGANISER, centre=far, name="Frank Faraway")
    resident = make_resident(db, name="Ada Lovelace", email="ada@example.org")
    return home, far, organiser, stranger, resident


def test_a_residents_centres_are_their_area_their_sign_ups_and_their_neighbourhood(db, settings, town):
    home, far, organiser, stranger, resident = town
    assert [c.id for c in centres_for_resident(db, resident)] == [home.id]
    _, occurrence = make_event(db, settings, far, stranger)
    sign_up(db, settings, occurrence.id, resident)
    assert {c.id for c in centres_for_resident(db, resident)} == {home.id, far.id}
    nobody = make_user(db)  # no home, no sign-ups
    assert centres_for_resident(db, nobody) == []
    third = make_centre(db, name="Third Hall", lat=LONDON[0] + 1, lon=LONDON[1])
    set_neighbourhood(db, third, "Little Corner", LONDON[0] + 1, LONDON[1])
    db.scalar(select(Profile).where(Profile.user_id == resident.id)).neighbourhood = "Little Corner"
    assert third.id in {c.id for c in centres_for_resident(db, resident)}


def test_a_resident_writes_only_to_their_own_centre(db, settings, town):
    home, far, organiser, stranger, resident = town
    with pytest.raises(PermissionError):
        start_thread(db, settings, resident, far.id, subject="Hello", body="Hi there")
    with pytest.raises(PermissionError):
        start_thread(db, settings, resident, 999999, subject="Hello", body="Hi there")
    assert db.scalars(select(Thread)).all() == []


def test_writing_tells_the_organisers_by_the_name_organiser_pages_use(db, settings, town):
    home, far, organiser, stranger, resident = town
    thread = start_thread(db, settings, resident, home.id, subject="Is there a lift?", body="My knees, you see.")
    told = db.scalars(select(Message).where(Message.user_id == organiser.id)).one()
    assert "Ada wrote to Hyde Park Hall" in told.subject  # first name: she agreed to show it
    assert "ada@example.org" not in told.subject + told.body and "Lovelace" not in told.body
    assert f"/organiser/inbox/{thread.id}" in told.body
    assert db.scalars(select(Message).where(Message.user_id == stranger.id)).all() == []
    rows = inbox(db, settings, organiser, home.id)
    assert [(r.thread.id, r.who, r.status) for r in rows] == [(thread.id, "Ada", "Waiting for a reply")]
    assert open_count(db, organiser, home.id) == 1


def test_someone_who_did_not_agree_is_a_pseudonym(db, settings, town):
    home, _, organiser, _, _ = town
    shy = make_resident(db, name="Shy Person", show_name=False)
    start_thread(db, settings, shy, home.id, subject="A question", body="Hello")
    (row,) = inbox(db, settings, organiser, home.id)
    assert row.who == pseudonym(shy.id, settings.secret_key) and "Shy" not in row.who


def test_another_centres_organiser_cannot_see_or_answer(db, settings, town):
    home, far, organiser, stranger, resident = town
    thread = start_thread(db, settings, resident, home.id, subject="Lift", body="Is there one?")
    with pytest.raises(PermissionError):
        thread_for_organiser(db, stranger, thread.id)
    with pytest.raises(PermissionError):
        inbox(db, settings, stranger, home.id)
    with pytest.raises(PermissionError):
        centre_reply(db, settings, stranger, thread.id, body="Hi")
    with pytest.raises(PermissionError):
        mark_handled(db, stranger, thread.id)
    assert open_count(db, stranger, home.id) == 0
    other = make_resident(db)
    assert thread_for_resident(db, other.id, thread.id) is None
    with pytest.raises(LookupError):
        resident_reply(db, settings, other, thread.id, body="Me too")


def test_a_reply_reaches_the_residents_messages_whatever_they_chose(db, settings, town):
    home, _, organiser, _, resident = town
    set_preferences(db, resident.id, {t.key: OFF for t in TOPICS})
    thread = start_thread(db, settings, resident, home.id, subject="Lift", body="Is there one?")
    post = centre_reply(db, settings, organiser, thread.id, body="Yes, by the side door.\nSee you soon!")
    message = db.get(Message, post.message_id)
    assert message.user_id == resident.id and message.topic == "always" and not message.held
    assert "Hyde Park Hall replied: Lift" == message.subject
    assert "Yes, by the side door." in message.body and f"/messages/conversations/{thread.id}" in message.body
    assert thread_of_message(db, resident.id, message.id).id == thread.id
    assert thread_of_message(db, organiser.id, message.id) is None
    assert organiser_thread_words(thread) == "Replied" and resident_thread_words(thread) == "Hyde Park Hall replied"
    assert open_count(db, organiser, home.id) == 0


def test_handled_threads_leave_the_open_inbox_and_come_back_when_the_resident_writes(db, settings, town):
    home, _, organiser, _, resident = town
    thread = start_thread(db, settings, resident, home.id, subject="Lift", body="Is there one?")
    mark_handled(db, organiser, thread.id)
    assert organiser_thread_words(thread) == "Handled"
    assert inbox(db, settings, organiser, home.id) == []
    assert [r.thread.id for r in inbox(db, settings, organiser, home.id, show="handled")] == [thread.id]
    resident_reply(db, settings, resident, thread.id, body="One more thing")
    assert thread.handled_at is None
    assert [r.thread.id for r in inbox(db, settings, organiser, home.id)] == [thread.id]


def test_a_resident_cannot_flood_a_centre(db, settings, town):
    home, _, organiser, _, resident = town
    now = utcnow()
    thread = start_thread(db, settings, resident, home.id, subject="One", body="1", now=now)
    for n in range(4):
        resident_reply(db, settings, resident, thread.id, body=f"more {n}", now=now + timedelta(minutes=n + 1))
    with pytest.raises(ConversationError, match="five messages in the last hour"):
        resident_reply(db, settings, resident, thread.id, body="and more", now=now + timedelta(minutes=10))
    later = now + timedelta(hours=1, minutes=10)
    resident_reply(db, settings, resident, thread.id, body="an hour on", now=later)
    start_thread(db, settings, resident, home.id, subject="Two", body="2", now=later)
    start_thread(db, settings, resident, home.id, subject="Three", body="3", now=later)
    with pytest.raises(ConversationError, match="three conversations today"):
        start_thread(db, settings, resident, home.id, subject="Four", body="4", now=later)
    # organisers' replies are not limited
    for n in range(8):
        centre_reply(db, settings, organiser, thread.id, body=f"reply {n}", now=later)


def test_bad_text_is_refused_clearly(db, settings, town):
    home, _, _, _, resident = town
    with pytest.raises(ConversationError, match="write your message"):
        start_thread(db, settings, resident, home.id, subject="Hello", body="   ")
    with pytest.raises(ConversationError, match="what it is about"):
        start_thread(db, settings, resident, home.id, subject=" ", body="Hi")
    with pytest.raises(ConversationError, match="4000"):
        start_thread(db, settings, resident, home.id, subject="Hello", body="x" * 4001)
    with pytest.raises(ConversationError):
        start_thread(db, settings, resident, home.id, subject="Hi\r\nBcc: x@example.org", body="Hi")
    assert db.scalars(select(Thread)).all() == []
