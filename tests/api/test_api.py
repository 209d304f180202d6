"""The API: tokens only (no cookies), the pages' own scoping, problem+json, pages, ETags, idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest

from factories import login

from store.accounts.models import ApiToken
from store.core.db import utcnow

PROBLEM = "application/problem+json"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _is_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"] and "detail" in body
    return body


def test_no_token_bad_token_and_cookie_only_are_401(client, db, world):
    _is_problem(client.get("/api/v1/me"), 401)
    _is_problem(client.get("/api/v1/me", headers=bearer("hth_nonsense")), 401)
    _is_problem(client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401)
    login(client, world.resident_user.email)
    assert client.get("/account").status_code == 200  # the cookie works on the pages...
    _is_problem(client.get("/api/v1/me"), 401)        # ...and not here


def test_revoked_and_expired_tokens_are_401(client, db, world):
    response = client.get("/api/v1/me", headers=bearer(world.resident))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    for token in db.query(ApiToken).all():
        token.revoked_at = utcnow()
    db.flush()
    _is_problem(client.get("/api/v1/me", headers=bearer(world.resident)), 401)
    for token in db.query(ApiToken).all():
        token.revoked_at = None
        token.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    _is_problem(client.get("/api/v1/me", headers=bearer(world.organiser)), 401)


def test_a_read_token_may_not_write(client, db, world):
    body = {"title": "Soup", "kind": "meal", "start_date": "2027-04-06", "start_time": "12:00", "end_time": "13:00"}
    _is_problem(client.post(f"/api/v1/centres/{world.centre.id}/events", json=body,
                            headers=bearer(world.organiser_read)), 403)
    assert client.get(f"/api/v1/centres/{world.centre.id}", headers=bearer(world.organiser_read)).status_code == 200


def test_organiser_sees_own_centre_and_its_events(client, db, world):
    h = bearer(world.organiser)
    listed = client.get("/api/v1/centres", headers=h).get_json()
    assert [c["id"] for c in listed["items"]] == [world.centre.id] and listed["next_cursor"] is None
    events = client.get(f"/api/v1/centres/{world.centre.id}/events", headers=h).get_json()["items"]
    assert [e["id"] for e in events] == [world.event.id]
    one = client.get(f"/api/v1/events/{world.event.id}", headers=h).get_json()
    assert one["title"] == "Tuesday lunch club" and one["updated_at"].endswith("+00:00")
    dates = client.get(f"/api/v1/events/{world.event.id}/dates", headers=h).get_json()["items"]
    assert dates[0]["seats_taken"] == 2 and dates[0]["capacity"] == 10 and dates[0]["starts_at"].endswith("+00:00")


def test_the_roster_shows_names_only_where_agreed_and_no_contact_details(client, db, world):
    date_id = world.event.occurrences[0].id
    response = client.get(f"/api/v1/dates/{date_id}/roster", headers=bearer(world.organiser))
    names = [r["name"] for r in response.get_json()["items"]]
    assert "Rosa" in names and "Sam" not in " ".join(names) and len(names) == 2
    text = response.get_data(as_text=True)
    assert world.shy_user.email not in text and world.resident_user.email not in text and "lat" not in text


@pytest.mark.parametrize("who", ["other_organiser", "resident"])
def test_every_organiser_operation_refuses_the_wrong_token(client, db, world, who):
    h = bearer(getattr(world, who))
    c, e, d = world.centre.id, world.event.id, world.event.occurrences[0].id
    body = {"title": "Soup", "kind": "meal", "start_date": "2027-04-06", "start_time": "12:00", "end_time": "13:00"}
    calls = [
        client.get(f"/api/v1/centres/{c}", headers=h),
        client.get(f"/api/v1/centres/{c}/events", headers=h),
        client.post(f"/api/v1/centres/{c}/events", json=body, headers=h),
        client.get(f"/api/v1/events/{e}", headers=h),
        client.patch(f"/api/v1/events/{e}", json={"title": "Mine now"}, headers=h),
        client.post(f"/api/v1/events/{e}/cancel", json={}, headers=h),
        client.get(f"/api/v1/events/{e}/dates", headers=h),
        client.get(f"/api/v1/dates/{d}/roster", headers=h),
    ]
    for response in calls:
        assert response.status_code in (403, 404), (response.request.path, response.status_code)
        _is_problem(response, response.status_code)
    ids = [x["id"] for x in client.get("/api/v1/centres", headers=h).get_json()["items"]]
    assert world.centre.id not in ids


def test_organiser_creates_changes_and_cancels_an_event_through_the_store(client, db, world):
    h = bearer(world.organiser)
    body = {"title": "Soup and chat", "kind": "meal", "start_date": "2027-04-06", "start_time": "12:00",
            "end_time": "13:00", "capacity": 12}
    made = client.post(f"/api/v1/centres/{world.centre.id}/events", json=body, headers=h)
    assert made.status_code == 201, made.get_data(as_text=True)
    event_id = made.get_json()["id"]
    changed = client.patch(f"/api/v1/events/{event_id}", json={"title": "Soup, bread and chat"}, headers=h)
    assert changed.status_code == 200 and changed.get_json()["title"] == "Soup, bread and chat"
    cancelled = client.post(f"/api/v1/events/{event_id}/cancel", json={"reason": "Kitchen closed"}, headers=h)
    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled_at"]


def test_validation_errors_name_the_field(client, db, world):
    h = bearer(world.organiser)
    body = _is_problem(client.post(f"/api/v1/centres/{world.centre.id}/events",
                                   json={"title": "", "kind": "meal"}, headers=h), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"title", "start_date", "start_time", "end_time"} <= fields
    _is_problem(client.post(f"/api/v1/centres/{world.centre.id}/events", data="x", headers=h), 415)
    _is_problem(client.post(f"/api/v1/centres/{world.centre.id}/events", data="{", headers=h,
                            content_type="application/json"), 400)
    # the store's own refusal (an end before the start) also names its field
    bad = {"title": "Soup", "kind": "meal", "start_date": "2027-04-06", "start_time": "13:00", "end_time": "12:00"}
    assert _is_problem(client.post(f"/api/v1/centres/{world.centre.id}/events", json=bad, headers=h), 422)


def test_flask_aborts_inside_the_api_are_problems(client, db, world):
    h = bearer(world.organiser)
    _is_problem(client.get("/api/v1/events/999999", headers=h), 404)
    _is_problem(client.get("/api/v1/nothing-here", headers=h), 404)
    _is_problem(client.delete("/api/v1/me", headers=h), 405)
    _is_problem(client.get("/api/v1/centres?limit=0", headers=h), 400)
    _is_problem(client.get("/api/v1/centres?cursor=%%%", headers=h), 400)


def test_cursor_pagination_walks_every_item_once(client, db, world, settings):
    from event_factories import make_event
    for n in range(4):
        make_event(db, settings, centre=world.centre, by=world.centre.organisers[0], title=f"Walk {n}")
    db.flush()
    h, seen, cursor = bearer(world.organiser), [], None
    while True:
        url = f"/api/v1/centres/{world.centre.id}/events?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=h).get_json()
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and len(set(seen)) == 5 and seen == sorted(seen)


def test_etag_and_if_none_match(client, db, world):
    h = bearer(world.organiser)
    for url in (f"/api/v1/events/{world.event.id}", "/api/v1/centres"):
        first = client.get(url, headers=h)
        tag = first.headers["ETag"]
        again = client.get(url, headers={**h, "If-None-Match": tag})
        assert again.status_code == 304 and again.get_data() == b""
        assert client.get(url, headers={**h, "If-None-Match": '"other"'}).status_code == 200
    client.patch(f"/api/v1/events/{world.event.id}", json={"title": "A new title"}, headers=h)
    changed = client.get(f"/api/v1/events/{world.event.id}", headers={**h, "If-None-Match": tag})
    assert changed.status_code == 200


def test_idempotency_key_replays_and_refuses_another_body(client, db, world):
    from store.events.models import Event
    h = {**bearer(world.organiser), "Idempotency-Key": "make-soup-1"}
    body = {"title": "Soup", "kind": "meal", "start_date": "2027-04-06", "start_time": "12:00", "end_time": "13:00"}
    url = f"/api/v1/centres/{world.centre.id}/events"
    before = db.query(Event).count()
    first, second = client.post(url, json=body, headers=h), client.post(url, json=body, headers=h)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json() and second.headers["Idempotent-Replayed"] == "true"
    assert db.query(Event).count() == before + 1
    _is_problem(client.post(url, json={**body, "title": "Stew"}, headers=h), 409)
    # another token's same key is its own
    other = client.post(url, json=body, headers={**bearer(world.other_organiser), "Idempotency-Key": "make-soup-1"})
    assert other.status_code == 403


def test_resident_sees_only_their_own(client, db, world):
    h = bearer(world.resident)
    me = client.get("/api/v1/me", headers=h).get_json()
    assert me["id"] == world.resident_user.id and me["organises"] == []
    mine = client.get("/api/v1/me/signups", headers=h).get_json()["items"]
    assert len(mine) == 1 and mine[0]["date_id"] == world.event.occurrences[0].id
    assert client.get("/api/v1/me/offers", headers=h).get_json() == {"items": [], "next_cursor": None}
    _is_problem(client.post("/api/v1/me/offers/12345/answer", json={"answer": "yes"}, headers=h), 404)


def test_rate_limit_is_per_token_and_a_problem(app, client, db, world):
    app.config["API_RATE_LIMIT"] = "3/minute"
    h = bearer(world.resident)
    statuses = [client.get("/api/v1/me", headers=h).status_code for _ in range(4)]
    assert statuses[-1] == 429
    _is_problem(client.get("/api/v1/me", headers=h), 429)
    assert client.get("/api/v1/me", headers=bearer(world.organiser)).status_code == 200


def test_openapi_is_3_1_and_docs_page_is_vendored(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1.")
    assert "/api/v1/centres/{centre_id}/events" in spec["paths"]
    page = client.get("/api/v1/docs")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "vendor/swagger-ui/swagger-ui-bundle.js" in text and "http" not in text.split("<body>")[1]
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_a_resident_answers_their_own_offer_and_no_one_elses(client, db, settings, world):
    from factories import make_event as make_matched_event
    from factories import make_resident
    from sqlalchemy import select

    from store.accounts.api_tokens import create_token
    from store.groups.matching import run_matching
    from store.groups.models import Group, GroupMember, SeatStatus

    _, occurrence = make_matched_event(db, settings, world.centre, world.centre.organisers[0])
    people = [make_resident(db, name=f"Resident{i} Surname") for i in range(5)]
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).one()
    seated = [s.user_id for s in group.seats]
    me = next(p for p in people if p.id in seated)
    outsider = next((p for p in people if p.id not in seated), None) or make_resident(db, name="Out Sider")
    mine, theirs = create_token(db, me, "app", "read_write", 30)[1], create_token(db, outsider, "app", "read_write", 30)[1]
    db.flush()
    offers = client.get("/api/v1/me/offers", headers=bearer(mine)).get_json()["items"]
    assert [o["group_id"] for o in offers] == [group.id] and offers[0]["my_answer"] == "offered"
    _is_problem(client.post(f"/api/v1/me/offers/{group.id}/answer", json={"answer": "yes"}, headers=bearer(theirs)), 404)
    _is_problem(client.post(f"/api/v1/me/offers/{group.id}/answer", json={"answer": "maybe"}, headers=bearer(mine)), 422)
    answered = client.post(f"/api/v1/me/offers/{group.id}/answer", json={"answer": "yes"}, headers=bearer(mine))
    assert answered.status_code == 200 and answered.get_json()["my_answer"] == "accepted"
    db.expire_all()
    seat = db.scalar(select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == me.id))
    assert seat.status == SeatStatus.ACCEPTED


def test_a_token_with_a_logged_in_cookie_sets_no_cookie(client, db, world):
    login(client, world.resident_user.email)
    response = client.get("/api/v1/me/signups", headers=bearer(world.organiser))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert client.get("/api/v1/me", headers=bearer(world.organiser)).get_json()["role"] == "organiser"
