"""The account page: name, email, password, access tokens, the data download, and deleting the account.

Its routes are on the ``auth`` blueprint (``web.auth.blueprint``), like log-in and sign-up.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from store.accounts import api_tokens, changes
from store.accounts import operations as accounts
from store.accounts.models import TokenPurpose
from store.accounts.sessions import count_sessions
from store.core.db import utcnow
from store.leaving.export import export_filename, export_zip
from store.leaving.operations import delete_account as leave
from web.auth.blueprint import bp
from web.auth.forms import (
    AccountButtonForm,
    ApiTokenForm,
    ConfirmForm,
    DeleteAccountForm,
    EmailChangeForm,
    LogOutEverywhereForm,
    NameForm,
    PasswordChangeForm,
)
from web.db import attempt, db_session, enqueue_after_commit
from web.extensions import limiter, login_limit
from web.sessions import log_out

__all__: list[str] = []


def _settings():
    return current_app.extensions["hearth.settings"]


def _per_account() -> str:
    """Rate limits on the account page count per person (a stolen session can't guess the
    password from many addresses), or per address for anyone not logged in."""
    return f"account:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _account_page(**forms):
    """The account page, with the forms given (bound, showing their errors) and fresh ones for the rest."""
    session = db_session()
    blank = {
        "name_form": lambda: NameForm(formdata=None, display_name=current_user.display_name),
        "email_form": lambda: EmailChangeForm(formdata=None),
        "password_form": lambda: PasswordChangeForm(formdata=None),
        "token_form": lambda: ApiTokenForm(formdata=None),
    }
    for key, make in blank.items():
        forms.setdefault(key, make())
    return render_template(
        "auth/account.html", devices=count_sessions(session, current_user.id),
        everywhere_form=LogOutEverywhereForm(), button_form=AccountButtonForm(),
        pending_email=changes.pending_email_change(session, current_user.id),
        tokens=api_tokens.tokens_of(session, current_user), now=utcnow(), **forms,
    )


@bp.route("/account")
@login_required
def account():
    return _account_page()


@bp.route("/account/name", methods=["POST"])
@login_required
def change_name():
    form = NameForm()
    if form.validate_on_submit():
        with attempt() as done:
            changes.change_name(db_session(), current_user._get_current_object(), form.display_name.data)
        if done:
            flash(f"Thank you: we'll call you {current_user.display_name} from now on.", "success")
            return redirect(url_for("auth.account"))
        form.display_name.errors.append(done.message)
    return _account_page(name_form=form)


@bp.route("/account/email", methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=_per_account)
@login_required
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        with attempt() as done:
            address = changes.request_email_change(db_session(), _settings(), current_user._get_current_object(),
                                                   new_email=form.new_email.data, password=form.email_password.data)
        if done:
            flash(f"We've sent a link to {address}. Please open it to start using that address; until then, "
                  f"you log in with {current_user.email} as before.", "success")
            return redirect(url_for("auth.account"))
        field = form.email_password if isinstance(done.error, changes.WrongPassword) else form.new_email
        field.errors.append(done.message)
    return _account_page(email_form=form)


@bp.route("/account/email/cancel", methods=["POST"])
@login_required
def cancel_email_change():
    if not AccountButtonForm().validate_on_submit():
        abort(400)
    if changes.cancel_email_change(db_session(), current_user._get_current_object()):
        flash(f"Done: your email stays {current_user.email}, and the link we sent no longer works.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """The link sent to a new address: a button spends it (so link previews cannot)."""
    form = ConfirmForm()
    session = db_session()
    if form.validate_on_submit():
        with attempt() as done:
            user = changes.confirm_email_change(session, _settings(), token)
        if not done:
            flash(done.message, "error")
            return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))
        if current_user.is_authenticated and current_user.id == user.id:
            flash(f"Thank you: your email is now {user.email}. Log in with it from now on.", "success")
            return redirect(url_for("auth.account"))
        flash(f"Thank you: your email is now {user.email}. Please log in with it.", "success")
        return redirect(url_for("auth.login"))
    record = accounts.check_token(session, token, TokenPurpose.CHANGE_EMAIL)
    return render_template("auth/email_confirm.html", form=form, new_email=record.new_email if record else None)


@bp.route("/account/password", methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=_per_account)
@login_required
def change_password():
    form = PasswordChangeForm()
    form.owner = current_user
    if form.validate_on_submit():
        with attempt() as done:
            ended = changes.change_password(db_session(), _settings(), current_user._get_current_object(),
                                            current=form.current_password.data, new=form.new_password.data,
                                            keep_key=current_user.login_key)
        if done:
            others = {0: "", 1: " The other device you were logged in on has been logged out."}.get(
                ended, f" The {ended} other devices you were logged in on have been logged out.")
            flash("Your new password is set, and you're still logged in here." + others, "success")
            return redirect(url_for("auth.account"))
        field = form.current_password if isinstance(done.error, changes.WrongPassword) else form.new_password
        field.errors.append(done.message)
    return _account_page(password_form=form)


@bp.route("/account/export", methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_per_account)
@login_required
def export():
    """Everything Hearth holds about the person asking (and only them), as one zip."""
    if not AccountButtonForm().validate_on_submit():
        abort(400)
    content = export_zip(db_session(), current_user._get_current_object())
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(current_user)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():

    form = DeleteAccountForm()
    if form.validate_on_submit():
        session = db_session()
        if accounts.authenticate(session, current_user.email, form.password.data) is None:
            form.password.errors.append("That password isn't right. Please try again.")
        else:
            for occurrence_id in leave(session, _settings(), current_user._get_current_object()):
                enqueue_after_commit("run_match", occurrence_id)
            log_out()
            flash("Your account and everything in it have been deleted. Thank you for being part of Hearth.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/delete.html", form=form)
