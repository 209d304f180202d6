"""Geocoding offline (gazetteers in packages, loaded postcodes, centre neighbourhoods) and through
Nominatim, mocked only at its HTTP edge: the adapter geopy sends requests through."""

from __future__ import annotations

import logging

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders import options as geopy_options
from geopy.geocoders.base import Geocoder
from sqlalchemy import select

import store.places.geocoding as geocoding
from store.places.gazetteer import OfflineGazetteer
from store.places.geocoding import (
    AmbiguousPlace,
    GeocodingError,
    OutsideServiceArea,
    Place,
    PlaceNotFound,
    geocode,
)
from store.places.models import GeocodeCache, Postcode
from store.places.neighbourhoods import load_neighbourhoods, load_postcodes
from store.places.points import PlaceDataError
from tests.factories import make_centre

HOODS = "name,lat,lon\nHeadingley,53.8195,-1.5775\nHyde Park,53.8113,-1.5660\n"
POSTCODES = "postcode,lat,lon,area\nLS6 3AA,53.8221,-1.5790,Headingley\nls63ab,53.8201,-1.5801,\nLS2 9JT,53.8067,-1.5550,Woodhouse\n"


@pytest.fixture
def places(db):
    centre = make_centre(db)
    load_neighbourhoods(db, centre, HOODS)
    load_postcodes(db, POSTCODES)
    return db


def test_the_offline_geocoder_is_a_geopy_geocoder(places):
    gazetteer = OfflineGazetteer(places)
    assert isinstance(gazetteer, Geocoder)
    location = gazetteer.geocode("Leeds")
    assert location.address == "Leeds, United Kingdom"
    assert location.raw["kind"] == "city" and location.raw["precision_m"] == 10000
    assert gazetteer.geocode("Xyzzyville") is None


@pytest.mark.parametrize("query,label,precision", [
    ("LS6 3AA", "LS6 3AA, Headingley", 100),
    ("ls63aa", "LS6 3AA, Headingley", 100),
    ("12 Some Street, Leeds LS6 3AB", "LS6 3AB, Leeds", 100),
    ("LS6", "LS6, Leeds", 2500),
    ("LS6 9ZZ", "LS6, Leeds", 2500),
    ("62701", "Springfield, IL 62701", 3000),
    ("Headingley", "Headingley, Leeds", 1000),
    ("Hyde Park, Leeds", "Hyde Park, Leeds", 1000),
    ("12 Otley Road, Leeds", "Leeds, United Kingdom", 10000),
    ("leeds", "Leeds, United Kingdom", 10000),
    ("Springfield, Illinois", "Springfield, Illinois, United States", 5000),
    ("Springfield, IL, USA", "Springfield, Illinois, United States", 5000),
    ("London", "London, United Kingdom", 10000),
    ("London, Canada", "London, Canada", 10000),
    ("Zürich", "Zürich, Switzerland", 10000),
])
def test_offline_answers(places, settings, query, label, precision):
    place = geocode(places, settings, query)
    assert isinstance(place, Place)
    assert (place.label, place.precision_m) == (label, precision)


def test_a_postcode_lands_on_its_loaded_point(places, settings):
    place = geocode(places, settings, "LS6 3AA")
    assert (place.lat, place.lon) == (53.8221, -1.5790)


def test_hyde_park_in_leeds_is_not_hyde_park_in_london(places, settings):
    place = geocode(places, settings, "Hyde Park, Leeds")
    assert abs(place.lat - 53.8113) < 1e-6


def test_ambiguous_names_list_candidates(places, settings):
    with pytest.raises(AmbiguousPlace) as error:
        geocode(places, settings, "Springfield")
    labels = [c.label for c in error.value.candidates]
    assert "Springfield, Illinois, United States" in labels and "Springfield, Missouri, United States" in labels
    assert len(labels) == len(set(labels)) > 1
    assert isinstance(error.value, GeocodingError) and isinstance(error.value, ValueError)
    assert "choose" in str(error.value)


@pytest.mark.parametrize("query", ["Xyzzyville", "", "   ", "Wales"])
def test_unknown_places(places, settings, query):
    with pytest.raises(PlaceNotFound) as error:
        geocode(places, settings, query)
    assert str(error.value)


def test_a_very_long_query_is_refused_politely(places, settings):
    with pytest.raises(GeocodingError, match="longer than any address"):
        geocode(places, settings, "Leeds " * 50)


def test_the_service_area(places, settings):
    leeds = settings.replace(service_area="53.80,-1.55,15")
    assert geocode(places, leeds, "Headingley").label == "Headingley, Leeds"
    for query in ("London", "Springfield", "62701"):
        with pytest.raises(OutsideServiceArea):
            geocode(places, leeds, query)
    illinois = settings.replace(service_area="39.80,-89.64,30")
    assert geocode(places, illinois, "Springfield").label == "Springfield, Illinois, United States"


def test_postcode_files_load_all_or_nothing(db):
    with pytest.raises(PlaceDataError, match="line 3"):
        load_postcodes(db, "postcode,lat,lon\nLS6 3AA,53.82,-1.57\nnot a postcode,53.8,-1.5\n")
    with pytest.raises(PlaceDataError, match="line 2"):
        load_postcodes(db, "postcode,lat,lon\nLS6 3AA,north,-1.57\n")
    with pytest.raises(PlaceDataError, match="missing lon"):
        load_postcodes(db, "postcode,lat\nLS6 3AA,53.82\n")
    assert db.scalar(select(Postcode)) is None
    assert load_postcodes(db, "postcode,lat,lon\nLS6 3AA,53.82,-1.57\n") == 1
    assert load_postcodes(db, "postcode,lat,lon\nLS6 3AA,53.83,-1.58\n") == 1  # reloading updates
    assert db.get(Postcode, "LS6 3AA").lat == 53.83


