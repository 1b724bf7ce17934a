"""Fixtures shared by the whole suite.

Every test that touches the database runs twice: on SQLite (the embedded default) and on a
real PostgreSQL server that this session starts itself (production's database).
`REQUIRE_POSTGRES=1` (set by `make test`) turns a missing PostgreSQL into a failure
instead of a skip.
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app import create_app
from assessments.db import configure_sqlite, metadata, today_in_viet_nam, utcnow
from assessments.models import (
    Answer,
    Assessment,
    Evidence,
    EvidenceContent,
    Organisation,
    ParentingSession,
    PlanItem,
    Programme,
    Role,
    Topic,
    User,
)
from assessments.parenting import SessionData, place_key
from assessments.passwords import hash_password
from assessments.plan import build_plan
from assessments.result import AssessmentResult, ScoreRecord
from assessments.scoring import score
from assessments.services.session_totals import count_sessions, values_of
from assessments.simulate import random_answers
from rubrics.loader import default_registry
from tests.support.postgres import PostgresServer, find_bindir, start_postgres
from tests.support.redis import RedisServer, find_redis, start_redis
from tests.support.smtp import smtp_server  # noqa: F401  (a fixture for every test)


class WholeBodyClient(FlaskClient):
    """The test client, reading and closing each response's body before returning it, as a
    WSGI server does. Werkzeug's client leaves a streamed body (the exports) open by default;
    one a test never read stayed alive until the garbage collector closed it in the middle of a
    later test's request, and its stream_with_context popped that request's contexts (the CI
    failure at 9a50738). A test that reads a stream passes buffered=False and closes it itself."""

    def open(self, *args: object, buffered: bool = True, **kwargs: object) -> TestResponse:
        return super().open(*args, buffered=buffered, **kwargs)  # type: ignore[arg-type]


# Every app the suite makes, including those tests make with create_app themselves.
Flask.test_client_class = WholeBodyClient


PASSWORD = "correct-horse-battery"
PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: scrypt is slow on purpose
MARKER_B = "ZZ-COMPANY-B-MARKER"
IDENTITIES = ("anonymous", "hr_a", "hr_b", "hr_inactive", "reviewer", "unicef", "admin")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
T = TypeVar("T")
UPLOADS = Path(tempfile.mkdtemp(prefix="ffw-uploads-"))  # evidence files written by tests


def _throwaway_server(installed: bool, required_by: str, name: str, start: Callable[[], T]) -> Iterator[T]:
    """A real server on loopback for the session; skipped where it is not installed, unless the
    environment says the run needs it (make test does)."""
    if not installed and os.environ.get(required_by) != "1":
        pytest.skip(f"{name} is not installed (make test installs it)")
    server = start()
    yield server
    server.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from _throwaway_server(find_bindir() is not None, "REQUIRE_POSTGRES", "PostgreSQL", start_postgres)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _throwaway_server(find_redis() is not None, "REQUIRE_REDIS", "Redis", start_redis)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database("ffw_test")


def make_engine(url: str) -> Engine:
    engine = create_engine(url)
    configure_sqlite(engine)
    return engine


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    metadata.create_all(engine)  # tests only; the service itself always migrates
    yield engine
    engine.dispose()


def delete_all_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def clean_db(engine: Engine) -> Iterator[None]:
    yield
    delete_all_rows(engine)


@pytest.fixture
def dbs(engine: Engine, clean_db: None) -> Iterator[Session]:
    """A plain SQLAlchemy session for setting up and inspecting data (no Flask involved)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def app_config(database_url: str, **extra: object) -> dict[str, object]:
    return {
        "APP_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "UPLOAD_FOLDER": str(UPLOADS),
        # The suite calls the API thousands of times; tests/app/test_api_limits.py sets low limits.
        "API_RATE_LIMIT_PER_TOKEN": "1000000 per minute",
        "API_RATE_LIMIT_PER_ADDRESS": "1000000 per minute",
        # Jobs queue in memory, with no pause: a test runs the job worker itself (download_plan).
        "JOBS_BROKER_URL": "memory://",
        "PLAN_RENDER_DEBOUNCE_SECONDS": 0,
        **extra,
    }


