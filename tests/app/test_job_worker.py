"""The job worker for real (issue 19): `flask jobs worker` in its own process, on a huey queue
in a SQLite file (the embedded default) or on a Redis server (production's), makes the plan a
submission asked for; killed with SIGKILL in the middle of a render, the request outlives it
and the next worker makes the plan once the lease runs out."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db
from assessments.models import Assessment, PlanDocument, PlanRender, User
from assessments.services import Context
from assessments.services.reviews import verify
from assessments.simulate import best_answers
from tests.app.test_assessment import RUBRIC, complete_and_submit
from tests.conftest import World, app_config
from tests.support.processes import job_worker_process, wait_for
from tests.support.redis import RedisServer
from tests.support.smtp import SmtpServer


@pytest.fixture(params=["sqlite", "redis"])
def broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The embedded default (a SQLite file) and production's broker (Redis, a real server)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.db'}"
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    url = server.url(0)
    redis.Redis.from_url(url).flushdb()  # another test's nudges are not this one's
    yield url


def test_a_worker_killed_mid_render_is_replaced_and_the_plan_appears(dbs: Session, world: World,
                                                                     database_url: str, broker: str,
                                                                     tmp_path: Path) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))
    web = create_app(app_config(database_url, JOBS_BROKER_URL=broker, PLAN_RENDER_DEBOUNCE_SECONDS=0))
    log = tmp_path / "worker.log"

    def state() -> tuple[str, int] | None:
        dbs.expire_all()
        row = dbs.get(PlanRender, assessment.id)
        dbs.rollback()
        return None if row is None else (row.state, row.attempts)

    def documents() -> int:
        count = dbs.scalar(select(func.count(PlanDocument.id)).where(PlanDocument.assessment_id == assessment.id))
        dbs.rollback()
        return int(count or 0)

    with job_worker_process(database_url, broker, log) as first:
        web.extensions["jobs"].plans_changed({assessment.id})  # what the web layer does after the commit
        wait_for(lambda: state() == ("rendering", 1), 60, log)
        assert os.getpriority(os.PRIO_PROCESS, first.pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10  # renders yield
        first.send_signal(signal.SIGKILL)  # mid-render: no goodbye, the claim stays behind
        first.wait()
    assert state() == ("rendering", 1) and documents() < 3
    with job_worker_process(database_url, broker, log):
        wait_for(lambda: state() == ("done", 2), 90, log)  # the lease ran out; the sweep handed it on
    assert documents() == 3


def test_a_verification_made_on_the_web_is_mailed_and_its_plan_made_by_the_worker_at_once(
        dbs: Session, world: World, database_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    """Mail rides the same queue: the commit that wrote the mail nudges the worker, which sends
    it at once (its own round would wait MAIL_WORKER_INTERVAL, an hour here)."""
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))
    broker = f"sqlite:///{tmp_path / 'jobs.db'}"
    web = create_app(app_config(database_url, JOBS_BROKER_URL=broker, PLAN_RENDER_DEBOUNCE_SECONDS=0))
    log = tmp_path / "worker.log"
    mail_settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port), "MAIL_WORKER_INTERVAL": "3600",
                     "APP_BASE_URL": "http://ffw.test"}
    with job_worker_process(database_url, broker, log, **mail_settings):
        with web.app_context():
            reviewer = db.session.get(User, world.users["reviewer"].id)
            verify(db.session, Context(reviewer), db.session.get(Assessment, assessment.id), "Tốt")
        wait_for(lambda: bool(smtp_server.to("hr.a@example.vn")), 30, log)
        wait_for(lambda: dbs.scalar(select(func.count(PlanDocument.id))) == 3 and not dbs.rollback(), 60, log)
    mail = smtp_server.to("hr.a@example.vn")[0]
    body = mail.get_body(("plain",))
    assert "đã được thẩm định" in str(mail["Subject"]) and body is not None and "http://ffw.test/" in body.get_content()


def test_mail_and_benchmarks_go_before_pdf_renders(database_url: str, broker: str) -> None:
    """On a deadline day the worker has PDF renders queued for minutes; a password link, a
    verification mail or the benchmarks must not wait behind them. The queue takes the most
    urgent nudge first, on the embedded broker and on Redis alike."""
    jobs = create_app(app_config(database_url, JOBS_BROKER_URL=broker)).extensions["jobs"]
    jobs.huey.flush()
    for assessment_id in (1, 2):
        jobs.render_plan(assessment_id)
    jobs.refresh_benchmarks()
    jobs.send_mail()
    jobs.render_plan(3)
    taken = [jobs.huey.dequeue() for _ in range(5)]
    assert [task.name for task in taken] == ["send_mail", "refresh_benchmarks", "render_plan", "render_plan",
                                             "render_plan"]
    assert [task.args for task in taken[2:]] == [(1,), (2,), (3,)]  # renders in the order asked


def test_a_redis_holding_the_old_plain_queue_still_takes_nudges(redis_server: RedisServer,
                                                                database_url: str) -> None:
    """Versions before the priorities kept their queue as a Redis list; an upgraded server must
    not fail on it (a sorted set cannot share its key). Its leftover nudges are the sweep's."""
    url = redis_server.url(5)
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    connection.rpush("huey.redis.ffw", b"a nudge of the old version")
    jobs = create_app(app_config(database_url, JOBS_BROKER_URL=url)).extensions["jobs"]
    jobs.send_mail()
    assert jobs.huey.dequeue().name == "send_mail"
