"""The service on several machines, for real (issue 19): two gunicorn app servers on different
ports, one PostgreSQL, one Redis as the job broker and one job worker, all separate processes.
An HR officer's browser talks to either server (as behind a proxy that spreads requests):

- evidence attached through one server downloads, byte for byte, through the other;
- the assessment is submitted through one server, and its PDF plan is downloaded through the
  other, made by the job worker, never by a web request;
- the worker is killed (SIGKILL) in the middle of that render; a new worker takes the render
  over once the first one's lease runs out, and the PDF appears.

The servers run the development profile with a production-like SECRET_KEY and DATABASE_URL:
the production profile only adds Secure cookies, which a client on plain http:// never sends
back. The database is migrated by `flask db upgrade` and seeded by `flask demo load`, as
`make run` does."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import Engine, create_engine, delete, select

from assessments.models import Assessment, Evidence, PlanRender, User
from assessments.simulate import best_answers
from benchmarks.pages import free_port, start_gunicorn
from rubrics.loader import default_registry
from tests.support.files import SMALL_PDF
from tests.support.postgres import PostgresServer
from tests.support.processes import ROOT, job_worker_process, wait_for
from tests.support.redis import RedisServer

RUBRIC = default_registry().latest("crbp-vn")
SECRET_KEY = "scale-out-test-" + "s" * 40  # every app server signs and reads sessions with the same key


@dataclass
class Cluster:
    servers: tuple[str, str]  # base URLs of the two app servers
    database_url: str
    broker: str
    log: Path
    engine: Engine

    def scalar(self, statement: object) -> object:
        with self.engine.connect() as connection:
            return connection.scalar(statement)  # type: ignore[call-overload]


@pytest.fixture
def cluster(postgres_server: PostgresServer, redis_server: RedisServer, tmp_path: Path) -> Iterator[Cluster]:
    database_url = postgres_server.create_database("ffw_scale_out")
    broker = redis_server.url(2)
    log = tmp_path / "processes.log"
    env = {**os.environ, "APP_ENV": "development", "SECRET_KEY": SECRET_KEY, "DATABASE_URL": database_url,
           "JOBS_BROKER_URL": broker, "PLAN_RENDER_DEBOUNCE_SECONDS": "0", "FLASK_APP": "wsgi"}
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    # The demo's own plans are not this test's: their render requests (and their nudges) would
    # keep the worker busy for half a minute before it reached the plan this test asks for.
    with create_engine(database_url).begin() as connection:
        connection.execute(delete(PlanRender))
    redis.Redis.from_url(broker).flushdb()
    ports = (free_port(), free_port())
    # Each server with a disk of its own, as on two machines: nothing one writes there reaches the other.
    disks = [tmp_path / f"server-{n}" for n in (1, 2)]
    for disk in disks:
        disk.mkdir()
    servers = [start_gunicorn("wsgi:app", port, env | {"UPLOAD_FOLDER": str(disk), "TMPDIR": str(disk)}, workers=1,
                              log=log) for port, disk in zip(ports, disks, strict=True)]
    engine = create_engine(database_url)
    try:
        yield Cluster(tuple(f"http://127.0.0.1:{port}" for port in ports), database_url, broker,  # type: ignore[arg-type]
                      log, engine)
    finally:
        engine.dispose()
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(browser: requests.Session, server: str, email: str, password: str) -> None:
    page = browser.get(f"{server}/auth/login").text
    response = browser.post(f"{server}/auth/login", data={"csrf_token": csrf_token(page), "email": email,
                                                          "password": password}, allow_redirects=False)
    assert response.status_code == 302, response.text[-2000:]


def save_area(browser: requests.Session, server: str, assessment_id: int, area_key: str,
              upload: tuple[str, str, bytes] | None = None) -> None:
    """Answer an area's questions with the best answers, as the HR officer's form does (and
    attach a file under one question when asked: its field name, the file's name and bytes)."""
    url = f"{server}/assessments/{assessment_id}/areas/{area_key}"
    page = browser.get(url).text
    keys = {i.key for i in RUBRIC.area(area_key).indicators}
    data: dict[str, object] = {"csrf_token": csrf_token(page),
                               "version": re.search(r'name="version" value="(\d+)"', page).group(1)}  # type: ignore[union-attr]
    data |= {key.replace(".", "__"): value for key, value in best_answers(RUBRIC).items() if key in keys}
    files = None
    if upload is not None:
        field, name, content = upload
        data["go"] = f"upload:{field}"
        files = {f"file-{field}": (name, content, "application/pdf")}
    response = browser.post(url, data=data, files=files, allow_redirects=False)
    assert response.status_code == 302, (area_key, response.status_code, response.text[-3000:])


def test_two_app_servers_share_evidence_and_plans_and_a_killed_worker_is_replaced(cluster: Cluster) -> None:
    server_a, server_b = cluster.servers
    browser = requests.Session()  # one cookie jar for both servers, as one browser behind a proxy
    sign_in(browser, server_a, "hr@demo.vn", "demo-hr-2026")
    hr_org = cluster.scalar(select(User.organisation_id).where(User.email == "hr@demo.vn"))
    draft = cluster.scalar(select(Assessment.id).where(Assessment.organisation_id == hr_org,
                                                       Assessment.status == "draft"))
    assert isinstance(draft, int)

    # Areas saved through both servers in turn; the file goes up through server A.
    scan = SMALL_PDF + b"% scanned policy, " + os.urandom(16).hex().encode()
    for area, server in zip(RUBRIC.areas, cycle(cluster.servers), strict=False):
        save_area(browser, server, draft, area.key)
    save_area(browser, server_a, draft, "leave", upload=("leave__paternity", "quy chế nghỉ.pdf", scan))
    evidence_id = cluster.scalar(select(Evidence.id).where(Evidence.assessment_id == draft))
    downloaded = browser.get(f"{server_b}/assessments/{draft}/evidence/{evidence_id}")
    assert downloaded.status_code == 200 and downloaded.content == scan

    # Submitted through server A; the worker starts on the render and is killed in the middle of it.
    review = browser.get(f"{server_a}/assessments/{draft}/review").text
    submitted = browser.post(f"{server_a}/assessments/{draft}/submit",
                             data={"csrf_token": csrf_token(review), "confirm": "yes"}, allow_redirects=False)
    assert submitted.headers.get("Location", "").endswith(f"/assessments/{draft}/results"), submitted.text[-2000:]

    def render() -> tuple[str, int] | None:
        with cluster.engine.connect() as connection:
            row = connection.execute(select(PlanRender.state, PlanRender.attempts).where(
                PlanRender.assessment_id == draft)).first()
        return None if row is None else (row.state, row.attempts)

    plan_url = f"{server_b}/assessments/{draft}/plan.pdf?edition=both"  # the edition the worker makes last
    with job_worker_process(cluster.database_url, cluster.broker, cluster.log) as first:
        wait_for(lambda: render() == ("rendering", 1), 60, cluster.log)
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert render() == ("rendering", 1)  # its claim outlives it
    waiting = browser.get(plan_url, allow_redirects=False)
    assert waiting.status_code == 202 and "Refresh" in waiting.headers  # being made: the page says so

    # A new worker takes the render over once the dead one's lease runs out; server B serves it.
    with job_worker_process(cluster.database_url, cluster.broker, cluster.log):
        wait_for(lambda: browser.get(plan_url, allow_redirects=False).status_code == 200, 120, cluster.log)
    plan = browser.get(plan_url)
    assert plan.headers["Content-Type"] == "application/pdf" and plan.content.startswith(b"%PDF")
    assert plan.headers["X-Plan-Current"] == "1" and render() == ("done", 2)
