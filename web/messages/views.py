"""Messages pages: a message's attachments, marking all read, writing to one's centre and the
conversation there, the organisers' inbox, and which messages a person gets (their account page)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from store.centres.organisers import centres_run_by
from store.conversations import access as conversations
from store.conversations.inbox import SHOWS, inbox, labels_for
from store.conversations.words import organiser_thread_words, resident_thread_words
from store.conversations.writing import centre_reply, mark_handled, resident_reply, start_thread
from store.messages.bodies import body_html
from store.messages.preferences import ALWAYS_ARRIVE, TOPICS, preferences_for, set_preferences
from store.messages.reading import attachment_for, mark_all_read
from web.access import organiser_required
from web.db import attempt, db_session
from web.messages.forms import ButtonForm, ReplyForm, WriteForm, preferences_form

__all__ = ["bp"]

bp = Blueprint("messages", __name__, template_folder="templates")


def _settings():
    return current_app.extensions["hearth.settings"]


def _fail(form, error) -> None:
    """Show a domain error by its field (the request's work is already undone)."""
    target = getattr(form, error.field, None) if getattr(error, "field", None) else None
    if target is not None:
        target.errors = list(target.errors) + [error.message]
    else:
        flash(error.message, "error")


@bp.app_template_global("body_html")
def message_body_html(text: str):
    """A message's text as safe HTML with its links (``store.messages.bodies``)."""
    return body_html(text, _settings().base_url)


@bp.app_context_processor
def account_messages():
    """What the account page's "Messages you get" section needs (``messages/_account_messages.html``)."""
    def section(form=None):
        if form is None:
            form = preferences_form(preferences_for(db_session(), current_user.id))
        return {"form": form, "topics": TOPICS, "always": ALWAYS_ARRIVE}
    return {"message_preferences": section}


# ------------------------------------------------------------------ a resident's own messages
@bp.route("/messages/<int:message_id>/attachments/<int:index>")
@login_required
def attachment(message_id: int, index: int):
    """An attachment of one's own message, as a download (404 for anyone else's)."""
    item = attachment_for(db_session(), current_user.id, message_id, index)
    if item is None:
        abort(404)
    response = Response(item.content, mimetype=item.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/messages/read-all", methods=["POST"])
@login_required
def read_all():
    form = ButtonForm()
    if form.validate_on_submit():
        count = mark_all_read(db_session(), current_user.id)
        flash("All your messages are marked read." if count else "You had no unread messages.", "success")
    return redirect(url_for("main.messages"))


# ------------------------------------------------------------------ writing to one's centre
@bp.route("/messages/write", methods=["GET", "POST"])
@login_required
def write():
    session = db_session()
    centres = conversations.centres_for_resident(session, current_user)
    form = WriteForm()
    form.centre.choices = [(c.id, c.name) for c in centres]
    if len(centres) == 1 and not form.is_submitted():
        form.centre.data = centres[0].id
    if centres and form.validate_on_submit():
        with attempt() as done:
            try:
                thread = start_thread(session, _settings(), current_user, form.centre.data,
                                      subject=form.subject.data, body=form.body.data)
            except PermissionError:
                abort(404)
        if done:
            flash(f"Your message is on its way to {thread.centre.name}. Their reply will arrive in your messages.",
                  "success")
            return redirect(url_for("messages.conversation", thread_id=thread.id))
        _fail(form, done.error)
    return render_template("messages/write.html", form=form, centres=centres,
                           threads=conversations.threads_of_resident(session, current_user.id),
                           status=resident_thread_words)


@bp.route("/messages/conversations/<int:thread_id>", methods=["GET", "POST"])
@login_required
def conversation(thread_id: int):
    session = db_session()
    thread = conversations.thread_for_resident(session, current_user.id, thread_id)
    if thread is None:
        abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        with attempt() as done:
            resident_reply(session, _settings(), current_user, thread.id, body=form.body.data)
        if done:
            flash("Sent. The centre will reply here and in your messages.", "success")
            return redirect(url_for("messages.conversation", thread_id=thread_id))
        _fail(form, done.error)
    return render_template("messages/conversation.html", thread=thread, form=form,
                           status=resident_thread_words(thread))


# ------------------------------------------------------------------ the organisers' inbox
def _organiser_thread(thread_id: int):
    try:
        thread = conversations.thread_for_organiser(db_session(), current_user, thread_id)
    except PermissionError:
        abort(403)
    if thread is None:
        abort(404)
    return thread


@bp.route("/organiser/inbox")
@organiser_required
def inbox_index():
    session = db_session()
    centres = centres_run_by(session, current_user)
    if not centres:
        return render_template("messages/inbox.html", centres=[], centre=None, rows=[], show="open", shows=SHOWS)
    centre_id = request.args.get("centre", type=int) or centres[0].id
    centre = next((c for c in centres if c.id == centre_id), None)
    if centre is None:
        abort(403)
    show = request.args.get("show", "open")
    if show not in SHOWS:
        show = "open"
    rows = inbox(session, _settings(), current_user, centre.id, show=show)
    return render_template("messages/inbox.html", centres=centres, centre=centre, rows=rows, show=show, shows=SHOWS)


@bp.route("/organiser/inbox/<int:thread_id>", methods=["GET", "POST"])
@organiser_required
def inbox_thread(thread_id: int):
    session = db_session()
    thread = _organiser_thread(thread_id)
    form = ReplyForm()
    if form.validate_on_submit():
        with attempt() as done:
            centre_reply(session, _settings(), current_user, thread.id, body=form.body.data)
        if done:
            flash("Your reply is sent. It is in their messages now.", "success")
            return redirect(url_for("messages.inbox_thread", thread_id=thread_id))
        _fail(form, done.error)
    who = labels_for(session, _settings(), [thread.resident])[thread.resident_id]
    return render_template("messages/inbox_thread.html", thread=thread, who=who, form=form,
                           handled_form=ButtonForm(), status=organiser_thread_words(thread))


@bp.route("/organiser/inbox/<int:thread_id>/handled", methods=["POST"])
@organiser_required
def inbox_handled(thread_id: int):
    thread = _organiser_thread(thread_id)
    handled = request.form.get("handled", "1") != "0"
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("messages.inbox_thread", thread_id=thread.id))
    mark_handled(db_session(), current_user, thread.id, handled=handled)
    flash("Marked handled." if handled else "Open again: it is back in the inbox.", "success")
    if handled:
        return redirect(url_for("messages.inbox_index", centre=thread.centre_id))
    return redirect(url_for("messages.inbox_thread", thread_id=thread.id))


# ------------------------------------------------------------------ which messages arrive
@bp.route("/account/messages", methods=["GET", "POST"])
@login_required
def preferences():
    session = db_session()
    form = preferences_form(preferences_for(session, current_user.id), posted=request.method == "POST")
    if form.validate_on_submit():
        with attempt() as done:
            set_preferences(session, current_user.id, {t.key: form[t.key].data for t in TOPICS})
        if done:
            flash("Your message choices are saved.", "success")
            return redirect(url_for("auth.account") + "#messages-heading")
        _fail(form, done.error)
    return render_template("messages/preferences.html", form=form)
