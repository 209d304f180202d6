"""Organisers name their centre's neighbourhoods on a page; only they (and admins) can change them."""

from __future__ import annotations

import html
import io

import pytest

from store.accounts.models import Role
from store.places.neighbourhoods import load_postcodes, neighbourhoods_of
from tests.factories import csrf_token, login, make_centre, make_user, post_form


@pytest.fixture
def organiser(db, client):
    centre = make_centre(db, name="Hyde Park Hall")
    person = make_user(db, role=Role.ORGANISER, centre=centre)
    load_postcodes(db, "postcode,lat,lon\nLS6 3AA,53.8221,-1.5790\n")
    db.commit()
    login(client, person.email)
    return centre


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_add_by_point_or_postcode_then_remove(client, db, organiser):
    path = f"/neighbourhoods/{organiser.id}"
    assert client.get("/neighbourhoods/").headers["Location"].endswith(path)
    done = post_form(client, path, {"name": "Hyde Park", "lat": "53.8113", "lon": "-1.5660"}, follow_redirects=True)
    assert "Hyde Park is saved" in _text(done)
    done = post_form(client, path, {"name": "Headingley", "place": "LS6 3AA"}, follow_redirects=True)
    assert "Headingley is saved" in _text(done) and "km" in _text(done)
    hoods = neighbourhoods_of(db, organiser)
    assert [h.name for h in hoods] == ["Headingley", "Hyde Park"]
    assert (hoods[0].lat, hoods[0].lon) == (53.8221, -1.5790)
    gone = post_form(client, f"{path}/{hoods[1].id}/remove", {}, form_path=path, follow_redirects=True)
    assert "Removed" in _text(gone)
    assert [h.name for h in neighbourhoods_of(db, organiser)] == ["Headingley"]


@pytest.mark.parametrize("data,message", [
    ({"name": "Town", "place": "Leeds"}, "too rough for a neighbourhood"),
    ({"name": "Nowhere", "place": "Xyzzyville"}, "We couldn't find that place"),
    ({"name": "Half", "lat": "53.8"}, "both the latitude and the longitude"),
    ({"name": "", "lat": "53.8", "lon": "-1.5"}, "Please give the neighbourhood a name"),
    ({"name": "Far", "lat": "95", "lon": "-1.5"}, "between -90 and 90"),
    ({"name": "Empty"}, "Please give a postcode or street"),
])
def test_bad_neighbourhoods_are_explained(client, db, organiser, data, message):
    answer = post_form(client, f"/neighbourhoods/{organiser.id}", data)
    assert answer.status_code == 200 and message in _text(answer)
    assert neighbourhoods_of(db, organiser) == []


def test_upload_a_file(client, db, organiser):
    path = f"/neighbourhoods/{organiser.id}"
    good = io.BytesIO(b"name,lat,lon\nHyde Park,53.8113,-1.5660\nBurley,53.8063,-1.5820\n")
    done = post_form(client, f"{path}/upload", {"file": (good, "hoods.csv")}, form_path=path,
                     content_type="multipart/form-data", follow_redirects=True)
    assert "Loaded 2 neighbourhoods" in _text(done)
    bad = io.BytesIO(b"name,lat,lon\nOops,north,-1.5\n")
    answer = post_form(client, f"{path}/upload", {"file": (bad, "bad.csv")}, form_path=path,
                       content_type="multipart/form-data")
    assert "line 2" in _text(answer) and "Nothing was loaded" in _text(answer)
    assert len(neighbourhoods_of(db, organiser)) == 2


def test_only_that_centres_organisers(client, db, organiser):
    other_centre = make_centre(db, name="Beeston Hub")
    db.commit()
    assert client.get(f"/neighbourhoods/{other_centre.id}").status_code == 403
    assert post_form(client, f"/neighbourhoods/{other_centre.id}", {"name": "X", "lat": "53.8", "lon": "-1.5"},
                     form_path=f"/neighbourhoods/{organiser.id}").status_code == 403
    assert client.get("/neighbourhoods/999999").status_code == 404
    resident = make_user(db)
    db.commit()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile/")})
    login(client, resident.email)
    assert client.get("/neighbourhoods/").status_code == 403
    assert client.get(f"/neighbourhoods/{organiser.id}").status_code == 403
