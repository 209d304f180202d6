"""Resident views of suggested groups: thin wrappers over store.groups.offers and store.groups.feedback."""

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

from store.groups import continuing
from store.groups import offers as group_offers
from store.groups.feedback import can_give_feedback, save_feedback
from store.groups.models import NOTE_LENGTH, GroupMember, GroupStatus, SeatStatus
from store.groups.notes import note_row
from store.groups.offers import member_label, seat_of
from store.groups.organising import centre_of_date, groups_of_date, set_meeting_note
from store.groups.overview import resident_view, resident_views
from store.groups.safety import block_person as block_in_groups
from store.groups.safety import people_not_grouped_with, report_and_maybe_block
from store.groups.standing import why_no_group
from store.groups.words import member_words, organiser_continuing_words, organiser_group_words, waiting_words
from store.profiles.operations import get_profile
from store.social.operations import unblock
from web.db import attempt, db_session, enqueue_after_commit
from web.groups.forms import ActionForm, FeedbackForm, NoteForm, ReportForm, meet_again_field

__all__ = ["bp"]

bp = Blueprint("groups", __name__, url_prefix="/groups", template_folder="templates")


def _settings():
    return current_app.extensions["hearth.settings"]


def _my_seat(group_id: int) -> GroupMember:
    """The asking resident's own seat, or 404: nobody else's group is ever shown."""
    seat = seat_of(db_session(), group_id, current_user.id)
    if seat is None or seat.status == SeatStatus.WITHDRAWN:
        abort(404)
    return seat


def _others(seat: GroupMember) -> list[tuple[GroupMember, str]]:
    """The other people in the group, labelled as they agreed to be shown."""
    others = [s for s in seat.group.active_seats if s.user_id != seat.user_id]
    labels = group_offers.member_labels(db_session(), others)
    return [(s, labels[s.user_id]) for s in others]


def _other_seat(seat: GroupMember, other_seat_id: int) -> GroupMember:
    """Someone who was invited to the same group (they may have left it since, for instance
    because this resident blocked them: they can still be reported)."""
    for other in seat.group.seats:
        if other.id == other_seat_id and other.user_id != seat.user_id:
            return other
    abort(404)


@bp.route("/")
@login_required
def index():
    session = db_session()
    views = resident_views(session, group_offers.groups_for_user(session, current_user.id))
    waiting = None
    if not views:
        reason, facts = why_no_group(session, current_user.id)
        waiting = waiting_words(reason, **facts)
    return render_template("groups/index.html", views=views, waiting=waiting)


@bp.route("/<int:group_id>")
@login_required
def show(group_id: int):
    seat = _my_seat(group_id)
    view = resident_view(db_session(), seat)
    return render_template(
        "groups/show.html", seat=seat, group=seat.group, view=view, info=view.info, others=_others(seat),
        form=ActionForm(), feedback_open=view.feedback_open, GroupStatus=GroupStatus,
        SeatStatus=SeatStatus, words=view.words, member_words=member_words,
    )


