"""Who may see what: decorators that refuse with 403 before a view touches anyone's data."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

__all__ = ["admin_required", "organiser_required"]


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
