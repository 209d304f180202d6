"""Check-in views: answer the three questions; see your own trend (and only your own)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from store.core.db import utcnow
from store.social.models import CHECKIN_ANSWERS
from store.social.operations import checkin_this_week, checkin_trend, next_checkin_day, record_checkin
from web.checkin.forms import CheckinForm
from web.db import attempt, db_session

__all__ = ["bp"]

bp = Blueprint("checkin", __name__, url_prefix="/checkin", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@login_required
def checkin():
    form = CheckinForm()
    session = db_session()
    if form.validate_on_submit():
        with attempt() as done:
            record_checkin(session, current_user, companionship=int(form.companionship.data),
                           left_out=int(form.left_out.data), isolated=int(form.isolated.data),
                           follow_up_consent=form.follow_up.data)
        if not done:
            flash(done.message, "warning")
            if checkin_this_week(session, current_user.id) is not None:
                return redirect(url_for("checkin.checkin"))
        else:
            flash("Thank you. However you're feeling, you're welcome at any of the centre's events.", "success")
            return redirect(url_for("checkin.checkin"))
    trend = checkin_trend(session, current_user.id)
    done_this_week = checkin_this_week(session, current_user.id)
    return render_template("checkin/checkin.html", form=form, trend=trend, answers=dict(CHECKIN_ANSWERS),
                           done_this_week=done_this_week, next_day=next_checkin_day(utcnow()))
