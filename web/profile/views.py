"""The resident's own profile: a five-page questionnaire and a summary; nobody else's is reachable.

Every view reads and writes only ``current_user``'s profile, so there is no id to tamper with.
What the resident typed for their location is geocoded and dropped within the request: the
pages carry only a signed, coarse place ("near Headingley, Leeds", a ~500 m grid point).
"""

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
from flask_login import current_user, login_required
from itsdangerous import BadData, URLSafeTimedSerializer

from store.groups.membership import save_profile_step
from store.groups.words import faces_choice_words
from store.places.geocoding import AmbiguousPlace, GeocodingError, Place
from store.places.words import how_we_placed_you, place_hint
from store.profiles import taxonomy as tx
from store.profiles.answers import STEP_TITLES, STEPS
from store.profiles.homes import (
    TOWN_PRECISION_M,
    confirm_home,
    neighbourhood_choices,
    understand_home,
)
from store.profiles.operations import get_profile, is_matchable, next_step
from store.profiles.vectors import refit_due
from web.db import attempt, db_session, enqueue_after_commit
from web.profile.forms import (
    STEP_FORMS,
    LocationConfirmForm,
    LocationSearchForm,
    PlaceChoiceForm,
    value_field_name,
)

__all__ = ["bp"]

bp = Blueprint("profile", __name__, url_prefix="/profile", template_folder="templates")

_PLACE_SALT = "hearth.profile.place"
_PLACE_MAX_AGE = 3600
_NONE_OF_THESE = ("", "None of these, or I'd rather not say")


@bp.before_request
@login_required
def _residents_only():
    """Every page here is the signed-in person's own."""


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_PLACE_SALT)


def _sign(places: list[Place]) -> str:
    return _signer().dumps([[p.label, p.lat, p.lon, p.precision_m, p.kind] for p in places])


def _unsign(token: str | None) -> list[Place] | None:
    try:
        rows = _signer().loads(token or "", max_age=_PLACE_MAX_AGE)
        return [Place(str(label), float(lat), float(lon), int(precision), str(kind[0]) if kind else "")
                for label, lat, lon, precision, *kind in rows]  # pages signed before kinds had four fields
    except (BadData, TypeError, ValueError):
        return None


def _after_saving(step: str):
    """Back to the summary when editing, else on to the next page."""
    following = next_step(None, after=step)
    if request.args.get("then") == "summary" or following is None:
        return redirect(url_for(".summary"))
    return redirect(url_for(".step", step=following) if following != "where" else url_for(".where"))


def _progress(step: str) -> dict:
    number = STEPS.index(step) + 1
    following = next_step(None, after=step)
    previous = STEPS[number - 2] if number > 1 else None
    editing = request.args.get("then") == "summary"
    extra = {"then": "summary"} if editing else {}

    def url(name: str | None) -> str | None:
        if name is None:
            return url_for(".summary")
        return url_for(".where", **extra) if name == "where" else url_for(".step", step=name, **extra)

    return {
        "step": step, "number": number, "total": len(STEPS), "title": STEP_TITLES[step],
        "titles": [STEP_TITLES[s] for s in STEPS], "editing": editing,
        "next_url": url_for(".summary") if editing else url(following),
        "back_url": url_for(".summary") if editing else (url(previous) if previous else None),
    }


@bp.route("/")
def summary():
    profile = get_profile(db_session(), current_user.id)
    return render_template("profile/summary.html", profile=profile, tx=tx,
                           matchable=profile is not None and is_matchable(profile),
                           next_step=next_step(profile))


# -- where you live ------------------------------------------------------------------------
@bp.route("/where", methods=["GET", "POST"])
def where():
    form = LocationSearchForm()
    profile = get_profile(db_session(), current_user.id)
    if form.validate_on_submit():
        try:
            place = understand_home(db_session(), _settings(), form.query.data)
        except AmbiguousPlace as exc:
            return _choose_page(exc.candidates, PlaceChoiceForm(formdata=None), str(exc))
        except GeocodingError as exc:
            form.query.errors.append(str(exc))  # what was typed stays in the box, to be corrected
        else:
            return _confirm_page(place, LocationConfirmForm(formdata=None))
    elif request.method == "GET":
        form.query.data = ""
    page = render_template("profile/where.html", form=form, profile=profile, progress=_progress("where"),
                           hint=place_hint(db_session(), _settings()))
    return page, 200, {"Cache-Control": "no-store"}  # a page that may hold what was typed is never cached


def _settings():
    return current_app.extensions["hearth.settings"]


