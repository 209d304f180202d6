"""Residents' event pages: browse and search, an event's dates, sign up, cancel, calendars."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from store.centres.area import organiser_label
from store.core.db import utcnow
from store.events import calendars, signups
from store.events import models as event_models
from store.events.models import Event, EventError, Occurrence
from store.events.search import EventQuery, search_events
from store.events.words import resident_seat_short, resident_seat_words
from store.groups.dates import cancel_place
from store.places.points import distance_km
from store.profiles.operations import get_profile, home_point
from web.db import attempt, database, db_session, enqueue_after_commit, wrote_at
from web.events.display import event_json_ld, init_filters
from web.events.forms import ButtonForm, FeedForm, SearchForm, SignUpForm
from web.events.listing_cache import listing_cache

__all__ = ["bp", "seat_change", "home_point_of"]

bp = Blueprint("events", __name__, url_prefix="/events", template_folder="templates")
init_filters(bp)


def _settings():
    return current_app.extensions["hearth.settings"]


def seat_change(view):
    """Run a view that changes who holds a seat inside a write transaction from its first query.

    On SQLite that is ``BEGIN IMMEDIATE`` (waiting its turn instead of failing on a stale read);
    PostgreSQL locks the occurrence's row inside the operation itself.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        if "db_session" not in g and database().is_sqlite:
            g.db_session = database().session()
            signups.begin_seat_change(g.db_session)
        return view(*args, **kwargs)

    return wrapper


def home_point_of(user_id: int) -> tuple[float, float] | None:
    """The resident's coarse home point, only ever used to work out distances."""
    return home_point(db_session(), user_id)


@bp.app_context_processor
def upcoming_for_me():
    def my_upcoming_events(limit: int = 5):
        if not current_user.is_authenticated:
            return []
        return signups.signups_for_user(db_session(), current_user.id, upcoming_after=utcnow())[:limit]

    def place_short(signup) -> str:
        return resident_seat_short(signup.status, signups.waitlist_position(db_session(), signup), signup.guests)

    return {"my_upcoming_events": my_upcoming_events, "place_short": place_short, "seat_words": resident_seat_words}


def _query(form: SearchForm, origin) -> EventQuery:
    within = form.within.data
    return EventQuery(
        kinds=tuple(form.kind.data or ()), tags=tuple(form.tags.data or ()), access=tuple(form.access.data or ()),
        date_from=form.date_from.data, date_to=form.date_to.data, origin=origin,
        within_km=float(within) if within and origin else None,
        sort=form.sort.data if form.sort.data in ("soonest", "nearest") and origin else "soonest",
        page=form.page.data or 1, text=(form.q.data or "").strip(),
    )


def _browse_body(origin) -> Markup:
    """The filters and one page of results, rendered (what the listing cache keeps)."""
    form = SearchForm(request.args)
    page, problem = None, None
    if form.validate():
        try:
            page = search_events(db_session(), _query(form, origin))
        except EventError as exc:
            problem = str(exc)
    return Markup(render_template(
        "events/_browse_body.html", form=form, page=page, problem=problem, origin=origin,
        wants_distance=bool(form.within.data) or form.sort.data == "nearest",
        args=request.args.to_dict(flat=False),
    ))


@bp.route("/")
def browse():
    cache = listing_cache()
    origin = None
    newer_than = wrote_at()  # what the reader changed themselves is never served stale
    if current_user.is_authenticated:
        origin = cache.fetch(("home", current_user.id), lambda: home_point_of(current_user.id), newer_than=newer_than)
    key = (tuple(sorted(request.args.items(multi=True))), current_user.is_authenticated, origin)
    body = cache.fetch(key, lambda: _browse_body(origin), newer_than=newer_than)
    return render_template("events/browse.html", body=body)


def _event_or_404(event_id: int) -> Event:
    event = db_session().get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _occurrence_or_404(event_id: int, occurrence_id: int) -> Occurrence:
    occurrence = db_session().get(Occurrence, occurrence_id)
    if occurrence is None or occurrence.event_id != event_id:
        abort(404)
    return occurrence


@bp.route("/<int:event_id>")
def event(event_id: int):
    session = db_session()
    item = _event_or_404(event_id)
    now = utcnow()
    dates = [o for o in item.occurrences if o.ends_at > now][:12]
    counts = signups.seat_summary(session, [o.id for o in dates])
    # First names of who is going, only for people logged in, and only of those who agreed.
    names = signups.going_names(session, [o.id for o in dates]) if current_user.is_authenticated else {}
    mine = {}
    if current_user.is_authenticated:
        for signup in signups.signups_for_user(session, current_user.id):
            if signup.occurrence.event_id == item.id:
                mine[signup.occurrence_id] = (signup, signups.waitlist_position(session, signup))
    distance = None
    if current_user.is_authenticated and item.point:
        origin = home_point_of(current_user.id)
        if origin:
            distance = distance_km(origin, item.point)
    my_name = None
    if current_user.is_authenticated:
        my_name = organiser_label(current_user, get_profile(session, current_user.id), _settings().secret_key)
    ld = event_json_ld([(o, max(item.capacity - counts[o.id].taken, 0)) for o in dates], _settings())
    return render_template("events/event.html", event=item, dates=dates, counts=counts, names=names, mine=mine,
                           distance=distance, json_ld_items=ld, form=ButtonForm(), signup_form=SignUpForm(),
                           now=now, my_name=my_name)


