"""A centre's public feeds: what they carry (and never), that each parses, 304s, and the page links."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from event_factories import future_day, make_event
from factories import make_centre, make_user
from icalendar import Calendar

from store.core.db import utcnow
from store.events import signups
from store.events.admin import cancel_event, cancel_occurrence
from store.profiles.operations import get_or_create_profile

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def town(db, settings):
    """Oak Hall runs a weekly lunch (one date cancelled, a resident signed up) and a one-off quiz
    that is cancelled; Elm House runs a walk. A resident who shares their first name is going."""
    now = utcnow()
    oak, elm = make_centre(db, name="Oak Hall"), make_centre(db, name="Elm House")
    start = future_day(2)
    lunch = make_event(db, settings, centre=oak, now=now, title="Lunch club", start_date=start,
                       recurrence="weekly", repeat_until=start + timedelta(days=21))
    organiser = oak.organisers[0]
    cancel_occurrence(db, settings, lunch.occurrences[1], by=organiser, now=now)
    quiz = make_event(db, settings, centre=oak, by=organiser, now=now, title="Quiz night", start_date=future_day(5))
    cancel_event(db, settings, quiz, by=organiser, now=now)
    walk = make_event(db, settings, centre=elm, now=now, title="Park walk", start_date=future_day(3))
    ada = make_user(db, name="Ada Whitlock", email="ada.whitlock@example.org")
    get_or_create_profile(db, ada.id).show_first_name = True
    signups.sign_up(db, settings, lunch.occurrences[0].id, ada, now=now)
    db.commit()
    return {"oak": oak, "elm": elm, "lunch": lunch, "quiz": quiz, "walk": walk}


def _never_private(text: str) -> None:
    for secret in ("Ada", "Whitlock", "example.org", "Park walk", "remainingAttendeeCapacity"):
        assert secret not in text


def test_ical_feed_carries_the_centres_dates_with_zones_and_cancellations(client, town):
    response = client.get(f"/centres/{town['oak'].slug}/events.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    _never_private(text)
    cal = Calendar.from_ical(response.data)
    assert str(cal["x-wr-calname"]) == "Oak Hall: what's on"
    vevents = cal.walk("VEVENT")
    titles = sorted(str(v["summary"]) for v in vevents)
    assert titles == ["Lunch club"] * 4 + ["Quiz night"]
    status = {(str(v["summary"]), v.decoded("dtstart").date()): str(v["status"]) for v in vevents}
    lunch, quiz = town["lunch"], town["quiz"]
    assert status[("Lunch club", lunch.occurrences[1].local_date)] == "CANCELLED"
    assert status[("Lunch club", lunch.occurrences[0].local_date)] == "CONFIRMED"
    assert status[("Quiz night", quiz.start_date)] == "CANCELLED"
    for v in vevents:
        start = v.decoded("dtstart")
        assert start.tzinfo is not None and v["dtstart"].params["TZID"] == town["oak"].timezone
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == [town["oak"].timezone]


def test_json_ld_feed_is_schema_org_events(client, town):
    response = client.get(f"/centres/{town['oak'].slug}/events.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    _never_private(response.get_data(as_text=True))
    doc = json.loads(response.data)
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ItemList"
    items = [row["item"] for row in doc["itemListElement"]]
    assert len(items) == doc["numberOfItems"] == 5
    starts = [datetime.fromisoformat(i["startDate"]) for i in items]
    assert starts == sorted(starts) and all(s.tzinfo is not None for s in starts)
    assert all(datetime.fromisoformat(i["endDate"]).tzinfo is not None for i in items)
    cancelled = {(i["name"], i["startDate"][:10]) for i in items if i["eventStatus"].endswith("EventCancelled")}
    lunch, quiz = town["lunch"], town["quiz"]
    assert cancelled == {("Lunch club", lunch.occurrences[1].local_date.isoformat()),
                         ("Quiz night", quiz.start_date.isoformat())}
    first = items[0]
    assert first["@type"] == "Event" and first["name"] == "Lunch club"
    assert first["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert first["location"]["@type"] == "Place" and first["location"]["name"] == "Oak Hall"
    assert first["location"]["address"]["streetAddress"] == town["oak"].address
    assert first["organizer"] == {"@type": "Organization", "name": "Oak Hall",
                                  "url": f"http://localhost/centres/{town['oak'].slug}"}
    assert first["url"] == f"http://localhost/events/{lunch.id}#date-{lunch.occurrences[0].id}"


def test_atom_feed_is_valid_and_has_one_entry_per_event(client, town):
    response = client.get(f"/centres/{town['oak'].slug}/events.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    _never_private(response.get_data(as_text=True))
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"http://localhost/centres/{town['oak'].slug}/events.atom"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Lunch club", "Cancelled: Quiz night"]
    lunch = entries[0]
    assert lunch.find(f"{ATOM}link").get("href") == f"http://localhost/events/{town['lunch'].id}"
    datetime.fromisoformat(lunch.findtext(f"{ATOM}updated").replace("Z", "+00:00"))
    off = town["lunch"].occurrences[1].local_date
    assert f"Not happening on {off:%A} {off.day} {off:%B}" in lunch.findtext(f"{ATOM}content")


@pytest.mark.parametrize("kind", ["ics", "atom", "jsonld"])
def test_feeds_answer_304_until_something_changes(client, db, settings, town, kind):
    path = f"/centres/{town['oak'].slug}/events.{kind}"
    first = client.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified and "max-age" in first.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    lunch = town["lunch"]
    cancel_occurrence(db, settings, lunch.occurrences[2], by=town["oak"].organisers[0], now=utcnow())
    db.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_another_centres_feed_has_only_its_own_events(client, town):
    text = client.get(f"/centres/{town['elm'].slug}/events.ics").get_data(as_text=True)
    assert "Park walk" in text and "Lunch club" not in text and "Quiz night" not in text
    assert client.get("/centres/no-such-centre/events.ics").status_code == 404


def test_the_centre_page_links_its_feeds_and_the_event_page_carries_json_ld(client, town):
    oak = town["oak"]
    page = client.get(f"/centres/{oak.slug}").get_data(as_text=True)
    for kind, mime in (("atom", "application/atom+xml"), ("ics", "text/calendar"), ("jsonld", "application/ld+json")):
        href = f"http://localhost/centres/{oak.slug}/events.{kind}"
        assert f'<link rel="alternate" type="{mime}"' in page and f'href="{href}"' in page
    assert "Add our events to your calendar app" in page and f"webcal://localhost/centres/{oak.slug}/events.ics" in page
    assert "Follow us in a news reader" in page and "Lunch club" in page and "Park walk" not in page
    _never_private(page.replace("Park walk", ""))
    event_page = client.get(f"/events/{town['lunch'].id}").get_data(as_text=True)
    head = event_page.split("</head>")[0]
    raw = head.split('<script type="application/ld+json">')[1].split("</script>")[0]
    items = json.loads(raw)
    assert items[0]["@type"] == "Event" and items[0]["organizer"]["name"] == "Oak Hall"
    assert {i["eventStatus"].rsplit("/", 1)[1] for i in items} == {"EventScheduled", "EventCancelled"}
    assert f'href="/centres/{oak.slug}"' in event_page


@pytest.mark.parametrize("slug", ["no-such-centre", "%00", "Hall", "a%22b", "x" * 200])
@pytest.mark.parametrize("suffix", ["", "/events.ics", "/events.atom", "/events.jsonld"])
def test_a_slug_that_names_no_centre_is_not_found(client, town, slug, suffix):
    assert client.get(f"/centres/{slug}{suffix}").status_code == 404
