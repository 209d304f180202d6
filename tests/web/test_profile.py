"""The profile questionnaire in the test client: the round trip, editing, bad input, owner only."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from store.places.geocoding import Place
from store.places.neighbourhoods import load_neighbourhoods
from store.places.points import is_coarse
from store.profiles.homes import confirm_home
from store.profiles.operations import get_profile
from tests.factories import login, make_centre, make_user, post_form

LEEDS_HOODS = "name,lat,lon\nHeadingley,53.8195,-1.5775\nHyde Park,53.8113,-1.5660\nBeeston,53.7720,-1.5650\n"


@pytest.fixture
def resident(db, client):
    centre = make_centre(db)
    load_neighbourhoods(db, centre, LEEDS_HOODS)
    user = make_user(db, name="Maya")
    db.commit()
    login(client, user.email)
    return user


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"|type="hidden" name="{name}" value="([^"]*)"|id="{name}" name="{name}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden {name}"
    return next(g for g in match.groups() if g is not None)


def _search(client, query: str, path: str = "/profile/where"):
    return post_form(client, path, {"query": query}, form_path="/profile/where")


def _confirm(client, page: str, neighbourhood: str = "", path: str = "/profile/where/confirm"):
    return post_form(client, path, {"place": _hidden(page, "place"), "neighbourhood": neighbourhood},
                     form_path="/profile/where", follow_redirects=False)


def _give_home(db, user):
    confirm_home(db, user.id, Place("near Headingley, Leeds", 53.8195, -1.5775, 1000), "Headingley")
    db.commit()


def test_the_questionnaire_from_start_to_finish(client, db, resident):
    intro = _text(client.get("/profile/"))
    assert "Let's start" in intro

    found = _search(client, "Headingley, Leeds")
    page = _text(found)
    assert found.status_code == 200 and "near Headingley, Leeds" in page
    assert "Step 1 of 5" in page
    saved = _confirm(client, page, "Headingley")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/profile/interests")

    page = _text(client.get("/profile/interests"))
    assert "Step 2 of 5" in page and "Baking" in page
    done = post_form(client, "/profile/interests", {"interests": ["baking", "walking"], "about": "I bake on Sundays."})
    assert done.headers["Location"].endswith("/profile/values")
    done = post_form(client, "/profile/values", {"value_be1": "6", "value_po1": "2"})
    assert done.headers["Location"].endswith("/profile/meeting")
    done = post_form(client, "/profile/meeting", {
        "availability": ["mon_morning", "sat_afternoon"], "wants": ["meal"], "group_size": "5",
        "frequency": "weekly", "new_faces": "balanced", "travel_km": "2.5", "travel_mode": "walk"})
    assert done.headers["Location"].endswith("/profile/needs")
    pause = (date.today() + timedelta(days=10)).isoformat()
    done = post_form(client, "/profile/needs", {
        "access_needs": ["step_free"], "dietary": ["vegetarian"], "languages": ["en", "pl"],
        "include_in_matching": "y", "show_first_name": "y", "paused_until": pause})
    assert done.headers["Location"].endswith("/profile/")

    profile = get_profile(db, resident.id)
    db.refresh(profile)
    assert profile.interests == ["baking", "walking"] and profile.about == "I bake on Sundays."
    assert profile.value_answers == {"be1": 6, "po1": 2}
    assert profile.availability == ["mon_morning", "sat_afternoon"] and profile.group_size == 5
    assert profile.travel_km == 2.5 and profile.travel_mode == "walk"
    assert profile.languages == ["en", "pl"] and profile.include_in_matching and profile.show_first_name
    assert profile.paused_until == date.fromisoformat(pause)
    assert profile.neighbourhood == "Headingley" and is_coarse(profile.home_lat, profile.home_lon)
    assert profile.vector is not None and profile.vector_version.startswith("pv1-")

    summary = _text(client.get("/profile/"))
    for text in ("near Headingley, Leeds", "Baking", "Gentle walks", "Monday morning", "Step-free access",
                 "Vegetarian", "Polish", "Up to 2.5 km", "paused until"):
        assert text in summary


def test_saved_answers_come_back_for_editing_and_return_to_the_summary(client, db, resident):
    _give_home(db, resident)
    post_form(client, "/profile/interests", {"interests": ["chess"], "about": "Chess on Tuesdays"})
    page = _text(client.get("/profile/interests?then=summary"))
    assert re.search(r'checked[^>]*value="chess"|value="chess"[^>]*checked', page)
    assert "Chess on Tuesdays" in page and "Changing your answers" in page
    done = post_form(client, "/profile/interests?then=summary", {"interests": ["quizzes"]},
                     form_path="/profile/interests?then=summary")
    assert done.headers["Location"].endswith("/profile/")
    profile = get_profile(db, resident.id)
    db.refresh(profile)
    assert profile.interests == ["quizzes"] and profile.about == ""


def test_every_page_but_the_location_can_be_skipped(client, db, resident):
    assert client.get("/profile/interests").status_code == 302  # location first
    _give_home(db, resident)
    for step, following in (("interests", "values"), ("values", "meeting"), ("meeting", "needs")):
        page = _text(client.get(f"/profile/{step}"))
        assert f'href="/profile/{following}">Skip this page' in page
    page = _text(client.get("/profile/where"))
    assert "Skip this page" not in page
    empty = post_form(client, "/profile/where", {"query": "   "})
    assert "Please tell us roughly where you live" in _text(empty)


def test_a_town_asks_for_the_neighbourhood_and_keeps_the_finer_point(client, db, resident):
    page = _text(_search(client, "Leeds"))
    assert "Leeds, United Kingdom" in page and "please pick your neighbourhood" in page
    assert _confirm(client, page, "Beeston").status_code == 302
    profile = get_profile(db, resident.id)
    db.refresh(profile)
    assert profile.place_label == "near Beeston, Leeds" and profile.home_precision_m == 1000
    assert abs(profile.home_lat - 53.7720) < 0.005 and abs(profile.home_lon - (-1.5650)) < 0.008


def test_unknown_place_keeps_the_earlier_home(client, db, resident):
    _give_home(db, resident)
    page = _text(_search(client, "Xyzzyville"))
    assert "We couldn't find that place" in page
    assert get_profile(db, resident.id).place_label == "near Headingley, Leeds"


def test_an_error_keeps_what_was_typed_and_says_what_we_can_find(client, db, resident):
    response = _search(client, "Xyzzyville Lane")
    page = _text(response)
    assert re.search(r'<input[^>]*name="query"[^>]*value="Xyzzyville Lane"', page)  # to correct, not retype
    assert response.headers["Cache-Control"] == "no-store"
    assert ("We couldn't find that place. Here we can find postcodes in LS1 to LS29, neighbourhoods such as "
            "Headingley and Hyde Park, and towns such as Leeds.") in page
    fresh = _text(client.get("/profile/where"))
    assert "Xyzzyville" not in fresh  # a new visit starts empty: nothing typed is kept


def test_the_hint_examples_all_work(client, db, resident):
    page = _text(client.get("/profile/where"))
    assert "For example “LS6 3AA”, “LS6”, “Headingley” or “Leeds”." in page
    assert "Otley Road" not in page
    for query in ("LS6 3AA", "LS6", "Headingley", "Leeds"):
        assert "Here's what we understood" in _text(_search(client, query)), query


def test_a_full_postcode_says_near_its_district(client, db, resident):
    page = _text(_search(client, "LS6 3AA"))
    assert "near LS6, Leeds" in page and "LS6 3AA" not in page
    assert "placed you in the middle of your postcode district, LS6" in page
    assert _confirm(client, page).status_code == 302
    profile = get_profile(db, resident.id)
    assert profile.place_label == "near LS6, Leeds" and profile.home_precision_m == 2500


def test_a_street_we_dont_know_says_so_and_offers_the_neighbourhoods(client, db, resident):
    page = _text(_search(client, "Otley Road, Leeds"))
    assert "We don't know street names here, so for now we've placed you in the middle of Leeds." in page
    assert "Otley" not in page.split("Here's what we understood")[1]  # the street is not kept in the page
    assert _confirm(client, page, "Headingley").status_code == 302
    assert get_profile(db, resident.id).place_label == "near Headingley, Leeds"


def test_ambiguous_place_offers_a_choice(client, db, resident):
    page = _text(_search(client, "Springfield"))
    assert "more than one place" in page
    assert "Springfield, Illinois, United States" in page and "Springfield, Missouri, United States" in page
    labels = re.findall(r'<input id="place-\d+" name="place"[^>]* value="(\d+)"> <label for="place-\d+">([^<]+)</label>', page)
    index = next(value for value, label in labels if "Illinois" in label)
    chosen = post_form(client, "/profile/where/choose", {"options": _hidden(page, "options"), "place": index},
                       form_path="/profile/where")
    confirm = _text(chosen)
    assert "Springfield, Illinois, United States" in confirm
    assert _confirm(client, confirm).status_code == 302
    assert get_profile(db, resident.id).place_label == "Springfield, Illinois, United States"


@pytest.fixture
def leeds_only(settings_override):
    settings_override["service_area"] = "53.80,-1.55,15"
    return settings_override


def test_outside_the_service_area_is_explained(leeds_only, client, db):
    user = make_user(db)
    db.commit()
    login(client, user.email)
    for query in ("London", "Springfield", "62701"):
        page = _text(_search(client, query))
        assert "outside the area Hearth covers here" in page, query
    assert get_profile(db, user.id) is None
    assert "Leeds, United Kingdom" in _text(_search(client, "Leeds"))


def test_tampered_place_is_refused(client, db, resident):
    _give_home(db, resident)
    page = _text(_search(client, "Headingley, Leeds"))
    token = _hidden(page, "place")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    answer = post_form(client, "/profile/where/confirm", {"place": forged, "neighbourhood": ""},
                       form_path="/profile/where", follow_redirects=True)
    assert "didn't come through properly" in _text(answer)
    bad_hood = _confirm(client, page, "Atlantis")
    assert bad_hood.status_code == 200
    assert "Please choose a neighbourhood from the list" in _text(bad_hood)
    profile = get_profile(db, resident.id)
    assert profile.place_label == "near Headingley, Leeds"


@pytest.mark.parametrize("step,data,message", [
    ("interests", {"interests": ["hacking"]}, "Please choose from the options shown."),
    ("interests", {"about": "x" * 1001}, "under 1000 characters"),
    ("values", {"value_be1": "7"}, "Please choose from the options shown."),
    ("values", {"value_be1": "lots"}, "Please choose from the options shown."),
    ("meeting", {"travel_km": "500"}, "between 0.5 and 50 km"),
    ("meeting", {"travel_km": "far"}, "Please give a number of kilometres"),
    ("meeting", {"group_size": "99"}, "Please choose from the options shown."),
    ("meeting", {"availability": ["funday_morning"]}, "Please choose from the options shown."),
    ("needs", {"paused_until": "2001-01-01"}, "after today"),
    ("needs", {"paused_until": "soon"}, "Please give a date like"),
])
def test_bad_answers_are_explained_and_change_nothing(client, db, resident, step, data, message):
    _give_home(db, resident)
    post_form(client, "/profile/interests", {"interests": ["chess"], "about": "Chess"})
    post_form(client, "/profile/meeting", {"travel_km": "3"})
    before = get_profile(db, resident.id)
    db.refresh(before)
    snapshot = (list(before.interests), before.about, dict(before.value_answers), before.travel_km, before.paused_until)
    answer = post_form(client, f"/profile/{step}", data)
    assert answer.status_code == 200
    assert message in _text(answer)
    db.refresh(before)
    assert (list(before.interests), before.about, dict(before.value_answers), before.travel_km,
            before.paused_until) == snapshot


def test_a_form_without_its_csrf_token_is_refused(client, db, resident):
    _give_home(db, resident)
    answer = client.post("/profile/interests", data={"interests": ["chess"]})
    assert answer.status_code in (200, 400)
    assert get_profile(db, resident.id).interests == []


def test_only_the_owner_sees_a_profile(client, db, resident):
    _give_home(db, resident)
    post_form(client, "/profile/interests", {"interests": ["chess"], "about": "Maya's secret hobby"})
    client.post("/logout", data={"csrf_token": _hidden(_text(client.get("/profile/")), "csrf_token")})
    assert client.get("/profile/").status_code == 302  # logged out: to the log-in page
    other = make_user(db, name="Sam")
    db.commit()
    login(client, other.email)
    for path in ("/profile/", "/profile/interests", "/profile/where", "/profile/values"):
        page = _text(client.get(path, follow_redirects=True))
        assert "Maya's secret hobby" not in page and "near Headingley" not in page  # the hint may name the neighbourhood
    assert client.get("/profile/nosuchstep").status_code == 404


def test_confirming_email_leads_to_the_questionnaire(client, db):
    from sqlalchemy import select

    from store.accounts import operations as accounts
    from store.messages.models import Message

    accounts.register_resident(db, client.application.extensions["hearth.settings"],
                               email="new@example.org", display_name="Nia", password="sunflowers by the canal")
    db.commit()
    body = db.scalar(select(Message.body).where(Message.to_email == "new@example.org"))
    path = re.search(r"/confirm/[\w-]+", body).group(0)
    answer = post_form(client, path, {})
    assert answer.headers["Location"].endswith("/profile/")


def test_nav_has_your_profile(client, db, resident):
    page = _text(client.get("/"))
    assert 'href="/profile/"' in page and "Your profile" in page
