"""A person's download of everything Hearth holds about them: one zip of JSON and CSV files.

Built in memory (one person's data is small). The parts come from ``export_parts``; this module
only writes them down: ``<part>.json`` for each, ``<part>.csv`` for the ones that are tables, and a
``README.txt`` that says in plain words what each file is and what is not in the download.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

from sqlalchemy.orm import Session

from store.accounts.models import User
from store.core.db import utcnow
from store.leaving.export_parts import Part, gather

__all__ = ["export_filename", "export_zip", "README"]

README = """\
Everything Hearth holds about you
=================================

Made for {name} on {made} (UTC). Each part is a .json file (for programs) and, where it
is a table, a .csv file with the same information (opens in a spreadsheet). Times are in UTC,
written like 2026-03-05T18:00:00+00:00.

{parts}

What is not here, and why
-------------------------
- Your home: Hearth never kept your address. It keeps only your neighbourhood and area (in
  profile.json) and a rough point on a 500 m grid, used to measure distances, never shown.
- Your password: only a scrambled form of it is kept, which can't be turned back into it.
  The same goes for the secrets of your access tokens (access_tokens lists their names and dates).
- How strongly you're connected to neighbours you've met: it is worked out from both your
  answers and theirs, so it would tell you what others said.
- Other people: group-mates appear only as your group pages show them (a first name where they
  agreed, otherwise "A neighbour"). Nothing others said about you is included.
- Notes your community centre's organisers keep about calls or visits: please ask them.
- A list of numbers worked out from your answers for matching (it says nothing more than
  your answers do).

To change any of this, use your profile and account pages. Deleting your account removes it all.
"""


def _csv(part: Part) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(part.columns), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in part.rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def export_filename(user: User, now: datetime | None = None) -> str:
    """The download's name: ``hearth-my-data-2026-12-01.zip`` (no name or address in it)."""
    return f"hearth-my-data-{(now or utcnow()):%Y-%m-%d}.zip"


def export_zip(session: Session, user: User, *, now: datetime | None = None) -> bytes:
    """The zip of everything Hearth holds about ``user`` (only theirs: each part is scoped by their id)."""
    now = now or utcnow()
    parts = gather(session, user)
    listing = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            files = [f"{part.name}.json"] + ([f"{part.name}.csv"] if part.columns else [])
            archive.writestr(files[0], json.dumps(part.data, indent=2, ensure_ascii=False, default=str) + "\n")
            if part.columns:
                archive.writestr(files[1], _csv(part))
            listing.append(f"- {part.title}: {', '.join(files)}")
        archive.writestr("README.txt", README.format(name=user.display_name, made=f"{now:%Y-%m-%d %H:%M}",
                                                     parts="\n".join(listing)))
    return buffer.getvalue()
