"""The Messages pages: links and attachments, the unread count, writing to one's centre, the
organisers' inbox (scoped to their own centre), and the message choices on the account page."""

from __future__ import annotations

import re

import pytest
from factories import csrf_token, login, logout, make_centre, make_resident, make_user, post_form
from sqlalchemy import select

from store.accounts.models import Role
from store.conversations.models import Thread
from store.conversations.writing import start_thread
from store.messages.models import Attachment, Message
from store.messages.outbox import queue_message
from store.messages.preferences import preferences_for

LONDON = (51.5072, -0.1276)


@pytest.fixture
def town(db):
    home = make_centre(db, name="Hyde Park Hall")
    far = make_centre(db, name="Far Hall", lat=LONDON[0], lon=LONDON[1])
    organiser = make_user(db, role=Role.ORGANISER, centre=home, name="Olive Organiser")
    stranger = make_user(db, role=Role.ORGANISER, centre=far, name="Frank Faraway")
    resident = make_resident(db, name="Ada Lovelace", email="ada@example.org")
    return home, far, organiser, stranger, resident


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_a_message_shows_its_links_as_links_and_its_attachment_downloads(client, db):
    ada, bob = make_user(db), make_user(db)
    note = queue_message(db, to_email=ada.email, user_id=ada.id, subject="You have a seat", body=(
        "Hello <b>Ada</b>,\n\nSee http://localhost/events/3#date-9 or https://example.org/a.\n"
        "javascript:alert(1)"), attachments=[Attachment(
            filename="hearth-event.ics", content_type="text/calendar", content="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
    login(client, ada.email)
    page = _page(client, f"/messages/{note.id}")
    assert "<pre" not in page
    assert '<a href="/events/3#date-9">http://localhost/events/3#date-9</a>' in page
    assert '<a href="https://example.org/a" rel="noopener noreferrer nofollow">' in page
    assert "&lt;b&gt;Ada&lt;/b&gt;" in page and 'href="javascript' not in page
    download = client.get(f"/messages/{note.id}/attachments/0")
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    assert download.headers["Content-Disposition"] == 'attachment; filename="hearth-event.ics"'
    assert download.data.startswith(b"BEGIN:VCALENDAR")
    assert client.get(f"/messages/{note.id}/attachments/1").status_code == 404
    logout(client)
    login(client, bob.email)
    assert client.get(f"/messages/{note.id}/attachments/0").status_code == 404
    logout(client)
    assert client.get(f"/messages/{note.id}/attachments/0").status_code in (302, 401)


def _menu_count(page: str) -> str | None:
    match = re.search(r'<a href="/messages"[^>]* aria-label="Messages ([^"]+)">Messages <span class="nav-count"', page)
    return match.group(1) if match else None


def test_the_menu_counts_unread_messages_until_they_are_read(client, db):
    ada = make_user(db)
    notes = [queue_message(db, to_email=ada.email, user_id=ada.id, subject=f"Note {n}", body="Hi") for n in range(3)]
    login(client, ada.email)
    assert _menu_count(_page(client, "/")) == "3 unread"
    _page(client, f"/messages/{notes[0].id}")
    assert _menu_count(_page(client, "/")) == "2 unread"
    page = _page(client, "/messages")
    assert "2 unread." in page and "Mark all read" in page
    response = post_form(client, "/messages/read-all", {}, form_path="/messages", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert _menu_count(page) is None and "You've read everything." in page
    assert all(n.read_at is not None for n in db.scalars(select(Message).where(Message.user_id == ada.id)))


def test_a_resident_writes_to_their_centre_and_reads_the_reply(client, db, town):
    home, far, organiser, stranger, resident = town
    login(client, resident.email)
    page = _page(client, "/messages/write")
    assert "Hyde Park Hall" in page and "Far Hall" not in page
    response = post_form(client, "/messages/write", {"centre": far.id, "subject": "Hi", "body": "Hello"})
    assert response.status_code == 200 and db.scalars(select(Thread)).all() == []  # not a choice
    response = post_form(client, "/messages/write", {"centre": home.id, "subject": "Is there a lift?",
                                                     "body": "My knees, you see."}, follow_redirects=True)
    assert "Your message is on its way to Hyde Park Hall" in response.get_data(as_text=True)
    thread = db.scalars(select(Thread)).one()
    logout(client)

    login(client, organiser.email)
    assert "1 waiting" in _page(client, "/")
    inbox = _page(client, "/organiser/inbox")
    assert "Is there a lift?" in inbox and "from Ada" in inbox and "ada@example.org" not in inbox
    page = _page(client, f"/organiser/inbox/{thread.id}")
    assert "My knees, you see." in page and "Lovelace" not in page and "ada@example.org" not in page
    post_form(client, f"/organiser/inbox/{thread.id}", {"body": "Yes, by the side door."})
    post_form(client, f"/organiser/inbox/{thread.id}/handled", {"handled": "1"},
              form_path=f"/organiser/inbox/{thread.id}")
    assert "Nothing waiting" in _page(client, "/organiser/inbox")
    logout(client)

    login(client, resident.email)
    messages = _page(client, "/messages")
    assert "Hyde Park Hall replied: Is there a lift?" in messages
    reply = db.scalars(select(Message).where(Message.user_id == resident.id, Message.kind == "reply")).one()
    page = _page(client, f"/messages/{reply.id}")
    assert "Yes, by the side door." in page and f"/messages/conversations/{thread.id}" in page
    response = post_form(client, f"/messages/conversations/{thread.id}", {"body": "Thank you!"},
                         follow_redirects=True)
    assert "Thank you!" in response.get_data(as_text=True)
    db.refresh(thread)
    assert thread.handled_at is None  # open again for the organisers


def test_another_centres_organiser_gets_403_and_other_residents_404(client, db, settings, town):
    home, far, organiser, stranger, resident = town
    thread = start_thread(db, settings, resident, home.id, subject="Lift", body="Is there one?")
    login(client, stranger.email)
    assert client.get(f"/organiser/inbox/{thread.id}").status_code == 403
    token = csrf_token(client, "/organiser/inbox")
    assert client.post(f"/organiser/inbox/{thread.id}", data={"body": "Hi", "csrf_token": token}).status_code == 403
    assert client.post(f"/organiser/inbox/{thread.id}/handled",
                       data={"handled": "1", "csrf_token": token}).status_code == 403
    assert client.get(f"/organiser/inbox?centre={home.id}").status_code == 403
    assert "Lift" not in _page(client, "/organiser/inbox")
    assert client.get("/organiser/inbox/999999").status_code == 404
    logout(client)
    other = make_resident(db)
    login(client, other.email)
    assert client.get(f"/messages/conversations/{thread.id}").status_code == 404
    assert client.get("/organiser/inbox").status_code == 403
    db.refresh(thread)
    assert len(thread.posts) == 1 and thread.handled_at is None


def test_a_resident_is_told_when_they_write_too_much(client, db, town):
    home, _, _, _, resident = town
    login(client, resident.email)
    for n in range(3):
        post_form(client, "/messages/write", {"centre": home.id, "subject": f"Question {n}", "body": "Hello"})
    response = post_form(client, "/messages/write", {"centre": home.id, "subject": "Question 4", "body": "Hello"})
    assert response.status_code == 200 and "three conversations today" in response.get_data(as_text=True)
    assert len(db.scalars(select(Thread)).all()) == 3


def test_message_choices_live_on_the_account_page(client, db):
    ada = make_user(db)
    login(client, ada.email)
    page = _page(client, "/account")
    assert "Messages you get" in page and "These always arrive" in page and "can't be turned off" in page
    assert "Replies to a message you wrote" in page
    data = {"group_offers": "off", "reminders": "now", "feedback": "daily", "news": "off"}
    response = post_form(client, "/account/messages", data, form_path="/account", follow_redirects=True)
    assert "Your message choices are saved." in response.get_data(as_text=True)
    assert preferences_for(db, ada.id) == data
    page = _page(client, "/account")
    assert '<input checked id="feedback-1" name="feedback" required type="radio" value="daily">' in page
    response = post_form(client, "/account/messages", {**data, "reminders": "daily"}, form_path="/account")
    assert response.status_code == 200 and "Please choose how often you&#39;d like reminders" in response.get_data(
        as_text=True)
    assert preferences_for(db, ada.id)["reminders"] == "now"
