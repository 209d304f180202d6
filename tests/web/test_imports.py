"""The import pages: upload, preview, confirm; for the centre's own organisers only; CSRF; bad files
explained by line; an address fetched through the adapter's edge (never the network)."""

from __future__ import annotations

import html
import io
import re

import pytest
from event_factories import future_day, make_organiser
from factories import csrf_token, login, make_centre, make_user, post_form
from sqlalchemy import func, select

from store.events import ical_fetch
from store.events.models import Event


def _calendar(summary: str = "Chair yoga", weeks: int = 4) -> bytes:
    start, last = future_day(5), future_day(5 + 7 * (weeks - 1))
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:yoga-1@example.net\r\n"
        f"SUMMARY:{summary}\r\nDTSTART;TZID=Europe/London:{start:%Y%m%d}T100000\r\n"
        f"DTEND;TZID=Europe/London:{start:%Y%m%d}T110000\r\nRRULE:FREQ=WEEKLY;UNTIL={last:%Y%m%d}T235959Z\r\n"
        "DESCRIPTION:Gentle and seated.\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:fair@example.net\r\nSUMMARY:Summer fair\r\nDTSTART;VALUE=DATE:"
        f"{future_day(9):%Y%m%d}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _count(db, centre) -> int:
    return db.scalar(select(func.count(Event.id)).where(Event.centre_id == centre.id))


@pytest.fixture
def oak(client, db):
    centre = make_centre(db, name="Oak Hall")
    organiser = make_organiser(db, centre)
    login(client, organiser.email)
    return centre


def _upload(client, centre, data: bytes, **fields):
    path = f"/organiser/import/{centre.id}"
    form = {"kind": "exercise", "capacity": "15", "file": (io.BytesIO(data), "calendar.ics"), **fields}
    return post_form(client, path, form, content_type="multipart/form-data")


def _confirm(client, centre, preview_page: str):
    token = csrf_token(client, f"/organiser/import/{centre.id}")
    fields = dict(re.findall(r'<input id="(calendar|kind|capacity)" name="\1" type="hidden" value="([^"]*)"',
                             preview_page))
    assert set(fields) == {"calendar", "kind", "capacity"}, preview_page[-2000:]
    return client.post(f"/organiser/import/{centre.id}/confirm", data={**fields, "csrf_token": token},
                       follow_redirects=True)


def test_upload_preview_confirm_and_a_second_import_adds_nothing(client, db, oak):
    preview = _upload(client, oak, _calendar())
    page = _text(preview)
    assert preview.status_code == 200 and "Check the events before they're added" in page
    assert "Add" in page and "Chair yoga" in page and "Leave out" in page and "lasts all day" in page
    assert "1 new event and 1 left as it is" in page and _count(db, oak) == 0  # the preview saves nothing
    done = _text(_confirm(client, oak, preview.get_data(as_text=True)))
    assert "Done: 1 new event and 1 left as it is" in done
    (event,) = db.scalars(select(Event).where(Event.centre_id == oak.id))
    assert (event.title, event.kind, event.capacity, event.recurrence) == ("Chair yoga", "exercise", 15, "weekly")
    assert event.import_uid == "yoga-1@example.net" and len(event.occurrences) == 4
    again = _text(_upload(client, oak, _calendar()))
    assert "nothing about it has changed" in again and "Yes, bring them in" not in again
    changed = _upload(client, oak, _calendar("Gentle chair yoga"))
    assert "Update" in _text(changed) and "New title" in _text(changed)
    _confirm(client, oak, changed.get_data(as_text=True))
    db.refresh(event)
    assert event.title == "Gentle chair yoga" and _count(db, oak) == 1


def test_a_bad_file_gets_an_error_naming_the_line_and_nothing_is_saved(client, db, oak):
    bad = _calendar().replace(b"DTSTART;TZID=Europe/London:", b"DTSTART;TZID=Europe/London:x", 1)
    page = _text(_upload(client, oak, bad))
    assert "Line 7, column 28:" in page and "Nothing has been imported." in page
    assert 'aria-invalid="true"' in page and _count(db, oak) == 0
    page = _text(_upload(client, oak, b"name,email\nAda,ada@example.org\n"))
    assert "Line 1, column 1: This doesn't look like a calendar file" in page


