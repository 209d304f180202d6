"""The ``hearth`` console script: ``flask`` with Hearth's app chosen and its commands at the top."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from web.app import create_app

__all__ = ["HearthCommands", "main"]


class HearthCommands(FlaskGroup):
    """``flask`` with Hearth's app chosen and the ``hearth`` commands at the top level, so
    ``hearth load-postcodes FILE`` works as well as ``hearth hearth load-postcodes FILE`` (and
    ``hearth db upgrade`` as ``flask db upgrade``)."""

    def _hearth(self, ctx):
        group = super().get_command(ctx, "hearth")
        return group if isinstance(group, click.Group) else None

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None:
            group = self._hearth(ctx)
            command = group.get_command(ctx, name) if group is not None else None
        return command

    def list_commands(self, ctx):
        names = set(super().list_commands(ctx))
        group = self._hearth(ctx)
        if group is not None:
            names |= set(group.list_commands(ctx))
        return sorted(names)


def main() -> None:
    """The ``hearth`` console script: ``flask`` with Hearth's app already chosen."""
    cli = HearthCommands(create_app=lambda: create_app(),
                         help="Run Hearth: accounts, centres, matching, the demo town.")
    sys.exit(cli.main(args=sys.argv[1:], prog_name="hearth"))


if __name__ == "__main__":  # python -m web.console ...
    main()
