"""Organiser views, each scoped to a centre the organiser belongs to (403 otherwise)."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from store.centres.area import area_member_ids, organiser_label, organiser_pause_words
from store.centres.models import Centre
from store.core.db import utcnow
from store.groups.safety import lift_organiser_pause
from store.groups.words import organiser_group_words
from store.insight.connectedness import centre_connectedness
from store.insight.figures import (
    act_on_report,
    centre_reports,
    count_open_reports,
    figures,
    note_contact,
    unreached,
    week_of,
    weekly_series,
)
from store.insight.members import centre_groups, member_rows
from store.insight.rosters import safe_cell
from store.insight.runs import centre_runs
from store.insight.snapshots import graph_json as live_graph_json
from store.insight.snapshots import latest_snapshot
from store.insight.words import (
    FIT_EXPLAINED,
    fit_percent,
    funder_count,
    organiser_connectedness_words,
    organiser_duration_words,
    organiser_fit_words,
    organiser_reports_words,
)
from store.profiles.operations import get_profile
from store.social.models import Report
from web.access import organised_centre, organiser_required
from web.db import attempt, db_session, enqueue_after_commit
from web.fresh import fresh_cache
from web.insight.forms import ContactForm, LiftPauseForm, ReportActionForm, RunForm

__all__ = ["bp"]

bp = Blueprint("insight", __name__, url_prefix="/organiser/centres/<int:centre_id>", template_folder="templates")




def _settings():
    return current_app.extensions["hearth.settings"]


def _secret() -> str:
    return _settings().secret_key


def _csv(rows: list[list], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/")
@organiser_required
def overview(centre_id: int):
    centre = organised_centre(centre_id)
    session = db_session()
    now = utcnow()

    def body() -> Markup:
        ids = area_member_ids(session, centre)  # read once for the figures and the series
        return Markup(render_template(
            "insight/_overview_body.html", centre=centre, figures=figures(session, centre, ids=ids),
            series=weekly_series(session, centre, now=now, ids=ids), groups=centre_groups(session, centre.id, limit=30),
            open_reports=count_open_reports(session, centre.id), reports_words=organiser_reports_words,
            fit_words=organiser_fit_words, group_words=organiser_group_words, fit_explained=FIT_EXPLAINED))

    # Everything the page reads from the database depends on the centre, the week and nothing
    # else: the same words again only while nothing at all was committed since (web.fresh).
    return render_template("insight/overview.html", centre=centre,
                           body=fresh_cache().get(session, ("overview", centre.id, week_of(now)), body))


@bp.route("/connections")
@organiser_required
def connections(centre_id: int):
    centre = organised_centre(centre_id)
    measures = centre_connectedness(db_session(), centre)
    return render_template("insight/connections.html", centre=centre, measures=measures,
                           words=organiser_connectedness_words(measures))


@bp.route("/impact")
@organiser_required
def impact(centre_id: int):
    """The one-page impact summary for funders: counts, shares and charts only, small counts hidden."""
    centre = organised_centre(centre_id)
    measures = centre_connectedness(db_session(), centre)
    return render_template("insight/impact.html", centre=centre, measures=measures, today=utcnow().date(),
                           words=organiser_connectedness_words(measures, for_funder=True), count=funder_count)


@bp.route("/graph")
@organiser_required
def graph(centre_id: int):
    centre = organised_centre(centre_id)
    snapshot = latest_snapshot(db_session(), centre.id)
    return render_template("insight/graph.html", centre=centre, snapshot=snapshot, form=RunForm())


@bp.route("/graph.json")
@organiser_required
def graph_json(centre_id: int):
    centre = organised_centre(centre_id)
    session = db_session()
    snapshot = latest_snapshot(session, centre.id)
    if snapshot is None:
        return jsonify({"error": {"status": 404, "title": "Not drawn yet",
                                  "message": "The match graph hasn't been drawn yet. Use “Draw it now”."}}), 404
    data = live_graph_json(session, snapshot, _secret())
    data["links"] = {"csv": url_for("insight.members_csv", centre_id=centre.id),
                     "list": url_for("insight.members", centre_id=centre.id)}
    return jsonify(data)


@bp.route("/members")
@organiser_required
def members(centre_id: int):
    centre = organised_centre(centre_id)
    return render_template("insight/members.html", centre=centre, rows=member_rows(db_session(), centre, _secret()))


@bp.route("/members.csv")
@organiser_required
def members_csv(centre_id: int):
    centre = organised_centre(centre_id)
    rows = [["name_or_pseudonym", "placed", "placement", "group", "ties", "enjoys", "last_attended"]]
    rows += [[r.label, "yes" if r.placed else "no", r.placement, r.group, r.facts.ties, r.kinds,
              r.facts.last_attended.isoformat() if r.facts.last_attended else ""]
             for r in member_rows(db_session(), centre, _secret())]
    return _csv(rows, f"{centre.slug}-members.csv")


@bp.route("/groups.csv")
@organiser_required
def groups_csv(centre_id: int):
    centre = organised_centre(centre_id)
    rows = [["group", "event", "starts_at", "status", "fit", "fit_percent", "reason", "seats_offered", "accepted",
             "farthest_km"]]
    for row in centre_groups(db_session(), centre.id, newest_first=False):
        g = row.group
        rows.append([g.id, row.event.title, row.occurrence.starts_at.isoformat(), organiser_group_words(g),
                     organiser_fit_words(g.score), fit_percent(g.score), g.reason, len(g.seats), len(g.accepted),
                     round(g.farthest_km, 2)])
    return _csv(rows, f"{centre.slug}-groups.csv")


@bp.route("/figures.csv")
@organiser_required
def figures_csv(centre_id: int):
    centre = organised_centre(centre_id)
    series = weekly_series(db_session(), centre)
    rows = [["week", "groups_formed", "groups_met", "seats_accepted", "mean_checkin"]]
    rows += [[s["week"], s["formed"], s["met"], s["accepted"], s["mean_checkin"]] for s in series]
    return _csv(rows, f"{centre.slug}-figures.csv")


@bp.route("/unreached", methods=["GET", "POST"])
@organiser_required
def not_reached(centre_id: int):
    centre = organised_centre(centre_id)
    session = db_session()
    form = ContactForm()
    if form.validate_on_submit():
        try:
            with attempt() as done:
                note_contact(session, centre, current_user, form.user_id.data, form.note.data)
        except LookupError:
            abort(404)
        if not done:
            flash(done.message, "warning")
        else:
            flash("Thank you: the note is saved.", "success")
            return redirect(url_for("insight.not_reached", centre_id=centre.id))
    people = unreached(session, centre, _secret())
    return render_template("insight/unreached.html", centre=centre, people=people, form=form)


def _report(centre: Centre, report_id: int) -> Report:
    report = db_session().get(Report, report_id)
    if report is None or report.centre_id != centre.id:
        abort(404)
    return report


@bp.route("/reports")
@organiser_required
def reports(centre_id: int):
    centre = organised_centre(centre_id)
    items = centre_reports(db_session(), centre.id)
    return render_template("insight/reports.html", centre=centre, reports=items, label=_report_label)


def _report_label(user, *, start: bool = False) -> str:
    """How a report's writer or subject appears to organisers; one who has since left Hearth is
    "a former member" (``start``: at the start of a line)."""
    if user is None:
        return "A former member" if start else "a former member"
    return organiser_label(user, get_profile(db_session(), user.id), _secret())


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@organiser_required
def report(centre_id: int, report_id: int):
    centre = organised_centre(centre_id)
    item = _report(centre, report_id)
    form = ReportActionForm()
    if form.validate_on_submit():
        with attempt() as done:
            rematch = act_on_report(db_session(), _settings(), item, current_user, note=form.note.data or "",
                                    pause_days=form.pause_days.data or 0, close=form.close.data)
        if not done:
            flash(done.message, "warning")
        else:
            for occurrence_id in dict.fromkeys(rematch):
                enqueue_after_commit("run_match", occurrence_id)
            flash("Saved.", "success")
            return redirect(url_for("insight.report", centre_id=centre.id, report_id=item.id))
    pause = organiser_pause_words(get_profile(db_session(), item.reported_id), utcnow().date())
    return render_template("insight/report.html", centre=centre, report=item, form=form, label=_report_label,
                           pause=pause, lift_form=LiftPauseForm())


@bp.route("/reports/<int:report_id>/lift-pause", methods=["POST"])
@organiser_required
def lift_pause(centre_id: int, report_id: int):
    centre = organised_centre(centre_id)
    item = _report(centre, report_id)
    if not LiftPauseForm().validate_on_submit():
        abort(400)
    if lift_organiser_pause(db_session(), item.reported_id):
        flash("The pause is lifted: they can be placed in groups again.", "success")
    return redirect(url_for("insight.report", centre_id=centre.id, report_id=item.id))


@bp.route("/runs", methods=["GET", "POST"])
@organiser_required
def runs(centre_id: int):
    centre = organised_centre(centre_id)
    form = RunForm()
    if form.validate_on_submit():
        if request.form.get("what") == "graph":
            enqueue_after_commit("graph_snapshot", centre.id, current_user.id)
            flash("Drawing the match graph now. This page updates by itself.", "success")
        else:
            enqueue_after_commit("plan_matching", centre.id, current_user.id)
            flash("Matching has started for the next two weeks' dates. This page updates by itself.", "success")
        return redirect(url_for("insight.runs", centre_id=centre.id))
    lines = centre_runs(db_session(), centre.id, limit=40)
    active = any(line.run.is_live() for line in lines)  # a run whose worker stopped is not in progress
    return render_template("insight/runs.html", centre=centre, runs=lines, form=form, active=active,
                           seconds=organiser_duration_words, fit_explained=FIT_EXPLAINED)
