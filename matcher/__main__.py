"""Entry point for ``python -m matcher``."""

from matcher.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
