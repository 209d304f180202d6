"""``python -m web.serve``: serve Hearth on one machine (what ``make run`` starts)."""

from __future__ import annotations

import argparse

from werkzeug.serving import run_simple

from web.app import create_app

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve Hearth with the embedded defaults.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    app = create_app()
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
