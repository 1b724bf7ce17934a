"""`flask users create` and `flask demo load`."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import Organisation, User
from assessments.passwords import verify_password
from tests.conftest import World


def test_create_user_with_generated_password(app: Flask, world: World, dbs: Session) -> None:
    result = app.test_cli_runner().invoke(args=["users", "create", "Lan@Example.vn", "--role", "hr",
                                                "--org", str(world.org_a.id), "--name", "Lan"])
    assert result.exit_code == 0, result.output
    password = re.search(r"password: (\S+)", result.output).group(1)
    user = dbs.scalar(select(User).where(User.email == "lan@example.vn"))
    assert user.organisation_id == world.org_a.id
    assert verify_password(password, user.password_hash)


def test_create_user_with_given_password_does_not_print_it(app: Flask, dbs: Session, clean_db: None) -> None:
    result = app.test_cli_runner().invoke(args=["users", "create", "boss@example.vn", "--role", "admin",
                                                "--password", "given-password-1"])
    assert result.exit_code == 0
    assert "given-password-1" not in result.output


def test_create_hr_user_without_organisation_fails_clearly(app: Flask, dbs: Session, clean_db: None) -> None:
    result = app.test_cli_runner().invoke(args=["users", "create", "x@example.vn", "--role", "hr"])
    assert result.exit_code != 0
    assert "hr_needs_organisation" in result.output
    assert dbs.scalar(select(func.count(User.id))) == 0


def test_demo_load_seeds_once(app: Flask, dbs: Session, clean_db: None) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert "Demo data loaded." in first.output and "hr@demo.vn" in first.output
    counts = (dbs.scalar(select(func.count(User.id))), dbs.scalar(select(func.count(Organisation.id))))
    assert counts[0] == 4 and counts[1] >= 5
    second = runner.invoke(args=["demo", "load"])
    assert "not loaded again" in second.output
    assert (dbs.scalar(select(func.count(User.id))), dbs.scalar(select(func.count(Organisation.id)))) == counts
    provinces = set(dbs.scalars(select(Organisation.province_code)))
    sectors = set(dbs.scalars(select(Organisation.sector_code)))
    assert len(provinces) >= 4 and len(sectors) >= 4
