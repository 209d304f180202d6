"""Organisers name the neighbourhoods their centre serves; residents pick theirs from these names."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from store.centres.models import Centre
from store.centres.organisers import centres_run_by
from store.places.geocoding import GeocodingError, geocode
from store.places.neighbourhoods import (
    load_neighbourhoods,
    neighbourhoods_of,
    remove_neighbourhood,
    set_neighbourhood,
)
from store.places.points import distance_km
from web.access import organised_centre, organiser_required
from web.db import attempt, db_session
from web.neighbourhoods.forms import NeighbourhoodForm, RemoveForm, UploadForm

__all__ = ["bp"]

bp = Blueprint("neighbourhoods", __name__, url_prefix="/neighbourhoods", template_folder="templates")

_TOO_ROUGH_M = 5000


def _centres() -> list[Centre]:
    return centres_run_by(db_session(), current_user)




@bp.route("/")
@organiser_required
def index():
    centres = _centres()
    if len(centres) == 1:
        return redirect(url_for(".centre", centre_id=centres[0].id))
    return render_template("neighbourhoods/index.html", centres=centres)


def _page(centre: Centre, form: NeighbourhoodForm | None = None, upload: UploadForm | None = None, status: int = 200):
    hoods = neighbourhoods_of(db_session(), centre)
    distances = {h.id: distance_km((h.lat, h.lon), (centre.lat, centre.lon)) if centre.lat is not None else None
                 for h in hoods}
    return render_template("neighbourhoods/centre.html", centre=centre, hoods=hoods, distances=distances,
                           form=form or NeighbourhoodForm(formdata=None), upload=upload or UploadForm(formdata=None),
                           remove=RemoveForm()), status


@bp.route("/<int:centre_id>", methods=["GET", "POST"])
@organiser_required
def centre(centre_id: int):
    centre = organised_centre(centre_id)
    form = NeighbourhoodForm()
    if not form.validate_on_submit():
        return _page(centre, form)
    session = db_session()
    lat, lon = form.lat.data, form.lon.data
    if lat is None:
        try:
            place = geocode(session, current_app.extensions["hearth.settings"], form.place.data)
        except GeocodingError as exc:
            form.place.errors.append(str(exc))
            return _page(centre, form)
        if place.precision_m >= _TOO_ROUGH_M:
            form.place.errors.append(
                f"We could only find the whole of {place.label} for that, which is too rough for a neighbourhood. "
                "Please give a postcode near its middle, or its latitude and longitude (any online map shows them).")
            return _page(centre, form)
        lat, lon = place.lat, place.lon
    with attempt() as done:
        hood = set_neighbourhood(session, centre, form.name.data, lat, lon)
    if not done:
        form.name.errors.append(done.message)
        return _page(centre, form)
    flash(f"{hood.name} is saved. Residents nearby can now choose it.", "success")
    return redirect(url_for(".centre", centre_id=centre.id))


@bp.route("/<int:centre_id>/upload", methods=["POST"])
@organiser_required
def upload(centre_id: int):
    centre = organised_centre(centre_id)
    form = UploadForm()
    if form.validate_on_submit():
        text = form.file.data.read(1_000_000).decode("utf-8-sig", errors="replace")
        with attempt() as done:
            count = load_neighbourhoods(db_session(), centre, io.StringIO(text))
        if not done:
            form.file.errors.append(f"{done.message}. Nothing was loaded; please fix the file and try again.")
        else:
            flash(f"Loaded {count} neighbourhood{'s' if count != 1 else ''}.", "success")
            return redirect(url_for(".centre", centre_id=centre.id))
    return _page(centre, upload=form)


@bp.route("/<int:centre_id>/<int:neighbourhood_id>/remove", methods=["POST"])
@organiser_required
def remove(centre_id: int, neighbourhood_id: int):
    centre = organised_centre(centre_id)
    if RemoveForm().validate_on_submit() and remove_neighbourhood(db_session(), centre, neighbourhood_id):
        flash("Removed. Residents who chose it keep the area they gave.", "success")
    return redirect(url_for(".centre", centre_id=centre.id))
