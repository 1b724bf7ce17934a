"""Security headers on every response; error pages in the user's language, never a traceback."""

from __future__ import annotations

import logging
import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from app import create_app
from app.access import public
from tests.conftest import World, app_config, sign_in


@pytest.mark.parametrize("url", ["/auth/login", "/", "/nope", "/static/css/app.css", "/healthz", "/dashboard"])
def test_security_headers_on_every_response(client: FlaskClient, world: World, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/healthz", "/assessments/", "/nope", "/static/css/app.css"])
def test_each_reply_says_how_long_the_app_took_to_make_it(client: FlaskClient, world: World, url: str) -> None:
    # Server-Timing: browsers' developer tools show it, and benchmarks/load.py tells from it the
    # time in the app apart from the time a request waited for a free worker.
    sign_in(client, world.users["hr_a"])
    started = time.perf_counter()
    response = client.get(url)
    waited = (time.perf_counter() - started) * 1000
    found = re.fullmatch(r"app;dur=(\d+\.\d\d)", response.headers.get("Server-Timing", ""))
    assert found is not None
    assert 0 < float(found.group(1)) <= waited


def test_pages_have_no_inline_script_or_style(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["admin"])
    for url in ("/auth/login", "/dashboard", "/organisations/", "/admin/users"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "<style" not in page and " style=" not in page and "onclick" not in page


def test_the_icon_answers_at_favicon_ico(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg") and response.headers["Cache-Control"] == "public, max-age=86400"


def test_signed_in_pages_are_not_cached(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["hr_a"])
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


@pytest.fixture
def failing_app(database_url: str, engine: Engine) -> Flask:
    app = create_app(app_config(database_url, PROPAGATE_EXCEPTIONS=False))

    def explode() -> str:
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/explode", "explode", public(explode))
    return app


def test_unexpected_error_gives_a_500_page_without_traceback(failing_app: Flask,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        response = failing_app.test_client().get("/explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in page
    assert "Traceback" not in page and "secret internal detail" not in page
    logged = "\n".join(r.getMessage() for r in caplog.records)
    request_id = page.split("Mã tham chiếu ")[1][:16]
    assert request_id in logged


@pytest.mark.parametrize(("method", "url", "status", "text"), [
    ("GET", "/no-such-page", 404, "Không tìm thấy trang"),
    ("DELETE", "/auth/login", 405, "Phương thức không được phép"),
])
def test_error_pages_are_in_vietnamese(client: FlaskClient, method: str, url: str, status: int, text: str) -> None:
    response = client.open(url, method=method)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_403_page_in_english_when_chosen(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["hr_a"])
    client.post("/language", data={"lang": "en"})
    response = client.get("/admin/users")
    assert response.status_code == 403 and "Access denied" in response.get_data(as_text=True)


def test_oversized_request_is_413(database_url: str, engine: Engine, world: World) -> None:
    app = create_app(app_config(database_url, MAX_CONTENT_LENGTH=1024))
    response = app.test_client().post("/auth/login", data={"email": "a@b.vn", "password": "x" * 4000})
    assert response.status_code == 413
    assert "Dữ liệu quá lớn" in response.get_data(as_text=True)
