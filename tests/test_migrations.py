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
