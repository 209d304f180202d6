"""``Idempotency-Key`` on POSTs that create things: the same key and request replay the first answer."""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import Response, json, request

from store.accounts.idempotency import MAX_KEY, recall, remember
from web.api.auth import current_token
from web.api.problems import ApiProblem
from web.db import db_session

__all__ = ["idempotent"]


def _request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotent(view):
    """Wrap a create view that returns ``(payload, status, thing)``."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is not None and not (0 < len(key) <= MAX_KEY):
            raise ApiProblem(400, f"Idempotency-Key must be 1 to {MAX_KEY} characters.",
                             errors=[{"field": "Idempotency-Key", "detail": "1 to 200 characters"}])
        token = current_token()
        if key:
            stored = recall(db_session(), token.id, key, _request_hash())
            if stored is not None:
                response = Response(stored.body, status=stored.status, mimetype="application/json")
                response.headers["Idempotent-Replayed"] = "true"
                return response
        payload, status, _thing = view(*args, **kwargs)
        body = json.dumps(payload, sort_keys=True)
        if key:
            remember(db_session(), token.id, key, _request_hash(), status, body)
        return Response(body, status=status, mimetype="application/json")

    return wrapper
