"""Alembic migrations build exactly the schema of the models, and come back down, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from assessments.db import metadata
from tests.conftest import app_config


@pytest.fixture
def empty_database_url(database_url: str, request: pytest.FixtureRequest, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    return request.getfixturevalue("postgres_server").create_database("ffw_migrations")


def test_upgrade_to_head_matches_the_models_and_downgrade_removes_everything(empty_database_url: str) -> None:
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert differences == [], "models changed without a migration: run `flask db migrate`"
        assert {"users", "organisations", "audit_events", "login_attempts"} <= set(inspect(db.engine).get_table_names())

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


def test_the_session_totals_are_added_up_from_the_sessions_already_recorded(empty_database_url: str) -> None:
    from datetime import date

    from sqlalchemy import select, text

    from assessments.services.session_totals import TABLE, TOPICS, WORKPLACES, recount

    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade(revision="167d092760de")  # before the totals: sessions recorded the old way
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (id, name, tax_code, province_code, sector_code, "
                              "workforce_total, workforce_women, address, former_province, created_at, updated_at, "
                              "version) "
                              "VALUES (1, 'A', '0100000001', 'hung-yen', 'garment-textile', 10, 5, '', '', "
                              ":now, :now, 1)"), {"now": date(2026, 1, 1)})
            for number, (day, venue, org, women, men) in enumerate([
                    (date(2026, 3, 2), "community", None, 10, 2), (date(2026, 3, 30), "community", None, 5, 5),
                    (date(2026, 4, 1), "workplace", 1, 7, 1)], start=1):
                conn.execute(text(
                    "INSERT INTO parenting_sessions (id, programme_id, session_date, duration_minutes, venue_type, "
                    "organisation_id, province_code, commune, shift, place_key, facilitator, participants_total, "
                    "participants_female, participants_male, ethnic_minority, internal_migrants, notes, version, "
                    "created_at, updated_at) VALUES (:id, 1, :day, 90, :venue, :org, 'hung-yen', 'Phố Nối', '', "
                    ":key, 'Mai', :total, :women, :men, 0, 0, '', 1, :day, :day)"),
                    {"id": number, "day": day, "venue": venue, "org": org, "key": f"k{number}",
                     "total": women + men, "women": women, "men": men})
                conn.execute(text("INSERT INTO session_topics (session_id, topic_id) VALUES (:id, 1)"),
                             {"id": number})
        upgrade()

        def rows() -> set[tuple[object, ...]]:
            return {tuple(r) for t in (TABLE, TOPICS, WORKPLACES) for r in db.session.execute(select(t))}

        migrated = rows()
        assert (date(2026, 3, 1), "hung-yen", 1, "community", 2, 22, 15, 7, 0, 0) in migrated
        recount(db.session)
        assert rows() == migrated  # the sessions' topics came through every later migration whole
        db.session.rollback()
        # Going back over the venues' migration (which rebuilds the sessions' table on SQLite)
        # keeps every session's topics too.
        downgrade(revision="3a923bd5b0df")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM session_topics")).scalar() == 3
        db.engine.dispose()


def test_evidence_files_move_from_the_disk_into_the_database_and_back(empty_database_url: str, tmp_path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19, item 2: a second app server cannot read the first one's disk. The upgrade moves
    each file into its row (a file already gone stays gone, and is named in the log); a
    downgrade writes them back."""
    from datetime import date

    from sqlalchemy import text

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "stray").write_bytes(b"")  # a file no row names is left alone
    (uploads / "kept").write_bytes(b"%PDF-1.4 the policy")
    monkeypatch.setenv("UPLOAD_FOLDER", str(uploads))
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade(revision="d8a3c6e1f590")  # the files still on the disk
        now = {"now": date(2026, 1, 1)}
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (id, name, tax_code, province_code, sector_code, "
                              "workforce_total, workforce_women, address, former_province, created_at, updated_at, "
                              "version) VALUES (1, 'A', '0100000001', 'hung-yen', 'garment-textile', 10, 5, '', '', "
                              ":now, :now, 1)"), now)
            conn.execute(text("INSERT INTO assessments (id, organisation_id, cycle, status, rubric_key, "
                              "rubric_version, rubric_hash, profile, created_at, updated_at, version) "
                              "VALUES (1, 1, 2026, 'draft', 'crbp-vn', '2026.2', 'x', '{}', :now, :now, 1)"), now)
            for number, name in ((1, "kept"), (2, "gone")):
                row = {"id": number, "name": name} | now
                conn.execute(text("INSERT INTO evidence (id, assessment_id, indicator_key, original_name, "
                                  "storage_name, content_type, size, sha256, uploaded_at) VALUES (:id, 1, "
                                  "'leave.paternity', 'x.pdf', :name, 'application/pdf', 19, '0', :now)"), row)
        upgrade()
        with db.engine.connect() as conn:
            moved = dict(conn.execute(text("SELECT evidence_id, content FROM evidence_contents")).all())
        assert moved == {1: b"%PDF-1.4 the policy"}
        (uploads / "kept").unlink()
        downgrade(revision="d8a3c6e1f590")
        assert (uploads / "kept").read_bytes() == b"%PDF-1.4 the policy"
        db.engine.dispose()
