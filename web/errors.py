"""Friendly error pages (and JSON bodies for API calls); no stack trace ever reaches a person."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

__all__ = ["init_app", "MESSAGES"]

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That didn't quite work", "Something in the request wasn't as we expected. Please go back and try again."),
    403: ("This page isn't open to you", "You don't have access to this page. If you think you should, please talk to your community centre."),
    404: ("We couldn't find that page", "The page may have moved, or the link may be mistyped."),
    405: ("That didn't quite work", "This page can't be used that way. Please go back and try again."),
    413: ("That was too large", "What you sent was larger than we can accept. Please try something smaller."),
    429: ("Let's take a short pause", "There have been too many attempts in a short time. Please wait a minute and try again."),
    500: ("Sorry, something went wrong on our side", "It's not your fault. Please try again in a moment; if it keeps happening, let your community centre know."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def render_error(code: int, detail: str | None = None):
    if request.path.startswith("/api/v1/") or request.path == "/api/v1":
        from web.api.problems import problem  # the API's errors are problem+json (RFC 9457)

        return problem(code, detail)
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if detail:
        message = detail
    if _wants_json():
        return jsonify({"error": {"status": code, "title": title, "message": message}}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400,
            "This form had expired or was missing its security token. Please go back, reload the "
            "page and try again; nothing was saved.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    app.register_error_handler(InternalServerError, lambda exc: render_error(500))
