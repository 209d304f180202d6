"""Views for accounts; each is thin: a form, one store operation, a redirect or a page."""

from __future__ import annotations

import re

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
from flask import session as browser
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from store.accounts import changes
from store.accounts import operations as accounts
from store.accounts.confirming import resend_confirmation
from store.accounts.models import TokenPurpose, User
from store.accounts.sessions import count_sessions
from store.centres import organisers
from store.leaving.export import export_filename, export_zip
from store.leaving.operations import delete_account as leave
from store.messages.models import Message
from store.messages.outbox import read_message
from web.auth.forms import (
    AccountButtonForm,
    ConfirmForm,
    DeleteAccountForm,
    EmailChangeForm,
    InviteAcceptForm,
    LoginForm,
    LogOutEverywhereForm,
    NameForm,
    NextForm,
    PasswordChangeForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetForm,
    ResetRequestForm,
)
from web.db import attempt, db_session, enqueue_after_commit
from web.extensions import limiter, login_limit, login_manager, register_limit
from web.sessions import load_signed_in, log_in, log_out, log_out_everywhere

__all__ = ["bp"]

bp = Blueprint("auth", __name__, template_folder="templates")

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return load_signed_in(db_session(), user_id)


def _settings():
    return current_app.extensions["hearth.settings"]


def _next_page() -> str:
    """Where to go after logging in: the ``next`` path if it is on this site, else home.

    An open redirect would let a phishing link borrow Hearth's name, and a line break in it
    would split the response's headers; ``NextForm`` refuses both.
    """
    form = NextForm(request.args)
    if form.validate() and form.next.data:
        return form.next.data
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        session = db_session()
        user = accounts.authenticate(session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("That email and password don't match an account. Please try again.")
        elif user.email_confirmed_at is None:
            form.email.errors.append(
                "Please open the link we emailed you to confirm your address first. Lost it? "
                "Use “Send me a new confirmation link” below."
            )
        else:
            log_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(_next_page())
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    log_out()
    flash("You've logged out. See you soon.", "success")
    return redirect(url_for("main.home"))


@bp.route("/account/log-out-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if not LogOutEverywhereForm().validate_on_submit():
        abort(400)
    ended = log_out_everywhere()
    devices = "this device" if ended <= 1 else f"{ended} devices, this one included"
    flash(f"You've logged out on {devices}. Saved log-ins no longer work anywhere.", "success")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        message = None
        with attempt() as done:
            message = accounts.register_resident(
                db_session(),
                _settings(),
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        if not done:
            form.password.errors.append(done.message)
        else:
            return _check_email_page(form.email.data, message)
    return render_template("auth/register.html", form=form)


@bp.route("/confirm/again", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def resend():
    """A new confirmation link (not the password-reset form): the same page whoever asks."""
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        message = resend_confirmation(db_session(), _settings(), form.email.data)
        return _check_email_page(form.email.data, message, again=True)
    return render_template("auth/resend.html", form=form)


# -- development: the message is on this computer, so the page offers it -----------------
_OFFERED = "dev_messages"


def _mail_stays_here() -> bool:
    """Development with no SMTP server: messages go only to the in-app outbox and its files."""
    settings = _settings()
    return settings.env == "development" and not settings.smtp_host


def _check_email_page(email: str, message: Message | None, *, again: bool = False):
    offered = None
    if _mail_stays_here():
        if message is not None:  # this browser may open this one message, and nobody else's
            browser[_OFFERED] = [[message.user_id, message.id], *browser.get(_OFFERED, [])][:5]
            offered = message.id
        return render_template("auth/check_email.html", email=email, again=again, development=True,
                               offered=offered, outbox=str(_settings().outbox_path))
    return render_template("auth/check_email.html", email=email, again=again, development=False)


_URL = re.compile(r"https?://[^\s<>\"']+")


def _with_links(body: str) -> list[tuple[str, str | None]]:
    """The body in pieces, each Hearth link with a path on this server (whatever port it runs on)."""
    base = _settings().base_url.rstrip("/")
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in _URL.finditer(body):
        url = match.group(0).rstrip(".,)")
        pieces.append((body[position:match.start()], None))
        pieces.append((url, url[len(base):] or "/" if url.startswith(base + "/") or url == base else None))
        position = match.start() + len(url)
    pieces.append((body[position:], None))
    return pieces


@bp.route("/dev/messages/<int:message_id>")
def dev_message(message_id: int):
    """In development only: a message this browser just caused (a confirmation link), to open."""
    if not _mail_stays_here():
        abort(404)
    owner = next((user for user, mid in browser.get(_OFFERED, []) if mid == message_id), None)
    message = read_message(db_session(), owner, message_id) if owner is not None else None
    if message is None:
        abort(404)
    return render_template("auth/dev_message.html", message=message, pieces=_with_links(message.body),
                           outbox=str(_settings().outbox_path))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    form = ConfirmForm()
    session = db_session()
    if form.validate_on_submit():
        with attempt() as done:
            user = accounts.confirm_email(session, token)
        if not done:
            flash(done.message, "error")
            return redirect(url_for("auth.login"))
        log_in(user)
        flash(f"Thank you, {user.display_name}: your email is confirmed and you're logged in. "
              "Next, a few short questions so we can find neighbours you'll get on with.", "success")
        return redirect(url_for("profile.summary"))
    valid = accounts.check_token(session, token, TokenPurpose.CONFIRM_EMAIL) is not None
    return render_template("auth/confirm.html", form=form, valid=valid)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(db_session(), _settings(), form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset(token: str):
    session = db_session()
    if accounts.check_token(session, token, TokenPurpose.RESET_PASSWORD) is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetForm()
    if form.validate_on_submit():
        with attempt() as done:
            accounts.reset_password(session, token, form.password.data)
        if not done:
            form.password.errors.append(done.message)
        else:
            log_out()
            flash("Your new password is set. Please log in with it.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    session = db_session()
    invitation = organisers.find_invitation(session, token)
    if invitation is None:
        return render_template("auth/invite_invalid.html"), 410
    form = InviteAcceptForm() if not current_user.is_authenticated else ConfirmForm()
    if form.validate_on_submit():
        with attempt() as done:
            user = organisers.accept_invitation(
                session,
                token,
                current_user=current_user if current_user.is_authenticated else None,
                display_name=getattr(form, "display_name", None) and form.display_name.data or "",
                password=getattr(form, "password", None) and form.password.data or "",
            )
        if not done:
            flash(done.message, "error")
        else:
            if not current_user.is_authenticated:
                log_in(user)
            flash(f"Welcome: you're now an organiser of {invitation.centre.name}.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/invite.html", form=form, invitation=invitation)


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
    }
    for key, make in blank.items():
        forms.setdefault(key, make())
    return render_template(
        "auth/account.html", devices=count_sessions(session, current_user.id),
        everywhere_form=LogOutEverywhereForm(), button_form=AccountButtonForm(),
        pending_email=changes.pending_email_change(session, current_user.id), **forms,
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
