"""The one place lookup on the demo town, offline, with only the data Hearth ships: postcode districts
(bundled), full postcodes (answered by their district), neighbourhoods, towns, streets we don't
know and places we can't find; the examples a page shows are all found."""

from __future__ import annotations

import pytest

from store.places.districts import bundled_districts
from store.places.geocoding import PlaceNotFound, geocode
from store.places.neighbourhoods import load_neighbourhoods, load_postcodes
from store.places.words import (
    district_ranges,
    how_we_placed_you,
    place_examples,
    place_hint,
    what_we_can_find,
)
from store.profiles.homes import understand_home
from tests.factories import make_centre

HOODS = "name,lat,lon\nHeadingley,53.8195,-1.5775\nHyde Park,53.8113,-1.5660\nBeeston,53.7720,-1.5650\n"


@pytest.fixture
def town(db):
    load_neighbourhoods(db, make_centre(db), HOODS)
    return db


def test_the_bundled_districts_are_the_leeds_ones():
    districts = bundled_districts()
    assert set(districts) == {f"LS{n}" for n in range(1, 30)}
    for lat, lon in districts.values():
        assert 53.6 < lat < 54.0 and -1.9 < lon < -1.2  # all in and around Leeds
    assert district_ranges(list(districts)) == "LS1 to LS29"


def test_a_postcode_district(town, settings):
    place = geocode(town, settings, "ls6")
    assert (place.label, place.kind, place.precision_m) == ("LS6, Leeds", "postcode_district", 2500)
    assert (place.lat, place.lon) == bundled_districts()["LS6"]


def test_a_full_postcode_is_answered_by_its_district(town, settings):
    place = geocode(town, settings, "LS6 3AA")
    assert (place.label, place.kind) == ("LS6, Leeds", "postcode_in_district")
    assert (place.lat, place.lon) == bundled_districts()["LS6"]
    home = understand_home(town, settings, "ls63aa")
    assert home.label == "near LS6, Leeds"  # the district, never the postcode typed
    assert "3AA" not in home.label
    words = how_we_placed_you(home)
    assert "middle of your postcode district, LS6" in words and "neighbourhood" in words


def test_a_loaded_postcode_is_finer_than_its_district(town, settings):
    load_postcodes(town, "postcode,lat,lon\nLS6 3QJ,53.82257,-1.57713\n")
    assert geocode(town, settings, "LS6 3QJ").kind == "postcode"
    other = geocode(town, settings, "LS6 9ZZ")  # not loaded: the mean of what is loaded in LS6
    assert other.kind == "postcode_in_district" and (other.lat, other.lon) == (53.82257, -1.57713)
    assert geocode(town, settings, "LS7").kind == "postcode_district"  # nothing loaded there: bundled


def test_a_neighbourhood(town, settings):
    for query in ("Headingley", "Headingley, Leeds", "headingley leeds"):
        place = geocode(town, settings, query)
        assert (place.label, place.kind) == ("Headingley, Leeds", "neighbourhood"), query


def test_a_town(town, settings):
    place = geocode(town, settings, "Leeds")
    assert (place.label, place.kind) == ("Leeds, United Kingdom", "city")
    assert how_we_placed_you(place) == ("That's the middle of the town. Choosing your neighbourhood below "
                                        "brings it closer.")


@pytest.mark.parametrize("query", ["Otley Road, Leeds", "12 Otley Road, Leeds", "Otley Road Leeds"])
def test_a_street_we_dont_know_is_placed_at_the_town_centre_and_says_so(town, settings, query):
    place = geocode(town, settings, query)
    assert (place.label, place.kind) == ("Leeds, United Kingdom", "street_unknown")
    words = how_we_placed_you(understand_home(town, settings, query))
    assert words.startswith("We don't know street names here, so for now we've placed you in the middle of Leeds.")
    assert "postcode" in words and "Otley" not in words
    assert "choose your neighbourhood" not in how_we_placed_you(place, can_choose=False)


def test_a_street_with_its_district_finds_the_district(town, settings):
    place = geocode(town, settings, "Otley Road, LS6")
    assert (place.label, place.kind) == ("LS6, Leeds", "postcode_district")


@pytest.mark.parametrize("query", ["Xyzzyville", "SW1A 1AA", "ZZ9"])
def test_an_unknown_place_says_what_we_can_find(town, settings, query):
    with pytest.raises(PlaceNotFound) as error:
        geocode(town, settings, query)
    message = str(error.value)
    assert message.startswith("We couldn't find that place. Here we can find postcodes in LS1 to LS29, "
                              "neighbourhoods such as Headingley and Hyde Park, and towns such as Leeds.")
    assert "“LS6 3AA”, “LS6”, “Headingley” or “Leeds”" in message


def test_what_we_can_find_is_built_from_the_data(db, settings):
    assert what_we_can_find(db, settings) == "postcodes in LS1 to LS29 and towns such as Leeds"
    load_postcodes(db, "postcode,lat,lon\nBD1 1AA,53.7940,-1.7520\n")
    assert "postcodes in BD1 and LS1 to LS29" in what_we_can_find(db, settings)
    online = settings.replace(geocoder="nominatim")
    assert what_we_can_find(db, online) == "an address, a postcode, a neighbourhood or a town"


def test_every_example_shown_is_found(town, settings):
    examples = place_examples(town, settings)
    assert examples == ["LS6 3AA", "LS6", "Headingley", "Leeds"]  # the district around the first neighbourhood
    for example in examples:
        geocode(town, settings, example)  # raises if not found
        understand_home(town, settings, example)
    assert place_hint(town, settings) == "For example “LS6 3AA”, “LS6”, “Headingley” or “Leeds”."
    load_postcodes(town, "postcode,lat,lon\nLS2 9JT,53.8067,-1.5550\n")
    assert "LS2 9JT" not in place_examples(town, settings)  # a loaded postcode may be someone's home
    assert geocode(town, settings, "LS2 9JT").kind == "postcode"
