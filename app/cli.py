"""Command-line tools: `flask users create|token`, `flask rubrics validate|show|diff`, `flask demo load`,
`flask plans render`, `flask mail send|digests|worker` (app/mail_cli.py)."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.mail_cli import mail_cli
from app.rubric_in_use import latest_rubric, rubric_key
from assessments.db import today_in_viet_nam
from assessments.demo import DEMO_ACCOUNTS, load_demo_data
from assessments.models import Assessment, Role
from assessments.report.render import EDITIONS
from assessments.services import Context, ServiceError
from assessments.services.accounts import create_user, find_user_by_email
from assessments.services.api_tokens import create_api_token
from assessments.services.reports import plan_pdf
from rubrics.diff import diff_rubrics
from rubrics.loader import VERSIONS_DIR, RubricError, default_registry, load_rubric

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the service locally.")
rubrics_cli = AppGroup("rubrics", help="Check and inspect rubric files.")
plans_cli = AppGroup("plans", help="PDF improvement plans.")


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


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. the integration's name.")
def create_token_command(email: str, name: str) -> None:
    """Create a personal API token for an account; it is printed once."""
    user = find_user_by_email(db.session, email)
    if user is None or not user.active:
        raise click.ClickException(f"no active account {email}")
    token = create_api_token(db.session, Context(actor=None), user, name)
    click.echo(f"API token for {user.email} ({user.role}); keep it secret, it is not shown again:")
    click.echo(token)


@rubrics_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_rubrics_command(paths: tuple[Path, ...]) -> None:
    """Validate rubric files (default: every published version)."""
    files = list(paths) or sorted(VERSIONS_DIR.glob("*.yaml"))
    failed = False
    for path in files:
        try:
            rubric = load_rubric(path)
        except RubricError as error:
            failed = True
            click.echo(f"INVALID {path}", err=True)
            for problem in error.problems:
                click.echo(f"  - {problem}", err=True)
        else:
            count = sum(1 for _ in rubric.indicators())
            click.echo(f"ok      {path.name}: {rubric.key} {rubric.version}, {count} indicators, "
                       f"sha256 {rubric.content_hash[:12]}")
    if failed:
        raise SystemExit(1)


@rubrics_cli.command("show")
@click.argument("key")
@click.option("--version", "version", default=None, help="Default: the latest version.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
def show_rubric_command(key: str, version: str | None, lang: str) -> None:
    """Print a summary of a rubric: areas, indicators, weights, legal references."""
    registry = default_registry()
    try:
        rubric = registry.get(key, version) if version else registry.latest(key)
    except KeyError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{rubric.data.title.get(lang)} — {rubric.key} {rubric.version} "
               f"(published {rubric.data.published}, sha256 {rubric.content_hash[:12]})")
    for area in rubric.areas:
        click.echo(f"\n{area.code}. {area.title.get(lang)}")
        for ind in area.indicators:
            law = ", ".join(ind.legal) or "-"
            conditions = " ".join(
                label for label, cond in (("[applies when]", ind.applies_when), ("[follow-up]", ind.asked_when))
                if cond)
            click.echo(f"  {ind.code:<5} w{ind.weight:g} {ind.type:<13} law: {law:<30} {conditions}")
            click.echo(f"        {ind.text.get(lang)}")


@rubrics_cli.command("diff")
@click.argument("old_version")
@click.argument("new_version")
@click.option("--key", default=None, help="Default: the RUBRIC_KEY setting.")
def diff_rubrics_command(old_version: str, new_version: str, key: str | None) -> None:
    """Print what changed between two versions of a rubric, indicator by indicator."""
    key = key or rubric_key()
    registry = default_registry()
    try:
        old, new = registry.get(key, old_version), registry.get(key, new_version)
    except KeyError as error:
        raise click.ClickException(str(error)) from error
    changes = diff_rubrics(old, new)
    click.echo(f"{key} {old.version} -> {new.version}: {len(changes)} indicators changed")
    for change in changes:
        click.echo(f"\n{change.kind:<8} {change.code:<5} {change.key}")
        for detail in change.details:
            click.echo(f"         - {detail}")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Load demo organisations and one account per role into an empty database."""
    if load_demo_data(db.session, today_in_viet_nam(), latest_rubric()):
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already has accounts; demo data not loaded again.")
    click.echo("Demo accounts (e-mail / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<9} {account.email:<20} {account.password}")


@plans_cli.command("render")
@click.argument("assessment_id", type=int)
@click.option("--lang", "edition", type=click.Choice(sorted(EDITIONS)), default="vi", show_default=True,
              help="vi, en, or both side by side.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the PDF.")
def render_plan_command(assessment_id: int, edition: str, out: Path) -> None:
    """Write the PDF improvement plan of a submitted assessment (stored, as on the web)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"No assessment {assessment_id}.")
    if not assessment.submitted:
        raise click.ClickException(f"Assessment {assessment_id} is not submitted yet: it has no plan.")
    rubric = default_registry().get(assessment.rubric_key, assessment.rubric_version, assessment.rubric_hash)
    pdf = plan_pdf(db.session, assessment, rubric, edition)
    out.write_bytes(pdf.content)
    how = "rendered" if pdf.rendered_now else "unchanged, served from the stored copy"
    click.echo(f"{out}: {pdf.pages} pages, {len(pdf.content) // 1024} KB ({how}).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(rubrics_cli)
    app.cli.add_command(plans_cli)
    app.cli.add_command(mail_cli)
