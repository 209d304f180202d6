"""Views for accounts; each is thin: a form, one store operation, a redirect or a page."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as browser
from flask_login import current_user, login_required

from store.accounts import operations as accounts
from store.accounts.confirming import resend_confirmation
from store.accounts.models import TokenPurpose, User
from store.centres import organisers
from store.messages.models import Message
from store.messages.outbox import read_message
from web.auth import account  # noqa: F401  (the account page's routes)
from web.auth import api_tokens  # noqa: F401  (the account page's access tokens)
from web.auth.blueprint import bp
from web.auth.forms import (
    ConfirmForm,
    InviteAcceptForm,
    LoginForm,
    LogOutEverywhereForm,
    NextForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetForm,
    ResetRequestForm,
)
from web.db import attempt, db_session
from web.extensions import limiter, login_limit, login_manager, register_limit
from web.sessions import load_signed_in, log_in, log_out, log_out_everywhere

__all__ = ["bp"]

# the account page's routes are in web/auth/account.py, on the same blueprint

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


@bp.route("/dev/messages/<int:message_id>")
def dev_message(message_id: int):
    """In development only: a message this browser just caused (a confirmation link), to open."""
    if not _mail_stays_here():
        abort(404)
    owner = next((user for user, mid in browser.get(_OFFERED, []) if mid == message_id), None)
    message = read_message(db_session(), owner, message_id) if owner is not None else None
    if message is None:
        abort(404)
    return render_template("auth/dev_message.html", message=message, outbox=str(_settings().outbox_path))


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
