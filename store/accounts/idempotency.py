"""Idempotency keys for the API: the first answer to a token's keyed request is kept and replayed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.models import ApiIdempotency
from store.core.errors import HearthError

__all__ = ["MAX_KEY", "IdempotencyConflict", "recall", "remember"]

MAX_KEY = 200


class IdempotencyConflict(HearthError):
    """The key was used before by this token for a different request."""


def recall(session: Session, token_id: int, key: str, request_hash: str) -> ApiIdempotency | None:
    """The stored answer for this token's key, or ``None``; raises :class:`IdempotencyConflict`
    when the key was used for another request (another body or path)."""
    found = session.scalar(select(ApiIdempotency).where(ApiIdempotency.token_id == token_id, ApiIdempotency.key == key))
    if found is not None and found.request_hash != request_hash:
        raise IdempotencyConflict("This Idempotency-Key was already used for a different request.",
                                  field="Idempotency-Key")
    return found


def remember(session: Session, token_id: int, key: str, request_hash: str, status: int, body: str) -> ApiIdempotency:
    """Keep the answer, in the same transaction as what the request made."""
    row = ApiIdempotency(token_id=token_id, key=key, request_hash=request_hash, status=status, body=body)
    session.add(row)
    session.flush()
    return row
