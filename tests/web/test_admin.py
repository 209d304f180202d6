"""Admins create centres and invite organisers; invitations are single-use and expire."""

from __future__ import annotations

import re
from datetime import timedelta

from factories import csrf_token, login, make_centre, make_user, post_form
from sqlalchemy import select

from store.accounts.models import Role, User
from store.centres import organisers
from store.centres.models import Centre, Invitation
from store.core.db import utcnow
from store.messages.models import Message


def _admin(client, db):
    admin = make_user(db, role=Role.ADMIN)
    login(client, admin.email)
    return admin


def test_admin_creates_a_centre_with_a_time_zone(client, db):
    _admin(client, db)
    response = post_form(
        client, "/admin/centres",
        {"name": "Harehills Hall", "address": "Harehills Lane, Leeds", "lat": "53.81", "lon": "-1.509"},
        follow_redirects=True,
    )
    assert "Harehills Hall is ready" in response.get_data(as_text=True)
    centre = db.scalar(select(Centre).where(Centre.name == "Harehills Hall"))
    assert centre.timezone == "Europe/London" and centre.slug == "harehills-hall"


def test_bad_centre_input_is_explained(client, db):
    _admin(client, db)
    make_centre(db, name="Taken")
    page = post_form(client, "/admin/centres", {"name": "Taken"}).get_data(as_text=True)
    assert "already exists" in page
    page = post_form(client, "/admin/centres", {"name": "Half", "lat": "53"}).get_data(as_text=True)
    assert "both latitude and longitude" in page
    page = post_form(client, "/admin/centres", {"name": "Far", "lat": "95", "lon": "0"}).get_data(as_text=True)
    assert "Latitude runs from -90 to 90" in page
    assert db.scalar(select(Centre).where(Centre.name.in_(["Half", "Far"]))) is None


def test_invitation_makes_a_new_organiser(client, db, app):
    _admin(client, db)
    centre = make_centre(db)
    post_form(client, f"/admin/centres/{centre.id}", {"email": "helper@example.org"}, follow_redirects=True)
    body = db.scalar(select(Message.body).where(Message.to_email == "helper@example.org"))
    link = re.search(r"http://localhost(/invite/[\w-]+)", body).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    page = post_form(client, link, {"display_name": "Hal", "password": "kind helpful person", "confirm": "kind helpful person"},
                     follow_redirects=True).get_data(as_text=True)
    assert f"organiser of {centre.name}" in page
    helper = db.scalar(select(User).where(User.email == "helper@example.org"))
    assert helper.role == Role.ORGANISER and helper.organises(centre.id)
    assert client.get(link).status_code == 410  # single use


def test_existing_resident_accepts_while_logged_in(client, db):
    centre = make_centre(db)
    resident = make_user(db, email="res@example.org")
    organisers.invite_organiser(db, app_settings(client), centre=centre, email="res@example.org", invited_by=None)
    body = db.scalar(select(Message.body).where(Message.to_email == "res@example.org"))
    link = re.search(r"http://localhost(/invite/[\w-]+)", body).group(1)
    login(client, resident.email)
    post_form(client, link, {}, follow_redirects=True)
    db.refresh(resident)
    assert resident.role == Role.ORGANISER and resident.organises(centre.id)


def test_expired_invitation_is_refused(client, db):
    centre = make_centre(db)

    organisers.invite_organiser(db, app_settings(client), centre=centre, email="late@example.org", invited_by=None)
    link = re.search(r"http://localhost(/invite/[\w-]+)", db.scalar(select(Message.body))).group(1)
    for inv in db.scalars(select(Invitation)):
        inv.expires_at = utcnow() - timedelta(hours=1)
    db.flush()
    assert client.get(link).status_code == 410


def test_organiser_is_not_an_admin(client, db):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    login(client, organiser.email)
    assert client.get("/admin/centres").status_code == 403
    assert client.get(f"/admin/centres/{centre.id}").status_code == 403


def app_settings(client):
    return client.application.extensions["hearth.settings"]


def test_a_centre_with_only_an_address_gets_its_point_from_the_geocoding_job(client, db):
    _admin(client, db)
    post_form(client, "/admin/centres", {"name": "Town Hall Centre", "address": "Leeds"}, follow_redirects=True)
    centre = db.scalar(select(Centre).where(Centre.name == "Town Hall Centre"))
    assert centre.lat is not None and abs(centre.lat - 53.80) < 0.1 and centre.timezone == "Europe/London"