@bp.route("/<int:group_id>/accept", methods=["POST"])
@login_required
def accept(group_id: int):
    _my_seat(group_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        seat, _ = group_offers.respond(db_session(), _settings(), group_id, current_user, accept=True)
    if not done:
        flash(done.message, "warning")
    else:
        if seat.group.status == GroupStatus.CONFIRMED:
            flash("Wonderful: your group is on. It's in your calendar feed too.", "success")
        else:
            flash("Thank you for saying yes. We'll let you know as soon as enough people have joined.", "success")
    return redirect(url_for("groups.show", group_id=group_id))


@bp.route("/<int:group_id>/decline", methods=["POST"])
@login_required
def decline(group_id: int):
    seat = _my_seat(group_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        _, rematch = group_offers.respond(db_session(), _settings(), group_id, current_user, accept=False)
    if not done:
        flash(done.message, "warning")
        return redirect(url_for("groups.show", group_id=group_id))
    if rematch:
        enqueue_after_commit("run_match", seat.group.occurrence_id)
    flash("That's fine, thank you for letting us know. We'll suggest something else another time.", "success")
    return redirect(url_for("groups.index"))


@bp.route("/<int:group_id>/rather-new", methods=["POST"])
@login_required
def rather_new(group_id: int):
    """"I'd rather meet new people next time" (``store.groups.continuing.rather_meet_new``)."""
    seat = _my_seat(group_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        rematch = continuing.rather_meet_new(db_session(), _settings(), group_id, current_user)
    if not done:
        flash(done.message, "warning")
        return redirect(url_for("groups.show", group_id=group_id))
    if rematch:
        enqueue_after_commit("run_match", seat.group.occurrence_id)
    flash("Thank you: next time we'll suggest new neighbours for you.", "success")
    return redirect(url_for("groups.show", group_id=group_id))


@bp.route("/<int:group_id>/keep-meeting", methods=["POST"])
@login_required
def keep_meeting(group_id: int):
    """Undo "I'd rather meet new people next time" on one's own seat."""
    _my_seat(group_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    continuing.keep_meeting(db_session(), group_id, current_user)
    flash("Done: if most of this group would like to meet again, we'll offer you the next date together.", "success")
    return redirect(url_for("groups.show", group_id=group_id))


def _feedback_form(seat: GroupMember):
    fields = {f"again_{other.id}": meet_again_field(f"Would you like to meet {label} again?")
              for other, label in _others(seat) if other.status == SeatStatus.ACCEPTED}
    return type("GroupFeedbackForm", (FeedbackForm,), fields)()


@bp.route("/<int:group_id>/feedback", methods=["GET", "POST"])
@login_required
def feedback(group_id: int):
    seat = _my_seat(group_id)
    session = db_session()
    if not can_give_feedback(session, seat):
        flash("Thank you: there's nothing to tell us about this group just now.", "success")
        return redirect(url_for("groups.show", group_id=group_id))
    form = _feedback_form(seat)
    if form.validate_on_submit():
        seats = {o.id: o for o, _ in _others(seat)}
        again = {}
        for name, field in form._fields.items():
            if name.startswith("again_") and field.data in ("yes", "no"):
                again[seats[int(name[6:])].user_id] = field.data == "yes"
        answers = [form.companionship.data, form.left_out.data, form.isolated.data]
        checkin = tuple(int(a) for a in answers) if all(answers) else None
        with attempt() as done:
            save_feedback(session, group_id, current_user, attended=form.attended.data == "yes",
                          meet_again=again, checkin=checkin, follow_up_consent=form.follow_up.data)
        if not done:
            flash(done.message, "warning")
        else:
            flash("Thank you for telling us. It helps us suggest the right people next time.", "success")
            return redirect(url_for("groups.index"))
    again_fields = [form[name] for name in form._fields if name.startswith("again_")]
    return render_template("groups/feedback.html", form=form, seat=seat, info=group_offers.describe(session, seat.group),
                           again_fields=again_fields)


@bp.route("/<int:group_id>/people/<int:seat_id>/block", methods=["GET", "POST"])
@login_required
def block_person(group_id: int, seat_id: int):
    seat = _my_seat(group_id)
    other = _other_seat(seat, seat_id)
    form = ActionForm()
    if form.validate_on_submit():
        with attempt() as done:
            _, rematch = block_in_groups(db_session(), _settings(), current_user, other.user_id, group_id=group_id)
        if not done:
            flash(done.message, "warning")
        else:
            _rematch(rematch)
            flash("Done. You won't be placed in a group with them again, and they won't be told. "
                  "You can change your mind under “People you'd rather not be grouped with”.", "success")
        return redirect(url_for("groups.show", group_id=group_id))
    label = member_label(other.user, get_profile(db_session(), other.user_id))
    return render_template("groups/block.html", form=form, seat=seat, label=label, other=other)


@bp.route("/<int:group_id>/people/<int:seat_id>/report", methods=["GET", "POST"])
@login_required
def report(group_id: int, seat_id: int):
    seat = _my_seat(group_id)
    other = _other_seat(seat, seat_id)
    form = ReportForm()
    if form.validate_on_submit():
        with attempt() as done:
            _, rematch = report_and_maybe_block(
                db_session(), _settings(), current_user, other.user_id, form.reason.data,
                centre_id=seat.group.centre_id, group_id=group_id, never_group=form.also_block.data)
        if not done:
            form.reason.errors.append(done.message)
        else:
            _rematch(rematch)
            flash("Thank you for telling us. The centre's organisers will read this carefully; the "
                  "person you reported is not told.", "success")
            return redirect(url_for("groups.show", group_id=group_id))
    label = member_label(other.user, get_profile(db_session(), other.user_id))
    return render_template("groups/report.html", form=form, seat=seat, label=label, other=other)


def _rematch(occurrence_ids) -> None:
    for occurrence_id in dict.fromkeys(occurrence_ids):
        enqueue_after_commit("run_match", occurrence_id)


@bp.route("/not-with", methods=["GET", "POST"])
@login_required
def blocks():
    """The people the resident asked not to be grouped with (only their own), and undo."""
    session = db_session()
    form = ActionForm()
    if form.validate_on_submit():
        try:
            block_id = int(request.form.get("block_id", ""))
            unblock(session, current_user, block_id)
        except (ValueError, LookupError):
            abort(404)
        flash("Done: you may be placed in a group with them again.", "success")
        return redirect(url_for("groups.blocks"))
    return render_template("groups/blocks.html", people=people_not_grouped_with(session, current_user.id), form=form)


def _note_page(occurrence_id: int, group_id: int | None):
    """An organiser's meeting note for one group (``group_id``) or a whole date; 404 for anyone
    who does not organise the date's centre."""
    session = db_session()
    centre_id = centre_of_date(session, occurrence_id)
    if centre_id is None or not current_user.is_organiser or not current_user.organises(centre_id):
        abort(404)
    groups = groups_of_date(session, occurrence_id)
    if group_id is not None:
        groups = [g for g in groups if g.id == group_id]
        if not groups:
            abort(404)
    row = note_row(session, occurrence_id, group_id)
    form = NoteForm(data={"note": row.text if row else ""})
    if form.validate_on_submit():
        with attempt() as done:
            set_meeting_note(session, _settings(), current_user, occurrence_id=occurrence_id, group_id=group_id,
                             text=form.note.data)
        if not done:
            form.note.errors.append(done.message)
        else:
            flash("Saved. Members see the note on their group page, and we've sent it to them."
                  if (form.note.data or "").strip() else "The note is removed.", "success")
            return redirect(request.path)
    return render_template("groups/note.html", form=form, groups=groups, group_id=group_id,
                           occurrence_id=occurrence_id, describe=lambda g: group_offers.describe(session, g),
                           group_words=organiser_group_words, limit=NOTE_LENGTH,
                           standing_words=lambda g: organiser_continuing_words(g, continuing.meetings_in_a_row(session, g)),
                           date_note=note_row(session, occurrence_id, None) if group_id is not None else None)


@bp.route("/dates/<int:occurrence_id>/note", methods=["GET", "POST"])
@login_required
def date_note(occurrence_id: int):
    return _note_page(occurrence_id, None)


@bp.route("/dates/<int:occurrence_id>/groups/<int:group_id>/note", methods=["GET", "POST"])
@login_required
def group_note(occurrence_id: int, group_id: int):
    return _note_page(occurrence_id, group_id)
