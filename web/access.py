"""Who may see what: decorators that refuse with 403 before a view touches anyone's data."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from store.centres.models import Centre
from store.events import admin as event_admin
from store.events.models import Event
from web.db import db_session

__all__ = ["admin_required", "organiser_required", "organised_centre", "organised_event"]


def admin_required(view):
    """Only admins; others get 403 (after logging in, if they weren't)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def organiser_required(view):
    """Only organisers and admins; each view still checks the centre with ``user.organises``."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def organised_centre(centre_id: int) -> Centre:
    """The centre, if the asking person organises it: 404 if there is none, 403 if it isn't
    theirs. Every organiser page about one centre is scoped by this one check."""
    centre = db_session().get(Centre, centre_id)
    if centre is None:
        abort(404)
    if not current_user.organises(centre.id):
        abort(403)
    return centre


def organised_event(event_id: int) -> Event:
    """The event, if the asking person organises its centre: 404 if there is none, 403 if it isn't
    theirs (``store.events.admin.organiser_event`` decides)."""
    try:
        event = event_admin.organiser_event(db_session(), event_id, current_user)
    except PermissionError:
        abort(403)
    if event is None:
        abort(404)
    return event
