"""A live server and Debian's chromium driven by Playwright.

`playwright install` cannot download browsers here, so we launch /usr/bin/chromium.
`REQUIRE_BROWSER=1` (set by `make test`) turns a missing chromium into a failure.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from tests.conftest import ARTIFACTS
from tests.support.plans import job_worker

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed (make test installs it)")
        pytest.skip("chromium is not installed")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    """The real service: CSRF on, migrated (not create_all) SQLite file, demo data."""
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}",
                      "WTF_CSRF_ENABLED": True, "JOBS_BROKER_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
                      "PLAN_RENDER_DEBOUNCE_SECONDS": 0.2})
    with app.app_context():
        upgrade()
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    return app


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns failures
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with job_worker(live_app):  # PDFs are made by the real worker, as in `make run`
        yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page: object, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
