"""Importing events from a calendar, for one centre's organisers only: upload or address, preview, confirm."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from store.centres.models import Centre
from store.events import ical_fetch, imports
from store.events.ical_check import MAX_BYTES
from web.access import organised_centre, organiser_required
from web.db import attempt, db_session
from web.events.listing_cache import listing_cache
from web.imports.forms import ConfirmForm, ImportForm

__all__ = ["bp"]

bp = Blueprint("imports", __name__, url_prefix="/organiser/import", template_folder="templates")


def _settings():
    return current_app.extensions["hearth.settings"]




def _fetch(url: str) -> bytes:
    """The calendar at an address (the network edge; tests replace it)."""
    return ical_fetch.fetch_calendar(url, allow_private=current_app.config.get("HEARTH_IMPORT_PRIVATE_URLS", False))


def _uploaded(form: ImportForm) -> FileStorage | None:
    """The file the person chose, if they chose one (not a text field someone sent by that name)."""
    data = form.file.data
    return data if isinstance(data, FileStorage) and data.filename else None


def _upload_page(centre: Centre, form: ImportForm, status: int = 200):
    return render_template("imports/upload.html", centre=centre, form=form), status


@bp.route("/<int:centre_id>", methods=["GET", "POST"])
@organiser_required
def upload(centre_id: int):
    centre = organised_centre(centre_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _upload_page(centre, form, 400 if form.errors and "csrf_token" in form.errors else 200)
    chosen = _uploaded(form)
    if chosen is not None:
        data = chosen.read(MAX_BYTES + 1)
    else:
        with attempt() as done:
            data = _fetch(form.url.data)
        if not done:
            form.url.errors = [*form.url.errors, done.message]
            return _upload_page(centre, form)
    with attempt() as done:
        plan = imports.plan_import(db_session(), _settings(), centre, data, kind=form.kind.data,
                                   capacity=form.capacity.data)
    if not done:
        field = form.file if chosen is not None else form.url
        field.errors = [*field.errors, f"{done.message} Nothing has been imported."]
        return _upload_page(centre, form)
    confirm = ConfirmForm(formdata=None, calendar=base64.b64encode(data).decode("ascii"), kind=form.kind.data,
                          capacity=str(form.capacity.data))
    return render_template("imports/preview.html", centre=centre, plan=plan, confirm=confirm,
                           summary=imports.import_summary_words(plan))


@bp.route("/<int:centre_id>/confirm", methods=["POST"])
@organiser_required
def confirm(centre_id: int):
    centre = organised_centre(centre_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = base64.b64decode(form.calendar.data, validate=True)
        capacity = int(form.capacity.data)
    except (binascii.Error, ValueError):
        abort(400)
    with attempt() as done:
        plan = imports.run_import(db_session(), _settings(), centre, data, by=current_user, kind=form.kind.data,
                                  capacity=capacity)
    if not done:
        flash(f"{done.message} Please check the file and try again.", "error")
        return redirect(url_for(".upload", centre_id=centre.id), 303)
    listing_cache().clear()
    welcome = " Residents can find the new events and sign up now." if plan.creates else ""
    flash(f"Done: {imports.import_summary_words(plan)}.{welcome}", "success")
    return redirect(url_for("organiser.index"), 303)
