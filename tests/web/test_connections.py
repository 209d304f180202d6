"""The connectedness pages: the organiser's (scoped to their centre), the funders' summary (no
person identifiable) and the resident's own connections (only their own)."""

from __future__ import annotations

import html as entities
import re

import pytest
from connectedness_town import a_week_later, build_town
from factories import login, logout, make_centre, make_user

from store.accounts.models import Role
from store.centres.area import pseudonym


@pytest.fixture
def town(db, settings):
    town = a_week_later(db, build_town(db, settings))
    db.commit()
    return town


def _text(html: str) -> str:
    return entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_another_centres_organiser_and_a_resident_are_refused(client, db, town):
    other = make_user(db, role=Role.ORGANISER, centre=make_centre(db, name="Elsewhere"))
    db.commit()
    for person in (other, town.a):
        login(client, person.email)
        for path in ("/connections", "/impact"):
            assert client.get(f"/organiser/centres/{town.centre.id}{path}").status_code == 403, path
        logout(client)
    assert client.get(f"/organiser/centres/{town.centre.id}/connections").status_code in (302, 401)


def test_the_organiser_sees_the_measures_in_words_and_a_chart(client, town):
    login(client, town.organiser.email)
    html = client.get(f"/organiser/centres/{town.centre.id}/connections").get_data(as_text=True)
    text = _text(html)
    assert "1 recurring tie: pairs of neighbours who have met three or more times" in text
    assert "2 of the area's 10 residents have at least one (20%)" in text
    assert "The most isolated fifth (2 residents" in text and "1 of them now have at least one" in text
    assert html.count("<svg") == 2 and "Recurring ties" in html and "Week starting (day/month)" in html
    assert 'aria-current="page"' in html and "The impact summary to print for funders" in html


def test_the_impact_summary_names_nobody_and_hides_small_counts(client, app, town):
    login(client, town.organiser.email)
    response = client.get(f"/organiser/centres/{town.centre.id}/impact")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = _text(html)
    assert "fewer than 5 recurring ties" in text and "fewer than 5 of the area's 10 residents" in text
    assert "css/impact.css" in html and "&lt;5" in html
    secret = app.extensions["hearth.settings"].secret_key
    people = [town.a, town.b, town.c, town.d, *town.others]
    for person in people:
        assert person.email not in html
        assert person.display_name.split()[0] not in html
        assert pseudonym(person.id, secret) not in html
    assert "Surname" not in html and "Neighbour " not in html
    # no count between 1 and 4 is printed as a figure (the week table and the figures)
    assert not re.search(r'class="figure-number">[1-4]<', html)
    assert not re.search(r"<td>[1-4]</td>", html)


def test_the_resident_sees_only_their_own_connections(client, db, town):
    login(client, town.a.email)
    mine = _text(client.get("/").get_data(as_text=True))
    assert "Your connections" in mine and "You have 1 neighbour you keep meeting" in mine
    assert "Only you can see this." in mine
    logout(client)
    login(client, town.others[0].email)
    theirs = _text(client.get("/").get_data(as_text=True))
    assert "Your connections" in theirs and "When you start meeting neighbours" in theirs
    assert "You have 1 neighbour you keep meeting" not in theirs
    logout(client)
    login(client, town.c.email)
    c = _text(client.get("/").get_data(as_text=True))
    assert "You've met 3 neighbours so far" in c  # a's yes to c was one-sided
    logout(client)
    login(client, town.organiser.email)
    assert "Your connections" not in client.get("/").get_data(as_text=True)
