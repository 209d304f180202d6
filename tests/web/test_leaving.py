"""Organisers' pages after a resident has left: the reports they wrote are still there, from "a former member"."""

from __future__ import annotations

import html

from factories import login, make_centre, make_resident, make_user

from store.accounts.models import Role
from store.leaving.operations import delete_account
from store.social.operations import report_person


def test_a_report_from_someone_who_left_shows_a_former_member(client, db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    writer, reported = make_resident(db, name="Ottoline Brackenbury"), make_resident(db)
    report = report_person(db, writer, reported.id, "Shouted at the volunteers", centre_id=centre.id)
    delete_account(db, settings, writer)
    login(client, organiser.email)
    listing = html.unescape(client.get(f"/organiser/centres/{centre.id}/reports").get_data(as_text=True))
    assert "<td>A former member</td>" in listing and "Ottoline" not in listing
    page = client.get(f"/organiser/centres/{centre.id}/reports/{report.id}")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "From a former member," in text and "Shouted at the volunteers" in text and "Ottoline" not in text
