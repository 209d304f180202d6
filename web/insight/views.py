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
from sqlalchemy import select

from store.centres.area import area_profiles, organiser_label
from store.centres.models import Centre
from store.core.jobruns import recent_runs, run_status_words
from store.events.models import Occurrence
from store.events.times import describe_time
from store.groups.models import Group
from store.insight.figures import (
    act_on_report,
    centre_reports,
    figures,
    note_contact,
    unreached,
    weekly_series,
)
from store.insight.snapshots import latest_snapshot
from store.profiles.operations import get_profile
from store.social.models import Report
from web.access import organiser_required
from web.db import db_session, enqueue_after_commit
from web.insight.forms import ContactForm, ReportActionForm, RunForm

__all__ = ["bp"]

bp = Blueprint("insight", __name__, url_prefix="/organiser/centres/<int:centre_id>", template_folder="templates")


def _centre(centre_id: int) -> Centre:
    """The centre, if the asking organiser runs it: everything below is scoped by this check."""
    centre = db_session().get(Centre, centre_id)
    if centre is None:
        abort(404)
    if not current_user.organises(centre.id):
        abort(403)
    return centre


def _secret() -> str:
    return current_app.extensions["hearth.settings"].secret_key


def _csv(rows: list[list], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _safe_cell(value) -> str:
    """Spreadsheet-safe: a cell that starts like a formula is prefixed so it stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.route("/")
@organiser_required
def overview(centre_id: int):
    centre = _centre(centre_id)
    session = db_session()
    series = weekly_series(session, centre)
    groups = list(session.scalars(select(Group).where(Group.centre_id == centre.id)
                                  .order_by(Group.created_at.desc(), Group.id.desc()).limit(30)))
    rows = []
    for g in groups:
        occurrence = session.get(Occurrence, g.occurrence_id)
        rows.append((g, occurrence.event.title, describe_time(occurrence.starts_at, occurrence.event.timezone)))
    return render_template("insight/overview.html", centre=centre, figures=figures(session, centre),
                           series=series, groups=rows, snapshot=latest_snapshot(session, centre.id),
                           open_reports=len(centre_reports(session, centre.id, open_only=True)))


@bp.route("/graph")
@organiser_required
def graph(centre_id: int):
    centre = _centre(centre_id)
    snapshot = latest_snapshot(db_session(), centre.id)
    return render_template("insight/graph.html", centre=centre, snapshot=snapshot, form=RunForm())


@bp.route("/graph.json")
@organiser_required
def graph_json(centre_id: int):
    centre = _centre(centre_id)
    snapshot = latest_snapshot(db_session(), centre.id)
    if snapshot is None:
        return jsonify({"error": {"status": 404, "title": "Not drawn yet",
                                  "message": "The match graph hasn't been drawn yet. Use “Draw it now”."}}), 404
    data = dict(snapshot.data)
    data["links"] = {"csv": url_for("insight.members_csv", centre_id=centre.id),
                     "list": url_for("insight.members", centre_id=centre.id)}
    return jsonify(data)


def _member_rows(centre: Centre) -> list[dict]:
    snapshot = latest_snapshot(db_session(), centre.id)
    by_id = {n["id"]: n for n in (snapshot.data["nodes"] if snapshot else [])}
    out = []
    for user, profile in area_profiles(db_session(), centre):
        node = by_id.get(f"m{user.id}", {})
        out.append({"label": organiser_label(user, profile, _secret()), "placed": node.get("placed"),
                    "ties": node.get("ties"), "group": node.get("group"), "kinds": ", ".join(profile.wants or []),
                    "last_attended": node.get("last_attended")})
    return out


@bp.route("/members")
@organiser_required
def members(centre_id: int):
    centre = _centre(centre_id)
    return render_template("insight/members.html", centre=centre, rows=_member_rows(centre))


@bp.route("/members.csv")
@organiser_required
def members_csv(centre_id: int):
    centre = _centre(centre_id)
    rows = [["name_or_pseudonym", "ever_placed", "ties", "current_group", "enjoys", "last_attended"]]
    rows += [[r["label"], r["placed"], r["ties"], r["group"], r["kinds"], r["last_attended"]] for r in _member_rows(centre)]
    return _csv(rows, f"{centre.slug}-members.csv")


@bp.route("/groups.csv")
@organiser_required
def groups_csv(centre_id: int):
    centre = _centre(centre_id)
    session = db_session()
    rows = [["group", "event", "starts_at", "status", "score", "reason", "seats_offered", "accepted", "farthest_km"]]
    for g in session.scalars(select(Group).where(Group.centre_id == centre.id).order_by(Group.id)):
        occurrence = session.get(Occurrence, g.occurrence_id)
        rows.append([g.id, occurrence.event.title, occurrence.starts_at.isoformat(), g.status.value,
                     round(g.score, 3), g.reason, len(g.seats), len(g.accepted), round(g.farthest_km, 2)])
    return _csv(rows, f"{centre.slug}-groups.csv")


@bp.route("/figures.csv")
@organiser_required
def figures_csv(centre_id: int):
    centre = _centre(centre_id)
    series = weekly_series(db_session(), centre)
    rows = [["week", "groups_formed", "groups_met", "seats_accepted", "mean_checkin"]]
    rows += [[s["week"], s["formed"], s["met"], s["accepted"], s["mean_checkin"]] for s in series]
    return _csv(rows, f"{centre.slug}-figures.csv")


@bp.route("/unreached", methods=["GET", "POST"])
@organiser_required
def not_reached(centre_id: int):
    centre = _centre(centre_id)
    session = db_session()
    form = ContactForm()
    if form.validate_on_submit():
        try:
            note_contact(session, centre, current_user, int(form.user_id.data), form.note.data)
        except LookupError:
            abort(404)
        except ValueError as exc:
            session.rollback()
            flash(str(exc), "warning")
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
    centre = _centre(centre_id)
    items = centre_reports(db_session(), centre.id)
    return render_template("insight/reports.html", centre=centre, reports=items, label=_report_label)


def _report_label(user) -> str:

    return organiser_label(user, get_profile(db_session(), user.id), _secret())


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@organiser_required
def report(centre_id: int, report_id: int):
    centre = _centre(centre_id)
    item = _report(centre, report_id)
    form = ReportActionForm()
    if form.validate_on_submit():
        try:
            act_on_report(db_session(), item, current_user, note=form.note.data or "",
                          pause_days=form.pause_days.data or 0, close=form.close.data)
        except ValueError as exc:
            db_session().rollback()
            flash(str(exc), "warning")
        else:
            flash("Saved.", "success")
            return redirect(url_for("insight.report", centre_id=centre.id, report_id=item.id))
    return render_template("insight/report.html", centre=centre, report=item, form=form, label=_report_label)


@bp.route("/runs", methods=["GET", "POST"])
@organiser_required
def runs(centre_id: int):
    centre = _centre(centre_id)
    form = RunForm()
    if form.validate_on_submit():
        if request.form.get("what") == "graph":
            enqueue_after_commit("graph_snapshot", centre.id, current_user.id)
            flash("Drawing the match graph now. This page updates by itself.", "success")
        else:
            enqueue_after_commit("plan_matching", centre.id, current_user.id)
            flash("Matching has started for the next two weeks' dates. This page updates by itself.", "success")
        return redirect(url_for("insight.runs", centre_id=centre.id))
    items = recent_runs(db_session(), centre_id=centre.id, limit=40)
    active = any(r.is_live() for r in items)  # a run whose worker stopped is not in progress
    return render_template("insight/runs.html", centre=centre, runs=items, form=form, active=active,
                           status_of=run_status_words)
