"""The ``flask hearth ...`` commands (also ``hearth ...``): admins, centres, organisers, the demo town."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

import click
from flask import Flask, current_app
from sqlalchemy import select

from jobs.tasks import drain_outbox
from store.accounts import operations as accounts
from store.accounts.models import Role, User
from store.centres import organisers
from store.centres.models import Centre
from store.centres.operations import create_centre
from store.core.migrate import current_heads_match, upgrade
from store.demo.town import build_demo_town
from store.groups.candidates import upcoming_slots
from web import cli_matching  # noqa: F401  (adds its commands to the group)
from web.commands import BadInput, hearth

__all__ = ["init_app", "hearth", "BadInput"]

def _db():
    return current_app.extensions["hearth.db"]


def _settings():
    return current_app.extensions["hearth.settings"]


def _fail(message: str) -> None:
    """Stop with a clear message and exit code 2 (bad input)."""
    raise BadInput(message)


def _password(value: str | None) -> str:
    if value:
        return value
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@hearth.command("migrate")
def migrate_command():
    """Apply database migrations (the same as `flask db upgrade`, with one line of progress)."""
    if current_heads_match(_db().engine):
        click.echo("The database is up to date.")
        return
    with _step("Preparing the database"):
        upgrade(_db().engine)


@contextmanager
def _step(what: str):
    """One line per step: ``Building the demo town ... done (12 s)``; the details are in the DEBUG log."""
    click.echo(f"{what} ... ", nl=False)
    sys.stdout.flush()
    started = time.monotonic()
    try:
        yield
    except BaseException:
        click.echo("stopped")
        raise
    seconds = time.monotonic() - started
    click.echo("done" if seconds < 2 else f"done ({seconds:.0f} s)")


@hearth.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Name shown to others.")
@click.option("--password", help="Asked for if not given.")
def create_admin(email: str, display_name: str, password: str | None):
    """Create an administrator account."""
    try:
        with _db().unit_of_work() as session:
            user = accounts.create_user(session, email=email, display_name=display_name,
                                        password=_password(password), role=Role.ADMIN, confirmed=True)
            click.echo(f"Admin {user.email} created.")
    except accounts.AccountError as exc:
        _fail(str(exc))


@hearth.command("create-centre")
@click.option("--name", required=True)
@click.option("--address", default="", help="Public address of the centre.")
@click.option("--lat", type=click.FloatRange(-90, 90), help="Latitude of the centre.")
@click.option("--lon", type=click.FloatRange(-180, 180), help="Longitude of the centre.")
@click.option("--description", default="")
def create_centre_command(name: str, address: str, lat: float | None, lon: float | None, description: str):
    """Create a community centre."""
    if (lat is None) != (lon is None):
        _fail("give both --lat and --lon, or neither")
    try:
        with _db().unit_of_work() as session:
            centre = create_centre(session, name=name, address=address, lat=lat, lon=lon, description=description)
            click.echo(f"Centre {centre.name!r} created (slug {centre.slug}, time zone {centre.timezone}).")
    except accounts.AccountError as exc:
        _fail(str(exc))


def _find_centre(session, key: str) -> Centre:
    centre = session.scalar(select(Centre).where((Centre.slug == key) | (Centre.name == key)))
    if centre is None:
        _fail(f"no centre called {key!r}; see the admin page for the list")
    return centre


@hearth.command("create-organiser")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--centre", "centre_key", required=True, help="The centre's name or slug.")
@click.option("--password", help="Asked for if not given.")
def create_organiser(email: str, display_name: str, centre_key: str, password: str | None):
    """Create an organiser of a centre, or add an existing account to the centre."""
    try:
        with _db().unit_of_work() as session:
            centre = _find_centre(session, centre_key)
            user = session.scalar(select(User).where(User.email == accounts.normalise_email(email)))
            if user is None:
                user = accounts.create_user(session, email=email, display_name=display_name,
                                            password=_password(password), role=Role.ORGANISER, confirmed=True)
            organisers.add_organiser(session, user, centre)
            click.echo(f"{user.email} now organises {centre.name}.")
    except accounts.AccountError as exc:
        _fail(str(exc))


@hearth.command("invite-organiser")
@click.option("--email", required=True)
@click.option("--centre", "centre_key", required=True, help="The centre's name or slug.")
def invite_organiser(email: str, centre_key: str):
    """Send an invitation link to become an organiser of a centre."""
    try:
        with _db().unit_of_work() as session:
            centre = _find_centre(session, centre_key)
            organisers.invite_organiser(session, _settings(), centre=centre, email=email, invited_by=None)
            centre_name = centre.name
        drain_outbox(_db(), _settings())
        click.echo(f"Invitation to organise {centre_name} sent to {email} (see the outbox).")
    except accounts.AccountError as exc:
        _fail(str(exc))


@hearth.command("demo")
@click.option("--town", help="A town with bundled neighbourhoods (default: the HEARTH_DEMO_TOWN setting).")
@click.option("--residents", default=300, type=click.IntRange(10, 5000), show_default=True)
def demo(town: str | None, residents: int):
    """Create the demo town (idempotent), match its next two weeks, and print its logins."""
    db = _db()
    if not current_heads_match(db.engine):
        with _step("Preparing the database"):
            upgrade(db.engine)
    try:
        with _step(f"Building the demo town of {(town or _settings().demo_town).strip().title()}"):
            with db.unit_of_work() as session:
                result = build_demo_town(session, _settings(), town=town, residents=residents)
    except LookupError as exc:
        _fail(str(exc))
    place = result.town
    if result.created:
        click.echo(f"Created the demo town of {place.name} ({place.lat:.4f}, {place.lon:.4f}): "
                   f"{len(result.centres)} centres and {len(result.residents)} residents.")
        _bring_demo_to_life([c.id for c in result.centres])
    else:
        click.echo(f"The demo town of {place.name} is already there.")
    click.echo("Demo logins (all share one password):")
    for login in result.logins:
        click.echo(f"  {login.role:<10} {login.email:<40} {login.password}")


def _bring_demo_to_life(centre_ids: list[int]) -> None:
    """Run what the background jobs would: matching for every upcoming date, recommendations,
    and each centre's match graph, one line of progress per step."""
    from jobs.insight import graph_snapshot
    from jobs.matching import refresh_recs, run_match

    ctx = current_app.extensions["hearth.queue"].context
    with ctx.database.unit_of_work() as session:
        slots = [o.id for o in upcoming_slots(session)]
    dates = "1 upcoming date" if len(slots) == 1 else f"{len(slots)} upcoming dates"
    with _step(f"Forming groups for {dates}"):
        for occurrence_id in slots:
            run_match(ctx, occurrence_id)
    with _step("Recommending events to every resident"):
        refresh_recs(ctx, None)
    with _step(f"Drawing the match graph of {len(centre_ids)} centres"):
        for centre_id in centre_ids:
            graph_snapshot(ctx, centre_id)


def init_app(app: Flask) -> None:
    app.cli.add_command(hearth)
