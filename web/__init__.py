"""Hearth's web front end: a Flask app factory with thin views over ``store`` and ``jobs``."""

from web.app import create_app

__all__ = ["create_app"]
