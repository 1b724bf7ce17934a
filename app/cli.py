"""Command-line tools: `flask users create`, `flask demo load`."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from assessments.demo import DEMO_ACCOUNTS, load_demo_data
from assessments.models import Role
from assessments.services import Context, ServiceError
from assessments.services.accounts import create_user

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the service locally.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "organisation_id", type=int, default=None, help="Organisation id (required for hr).")
@click.option("--password", default=None, help="Generated and printed when omitted.")
@click.option("--name", "full_name", default="", help="Full name.")
def create_user_command(email: str, role: str, organisation_id: int | None, password: str | None,
                        full_name: str) -> None:
    """Create an account."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(db.session, Context(actor=None), email=email, password=password, role=role,
                           organisation_id=organisation_id, full_name=full_name)
    except ServiceError as error:
        raise click.ClickException(f"cannot create user: {error.code} ({error.field})") from error
    click.echo(f"created user {user.id}: {user.email} ({user.role})")
    if generated:
        click.echo(f"password: {password}")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Load demo organisations and one account per role into an empty database."""
    if load_demo_data(db.session):
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already has accounts; demo data not loaded again.")
    click.echo("Demo accounts (e-mail / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<9} {account.email:<20} {account.password}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
