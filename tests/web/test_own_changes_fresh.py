"""A person's own changes are never served stale: not by this worker's listing cache, nor by
another worker's, which a change made elsewhere does not clear."""

from __future__ import annotations

import html

from event_factories import future_day, make_event
from factories import login, make_user, post_form
from sqlalchemy import select

from store.accounts.models import User
from store.accounts.operations import note_write


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_change_saves_when_its_author_last_wrote_and_a_page_view_does_not(app, db, settings):
    event = make_event(db, settings, now=None, start_date=future_day(), title="Soup and stories")
    resident = make_user(db, email="writer@example.org")
    db.commit()
    client = app.test_client()
    login(client, resident.email)
    before = db.scalar(select(User.last_wrote_at).where(User.id == resident.id))
    client.get("/events/")
    client.get(f"/events/{event.id}")
    db.expire_all()
    assert db.scalar(select(User.last_wrote_at).where(User.id == resident.id)) == before  # reading is not writing
    page = post_form(client, f"/events/{event.id}/dates/{event.occurrences[0].id}/sign-up", {},
                     form_path=f"/events/{event.id}", follow_redirects=True)
    assert page.status_code == 200
    db.expire_all()
    after = db.scalar(select(User.last_wrote_at).where(User.id == resident.id))
    assert after is not None and (before is None or after > before)


def test_the_listing_is_worked_out_again_for_someone_who_changed_something_elsewhere(app, db, settings):
    """Another worker saved the change, so this worker's cache was not cleared: the author still
    sees it at once, while a visitor may see the listing as it was for up to its few seconds."""
    event = make_event(db, settings, now=None, start_date=future_day(), title="Soup and stories")
    resident = make_user(db, email="reader@example.org")
    db.commit()
    author, visitor = app.test_client(), app.test_client()
    login(author, resident.email)
    assert "Soup and stories" in _text(author.get("/events/"))
    assert "Soup and stories" in _text(visitor.get("/events/"))

    # What another worker's request would have saved: the new title, and that this person wrote.
    event.title = "Soup, stories and songs"
    note_write(db, resident.id)
    db.commit()

    assert "Soup, stories and songs" in _text(author.get("/events/"))
    assert "Soup and stories" in _text(visitor.get("/events/"))  # the cache is real: at most 10 s old
