"""The OpenAPI document and the browsable docs page (Swagger UI vendored under static/vendor)."""

from __future__ import annotations

from flask import current_app, jsonify, render_template

from web.api import bp
from web.api.spec import build_spec

__all__ = ["DOCS_CSP"]

#: The docs page needs Swagger UI's inline styles; nothing else is loosened, and only on this page.
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


@bp.get("/openapi.json")
def openapi():
    if "hearth.openapi" not in current_app.extensions:
        current_app.extensions["hearth.openapi"] = build_spec(current_app)
    return jsonify(current_app.extensions["hearth.openapi"])


@bp.get("/docs")
def docs():
    response = current_app.make_response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
