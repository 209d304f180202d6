"""A centre's public page and its feeds; each feed answers ``If-None-Match`` and
``If-Modified-Since`` with 304 when nothing in it has changed."""

from __future__ import annotations

import json
from typing import Callable

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from store.events import feeds
from store.events.feeds import PublicDates
from web.db import db_session

__all__ = ["bp"]

bp = Blueprint("feeds", __name__, url_prefix="/centres", template_folder="templates")

#: How long a calendar app or website may keep a feed before asking again (it then gets a 304).
_MAX_AGE = 900


def _settings():
    return current_app.extensions["hearth.settings"]


def _public(slug: str) -> PublicDates:
    session = db_session()
    centre = feeds.public_centre(session, slug)
    if centre is None:
        abort(404)
    return feeds.public_dates(session, centre)


def _feed(public: PublicDates, body: Callable[[], bytes | str], mimetype: str) -> Response:
    """The feed, or 304 Not Modified when the reader already has this version."""
    response = Response(status=200, mimetype=mimetype)
    response.set_etag(public.version, weak=True)
    response.last_modified = public.updated
    response.cache_control.public = True
    response.cache_control.max_age = _MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"  # a centre's own website may read it
    response = response.make_conditional(request)
    if response.status_code != 304:
        response.set_data(body())
    return response


@bp.route("/<slug>")
def centre(slug: str):
    public = _public(slug)
    links = {kind: url_for(f"feeds.{kind}", slug=slug, _external=True) for kind in ("ics", "atom", "jsonld")}
    return render_template("feeds/centre.html", centre=public.centre, events=public.events, links=links)


@bp.route("/<slug>/events.jsonld")
def jsonld(slug: str):
    public = _public(slug)
    return _feed(public, lambda: json.dumps(feeds.json_ld_feed(public, _settings()), ensure_ascii=False),
                 "application/ld+json")


@bp.route("/<slug>/events.ics")
def ics(slug: str):
    public = _public(slug)
    response = _feed(public, lambda: feeds.ical_feed(public, _settings()), "text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{slug}.ics"'
    return response


@bp.route("/<slug>/events.atom")
def atom(slug: str):
    public = _public(slug)
    return _feed(public, lambda: feeds.atom_feed(public, _settings()), "application/atom+xml")
