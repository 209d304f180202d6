"""Home and messages: what a person sees first, and what Hearth has written to them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from store.conversations.access import centres_for_resident, thread_of_message
from store.conversations.inbox import open_count
from store.groups.overview import home_groups
from store.insight.connectedness import own_connectedness
from store.insight.own_words import resident_connection_words
from store.messages.outbox import messages_for, read_message
from store.messages.reading import unread_count, unread_words
from store.profiles.operations import get_profile
from store.profiles.taxonomy import group_size_words
from store.recommendations.operations import recommendations_for
from web.db import db_session
from web.messages.forms import ButtonForm

__all__ = ["bp", "NavItem"]

bp = Blueprint("main", __name__, template_folder="templates")


@dataclass(frozen=True)
class NavItem:
    """A menu link; ``count`` and ``count_words`` (read after the label: "Messages 2 unread")
    when something waits there."""

    label: str
    url: str
    current: bool
    count: int = 0
    count_words: str = ""


def _counts() -> dict[str, tuple[int, str]]:
    session = db_session()
    unread = unread_count(session, current_user.id)
    counts = {"main.messages": (unread, unread_words(unread))}
    if current_user.is_organiser:
        waiting = sum(open_count(session, current_user, c.id) for c in current_user.centres)
        counts["messages.inbox_index"] = (waiting, f"{waiting} waiting" if waiting else "")
    return counts


def _nav_items() -> list[NavItem]:
    items = [("Home", "main.home"), ("Events", "events.browse"), ("Groups", "groups.index"),
             ("Messages", "main.messages")]
    if current_user.is_authenticated and current_user.is_organiser:
        items.append(("Run events", "organiser.index"))
        items.append(("Inbox", "messages.inbox_index"))
    if current_user.is_authenticated and current_user.is_admin:
        items.append(("Centres", "admin.centres"))
    if current_user.is_authenticated and current_user.is_organiser:
        items.append(("Neighbourhoods", "neighbourhoods.index"))
    items.append(("Your profile", "profile.summary"))
    items.append(("Account", "auth.account"))
    counts = _counts() if current_user.is_authenticated else {}
    return [NavItem(label, url_for(endpoint), request.endpoint == endpoint, *counts.get(endpoint, (0, "")))
            for label, endpoint in items]


@bp.app_context_processor
def navigation():
    return {"nav_items": _nav_items}


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html", group_sizes=group_size_words())
    session = db_session()
    profile = get_profile(session, current_user.id)
    is_resident = current_user.role.value == "resident"
    return render_template(
        "main/home.html",
        is_resident=is_resident,
        needs_profile=is_resident and (profile is None or not profile.has_home),
        recommendations=recommendations_for(session, current_user.id, profile=profile),
        group_views=home_groups(session, current_user.id),
        # only the asking resident's own figures, never anyone else's
        own=resident_connection_words(own_connectedness(session, current_user.id)) if is_resident else None,
    )


@bp.route("/messages")
@login_required
def messages():
    session = db_session()
    return render_template("main/messages.html", messages=messages_for(session, current_user.id),
                           unread=unread_count(session, current_user.id), read_all_form=ButtonForm(),
                           can_write=bool(centres_for_resident(session, current_user)))


@bp.route("/messages/<int:message_id>")
@login_required
def message(message_id: int):
    session = db_session()
    item = read_message(session, current_user.id, message_id)
    if item is None:
        abort(404)
    return render_template("main/message.html", message=item,
                           thread=thread_of_message(session, current_user.id, item.id))
