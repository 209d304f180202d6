"""A date's list for organisers: check-in from the day of the event (before that, a line saying
when), a refusal shown beside its row, a print layout, and the list as CSV and ODS that hold
names only as the list shows them, for the centre's own organisers only."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import time, timedelta
from xml.etree import ElementTree

from event_factories import make_event, make_organiser, share_first_name
from factories import login, logout, make_centre, make_user, post_form

from store.core.db import utcnow
from store.events import signups
from store.events.models import SignupStatus
from store.events.times import local_datetime, to_local

NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _today_event(db, settings, centre, organiser, capacity=2):
    """A date today on the centre's clock, whatever the time (posted as of midnight)."""
    today = to_local(utcnow(), centre.timezone).date()
    midnight = local_datetime(today, time(0, 0), centre.timezone)
    return make_event(db, settings, centre=centre, by=organiser, now=midnight, start_date=today,
                      start_time=time(0, 1), end_time=time(23, 59), capacity=capacity)


def _row(page: str, signup_id: int) -> str:
    match = re.search(rf'<tr id="signup-{signup_id}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, f"no row for sign-up {signup_id}"
    return match.group(1)


def _people(db, settings, occurrence):
    maud = make_user(db, name="Maud Jones", email="maud@example.org")
    share_first_name(db, maud)
    hidden = make_user(db, name="Winston Private", email="winston@example.org")
    late = make_user(db, name="Lena Later", email="lena@example.org")
    share_first_name(db, late)
    before = min(utcnow(), occurrence.starts_at - timedelta(minutes=1))  # a date today may have begun
    rows = [signups.sign_up(db, settings, occurrence.id, person, now=before) for person in (maud, hidden, late)]
    return rows  # capacity 2: Lena waits


def test_before_the_day_a_line_says_when_and_a_refusal_sits_by_its_row(client, db, settings):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    event = make_event(db, settings, centre=centre, by=organiser, now=None,
                       start_date=utcnow().date() + timedelta(days=3), capacity=2)
    occurrence = event.occurrences[0]
    maud, _, _ = _people(db, settings, occurrence)
    login(client, organiser.email)
    path = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    page = _text(client.get(path))
    day = occurrence.local_date
    assert f"You can check people in from {day:%A} {day.day} {day:%B}, the day of the event." in page
    assert "/check-in/" not in page  # no buttons yet
    assert f"From {day:%a} {day.day} {day:%b}" in _row(page, maud.id)

    response = post_form(client, f"{path}/check-in/{maud.id}", {"status": "attended"}, form_path=path)
    assert response.status_code == 409
    page = _text(response)
    row = _row(page, maud.id)
    assert "You can check people in from the day of the event." in row and 'role="alert"' in row
    assert 'class="flash flash-error"' not in page  # not up at the top, away from the row
    db.refresh(maud)
    assert maud.status == SignupStatus.CONFIRMED


def test_on_the_day_the_buttons_work_and_a_stale_row_is_refused_beside_it(client, db, settings):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    event = _today_event(db, settings, centre, organiser)
    occurrence = event.occurrences[0]
    maud, _, lena = _people(db, settings, occurrence)
    login(client, organiser.email)
    path = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    page = _text(client.get(path))
    assert "You can check people in from" not in page
    assert "Didn't come" in _row(page, maud.id)
    assert f'action="{path}/check-in/{maud.id}#signup-{maud.id}"' in page  # back to the row after posting
    response = post_form(client, f"{path}/check-in/{maud.id}", {"status": "attended"}, form_path=path)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#signup-{maud.id}")
    db.refresh(maud)
    assert maud.status == SignupStatus.ATTENDED
    # Lena is on the waiting list: someone posting from an old page is told why, beside her row
    response = post_form(client, f"{path}/check-in/{lena.id}", {"status": "attended"}, form_path=path)
    assert response.status_code == 409
    assert "Only people with a seat can be checked in." in _row(_text(response), lena.id)
    db.refresh(lena)
    assert lena.status == SignupStatus.WAITLISTED


def test_the_list_prints_cleanly(client, db, settings):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    event = _today_event(db, settings, centre, organiser)
    occurrence = event.occurrences[0]
    _people(db, settings, occurrence)
    login(client, organiser.email)
    page = _text(client.get(f"/organiser/events/{event.id}/dates/{occurrence.id}"))
    assert "css/organiser.css" in page and "data-print" in page and "Printed " in page
    css = client.get("/static/css/organiser.css").get_data(as_text=True)
    printed = css[css.index("@media print"):]
    for hidden in (".site-header", ".site-footer", ".roster form", "section.card"):
        assert hidden in printed


def _ods_rows(data: bytes) -> list[list[str]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert "META-INF/manifest.xml" in archive.namelist()
    root = ElementTree.fromstring(archive.read("content.xml"))
    rows = []
    for row in root.iter(f"{{{NS['table']}}}table-row"):
        rows.append(["".join(p.text or "" for p in cell.iter(f"{{{NS['text']}}}p"))
                     for cell in row.findall("table:table-cell", NS)])
    return rows


def test_csv_and_ods_hold_the_list_as_shown_and_nothing_more(client, db, settings):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    event = _today_event(db, settings, centre, organiser)
    occurrence = event.occurrences[0]
    maud, hidden, _ = _people(db, settings, occurrence)
    login(client, organiser.email)
    base = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    page = _text(client.get(base))
    shown = re.findall(r'<tr id="signup-\d+"[^>]*>\s*<td>([^<]+)</td>', page)
    shown = [name.strip() for name in shown]
    assert shown[0] == "Maud" and shown[1].startswith("Neighbour ") and shown[2] == "Lena"

    response = client.get(base + "/sign-ups.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="sign-ups-{event.id}-{occurrence.local_date}.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Name", "Status", "Waiting list place", "Signed up", "Checked in"]
    assert [r[0] for r in rows[1:]] == shown
    assert rows[1][1] == "Has a seat" and rows[3][1:3] == ["Waiting list (number 1)", "1"]

    response = client.get(base + "/sign-ups.ods")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    ods_rows = _ods_rows(response.get_data())
    assert ods_rows == rows

    for body in (response.get_data(), client.get(base + "/sign-ups.csv").get_data()):
        raw = zipfile.ZipFile(io.BytesIO(body)).read("content.xml") if body[:2] == b"PK" else body
        for private in (b"Jones", b"Winston", b"Private", b"@example.org", b"maud@"):
            assert private not in raw


def test_another_centres_organiser_and_residents_get_no_list(client, db, settings):
    centre = make_centre(db)
    organiser = make_organiser(db, centre)
    event = _today_event(db, settings, centre, organiser)
    occurrence = event.occurrences[0]
    _people(db, settings, occurrence)
    base = f"/organiser/events/{event.id}/dates/{occurrence.id}"
    other = make_organiser(db, make_centre(db, name="Far Hall"))
    resident = make_user(db)
    for person in (other, resident):
        login(client, person.email)
        for suffix in ("", "/sign-ups.csv", "/sign-ups.ods"):
            assert client.get(base + suffix).status_code == 403, (person.email, suffix)
        logout(client)
    login(client, organiser.email)
    assert client.get(f"/organiser/events/{event.id}/dates/999999/sign-ups.ods").status_code == 404
    assert client.get(f"/organiser/events/999999/dates/{occurrence.id}/sign-ups.csv").status_code == 404
