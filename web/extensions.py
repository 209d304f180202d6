"""Flask extensions as singletons, bound to an app by ``init_app`` in the factory."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

__all__ = ["csrf", "limiter", "login_manager", "migrate", "login_limit", "register_limit"]

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
login_manager = LoginManager()
migrate = Migrate()


@migrate.configure
def _point_alembic_at_our_database(alembic_config):
    """``flask db ...`` uses the app's own database URL, never one written in a file."""
    url = current_app.extensions["hearth.settings"].database_url
    alembic_config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return alembic_config


def login_limit() -> str:
    """The log-in and reset forms' rate limit, from the settings."""
    return current_app.extensions["hearth.settings"].login_rate_limit


def register_limit() -> str:
    """The registration form's rate limit, from the settings."""
    return current_app.extensions["hearth.settings"].register_rate_limit
