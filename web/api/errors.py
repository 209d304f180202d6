"""The API's error handlers: every failure inside ``/api/v1`` answers as problem+json."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from store.accounts.idempotency import IdempotencyConflict
from store.core.errors import HearthError
from web.api import bp
from web.api.problems import ApiProblem, problem

__all__: list[str] = []


@bp.errorhandler(ApiProblem)
def _api_problem(exc: ApiProblem):
    return problem(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


@bp.errorhandler(IdempotencyConflict)
def _conflict(exc: IdempotencyConflict):
    return problem(409, str(exc), errors=[{"field": "Idempotency-Key", "detail": str(exc)}])


@bp.errorhandler(IntegrityError)
def _race(exc: IntegrityError):
    return problem(409, "The request clashed with another one at the same moment; please try again.")


@bp.errorhandler(HearthError)
def _domain(exc: HearthError):
    """A store operation refused, as it would on the page: 422 naming the field."""
    errors = [{"field": exc.field, "detail": str(exc)}] if exc.field else None
    return problem(422, str(exc), errors=errors)
