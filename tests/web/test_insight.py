"""The organiser's view: scoped to their centre, pseudonyms unless consented, no places, figures
that match the database, CSV exports that parse, reports only for the centre's organisers."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from factories import (
    login,
    logout,
    make_centre,
    make_event,
    make_resident,
    make_user,
    post_form,
)
from sqlalchemy import select

from store.accounts.models import Role
from store.centres.area import pseudonym
from store.core.models import JobRun, RunStatus
from store.groups.matching import run_matching
from store.groups.models import Group
from store.groups.offers import respond
from store.profiles.models import Profile
from store.social.models import Checkin, Report, ReportStatus
from store.social.operations import report_person


@pytest.fixture
def area(db, settings):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    named = [make_resident(db, name=f"Nadia{i} Long-Surname", show_name=True) for i in range(3)]
    hidden = [make_resident(db, name=f"Hidden{i} Person", show_name=False) for i in range(3)]
    run_matching(db, settings, occurrence.id)
    return centre, organiser, occurrence, named, hidden


def test_another_centres_organiser_is_refused(client, db, area):
    centre = area[0]
    other = make_user(db, role=Role.ORGANISER, centre=make_centre(db, name="Elsewhere"))
    resident = make_user(db)
    for person in (other, resident):
        login(client, person.email)
        for path in ("/", "/graph", "/graph.json", "/members", "/members.csv", "/groups.csv", "/unreached",
                     "/reports", "/runs", "/figures.csv"):
            assert client.get(f"/organiser/centres/{centre.id}{path}").status_code == 403, path
        logout(client)


def test_graph_json_uses_consented_names_or_pseudonyms_and_no_places(client, db, app, area):
    centre, organiser, _, named, hidden = area
    queue = app.extensions["hearth.queue"]
    queue.enqueue("graph_snapshot", centre.id)()
    login(client, organiser.email)
    data = client.get(f"/organiser/centres/{centre.id}/graph.json").get_json()
    labels = {n["label"] for n in data["nodes"]}
    assert {f"Nadia{i}" for i in range(3)} <= labels
    secret = app.extensions["hearth.settings"].secret_key
    assert {pseudonym(u.id, secret) for u in hidden} <= labels
    raw = json.dumps(data)
    assert "Hidden" not in raw and "Surname" not in raw and "@" not in raw
    homes = db.execute(select(Profile.home_lat, Profile.home_lon)).all()
    for lat, lon in homes:
        assert str(lat) not in raw and str(lon) not in raw
    assert data["summary"]["members"] == 6 and data["groups"]
    run = db.scalars(select(JobRun).where(JobRun.kind == "graph")).one()
    assert run.status == RunStatus.SUCCEEDED and run.counts["members"] == 6


def test_figures_match_the_database(client, db, settings, area):
    centre, organiser, occurrence, named, hidden = area
    group = db.scalars(select(Group)).first()
    for seat in group.seats[:4]:
        respond(db, settings, group.id, seat.user, accept=True)
    db.add(Checkin(user_id=named[0].id, companionship=3, left_out=3, isolated=3, follow_up_consent=True))
    db.flush()
    login(client, organiser.email)
    page = client.get(f"/organiser/centres/{centre.id}/").get_data(as_text=True)
    found = re.findall(r'<p class="figure-number">([^<]+)</p><p>([^<(]+)', page)
    by_label = {label.strip(): value for value, label in found}
    assert by_label["residents in the area"] == "6"
    assert by_label["not yet placed in a group"] == "0"  # four said yes, two hold offers: all placed
    assert by_label["say they often feel isolated"] == "1"
    rows = list(csv.reader(io.StringIO(client.get(f"/organiser/centres/{centre.id}/groups.csv").get_data(as_text=True))))
    assert rows[0][:4] == ["group", "event", "starts_at", "status"]
    assert len(rows) == 1 + len(db.scalars(select(Group)).all())
    figures = list(csv.DictReader(io.StringIO(client.get(f"/organiser/centres/{centre.id}/figures.csv").get_data(as_text=True))))
    assert sum(int(r["groups_formed"]) for r in figures) == len(db.scalars(select(Group)).all())
    members = list(csv.DictReader(io.StringIO(client.get(f"/organiser/centres/{centre.id}/members.csv").get_data(as_text=True))))
    assert len(members) == 6 and "Hidden0" not in str(members)


def test_unreached_shows_contact_only_with_consent(client, db, area):
    centre, organiser, _, named, hidden = area
    from datetime import timedelta

    for person in named + hidden:
        person.created_at = person.created_at - timedelta(days=10)
    db.add(Checkin(user_id=hidden[0].id, companionship=3, left_out=3, isolated=3, follow_up_consent=True))
    db.add(Checkin(user_id=hidden[1].id, companionship=3, left_out=3, isolated=3, follow_up_consent=False))
    db.flush()
    login(client, organiser.email)
    page = client.get(f"/organiser/centres/{centre.id}/unreached").get_data(as_text=True)
    assert hidden[0].email in page and hidden[1].email not in page and named[0].email not in page
    assert "asked for a call or visit" in page
    post_form(client, f"/organiser/centres/{centre.id}/unreached", {"user_id": hidden[0].id, "note": "Rang; coming Friday"})
    page = client.get(f"/organiser/centres/{centre.id}/unreached").get_data(as_text=True)
    assert "Rang; coming Friday" in page


def test_reports_are_handled_by_the_centre(client, db, area):
    centre, organiser, _, named, hidden = area
    group = db.scalars(select(Group)).first()
    reporter, reported = group.seats[0].user, group.seats[1].user
    report = report_person(db, reporter, reported.id, "Rude at the table", centre_id=centre.id, group_id=group.id)
    login(client, organiser.email)
    assert "Rude at the table" in client.get(f"/organiser/centres/{centre.id}/reports/{report.id}").get_data(as_text=True)
    post_form(client, f"/organiser/centres/{centre.id}/reports/{report.id}",
              {"note": "Spoke to both", "pause_days": "30", "close": "y"})
    db.refresh(report)
    assert report.status == ReportStatus.CLOSED and "Spoke to both" in report.organiser_note
    profile = db.scalar(select(Profile).where(Profile.user_id == reported.id))
    db.refresh(profile)
    assert profile.organiser_paused_until is not None and profile.paused_until is None  # theirs is untouched
    page = client.get(f"/organiser/centres/{centre.id}/reports/{report.id}").get_data(as_text=True)
    assert "Paused until" in page
    db.refresh(group)
    assert reported.id not in {s.user_id for s in group.active_seats}  # out of the unconfirmed group
    members = client.get(f"/organiser/centres/{centre.id}/members").get_data(as_text=True)
    assert "Paused until" in members  # the same words on every organiser page that shows them
    post_form(client, f"/organiser/centres/{centre.id}/reports/{report.id}/lift-pause", {})
    db.refresh(profile)
    assert profile.organiser_paused_until is None
    assert "Paused until" not in client.get(f"/organiser/centres/{centre.id}/reports/{report.id}").get_data(as_text=True)
    other_centre = make_centre(db, name="Other Hall")
    stray = report_person(db, reporter, reported.id, "Elsewhere", centre_id=other_centre.id)
    assert client.get(f"/organiser/centres/{centre.id}/reports/{stray.id}").status_code == 404


def test_run_matching_now_records_a_run(client, db, area):
    centre, organiser, occurrence, *_ = area
    login(client, organiser.email)
    page = post_form(client, f"/organiser/centres/{centre.id}/runs", {"what": "match"}, follow_redirects=True)
    assert "Matching has started" in page.get_data(as_text=True)
    assert db.scalars(select(JobRun).where(JobRun.kind == "match", JobRun.centre_id == centre.id)).all()
    assert db.scalar(select(Report)) is None