@bp.route("/<int:event_id>/dates/<int:occurrence_id>/sign-up", methods=["POST"])
@seat_change
@login_required
def sign_up(event_id: int, occurrence_id: int):
    session = db_session()
    _occurrence_or_404(event_id, occurrence_id)
    form = SignUpForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash("Please choose how many guests from the list.", "error")
        return redirect(url_for("events.event", event_id=event_id, _anchor=f"date-{occurrence_id}"), 303)
    with attempt() as done:
        signup = signups.sign_up(session, _settings(), occurrence_id, current_user, guests=form.guests.data or 0)
    if not done:
        flash(done.message, "error")
    else:
        listing_cache().clear()
        guest = f" and your {'guest' if signup.guests == 1 else 'guests'}" if signup.guests else ""
        if signup.status == event_models.SignupStatus.CONFIRMED:
            flash(f"You're signed up{guest}. We've sent the details to your messages, with a calendar file.",
                  "success")
        else:
            place = signups.waitlist_position(session, signup)
            flash(f"There isn't room{' for you' + guest if guest else ''} just now, so you're number {place} on the "
                  "waiting list. When seats come free they're yours, and we'll tell you straight away.", "success")
    return redirect(url_for("events.event", event_id=event_id, _anchor=f"date-{occurrence_id}"), 303)


@bp.route("/sign-ups/<int:signup_id>/cancel", methods=["POST"])
@seat_change
@login_required
def cancel(signup_id: int):
    session = db_session()
    if not ButtonForm().validate_on_submit():
        abort(400)
    occurrence = signups.own_occurrence(session, signup_id, current_user.id)
    if occurrence is None:
        abort(404)
    with attempt() as done:
        _, rematch = cancel_place(session, _settings(), signup_id, current_user)
    if not done:
        flash(done.message, "error")
        return redirect(url_for("events.mine"), 303)
    for occurrence_id in rematch:
        enqueue_after_commit("run_match", occurrence_id)
    listing_cache().clear()
    flash("You've cancelled. Thank you for letting us know: someone else can come instead.", "success")
    target = request.form.get("back") == "event"
    if target:
        return redirect(url_for("events.event", event_id=occurrence.event_id, _anchor=f"date-{occurrence.id}"), 303)
    return redirect(url_for("events.mine"), 303)


@bp.route("/mine")
@login_required
def mine():
    session = db_session()
    now = utcnow()
    rows = signups.signups_for_user(session, current_user.id, upcoming_after=now)
    positions = {s.id: signups.waitlist_position(session, s) for s in rows}
    return render_template("events/mine.html", signups=rows, positions=positions, form=ButtonForm())


def _ics(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/<int:event_id>/calendar.ics")
def event_ics(event_id: int):
    return _ics(calendars.event_calendar(_event_or_404(event_id), _settings()), f"hearth-event-{event_id}.ics")


@bp.route("/<int:event_id>/dates/<int:occurrence_id>/calendar.ics")
def occurrence_ics(event_id: int, occurrence_id: int):
    occurrence = _occurrence_or_404(event_id, occurrence_id)
    return _ics(calendars.occurrences_calendar([occurrence], _settings()), f"hearth-{occurrence.local_date}.ics")


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def feed():
    session = db_session()
    form = FeedForm()
    new_url = None
    if form.validate_on_submit():
        if form.action.data == "new":
            token = calendars.new_feed(session, current_user.id)
            new_url = url_for("events.feed_ics", token=token, _external=True)
        else:
            calendars.revoke_feed(session, current_user.id)
            flash("Your calendar address is turned off. Calendars using it will stop updating.", "success")
            return redirect(url_for("events.feed"), 303)
    return render_template("events/feed.html", form=form, new_url=new_url, signups=len(
                               signups.signups_for_user(session, current_user.id, upcoming_after=utcnow())),
                           has_feed=calendars.has_feed(session, current_user.id))


@bp.route("/feed/<token>.ics")
def feed_ics(token: str):
    session = db_session()
    user_id = calendars.feed_user_id(session, token)
    if user_id is None:
        abort(404)
    rows = signups.signups_for_user(session, user_id, upcoming_after=utcnow() - timedelta(days=31))
    response = _ics(calendars.personal_calendar(rows, _settings()), "hearth.ics")
    response.headers["Content-Disposition"] = 'inline; filename="hearth.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
