"""A home address is geocoded once and kept coarse: no response of any route, no log line, no file
in the instance folder and no database column holds the address typed or a point finer than the grid."""

from __future__ import annotations

import html
import io
import itertools
import logging
import re
import zipfile
from pathlib import Path

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.geocoders import options as geopy_options
from sqlalchemy import JSON, String, Text, select

import store.places.geocoding as geocoding
from store.accounts.models import Role
from store.demo.town import build_demo_town
from store.models import Base
from store.places.neighbourhoods import load_postcodes
from store.places.points import coarsen
from store.profiles.operations import get_profile
from tests.factories import csrf_token, login, make_user, post_form

ADDRESS = "17 Cardigan Road, Leeds LS6 3QJ"
SECRET_BITS = ("Cardigan", "17 Cardigan", "LS6 3QJ", "LS63QJ", "ls6 3qj")
EXACT = (53.82257, -1.57713)  # where that postcode's centroid is, loaded by the centre


def _point_strings(lat: float, lon: float) -> list[str]:
    """The ways a page could spell a point: 3+ decimals of either coordinate."""
    return [f"{lat:.3f}", f"{lon:.3f}", f"{lat:.4f}", f"{lon:.4f}", repr(lat), repr(lon)]


def _logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile/")})


def _tell_hearth_where(client) -> None:
    found = post_form(client, "/profile/where", {"query": ADDRESS})
    page = found.get_data(as_text=True)
    assert "near Headingley, Leeds" in html.unescape(page)
    token = re.search(r'name="place" type="hidden" value="([^"]+)"', page).group(1)
    saved = post_form(client, "/profile/where/confirm", {"place": token, "neighbourhood": "Headingley"},
                      form_path="/profile/where")
    assert saved.status_code == 302


def _urls(app) -> list[str]:
    """Every GET route, with small ids filled in for its parameters."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        choices = []
        for name in names:
            converter = rule._converters[name].__class__.__name__
            if name == "step":
                choices.append(["interests", "values", "meeting", "needs"])
            elif converter == "IntegerConverter":
                choices.append([1, 2, 3])
            else:
                choices.append(["x"])
        for values in itertools.product(*choices):
            with app.test_request_context():
                from flask import url_for

                urls.append(url_for(rule.endpoint, **dict(zip(names, values))))
    return sorted(set(urls))


def _readable(data: bytes) -> str:
    """A response as text; a zip (the .ods downloads) as the text of every file in it."""
    if data[:2] == b"PK":
        archive = zipfile.ZipFile(io.BytesIO(data))
        return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return data.decode()


def _crawl(app, client) -> dict[str, str]:
    pages = {}
    for url in _urls(app):
        for accept in ("text/html", "application/json"):
            response = client.get(url, headers={"Accept": accept})
            pages[f"{url} ({accept})"] = html.unescape(_readable(response.get_data()))
    return pages


def _assert_clean(where: str, text: str, forbidden: list[str]) -> None:
    for bit in forbidden:
        assert bit not in text, f"{where} contains {bit!r}"


@pytest.fixture
def town(db, settings):
    result = build_demo_town(db, settings, residents=40)
    load_postcodes(db, f"postcode,lat,lon\nLS6 3QJ,{EXACT[0]},{EXACT[1]}\n")
    db.commit()
    return result


@pytest.mark.parametrize("geocoder", ["offline", "nominatim"])
def test_no_route_log_file_or_column_reveals_a_home(geocoder, town, app, client, db, caplog, monkeypatch):
    if geocoder == "nominatim":
        _mock_nominatim(monkeypatch, app)
    caplog.set_level(logging.DEBUG)
    resident = make_user(db, name="Maya")
    db.commit()
    login(client, resident.email)
    _tell_hearth_where(client)
    profile = get_profile(db, resident.id)
    db.refresh(profile)
    coarse = (profile.home_lat, profile.home_lon)
    assert coarse == coarsen(*coarse) and coarse != EXACT
    forbidden = [*SECRET_BITS, *_point_strings(*EXACT), *_point_strings(*coarse)]

    pages = _crawl(app, client)  # as the resident
    _logout(client)
    organiser = make_user(db, role=Role.ORGANISER, centre=town.centres[0])
    admin = make_user(db, role=Role.ADMIN)
    db.commit()
    for someone in (organiser, admin):
        login(client, someone.email)
        pages.update({f"{someone.role.value} {k}": v for k, v in _crawl(app, client).items()})
        _logout(client)
    assert len(pages) > 40
    for where, text in pages.items():
        _assert_clean(where, text, forbidden)

    _assert_clean("the logs", caplog.text, forbidden)
    instance = Path(app.instance_path)
    for path in instance.rglob("*"):
        if path.is_file():
            _assert_clean(str(path), path.read_bytes().decode("utf-8", "replace"), list(SECRET_BITS))

    for table in Base.metadata.sorted_tables:
        texts = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if not texts or table.name == "postcodes":
            continue
        for row in db.execute(select(*texts)):
            _assert_clean(f"table {table.name}", " ".join(str(v) for v in row), list(SECRET_BITS))
    floats = [(t, c) for t in Base.metadata.sorted_tables for c in t.columns
              if c.name.endswith(("lat", "lon", "latitude", "longitude")) and t.name != "postcodes"]
    for table, column in floats:
        for (value,) in db.execute(select(column)):
            assert value is None or round(value, 5) not in (round(EXACT[0], 5), round(EXACT[1], 5)), \
                f"{table.name}.{column.name} holds the exact point"


class _NominatimHTTP(BaseSyncAdapter):
    def get_json(self, url, *, timeout, headers):
        return [{
            "lat": str(EXACT[0]), "lon": str(EXACT[1]), "importance": 0.3,
            "display_name": "17, Cardigan Road, Headingley, Leeds, LS6 3QJ, United Kingdom",
            "boundingbox": [str(EXACT[0] - 1e-4), str(EXACT[0] + 1e-4), str(EXACT[1] - 1e-4), str(EXACT[1] + 1e-4)],
            "address": {"house_number": "17", "road": "Cardigan Road", "suburb": "Headingley", "city": "Leeds",
                        "postcode": "LS6 3QJ", "country": "United Kingdom"},
        }]

    def get_text(self, url, *, timeout, headers):
        raise AssertionError("JSON only")


def _mock_nominatim(monkeypatch, app) -> None:
    monkeypatch.setattr(geopy_options, "default_adapter_factory", _NominatimHTTP)
    monkeypatch.setattr(geocoding, "NOMINATIM_MIN_DELAY", 0.0)
    monkeypatch.setattr(geocoding, "_limiters", {})
    settings = app.extensions["hearth.settings"]
    app.extensions["hearth.settings"] = settings.replace(geocoder="nominatim")


def test_no_page_shows_a_point_even_to_its_owner(db, client):
    user = make_user(db, role=Role.RESIDENT)
    db.commit()
    login(client, user.email)
    post_form(client, "/profile/where", {"query": "Leeds"})
    page = client.get("/profile/where").get_data(as_text=True)
    assert not re.search(r"53\.\d{3}|-1\.\d{3}", page)
