"""Commands for places and profiles: ``flask hearth load-postcodes``, ``load-neighbourhoods``, ``refit-vectors``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from store.centres.models import Centre
from store.places.neighbourhoods import load_neighbourhoods, load_postcodes
from store.places.points import PlaceDataError
from store.profiles.models import Profile
from store.profiles.vectors import refit_vectors
from web.commands import BadInput, hearth

__all__ = ["init_app"]


def _db():
    return current_app.extensions["hearth.db"]


@hearth.command("load-postcodes")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def load_postcodes_command(file):
    """Load postcodes for your area from a CSV file with columns postcode,lat,lon (and optionally area).

    Residents who type one of these postcodes are placed at its centre (then kept to ~500 m).
    Loading again updates postcodes already there.
    """
    try:
        with _db().unit_of_work() as session:
            count = load_postcodes(session, file)
    except PlaceDataError as exc:
        raise BadInput(f"{file.name}: {exc}. Nothing was loaded.") from None
    except UnicodeDecodeError:
        raise BadInput(f"{file.name} is not a CSV text file (it is not UTF-8). Nothing was loaded.") from None
    click.echo(f"Loaded {count} postcode{'s' if count != 1 else ''} from {file.name}.")


@hearth.command("load-neighbourhoods")
@click.option("--centre", "centre_key", required=True, help="The centre's name or slug.")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def load_neighbourhoods_command(centre_key: str, file):
    """Load a centre's neighbourhoods from a CSV file with columns name,lat,lon."""
    try:
        with _db().unit_of_work() as session:
            centre = session.scalar(select(Centre).where((Centre.slug == centre_key) | (Centre.name == centre_key)))
            if centre is None:
                raise BadInput(f"no centre called {centre_key!r}; see the admin page for the list")
            count = load_neighbourhoods(session, centre, file)
            name = centre.name
    except PlaceDataError as exc:
        raise BadInput(f"{file.name}: {exc}. Nothing was loaded.") from None
    except UnicodeDecodeError:
        raise BadInput(f"{file.name} is not a CSV text file (it is not UTF-8). Nothing was loaded.") from None
    click.echo(f"{name} now has {count} neighbourhood{'s' if count != 1 else ''} from {file.name}.")


@hearth.command("refit-vectors")
def refit_vectors_command():
    """Fit the profile vectorizer on every profile and recompute every vector with it."""
    with _db().unit_of_work() as session:
        total = session.scalar(select(func.count()).select_from(Profile)) or 0
        with click.progressbar(length=total, label="Recomputing profile vectors") as bar:
            version, count = refit_vectors(session, progress=bar.update)
    if count == 0:
        click.echo("There are no profiles yet, so there was nothing to refit.")
    else:
        click.echo(f"Refitted on {count} profile{'s' if count != 1 else ''}; vectors now use {version}.")


def init_app(app: Flask) -> None:
    """The commands are attached to the ``hearth`` group when this module is imported."""
