"""Organisers' event pages, for their own centres only: post, edit, duplicate, cancel, lists, check-in."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from store.centres.area import organiser_pauses
from store.centres.models import Centre
from store.centres.organisers import centres_run_by
from store.core.db import utcnow
from store.events import admin as event_admin
from store.events import signups
from store.events.models import Event, EventError, Occurrence, SignupStatus
from store.events.times import describe_time
from store.events.words import (
    cancel_told_words,
    change_told_words,
    organiser_seat_words,
    organiser_seats_words,
    roster_name,
)
from store.groups import dates as group_dates
from store.groups.continuing import date_groups_for_organisers
from store.insight import ods, rosters
from web.access import organised_event, organiser_required
from web.db import attempt, db_session
from web.events.forms import ButtonForm
from web.events.listing_cache import listing_cache
from web.events.views import seat_change
from web.organiser.forms import (
    CancelForm,
    CheckInForm,
    DuplicateForm,
    EventForm,
    MessageForm,
    details_from,
)

__all__ = ["bp"]

bp = Blueprint("organiser", __name__, url_prefix="/organiser", template_folder="templates")


def _settings():
    return current_app.extensions["hearth.settings"]


def _my_centres() -> list[Centre]:
    return centres_run_by(db_session(), current_user)


def _occurrence(event: Event, occurrence_id: int) -> Occurrence:
    occurrence = db_session().get(Occurrence, occurrence_id)
    if occurrence is None or occurrence.event_id != event.id:
        abort(404)
    return occurrence


def _fail(form, exc: EventError) -> None:
    """Show a domain error by the field it concerns (the request's work is already undone)."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = list(target.errors) + [str(exc)]
    else:
        flash(str(exc), "error")


@bp.after_request
def _fresh_listings(response):
    """Whatever an organiser changed shows in this process's listings at once."""
    if request.method == "POST" and response.status_code < 400:
        listing_cache().clear()
    return response


@bp.route("/")
@organiser_required
def index():
    centres = _my_centres()
    events = event_admin.centre_events(db_session(), [c.id for c in centres])
    return render_template("organiser/index.html", centres=centres, events=events)


@bp.route("/events/new", methods=["GET", "POST"])
@organiser_required
def new():
    centres = _my_centres()
    if not centres:
        flash("You aren't an organiser of any centre yet. Ask your centre to invite you.", "warning")
        return redirect(url_for("organiser.index"))
    form = EventForm()
    form.centre_id.choices = [(c.id, c.name) for c in centres]
    if form.validate_on_submit():
        session = db_session()
        centre = session.get(Centre, form.centre_id.data)
        if centre is None or not current_user.organises(centre.id):
            abort(403)
        with attempt() as done:
            event = event_admin.create_event(session, _settings(), centre=centre, details=details_from(form),
                                             by=current_user)
        if not done:
            _fail(form, done.error)
        else:
            flash(f"“{event.title}” is posted. Residents can find it and sign up now.", "success")
            return redirect(url_for("organiser.event", event_id=event.id), 303)
    return render_template("organiser/edit.html", form=form, event=None, heading="Post a new event")


@bp.route("/events/<int:event_id>")
@organiser_required
def event(event_id: int):
    item = organised_event(event_id)
    now = utcnow()
    dates = [o for o in item.occurrences if o.ends_at > now]
    past = [o for o in item.occurrences if o.ends_at <= now][-6:]
    counts = signups.seat_counts(db_session(), [o.id for o in dates + past])
    return render_template("organiser/event.html", event=item, dates=dates, past=past, counts=counts,
                           cancel_form=CancelForm(), now=now)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@seat_change
@organiser_required
def edit(event_id: int):
    item = organised_event(event_id)
    form = EventForm()
    del form.centre_id
    if request.method == "GET":
        form.fill_from(event_admin.details_of(item))
    elif form.validate_on_submit():
        with attempt() as done:
            change = group_dates.update_event(db_session(), _settings(), item, details_from(form), by=current_user)
        if not done:
            _fail(form, done.error)
        else:
            flash(change_told_words(change.told, change.signed_up), "success")
            return redirect(url_for("organiser.event", event_id=item.id), 303)
    return render_template("organiser/edit.html", form=form, event=item, heading=f"Change “{item.title}”")


@bp.route("/events/<int:event_id>/duplicate", methods=["GET", "POST"])
@organiser_required
def duplicate(event_id: int):
    item = organised_event(event_id)
    form = DuplicateForm()
    if form.validate_on_submit():
        with attempt() as done:
            copy = event_admin.duplicate_event(db_session(), _settings(), item, by=current_user,
                                               start_date=form.start_date.data)
        if not done:
            exc = done.error
            _fail(form, exc if exc.field == "start_date" else EventError(str(exc), "start_date"))
        else:
            flash("Here is the copy. Check the details; you can change anything.", "success")
            return redirect(url_for("organiser.edit", event_id=copy.id), 303)
    return render_template("organiser/duplicate.html", form=form, event=item)


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@seat_change
@organiser_required
def cancel(event_id: int):
    item = organised_event(event_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt() as done:
        told = group_dates.cancel_event(db_session(), _settings(), item, by=current_user, reason=form.reason.data or "")
    if not done:
        flash(done.message, "error")
    else:
        flash(cancel_told_words(f"“{item.title}” is cancelled.", told), "success")
    return redirect(url_for("organiser.event", event_id=item.id), 303)


def _date_page(item: Event, occurrence: Occurrence, *, message_form=None, refusal: tuple[int, str] | None = None,
               status: int = 200):
    """A date's list: who is coming, check-in (from the day of the event), print, export, write.
    ``refusal`` is (sign-up id, message): a check-in that was refused, shown beside its row."""
    session, now = db_session(), utcnow()
    rows = signups.roster(session, occurrence.id)
    opens = occurrence.local_date
    body = render_template(
        "organiser/date.html", event=item, occurrence=occurrence, rows=rows,
        names=signups.organiser_names(session, _settings(), rows),
        message_form=message_form or MessageForm(), cancel_form=CancelForm(), button=ButtonForm(),
        seats=organiser_seats_words(item.capacity, signups.seat_summary(session, [occurrence.id])[occurrence.id]),
        roster_name=roster_name, now=now,
        statuses=SignupStatus, seat_words=organiser_seat_words, refusal=refusal,
        checkin_open=signups.check_in_open(occurrence, now),
        opens_words=f"{opens:%A} {opens.day} {opens:%B}", opens_short=f"{opens:%a} {opens.day} {opens:%b}",
        printed=describe_time(now, item.timezone),
        pauses=organiser_pauses(session, [r.user_id for r in rows], now.date()),
        date_groups=date_groups_for_organisers(session, occurrence.id))
    return body, status


@bp.route("/events/<int:event_id>/dates/<int:occurrence_id>")
@organiser_required
def date(event_id: int, occurrence_id: int):
    item = organised_event(event_id)
    return _date_page(item, _occurrence(item, occurrence_id))


@bp.route("/events/<int:event_id>/dates/<int:occurrence_id>/check-in/<int:signup_id>", methods=["POST"])
@organiser_required
def check_in(event_id: int, occurrence_id: int, signup_id: int):
    item = organised_event(event_id)
    occurrence = _occurrence(item, occurrence_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with attempt() as done:
            signup = signups.check_in(db_session(), occurrence, signup_id, SignupStatus(form.status.data))
    except LookupError:
        abort(404)
    if not done:
        # the list again, with the reason beside the row it concerns (the form's action ends in
        # the row's #anchor, so the browser scrolls back to it)
        return _date_page(item, occurrence, refusal=(signup_id, done.message), status=409)
    name = signups.organiser_names(db_session(), _settings(), [signup])[signup.user_id]
    flash(f"{name}: {organiser_seat_words(signup).lower()}.", "success")
    return redirect(url_for("organiser.date", event_id=item.id, occurrence_id=occurrence.id,
                            _anchor=f"signup-{signup_id}"), 303)


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/events/<int:event_id>/dates/<int:occurrence_id>/sign-ups.csv")
@organiser_required
def roster_csv(event_id: int, occurrence_id: int):
    item = organised_event(event_id)
    occurrence = _occurrence(item, occurrence_id)
    table = rosters.roster_table(db_session(), _settings(), occurrence)
    return _download(rosters.roster_csv(table), "text/csv", rosters.roster_filename(occurrence, "csv"))


@bp.route("/events/<int:event_id>/dates/<int:occurrence_id>/sign-ups.ods")
@organiser_required
def roster_ods(event_id: int, occurrence_id: int):
    item = organised_event(event_id)
    occurrence = _occurrence(item, occurrence_id)
    table = rosters.roster_table(db_session(), _settings(), occurrence)
    return _download(rosters.roster_ods(table), ods.MIMETYPE, rosters.roster_filename(occurrence, "ods"))


@bp.route("/events/<int:event_id>/dates/<int:occurrence_id>/message", methods=["POST"])
@organiser_required
def message(event_id: int, occurrence_id: int):
    item = organised_event(event_id)
    occurrence = _occurrence(item, occurrence_id)
    form = MessageForm()
    if form.validate_on_submit():
        with attempt() as done:
            told = signups.message_attendees(db_session(), _settings(), occurrence, subject=form.subject.data,
                                             body=form.body.data, include_waitlist=form.include_waitlist.data)
        if not done:
            flash(done.message, "error")
        else:
            flash(f"Your message is on its way to {told} {'person' if told == 1 else 'people'}.", "success")
            return redirect(url_for("organiser.date", event_id=item.id, occurrence_id=occurrence.id), 303)
    return _date_page(item, occurrence, message_form=form)


@bp.route("/events/<int:event_id>/dates/<int:occurrence_id>/cancel", methods=["POST"])
@seat_change
@organiser_required
def cancel_date(event_id: int, occurrence_id: int):
    item = organised_event(event_id)
    occurrence = _occurrence(item, occurrence_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt() as done:
        told = group_dates.cancel_date(db_session(), _settings(), occurrence, by=current_user,
                                       reason=form.reason.data or "")
    if not done:
        flash(done.message, "error")
    else:
        flash(cancel_told_words("That date is cancelled.", told), "success")
    return redirect(url_for("organiser.event", event_id=item.id), 303)
