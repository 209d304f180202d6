"""Gunicorn reads this file from the folder it starts in: Hearth's settings (see web/gunicorn_conf.py)."""

from web.gunicorn_conf import *  # noqa: F401,F403
from web.gunicorn_conf import __all__  # noqa: F401
