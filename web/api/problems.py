"""Errors of the API as ``application/problem+json`` (RFC 9457): type, title, status, detail, and the fields that were wrong."""

from __future__ import annotations

from flask import Response, json

__all__ = ["MEDIA_TYPE", "TITLES", "problem", "ApiProblem"]

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 412: "Precondition failed", 413: "Payload too large", 415: "Unsupported media type",
    422: "Unprocessable content", 429: "Too many requests", 500: "Internal server error",
}

DETAILS = {
    401: "Send a personal access token as 'Authorization: Bearer hth_...'; session cookies are not accepted.",
    403: "This token may not do that.",
    404: "There is no such resource, or it is not open to this token.",
    405: "This resource cannot be used with that method.",
    415: "Send the body as application/json.",
    429: "Too many requests for this token; wait a minute and try again.",
    500: "Something went wrong on our side.",
}


class ApiProblem(Exception):
    """Raised by an API view to answer with a problem document."""

    def __init__(self, status: int, detail: str | None = None, *, errors: list[dict] | None = None,
                 headers: dict | None = None):
        super().__init__(detail or "")
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers or {}


def problem(status: int, detail: str | None = None, *, errors: list[dict] | None = None,
            headers: dict | None = None) -> Response:
    """A problem+json response; ``errors`` is a list of ``{"field": ..., "detail": ...}``."""
    title = TITLES.get(status, "Error")
    body = {"type": "about:blank", "title": title,
            "status": status, "detail": detail or DETAILS.get(status, title)}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
