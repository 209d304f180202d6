"""The ``python -m matcher`` command line: sub-commands that read CSV files and print JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from matcher.csvio import InputError

__all__ = ["main", "build_parser", "Parser"]


class Parser(argparse.ArgumentParser):
    """An argument parser whose complaint is one line on standard error, with exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered.

    Each sub-command module exposes ``register(subparsers)``, which adds its parser and sets
    ``func``: a callable taking the parsed arguments and returning a JSON-serialisable object.
    """
    from matcher import cli_groups, cli_recommend

    parser = Parser(
        prog="python -m matcher",
        description="Form groups of compatible neighbours and rank events, from CSV files.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cli_groups.register(subparsers)
    cli_recommend.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code (2 for bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    return 0