def test_the_form_needs_a_file_or_an_address(client, oak):
    page = _text(post_form(client, f"/organiser/import/{oak.id}", {"kind": "event", "capacity": "20"}))
    assert "Please choose a calendar file, or give its web address." in page


def test_a_tampered_confirmation_is_refused_and_saves_nothing(client, db, oak):
    token = csrf_token(client, f"/organiser/import/{oak.id}")
    response = client.post(f"/organiser/import/{oak.id}/confirm",
                           data={"calendar": "not base64!", "kind": "event", "capacity": "20", "csrf_token": token})
    assert response.status_code == 400 and _count(db, oak) == 0


def test_an_address_is_fetched_through_the_adapter(client, db, oak, monkeypatch):
    asked = []

    def fake(url, **kwargs):
        asked.append((url, kwargs))
        return _calendar()

    monkeypatch.setattr(ical_fetch, "fetch_calendar", fake)
    page = _text(post_form(client, f"/organiser/import/{oak.id}", {
        "kind": "event", "capacity": "20", "url": "webcal://calendar.example.net/oak.ics"}))
    assert "Chair yoga" in page and asked[0][0] == "webcal://calendar.example.net/oak.ics"
    assert asked[0][1] == {"allow_private": False}

    def unreachable(url, **kwargs):
        raise ical_fetch.FetchError("The calendar's server didn't answer within 10 seconds.")

    monkeypatch.setattr(ical_fetch, "fetch_calendar", unreachable)
    page = _text(post_form(client, f"/organiser/import/{oak.id}", {
        "kind": "event", "capacity": "20", "url": "https://calendar.example.net/oak.ics"}))
    assert "didn't answer within 10 seconds" in page and "upload it instead" in page and _count(db, oak) == 0


def test_only_the_centres_organisers_may_import(client, db):
    oak, elm = make_centre(db), make_centre(db)
    make_organiser(db, oak)
    login(client, make_organiser(db, elm).email)
    assert client.get(f"/organiser/import/{oak.id}").status_code == 403
    token = csrf_token(client, f"/organiser/import/{elm.id}")
    files = {"file": (io.BytesIO(_calendar()), "c.ics"), "kind": "event", "capacity": "20", "csrf_token": token}
    assert client.post(f"/organiser/import/{oak.id}", data=files, content_type="multipart/form-data").status_code == 403
    assert client.post(f"/organiser/import/{oak.id}/confirm", data={"csrf_token": token}).status_code == 403
    assert client.get("/organiser/import/999999").status_code == 404
    client.post("/logout", data={"csrf_token": token})
    resident = make_user(db)
    login(client, resident.email)
    assert client.get(f"/organiser/import/{oak.id}").status_code == 403
    assert _count(db, oak) == 0


def test_without_a_csrf_token_nothing_happens(client, db, oak):
    response = client.post(f"/organiser/import/{oak.id}", data={
        "file": (io.BytesIO(_calendar()), "c.ics"), "kind": "event", "capacity": "20"},
        content_type="multipart/form-data")
    assert response.status_code == 400
    response = client.post(f"/organiser/import/{oak.id}/confirm", data={"calendar": "eA==", "kind": "event",
                                                                         "capacity": "20"})
    assert response.status_code == 400 and _count(db, oak) == 0


def test_logged_out_people_are_sent_to_log_in(app, db):
    oak = make_centre(db)
    response = app.test_client().get(f"/organiser/import/{oak.id}")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_the_organisers_page_links_the_import_and_the_public_page(client, oak):
    page = _text(client.get("/organiser/"))
    assert f'href="/organiser/import/{oak.id}"' in page and f'href="/centres/{oak.slug}"' in page