def _choose_page(candidates: list[Place], form: PlaceChoiceForm, message: str):
    form.place.choices = [(str(i), place.label) for i, place in enumerate(candidates)]
    return render_template("profile/where_choose.html", form=form, options=_sign(candidates), message=message,
                           progress=_progress("where"))


@bp.route("/where/choose", methods=["POST"])
def where_choose():
    candidates = _unsign(request.form.get("options"))
    if not candidates:
        flash("That took a little too long, or didn't come through properly. Please search again.", "warning")
        return redirect(url_for(".where", **request.args))
    form = PlaceChoiceForm()
    form.place.choices = [(str(i), place.label) for i, place in enumerate(candidates)]
    if form.validate_on_submit():
        return _confirm_page(candidates[int(form.place.data)], LocationConfirmForm(formdata=None))
    return _choose_page(candidates, form, "Please choose the place you meant, or search again.")


def _confirm_page(place: Place, form: LocationConfirmForm, status: int = 200):
    hoods = neighbourhood_choices(db_session(), place)
    form.place.data = _sign([place])
    form.neighbourhood.choices = [_NONE_OF_THESE] + [(h.name, h.name) for h in hoods]
    district = place.kind in ("postcode_district", "postcode_in_district")  # km wide: the resident picks
    if form.neighbourhood.data is None and hoods and place.precision_m < TOWN_PRECISION_M and hoods[0].km <= 1.5 \
            and not district:
        form.neighbourhood.data = hoods[0].name
    return render_template("profile/where_confirm.html", form=form, place=place, has_hoods=bool(hoods),
                           town_only=place.precision_m >= TOWN_PRECISION_M,
                           how_placed=how_we_placed_you(place, can_choose=bool(hoods)),
                           progress=_progress("where")), status


@bp.route("/where/confirm", methods=["POST"])
def where_confirm():
    places = _unsign(request.form.get("place"))
    if not places or len(places) != 1:
        flash("That took a little too long, or didn't come through properly. Please search again.", "warning")
        return redirect(url_for(".where", **request.args))
    place = places[0]
    form = LocationConfirmForm()
    form.neighbourhood.choices = [_NONE_OF_THESE] + [(h.name, h.name) for h in neighbourhood_choices(db_session(), place)]
    if form.validate_on_submit():
        with attempt() as done:
            profile = confirm_home(db_session(), current_user.id, place, form.neighbourhood.data)
        if not done:
            form.neighbourhood.errors = list(getattr(done.error, "problems", {"": done.message}).values())
        else:
            flash(f"Thank you. Hearth keeps only “{profile.place_label}”: nobody sees your address.", "success")
            return _after_saving("where")
    return _confirm_page(place, form, 200)


# -- the other pages -----------------------------------------------------------------------
def _initial(step: str, profile) -> dict:
    if profile is None:
        return {}
    if step == "values":
        return {value_field_name(k): v for k, v in (profile.value_answers or {}).items()}
    form_class = STEP_FORMS[step]
    return {name: getattr(profile, name) for name in form_class.__dict__ if hasattr(profile, name)}


def _answers(step: str, form) -> dict:
    if step == "values":
        return {"value_answers": form.answers()}
    return {name: form[name].data for name in form.data if name != "csrf_token"}


@bp.route("/<step>", methods=["GET", "POST"])
def step(step: str):
    if step not in STEP_FORMS:
        abort(404)
    session = db_session()
    profile = get_profile(session, current_user.id)
    if profile is None or not profile.has_home:
        flash("First, tell us roughly where you live, so we can find people near you.", "warning")
        return redirect(url_for(".where"))
    form = STEP_FORMS[step](data=_initial(step, profile)) if request.method == "GET" else STEP_FORMS[step]()
    if form.validate_on_submit():
        with attempt() as done:
            _, rematch = save_profile_step(session, _settings(), current_user.id, step, _answers(step, form))
        if not done:
            for field, message in getattr(done.error, "problems", {None: done.message}).items():
                if field and field in form:
                    form[field].errors = [*form[field].errors, message]
                else:
                    flash(message, "error")
        else:
            for occurrence_id in rematch:
                enqueue_after_commit("run_match", occurrence_id)
            if refit_due(session):  # never fitted in the request: the job refits everyone's vectors
                enqueue_after_commit("refit_vectors")
            enqueue_after_commit("refresh_recommendations", current_user.id)
            flash("Saved." if step != "needs" else "Saved. Thank you for telling us about yourself.", "success")
            return _after_saving(step)
    return render_template(f"profile/{step}.html", form=form, progress=_progress(step), tx=tx, faces_hint=faces_choice_words())
