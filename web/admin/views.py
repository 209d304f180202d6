"""Admin views: the list of centres, placing a new centre by searching its address, editing a
centre, and a centre's organisers and invitations."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from store.accounts.operations import AccountError
from store.centres import organisers
from store.centres.models import Centre
from store.centres.operations import (
    CentrePlace,
    all_centres,
    create_centre,
    find_centre_place,
    parse_point,
    update_centre,
)
from store.places.geocoding import GeocodingError
from web.access import admin_required
from web.admin.forms import CentreForm, InviteForm
from web.db import attempt, db_session

__all__ = ["bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

_NOT_FOUND_HINT = (" Try the street and town, the neighbourhood, or the postcode: the place found is shown "
                   "before you save, and the address you type is what residents see.")


def _settings():
    return current_app.extensions["hearth.settings"]


def _current_place(centre: Centre | None) -> CentrePlace | None:
    if centre is None or centre.lat is None or centre.lon is None:
        return None
    return CentrePlace(centre.address, centre.lat, centre.lon, centre.timezone)


def _place_and_save(form: CentreForm, centre: Centre | None):
    """Handle a posted centre form. Returns (places to show, the centre saved or ``None``).

    "Find this address" searches the geocoder and shows what it found with its time zone; Save
    uses the place chosen for this address, or searches the address itself. Nothing typed is lost
    on an error: the form comes back with it."""
    session = db_session()
    address = " ".join((form.address.data or "").split())
    point = None
    if request.form.get("action") != "search" and form.place.data and (form.place_for.data or "") == address:
        try:
            point = parse_point(form.place.data)
        except AccountError as exc:
            form.address.errors.append(str(exc))
            return [], None
    if point is None:
        try:
            places = find_centre_place(session, _settings(), address)
        except GeocodingError as exc:
            form.address.errors.append(str(exc) + _NOT_FOUND_HINT)
            return [], None
        if request.form.get("action") == "search":
            return places, None
        if len(places) > 1:
            form.address.errors.append("There's more than one place with that name. Please choose which one below.")
            return places, None
        point = (places[0].lat, places[0].lon)
    with attempt() as done:
        fields = dict(name=form.name.data, address=address, description=form.description.data or "",
                      lat=point[0], lon=point[1])
        saved = update_centre(session, centre, **fields) if centre else create_centre(session, **fields)
    if not done:
        form.name.errors.append(done.message)
        return [], None
    return [], saved


@bp.route("/centres", methods=["GET", "POST"])
@admin_required
def centres():
    form = CentreForm()
    places = []
    if form.validate_on_submit():
        places, centre = _place_and_save(form, None)
        if centre is not None:
            flash(f"{centre.name} is on the map, in the {centre.timezone} time zone. Now invite its organisers.",
                  "success")
            return redirect(url_for("admin.centre", centre_id=centre.id), 303)
    return render_template("admin/centres.html", centres=all_centres(db_session()), form=form, places=places,
                           address=" ".join((form.address.data or "").split()))


@bp.route("/centres/<int:centre_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(centre_id: int):
    item = db_session().get(Centre, centre_id)
    if item is None:
        abort(404)
    form = CentreForm(obj=item) if request.method == "GET" else CentreForm()
    places = []
    if request.method == "GET" and item.lat is not None:
        form.place.data, form.place_for.data = _current_place(item).value, item.address
    if form.validate_on_submit():
        places, saved = _place_and_save(form, item)
        if saved is not None:
            flash(f"Saved. {saved.name} is in the {saved.timezone} time zone.", "success")
            return redirect(url_for("admin.centre", centre_id=saved.id), 303)
    current = _current_place(item) if not places and form.place.data and (form.place_for.data or "") == \
        " ".join((form.address.data or "").split()) else None
    return render_template("admin/edit.html", centre=item, form=form, places=places, current=current,
                           address=" ".join((form.address.data or "").split()))


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
            _settings(),
            centre=item,
            email=form.email.data,
            invited_by=current_user,
        )
        flash(f"Invitation sent to {form.email.data}.", "success")
        return redirect(url_for("admin.centre", centre_id=item.id))
    invitations = organisers.open_invitations(session, item.id)
    return render_template("admin/centre.html", centre=item, form=form, invitations=invitations)
