"""The account page's access tokens: make one for another tool (its secret shown once), or revoke one.

Its routes are on the ``auth`` blueprint (``web.auth.blueprint``), like the rest of the account page.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from store.accounts import api_tokens
from web.auth.account import _account_page
from web.auth.blueprint import bp
from web.auth.forms import AccountButtonForm, ApiTokenForm
from web.db import attempt, db_session

__all__: list[str] = []


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_api_token():
    """Make a token and show its secret on this one page, never again (the page is not cached)."""
    form = ApiTokenForm()
    if form.validate_on_submit():
        with attempt() as done:
            token, secret = api_tokens.create_token(db_session(), current_user._get_current_object(),
                                                    form.name.data, form.scopes.data, int(form.days.data))
        if done:
            response = make_response(render_template("auth/api_token_made.html", token=token, secret=secret))
            response.headers["Cache-Control"] = "no-store"
            return response
        getattr(form, done.error.field or "name", form.name).errors.append(done.message)
    return _account_page(token_form=form)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id: int):
    if not AccountButtonForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        token = api_tokens.revoke_token(db_session(), current_user._get_current_object(), token_id)
    if isinstance(done.error, api_tokens.ApiTokenNotFound):
        abort(404)  # another person's token looks the same as none
    if not done:
        flash(done.message, "error")
        return redirect(url_for("auth.account"))
    flash(f"Done: the token \u201c{token.name}\u201d no longer works. Any tool using it will need a new one.", "success")
    return redirect(url_for("auth.account") + "#tokens-heading")
