"""Rows put into the API's JSON: one function per kind of row, the times with their zones."""

from __future__ import annotations

from store.centres.models import Centre
from store.events.models import Event, Occurrence, SeatCount, SignUp
from store.groups.models import GroupMember
from web.api.conventions import iso

__all__ = ["centre_json", "event_json", "date_json", "signup_json", "offer_json"]


def centre_json(centre: Centre) -> dict:
    return {"id": centre.id, "name": centre.name, "slug": centre.slug, "description": centre.description or "",
            "timezone": centre.timezone}


def event_json(event: Event) -> dict:
    return {
        "id": event.id, "centre_id": event.centre_id, "title": event.title, "kind": event.kind,
        "description": event.description or "", "timezone": event.timezone, "start_date": event.start_date.isoformat(),
        "start_time": event.start_time.strftime("%H:%M"), "end_time": event.end_time.strftime("%H:%M"),
        "recurrence": event.recurrence, "repeat_until": event.repeat_until.isoformat() if event.repeat_until else None,
        "capacity": event.capacity, "cancelled_at": iso(event.cancelled_at), "updated_at": iso(event.updated_at),
    }


def date_json(occurrence: Occurrence, seats: SeatCount) -> dict:
    return {
        "id": occurrence.id, "event_id": occurrence.event_id, "starts_at": iso(occurrence.starts_at),
        "ends_at": iso(occurrence.ends_at), "cancelled_at": iso(occurrence.cancelled_at),
        "capacity": occurrence.event.capacity, "seats_taken": seats.going, "seats_held": seats.held,
        "waiting": seats.waiting,
    }


def signup_json(signup: SignUp) -> dict:
    occurrence = signup.occurrence
    return {"id": signup.id, "date_id": occurrence.id, "event_id": occurrence.event_id,
            "title": occurrence.event.title, "starts_at": iso(occurrence.starts_at), "status": signup.status.value}


def offer_json(seat: GroupMember, occurrence: Occurrence) -> dict:
    return {"group_id": seat.group_id, "date_id": occurrence.id, "event_id": occurrence.event_id,
            "title": occurrence.event.title, "starts_at": iso(occurrence.starts_at),
            "group_status": seat.group.status.value, "my_answer": seat.status.value}
