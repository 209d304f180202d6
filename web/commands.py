"""The ``hearth`` command group and the error every command raises for bad input.

Its own module so that each file of commands (``web/cli.py``, ``web/cli_matching.py``,
``web/profile/cli.py``) adds to the group without importing the others.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

__all__ = ["hearth", "BadInput"]

hearth = AppGroup("hearth", help="Run Hearth: accounts, centres and the demo town.")


class BadInput(click.ClickException):
    """Bad input to a command: one line on standard error ("Error: ..."), exit code 2."""

    exit_code = 2
