"""`flask users create` and `flask demo load`."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.db import today_in_viet_nam
from assessments.demo import DEMO_ACCOUNTS
from assessments.models import Assessment, Organisation, SurveyRound, User
from assessments.passwords import verify_password
from assessments.services.surveys import voice_of_round
from rubrics.loader import default_registry
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
    assert counts[0] == len(DEMO_ACCOUNTS) == 5 and counts[1] >= 5
    second = runner.invoke(args=["demo", "load"])
    assert "not loaded again" in second.output
    assert (dbs.scalar(select(func.count(User.id))), dbs.scalar(select(func.count(Organisation.id)))) == counts
    provinces = set(dbs.scalars(select(Organisation.province_code)))
    sectors = set(dbs.scalars(select(Organisation.sector_code)))
    assert len(provinces) >= 4 and len(sectors) >= 4
    # The README's tour: last year's closed survey round, 120 answers, one discrepancy.
    hr_company = dbs.scalar(select(Organisation).where(Organisation.tax_code == "0100112233"))
    assert hr_company is not None
    closed = dbs.scalar(select(SurveyRound).join(Assessment).where(
        Assessment.organisation_id == hr_company.id, Assessment.cycle == today_in_viet_nam().year - 1))
    assert closed is not None
    rubric = default_registry().get(closed.assessment.rubric_key, closed.assessment.rubric_version)
    survey = rubric.data.survey
    assert survey is not None
    voice = voice_of_round(dbs, survey, closed)
    assert voice.responses == 120 and len(voice.discrepancies) == 1


def test_users_token_prints_a_working_token_once(app: Flask, world: World, dbs: Session) -> None:
    result = app.test_cli_runner().invoke(args=["users", "token", "reviewer@example.vn", "--name", "dhis2"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("ffw_")
    assert app.test_client().get("/api/v1/rubrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_users_token_refuses_unknown_or_inactive_accounts(app: Flask, world: World) -> None:
    for email in ("nobody@example.vn", "hr.old@example.vn"):
        result = app.test_cli_runner().invoke(args=["users", "token", email])
        assert result.exit_code != 0 and "no active account" in result.output


def test_rubrics_validate_accepts_the_published_files(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["rubrics", "validate"])
    assert result.exit_code == 0
    assert "ok      crbp-vn-2026.1.yaml: crbp-vn 2026.1, 53 indicators" in result.output


def test_rubrics_validate_names_the_broken_file_and_indicator(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rubrics.loader import VERSIONS_DIR

    broken = tmp_path / "broken.yaml"
    text = (VERSIONS_DIR / "crbp-vn-2026.1.yaml").read_text()
    broken.write_text(text.replace("key: leave.paternity_uptake", "key: leave.paternity", 1))
    result = app.test_cli_runner().invoke(args=["rubrics", "validate", str(broken)])
    assert result.exit_code == 1
    assert "INVALID" in result.output and "duplicate indicator key leave.paternity" in result.output


def test_rubrics_show_prints_a_bilingual_summary(app: Flask) -> None:
    vi = app.test_cli_runner().invoke(args=["rubrics", "show", "crbp-vn"]).output
    en = app.test_cli_runner().invoke(args=["rubrics", "show", "crbp-vn", "--lang", "en"]).output
    assert "B5" in vi and "phòng vắt, trữ sữa" in vi.lower() and "d145_80_5" in vi
    assert "Is there a dedicated lactation room?" in en and "[follow-up]" in en
    missing = app.test_cli_runner().invoke(args=["rubrics", "show", "nope"])
    assert missing.exit_code != 0