def test_load_postcodes_command(runner, db, tmp_path):
    good = tmp_path / "postcodes.csv"
    good.write_text(POSTCODES)
    result = runner.invoke(args=["hearth", "load-postcodes", str(good)])
    assert result.exit_code == 0, result.output
    assert "Loaded 3 postcodes" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,lat,lon\nnope,1,2\n")
    result = runner.invoke(args=["hearth", "load-postcodes", str(bad)])
    assert result.exit_code == 2 and "line 2" in result.output and "Nothing was loaded" in result.output


def test_load_neighbourhoods_command(runner, db, tmp_path):
    centre = make_centre(db, name="Hyde Park Hall")
    db.commit()
    hoods = tmp_path / "hoods.csv"
    hoods.write_text(HOODS)
    result = runner.invoke(args=["hearth", "load-neighbourhoods", "--centre", centre.slug, str(hoods)])
    assert result.exit_code == 0, result.output
    assert "Hyde Park Hall now has 2 neighbourhoods" in result.output
    result = runner.invoke(args=["hearth", "load-neighbourhoods", "--centre", "nowhere", str(hoods)])
    assert result.exit_code == 2


# -- Nominatim, mocked at the HTTP edge ------------------------------------------------------
HEADINGLEY_JSON = [{
    "place_id": 1, "lat": "53.82163", "lon": "-1.57902", "importance": 0.41,
    "display_name": "12, Otley Road, Headingley, Leeds, West Yorkshire, England, LS6 3AA, United Kingdom",
    "boundingbox": ["53.8215", "53.8217", "-1.5791", "-1.5789"],
    "address": {"house_number": "12", "road": "Otley Road", "suburb": "Headingley", "city": "Leeds",
                "postcode": "LS6 3AA", "country": "United Kingdom"},
}]


class FakeNominatimHTTP(BaseSyncAdapter):
    """Stands in for the network: answers Nominatim's /search with canned JSON, or fails."""

    answer: list | Exception = HEADINGLEY_JSON
    calls: list[str] = []

    def get_json(self, url, *, timeout, headers):
        type(self).calls.append(url)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def get_text(self, url, *, timeout, headers):
        raise AssertionError("Nominatim is only asked for JSON")


@pytest.fixture
def nominatim(monkeypatch, places, settings):
    FakeNominatimHTTP.calls = []
    FakeNominatimHTTP.answer = HEADINGLEY_JSON
    monkeypatch.setattr(geopy_options, "default_adapter_factory", FakeNominatimHTTP)
    monkeypatch.setattr(geocoding, "NOMINATIM_MIN_DELAY", 0.0)
    monkeypatch.setattr(geocoding, "_limiters", {})
    return settings.replace(geocoder="nominatim")


def test_nominatim_answers_and_is_cached_without_the_query(nominatim, places):
    place = geocode(places, nominatim, "12 Otley Road, Leeds")
    assert place.label == "Otley Road, Headingley, Leeds, United Kingdom"  # no house number
    assert (place.lat, place.lon) == (53.82163, -1.57902) and place.precision_m <= 50
    assert len(FakeNominatimHTTP.calls) == 1
    assert "nominatim.openstreetmap.org/search" in FakeNominatimHTTP.calls[0]
    again = geocode(places, nominatim, "  12 otley road,   Leeds ")
    assert again == place and len(FakeNominatimHTTP.calls) == 1  # from the cache
    row = places.scalar(select(GeocodeCache))
    assert row.provider == "nominatim" and row.hits == 1
    assert "12" not in row.query_key and "otley" not in row.query_key.lower()


def test_nominatim_sends_our_user_agent_through_a_rate_limiter(nominatim, places):
    geocode(places, nominatim, "Headingley")
    lookup = geocoding._limiters[nominatim.nominatim_user_agent]
    from geopy.extra.rate_limiter import RateLimiter

    assert isinstance(lookup, RateLimiter)
    assert lookup.func.__self__.headers["User-Agent"] == nominatim.nominatim_user_agent


def test_nominatim_failure_falls_back_to_the_offline_gazetteer(nominatim, places, caplog):
    FakeNominatimHTTP.answer = GeocoderServiceError("503 Service Unavailable")
    with caplog.at_level(logging.WARNING):
        place = geocode(places, nominatim, "12 Otley Road, Leeds")
    assert place.label == "Leeds, United Kingdom"
    assert "offline gazetteer" in caplog.text and "Otley" not in caplog.text
    assert places.scalar(select(GeocodeCache)) is None  # failures are not cached


def test_nominatim_finding_nothing_falls_back_too(nominatim, places):
    FakeNominatimHTTP.answer = []
    assert geocode(places, nominatim, "Headingley").label == "Headingley, Leeds"


def test_nominatim_ambiguity(nominatim, places):
    far_apart = [
        {**HEADINGLEY_JSON[0], "lat": "39.80", "lon": "-89.64", "importance": 0.5,
         "address": {"city": "Springfield", "state": "Illinois", "country": "United States"}},
        {**HEADINGLEY_JSON[0], "lat": "37.21", "lon": "-93.29", "importance": 0.5,
         "address": {"city": "Springfield", "state": "Missouri", "country": "United States"}},
    ]
    FakeNominatimHTTP.answer = far_apart
    with pytest.raises(AmbiguousPlace) as error:
        geocode(places, nominatim, "Springfield")
    assert len(error.value.candidates) == 2