@pytest.fixture(scope="session")
def app(database_url: str, engine: Engine) -> Flask:
    return create_app(app_config(database_url))


@pytest.fixture
def client(app: Flask, clean_db: None) -> FlaskClient:
    return app.test_client()


@dataclass
class World:
    """Two companies and one account per identity of the security test plan, a parenting
    programme, and a session held at company A."""

    org_a: Organisation
    org_b: Organisation
    users: dict[str, User] = field(default_factory=dict)
    programme: Programme | None = None
    session_a: ParentingSession | None = None
    assessment_a: Assessment | None = None
    evidence_a: Evidence | None = None
    plan_item_a: PlanItem | None = None


COMPLETE_PROFILE = {"workforce_total": 500, "workforce_women": 300, "workers_under_18": 0, "women_with_infants": True,
                    "remote_area": False, "night_or_overtime_work": True, "hazardous_work": False,
                    "piece_rate_pay": False, "industrial_park": True, "migrant_workers": False}


def add_assessment(dbs: Session, organisation: Organisation, cycle: int) -> Assessment:
    rubric = default_registry().latest("crbp-vn")
    assessment = Assessment(organisation_id=organisation.id, cycle=cycle, rubric_key=rubric.key,
                            rubric_version=rubric.version, rubric_hash=rubric.content_hash, status="draft",
                            profile=dict(COMPLETE_PROFILE), profile_confirmed_at=utcnow())
    dbs.add(assessment)
    dbs.flush()
    return assessment


def mark_submitted(assessment: Assessment, percent: float) -> None:
    """Submitted as far as lists, medians and links read it (status, the overall figure), with a
    real recorded result behind it: that of the best answers, whatever `percent` says."""
    rubric = default_registry().get(assessment.rubric_key, assessment.rubric_version)
    answers = random_answers(rubric, 1.0, random.Random(0))
    card = score(rubric, assessment.profile, answers, today_in_viet_nam())
    assessment.status, assessment.percent = "submitted", percent
    assessment.result = AssessmentResult.of(card, build_plan(rubric, card), rubric)


def recorded(assessment: Assessment) -> ScoreRecord:
    """The score card recorded at submission."""
    result = assessment.result
    assert result is not None, "not submitted"
    return result.scorecard


def add_programmes(dbs: Session) -> list[Programme]:
    """The programmes the migration seeds (tests build the schema without migrations)."""
    programmes = []
    for key, vi, en, topics, uid in (
        ("nice", "NICE – Nuôi dưỡng trẻ nhỏ", "NICE – Nurturing Infants", ["learning-through-play", "routines"],
         "Pe186022d09"),
        ("pdep", "Kỷ luật tích cực", "Positive Discipline", ["positive-discipline"], "P132ccbe36e"),
    ):
        programme = Programme(key=key, name_vi=vi, name_en=en, active=True, dhis2_data_element=uid)
        programme.topics = [Topic(key=t, name_vi=f"Chủ đề {t}", name_en=f"Topic {t}", active=True) for t in topics]
        dbs.add(programme)
        programmes.append(programme)
    dbs.flush()
    return programmes


def add_session(dbs: Session, programme: Programme, organisation: Organisation | None, *, day: date,
                women: int = 20, men: int = 5, province: str | None = None, commune: str = "Phố Nối",
                venue: str = "workplace") -> ParentingSession:
    data = SessionData(programme_id=programme.id, session_date=day, duration_minutes=90, venue_type=venue,
                       province_code=province or (organisation.province_code if organisation else "ha-noi"),
                       commune=commune, facilitator="Mai", participants_total=women + men, participants_female=women,
                       participants_male=men, ethnic_minority=1, internal_migrants=2,
                       organisation_id=organisation.id if organisation else None,
                       topic_ids=(programme.topics[0].id,))
    record = ParentingSession(**{k: v for k, v in data.__dict__.items() if k not in ("topic_ids", "facilitator_ids")},
                              place_key=place_key(data))
    record.topics = [programme.topics[0]]
    dbs.add(record)
    dbs.flush()
    count_sessions(dbs, [values_of(record)], 1)  # as every write through the services does
    return record


