"""``flask hearth match`` and ``flask hearth recommend``: run matching or ranking by hand, with progress."""

from __future__ import annotations

import sys

import click
from flask import current_app
from sqlalchemy import select

from jobs.matching import TOTALS, match_region, refresh_recs
from store.centres.models import Centre
from store.events.models import Occurrence
from store.groups.candidates import upcoming_slots
from store.groups.matching import FANOUT_SIZE
from web.commands import BadInput, hearth

__all__ = ["match", "recommend"]


def _context():
    return current_app.extensions["hearth.queue"].context


@hearth.command("match")
@click.option("--centre", "centre_key", required=True, help="The centre's name or slug.")
@click.option("--slot", default="all", show_default=True,
              help="An occurrence id, or 'all' for every date one to fourteen days away.")
@click.option("--mode", type=click.Choice(["new", "deepen"]), default="new", show_default=True,
              help="'new' mixes in new faces; 'deepen' re-forms groups that worked.")
@click.option("--region-size", type=click.IntRange(4, 100_000), default=FANOUT_SIZE, show_default=True,
              help="Match a large date in compact regions of at most this many people.")
def match(centre_key: str, slot: str, mode: str, region_size: int):
    """Form and offer groups for a centre's upcoming dates now (recorded like a background run).

    Each date is matched here, region by region for a large one (the same regions the
    background run shares out), so the totals printed are what every region did."""
    ctx = _context()
    with ctx.database.unit_of_work() as session:
        centre = session.scalar(select(Centre).where((Centre.slug == centre_key) | (Centre.name == centre_key)))
        if centre is None:
            raise BadInput(f"no centre called {centre_key!r}")
        if slot == "all":
            ids = [o.id for o in upcoming_slots(session, centre_id=centre.id)]
        else:
            if not slot.isdigit():
                raise BadInput("--slot takes an occurrence id (a number) or 'all'")
            occurrence = session.get(Occurrence, int(slot))
            if occurrence is None or occurrence.event.centre_id != centre.id:
                raise BadInput(f"no date {slot} at {centre.name}")
            ids = [occurrence.id]
        name = centre.name
    if not ids:
        click.echo(f"No dates to match at {name} in the next two weeks.")
        return
    totals = dict.fromkeys(TOTALS, 0)
    regions = 0
    with click.progressbar(ids, label=f"Matching {len(ids)} date(s) at {name}", file=sys.stderr) as bar:
        for occurrence_id in bar:
            counts = match_region(ctx, occurrence_id, None, 0, None, mode, region_size)
            for key in totals:
                totals[key] += int(counts.get(key, 0))
            regions += max(1, int(counts.get("regions", 1)))
    ctx.queue.enqueue("deliver_outbox")
    where = f" in {regions} regions" if regions > len(ids) else ""
    click.echo(f"{totals['groups']} group(s) offered to {totals['offered']} people{where}; "
               f"{totals['unplaced']} could not be placed this time"
               + (f" ({totals['below_floor']} because no group was close enough in interests: below the "
                  "compatibility floor, HEARTH_GROUP_FLOOR; they get events recommended instead)"
                  if totals.get("below_floor") else "") + ".")


@hearth.command("recommend")
def recommend():
    """Recompute every resident's recommended events now."""
    ranked = refresh_recs(_context(), None)
    click.echo(f"Recommendations refreshed for {ranked} resident(s).")
