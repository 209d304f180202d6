"""Organisers' part of the API: their centres, events, dates and rosters, scoped by the pages' own checks."""

from __future__ import annotations

import dataclasses

from flask import abort, current_app
from flask_login import current_user

from store.centres.organisers import centres_run_by
from store.core.db import utcnow
from store.events import admin as event_admin
from store.events import signups
from store.events.models import Occurrence, SignupStatus
from store.groups import dates as group_dates
from web.access import organised_centre, organised_event
from web.api import bp
from web.api.conventions import page, read_body, respond
from web.api.idempotency import idempotent
from web.api.schemas import (
    CancelIn,
    CentreOut,
    CentrePage,
    DatePage,
    EventIn,
    EventOut,
    EventPage,
    EventPatch,
    RosterPage,
)
from web.api.shapes import centre_json, date_json, event_json
from web.api.spec import operation
from web.db import db_session
from web.events.listing_cache import listing_cache

__all__: list[str] = []


def _settings():
    return current_app.extensions["hearth.settings"]


def _occurrence(occurrence_id: int) -> Occurrence:
    occurrence = db_session().get(Occurrence, occurrence_id)
    if occurrence is None:
        abort(404)
    organised_event(occurrence.event_id)
    return occurrence


@bp.get("/centres")
@operation("The centres the token's person organises", response=CentrePage, listing=True)
def centres():
    return respond(page(centres_run_by(db_session(), current_user), lambda c: c.id, centre_json))


@bp.get("/centres/<int:centre_id>")
@operation("One centre the token's person organises", response=CentreOut)
def centre(centre_id: int):
    return respond(centre_json(organised_centre(centre_id)))


@bp.get("/centres/<int:centre_id>/events")
@operation("A centre's events still to come", response=EventPage, listing=True)
def centre_events(centre_id: int):
    found = organised_centre(centre_id)
    return respond(page(event_admin.centre_events(db_session(), [found.id]), lambda e: e.id, event_json))


@bp.post("/centres/<int:centre_id>/events")
@operation("Post a new event (as the organiser page does)", response=EventOut, body=EventIn, status=201,
           idempotent_create=True, errors=(422,))
@idempotent
def create_event(centre_id: int):
    found = organised_centre(centre_id)
    data = read_body(EventIn)
    details = event_admin.EventDetails(
        title=data.title, kind=data.kind, start_date=data.start_date, start_time=data.start_time,
        end_time=data.end_time, description=data.description, recurrence=data.recurrence,
        repeat_until=data.repeat_until, capacity=data.capacity)
    event = event_admin.create_event(db_session(), _settings(), centre=found, details=details, by=current_user)
    listing_cache().clear()
    return event_json(event), 201, event


@bp.get("/events/<int:event_id>")
@operation("One event", response=EventOut)
def event(event_id: int):
    return respond(event_json(organised_event(event_id)))


@bp.patch("/events/<int:event_id>")
@operation("Change an event; residents signed up are told, as from the edit page", response=EventOut,
           body=EventPatch, errors=(422,))
def change_event(event_id: int):
    item = organised_event(event_id)
    data = read_body(EventPatch)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    details = dataclasses.replace(event_admin.details_of(item), **changes)
    group_dates.update_event(db_session(), _settings(), item, details, by=current_user)
    listing_cache().clear()
    return respond(event_json(item))


@bp.post("/events/<int:event_id>/cancel")
@operation("Cancel an event; everyone signed up is told", response=EventOut, body=CancelIn, errors=(422,))
def cancel_event(event_id: int):
    item = organised_event(event_id)
    data = read_body(CancelIn)
    group_dates.cancel_event(db_session(), _settings(), item, by=current_user, reason=data.reason)
    listing_cache().clear()
    return respond(event_json(item))


@bp.get("/events/<int:event_id>/dates")
@operation("An event's dates still to come, with seats taken, held and the waiting list", response=DatePage,
           listing=True)
def event_dates(event_id: int):
    item = organised_event(event_id)
    now = utcnow()
    dates = [o for o in item.occurrences if o.ends_at > now]  # as the organiser's event page lists them
    seats = signups.seat_summary(db_session(), [o.id for o in dates])
    return respond(page(dates, lambda o: o.id, lambda o: date_json(o, seats[o.id])))


@bp.get("/dates/<int:date_id>/roster")
@operation("Who is on a date's list: names only where residents agreed, pseudonyms otherwise", response=RosterPage,
           listing=True)
def roster(date_id: int):
    occurrence = _occurrence(date_id)
    session = db_session()
    rows = [s for s in signups.roster(session, occurrence.id) if s.status != SignupStatus.CANCELLED]
    names = signups.organiser_names(session, _settings(), rows)
    places = signups.waitlist_positions(rows)

    def show(signup):
        return {"signup_id": signup.id, "name": names[signup.user_id], "status": signup.status.value,
                "guests": signup.guests, "waiting_place": places.get(signup.id)}

    return respond(page(rows, lambda s: s.id, show))
