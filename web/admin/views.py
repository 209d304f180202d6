"""Admin views: the list of centres, a new centre, and a centre's organisers and invitations."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from store.centres import organisers
from store.centres.models import Centre
from store.centres.operations import all_centres, create_centre
from web.access import admin_required
from web.admin.forms import CentreForm, InviteForm
from web.db import attempt, db_session, enqueue_after_commit

__all__ = ["bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/centres", methods=["GET", "POST"])
@admin_required
def centres():
    session = db_session()
    form = CentreForm()
    if form.validate_on_submit():
        if (form.lat.data is None) != (form.lon.data is None):
            form.lon.errors.append("Please give both latitude and longitude, or neither.")
        else:
            with attempt() as done:
                centre = create_centre(
                    session,
                    name=form.name.data,
                    address=form.address.data or "",
                    description=form.description.data or "",
                    lat=form.lat.data,
                    lon=form.lon.data,
                )
            if not done:
                form.name.errors.append(done.message)
            else:
                if centre.lat is None and centre.address:
                    enqueue_after_commit("geocode_pending")
                flash(f"{centre.name} is ready. Now invite its organisers.", "success")
                return redirect(url_for("admin.centre", centre_id=centre.id))
    rows = all_centres(session)
    return render_template("admin/centres.html", centres=rows, form=form)


@bp.route("/centres/<int:centre_id>", methods=["GET", "POST"])
@admin_required
def centre(centre_id: int):
    session = db_session()
    item = session.get(Centre, centre_id)
    if item is None:
        abort(404)
    form = InviteForm()
    if form.validate_on_submit():
        organisers.invite_organiser(
            session,
            current_app.extensions["hearth.settings"],
            centre=item,
            email=form.email.data,
            invited_by=current_user,
        )
        flash(f"Invitation sent to {form.email.data}.", "success")
        return redirect(url_for("admin.centre", centre_id=item.id))
    invitations = organisers.open_invitations(session, item.id)
    return render_template("admin/centre.html", centre=item, form=form, invitations=invitations)
