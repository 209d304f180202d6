"""Admins create centres and invite organisers; invitations are single-use and expire."""

from __future__ import annotations

import html
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


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_admin_places_a_centre_by_searching_its_address(client, db):
    _admin(client, db)
    form = {"name": "Harehills Hall", "address": "Paris", "description": "Tea and talk."}
    # the search shows the place found and its own time zone at once, and saves nothing yet
    page = _text(post_form(client, "/admin/centres", {**form, "action": "search"}))
    assert "Found:" in page and "Paris, France" in page and "Europe/Paris" in page
    assert 'value="48.853410,2.348800"' in page and 'name="place_for" value="Paris"' in page
    assert db.scalar(select(Centre).where(Centre.name == "Harehills Hall")) is None
    assert 'name="lat"' not in page and "Latitude" not in page  # nobody types coordinates
    response = post_form(client, "/admin/centres", {**form, "action": "save", "place": "48.853410,2.348800",
                                                    "place_for": "Paris"})
    assert response.status_code == 303
    page = _text(client.get(response.headers["Location"]))
    assert "Harehills Hall is on the map, in the Europe/Paris time zone" in page and "Time zone: Europe/Paris" in page
    centre = db.scalar(select(Centre).where(Centre.name == "Harehills Hall"))
    assert (centre.lat, centre.lon, centre.timezone, centre.slug) == (48.85341, 2.3488, "Europe/Paris", "harehills-hall")


def test_saving_without_a_search_searches_the_address(client, db):
    _admin(client, db)
    response = post_form(client, "/admin/centres", {"name": "Leeds Hall", "address": "Leeds", "action": "save"})
    assert response.status_code == 303
    centre = db.scalar(select(Centre).where(Centre.name == "Leeds Hall"))
    assert centre.timezone == "Europe/London" and round(centre.lat, 2) == 53.80
    # a point found for another address is not used: the changed address is searched again
    response = post_form(client, "/admin/centres", {"name": "Paris Hall", "address": "Paris", "action": "save",
                                                    "place": "53.796480,-1.547850", "place_for": "Leeds"})
    assert db.scalar(select(Centre.timezone).where(Centre.name == "Paris Hall")) == "Europe/Paris"


def test_a_shared_name_offers_a_choice_and_a_typo_is_explained(client, db):
    _admin(client, db)
    page = _text(post_form(client, "/admin/centres", {"name": "Spring Hall", "address": "Springfield", "action": "save"}))
    assert "Which place is it?" in page and "choose which one" in page
    assert "Springfield, Illinois, United States" in page and "America/Chicago" in page
    assert db.scalar(select(Centre).where(Centre.name == "Spring Hall")) is None
    choice = re.search(r'value="([-\d.,]+)">\s*<label for="place-\d+">Springfield, Massachusetts', page).group(1)
    post_form(client, "/admin/centres", {"name": "Spring Hall", "address": "Springfield", "action": "save",
                                         "place": choice, "place_for": "Springfield"})
    assert db.scalar(select(Centre.timezone).where(Centre.name == "Spring Hall")) == "America/New_York"
    page = _text(post_form(client, "/admin/centres", {"name": "Lost Hall", "address": "Qwxzzy Nowhere", "action": "search"}))
    assert "couldn't find that place" in page and 'value="Qwxzzy Nowhere"' in page and 'value="Lost Hall"' in page
    assert db.scalar(select(Centre).where(Centre.name == "Lost Hall")) is None


def test_bad_centre_input_is_explained(client, db):
    _admin(client, db)
    make_centre(db, name="Taken")
    page = _text(post_form(client, "/admin/centres", {"name": "Taken", "address": "Leeds", "action": "save"}))
    assert "already exists" in page
    page = _text(post_form(client, "/admin/centres", {"name": "No address", "address": "", "action": "save"}))
    assert "Please give the centre's address" in page
    page = _text(post_form(client, "/admin/centres", {"name": "Far", "address": "Leeds", "action": "save",
                                                      "place": "95,0", "place_for": "Leeds"}))
    assert "not a valid point on Earth" in page
    assert db.scalar(select(Centre).where(Centre.name.in_(["No address", "Far"]))) is None


def test_admin_edits_a_centre_and_its_place(client, db):
    _admin(client, db)
    centre = make_centre(db, name="Old Name")
    page = _text(client.get(f"/admin/centres/{centre.id}/edit"))
    assert 'value="Old Name"' in page and "Time zone: <strong>Europe/London</strong>" in page
    old_point = re.search(r'name="place" value="([^"]+)"', page).group(1)
    # a new name, the same place
    response = post_form(client, f"/admin/centres/{centre.id}/edit",
                         {"name": "New Name", "address": centre.address, "description": "Now with a garden.",
                          "action": "save", "place": old_point, "place_for": centre.address})
    assert response.status_code == 303
    db.refresh(centre)
    assert (centre.name, centre.description, centre.timezone) == ("New Name", "Now with a garden.", "Europe/London")
    # a new address, searched: its time zone shows before saving, and after
    page = _text(post_form(client, f"/admin/centres/{centre.id}/edit",
                           {"name": "New Name", "address": "Paris", "action": "search"}))
    assert "Europe/Paris" in page
    db.refresh(centre)
    assert centre.timezone == "Europe/London"
    post_form(client, f"/admin/centres/{centre.id}/edit", {"name": "New Name", "address": "Paris", "action": "save",
                                                           "place": "48.853410,2.348800", "place_for": "Paris"})
    db.refresh(centre)
    assert (centre.address, centre.timezone) == ("Paris", "Europe/Paris")
    other = make_centre(db, name="Other")
    page = _text(post_form(client, f"/admin/centres/{other.id}/edit", {"name": "New Name", "address": "Leeds",
                                                                       "action": "save"}))
    assert "already exists" in page
    assert client.get("/admin/centres/999999/edit").status_code == 404


def test_only_admins_place_centres(client, db):
    centre = make_centre(db)
    login(client, make_user(db, role=Role.ORGANISER, centre=centre).email)
    assert client.get(f"/admin/centres/{centre.id}/edit").status_code == 403
    assert client.get("/admin/centres").status_code == 403


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