def add_organisation(dbs: Session, name: str, tax_code: str, province: str = "ha-noi",
                     sector: str = "garment-textile", former_province: str = "") -> Organisation:
    org = Organisation(name=name, tax_code=tax_code, province_code=province, sector_code=sector,
                       workforce_total=500, workforce_women=300, address="", former_province=former_province)
    dbs.add(org)
    dbs.flush()
    return org


def add_user(dbs: Session, email: str, role: str, organisation: Organisation | None = None,
             active: bool = True) -> User:
    user = User(email=email, full_name=email.split("@")[0], password_hash=PASSWORD_HASH, role=role,
                organisation_id=organisation.id if organisation else None, active=active)
    dbs.add(user)
    dbs.flush()
    return user


@pytest.fixture
def world(dbs: Session) -> World:
    org_a = add_organisation(dbs, "Công ty May Ánh Dương", "0100000001", "hung-yen", former_province="Thái Bình")
    org_b = add_organisation(dbs, f"Company B {MARKER_B}", "0200000002", "da-nang", "electronics")
    w = World(org_a, org_b)
    w.users["hr_a"] = add_user(dbs, "hr.a@example.vn", Role.HR, org_a)
    w.users["hr_b"] = add_user(dbs, "hr.b@example.vn", Role.HR, org_b)
    w.users["hr_inactive"] = add_user(dbs, "hr.old@example.vn", Role.HR, org_a, active=False)
    w.users["reviewer"] = add_user(dbs, "reviewer@example.vn", Role.REVIEWER)
    w.users["unicef"] = add_user(dbs, "unicef@example.vn", Role.UNICEF)
    w.users["admin"] = add_user(dbs, "admin@example.vn", Role.ADMIN)
    w.programme = add_programmes(dbs)[0]
    w.session_a = add_session(dbs, w.programme, org_a, day=date(2026, 10, 1))
    w.assessment_a = add_assessment(dbs, org_a, today_in_viet_nam().year)
    dbs.add(Answer(assessment_id=w.assessment_a.id, indicator_key="leave.maternity_policy", value="law_in_writing"))
    w.evidence_a = Evidence(assessment_id=w.assessment_a.id, indicator_key="leave.maternity_policy",
                            original_name="chinh-sach.pdf", storage_name=secrets.token_hex(16),
                            content_type="application/pdf", size=25, sha256="0" * 64)
    w.plan_item_a = PlanItem(assessment_id=w.assessment_a.id, indicator_key="leave.paternity", code="A8", to_level=1,
                             text="Cho lao động nam nghỉ đủ ngày", status="planned")
    dbs.add_all([w.evidence_a, w.plan_item_a])
    dbs.flush()
    dbs.add(EvidenceContent(evidence_id=w.evidence_a.id, content=b"%PDF-1.4 company A policy"))
    dbs.commit()
    return w


def sign_in(client: FlaskClient, user: User | None) -> FlaskClient:
    """Put the user's session token into the client's session, as a sign-in would."""
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
    return client


def reload(dbs: Session, obj: object) -> object:
    dbs.expire_all()
    return dbs.get(type(obj), obj.id)  # type: ignore[attr-defined]


def database_fingerprint(engine: Engine) -> str:
    """A hash of every row of every table, to prove a request changed nothing (the API's
    rate-limit counters count every request: counting is not a change)."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name == "rate_limit_counters":
                continue
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()
