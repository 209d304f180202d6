"""The app factory: settings validated once, extensions bound, blueprints registered. No work at import."""

from __future__ import annotations

import logging
import os
import sys
from datetime import timedelta
from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from config import ConfigError, Settings, load_settings
from jobs.log_levels import install_log_levels
from jobs.queue import Queue
from jobs.startup import open_services
from store.core.db import Database
from store.core.logs import install_redaction
from store.core.migrate import MIGRATIONS_DIR

__all__ = ["create_app", "row_id_converter", "stop_starting"]

#: Gunicorn's exit code for "a worker failed to boot": its master then stops instead of
#: starting the worker again and again.
GUNICORN_BOOT_ERROR = 3


def row_id_converter(map, *args, **kwargs) -> IntegerConverter:
    """``<int:…>`` in every route: Werkzeug's own converter, up to the largest row id, so
    ``/messages/99999999999999999999`` is a 404 rather than an integer too large for the database."""
    return IntegerConverter(map, *args, **{"max": 2**31 - 1, **kwargs})


def stop_starting(exc: ConfigError) -> SystemExit:
    """Print the one line that says why Hearth cannot start; the exit code is 2 (3 inside a
    gunicorn worker, so that gunicorn stops too)."""
    print(f"Hearth cannot start: {exc}", file=sys.stderr)
    in_gunicorn = os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/") and "gunicorn.arbiter" in sys.modules
    return SystemExit(GUNICORN_BOOT_ERROR if in_gunicorn else 2)


def create_app(config_override: Mapping[str, Any] | None = None) -> Flask:
    """Build a Hearth app.

    ``config_override`` maps setting names (see ``config.settings``) to values and wins over
    the file and the environment. A bad setting, an instance folder that cannot be written, or
    a database or queue that does not answer stops start-up with one line naming it.
    """
    try:
        settings = load_settings(override=config_override)
        logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
        install_log_levels()
        install_redaction()
        db, queue = open_services(settings)
    except ConfigError as exc:
        raise stop_starting(exc) from None
    return _build(settings, db, queue)


def _flask_config(settings: Settings) -> dict[str, Any]:
    return {
        "SECRET_KEY": settings.secret_key,
        "TESTING": settings.env == "testing",
        "DEBUG": False,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.is_production,
        "SESSION_COOKIE_NAME": "hearth_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": settings.is_production,
        "REMEMBER_COOKIE_NAME": "hearth_remember",
        "REMEMBER_COOKIE_DURATION": timedelta(days=settings.remember_days),
        "PREFERRED_URL_SCHEME": "https" if settings.is_production else "http",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "WTF_CSRF_SSL_STRICT": settings.is_production,
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_url,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
    }


def _build(settings: Settings, db: Database, queue: Queue) -> Flask:
    from web import cli, errors, security
    from web import api
    from web.admin.views import bp as admin_bp
    from web.auth.views import bp as auth_bp
    from web.checkin.views import bp as checkin_bp
    from web.db import init_db
    from web.events.views import bp as events_bp
    from web.extensions import csrf, limiter, login_manager, migrate
    from web.feeds.views import bp as feeds_bp
    from web.groups.views import bp as groups_bp
    from web.imports.views import bp as imports_bp
    from web.insight.views import bp as insight_bp
    from web.main.views import bp as main_bp
    from web.messages.views import bp as messages_bp
    from web.neighbourhoods.views import bp as neighbourhoods_bp
    from web.organiser.views import bp as organiser_bp
    from web.profile import cli as profile_cli
    from web.profile.views import bp as profile_bp

    app = Flask("web", instance_path=settings.instance_path, instance_relative_config=False)
    app.url_map.converters["int"] = row_id_converter
    app.config.update(_flask_config(settings))
    app.extensions["hearth.settings"] = settings
    init_db(app, db)
    app.extensions["hearth.queue"] = queue
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    migrate.init_app(app, db=None, directory=str(MIGRATIONS_DIR))

    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(organiser_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(insight_bp)
    app.register_blueprint(profile_bp)
    app.register_blueprint(neighbourhoods_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(imports_bp)
    api.init_app(app)
    cli.init_app(app)
    profile_cli.init_app(app)
    return app
