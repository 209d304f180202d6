"""One summary table per benchmark: printed, and written as JSON under ``bench/results/``."""

from __future__ import annotations

import json
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

__all__ = ["report", "RESULTS_DIR", "data_dir"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def data_dir() -> Path:
    """Where the measurement-only data sets live: ``$HEARTH_DATA_DIR`` or ``../shared/data``."""
    import os

    env = os.environ.get("HEARTH_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:.3e}"
    return str(value)


def report(
    name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    meta: Mapping[str, Any] | None = None,
    out_dir: Path | None = None,
    stream=None,
) -> Path:
    """Print ``rows`` as one aligned table and write them, with ``meta``, to ``<name>.json``.

    Returns the path of the JSON file.
    """
    stream = stream if stream is not None else sys.stdout
    columns = list(columns or (rows[0].keys() if rows else []))
    cells = [[_fmt(row.get(c, "")) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print(f"\n{name}", file=stream)
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)), file=stream)
    print("  ".join("-" * w for w in widths), file=stream)
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)), file=stream)
    out_dir = out_dir or RESULTS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    payload = {
        "name": name,
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "meta": dict(meta or {}),
        "columns": columns,
        "rows": [dict(row) for row in rows],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"(written to {path})", file=stream)
    return path
