"""The API's conventions in one place: times with zones, cursor pages, ETags, JSON bodies read into models."""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime, time, timezone
from typing import Callable, Sequence, TypeVar

from flask import Response, json, request
from pydantic import BaseModel, ValidationError

from web.api.problems import ApiProblem

__all__ = ["iso", "page", "respond", "read_body", "MAX_LIMIT", "DEFAULT_LIMIT"]

M = TypeVar("M", bound=BaseModel)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with its UTC offset (the database may hand back naive UTC on SQLite)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id":
            raise ValueError(cursor)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, "The cursor is not one this API gave out.",
                         errors=[{"field": "cursor", "detail": "not a cursor from next_cursor"}]) from None


def _limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiProblem(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.",
                         errors=[{"field": "limit", "detail": f"1 to {MAX_LIMIT}"}])
    return int(raw)


def page(rows: Sequence, key: Callable[[object], int], show: Callable[[object], dict]) -> dict:
    """``{"items": [...], "next_cursor": ...}``: rows in the order of ``key`` (a stable id), after
    the request's ``cursor``, at most ``limit`` of them."""
    limit = _limit()
    cursor = request.args.get("cursor")
    after = _decode(cursor) if cursor else None
    ordered = sorted(rows, key=key)
    if after is not None:
        ordered = [r for r in ordered if key(r) > after]
    chosen = ordered[:limit]
    more = len(ordered) > limit
    return {"items": [show(r) for r in chosen], "next_cursor": _encode(key(chosen[-1])) if more and chosen else None}


def respond(payload: dict, status: int = 200, *, headers: dict | None = None) -> Response:
    """JSON with a strong ETag; a GET whose ``If-None-Match`` matches gets 304 and no body."""
    body = json.dumps(payload, sort_keys=True)
    tag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if request.method in ("GET", "HEAD") and status == 200:
        wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",") if t.strip()]
        if tag in wanted or "*" in wanted or ("W/" + tag) in wanted:
            response = Response(status=304)
            response.headers["ETag"] = tag
            return response
    response = Response(body, status=status, mimetype="application/json")
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "private, no-cache"
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def read_body(model: type[M]) -> M:
    """The request's JSON body as ``model``: 415 if it isn't JSON, 400 if it doesn't parse, 422
    naming each wrong field."""
    if not request.is_json:
        raise ApiProblem(415)
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "The body is not valid JSON.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "detail": e["msg"]} for e in exc.errors()]
        raise ApiProblem(422, "Some fields were not right.", errors=errors) from None
