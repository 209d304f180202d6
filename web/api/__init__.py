"""The JSON API at ``/api/v1``: personal access tokens only, problem+json errors, an OpenAPI 3.1 document."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp", "init_app"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app) -> None:
    """Register the blueprint: views, token check, rate limit, CSRF exemption, error bodies."""
    from web.api import docs, errors, organiser, resident  # noqa: F401  (routes register on import)
    from web.api.auth import load_token, rate_key, rate_limit
    from web.extensions import csrf, limiter

    if not getattr(bp, "hearth_set_up", False):  # the blueprint is set up once, however many apps
        bp.before_request(load_token)
        limiter.limit(rate_limit, key_func=rate_key)(bp)
        csrf.exempt(bp)
        bp.hearth_set_up = True
    app.register_blueprint(bp)
