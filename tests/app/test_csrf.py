"""CSRF protection with tokens switched on (the rest of the suite runs with them off)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from app import create_app
from app.same_origin import RESUMABLE_ENDPOINTS, resume_token
from tests.app.authz_matrix import MATRIX
from tests.conftest import PASSWORD, World, app_config, database_fingerprint, sign_in
from tests.support.routes import url_for_rule

# The API is exempt: it accepts bearer tokens only, which a browser never sends by itself.
POST_ROUTES = sorted(endpoint for endpoint, method in MATRIX if method == "POST" and not endpoint.startswith("api."))


@pytest.fixture
def csrf_app(database_url: str, engine: Engine, clean_db: None) -> Flask:
    return create_app(app_config(database_url, WTF_CSRF_ENABLED=True))


def token_from(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "no CSRF token on " + url
    return match.group(1)


def test_login_without_token_is_refused(csrf_app: Flask, world: World) -> None:
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"email": "hr.a@example.vn", "password": PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_login_with_token_from_another_session_is_refused(csrf_app: Flask, world: World) -> None:
    other = csrf_app.test_client()
    foreign_token = token_from(other, "/auth/login")
    client = csrf_app.test_client()
    client.get("/auth/login")
    response = client.post("/auth/login", data={"email": "hr.a@example.vn", "password": PASSWORD,
                                                "csrf_token": foreign_token})
    assert response.status_code == 400


def test_login_with_valid_token_works(csrf_app: Flask, world: World) -> None:
    client = csrf_app.test_client()
    token = token_from(client, "/auth/login")
    response = client.post("/auth/login", data={"email": "hr.a@example.vn", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_every_post_route_refuses_a_missing_token(csrf_app: Flask, engine: Engine, world: World,
                                                 endpoint: str) -> None:
    client = sign_in(csrf_app.test_client(), world.users["admin"])
    url = url_for_rule(csrf_app, endpoint, world)
    before = database_fingerprint(engine)
    with csrf_app.test_request_context():
        resume = resume_token(world.users["admin"].id, url)  # what our own page would have carried
    response = client.post(url, headers={"Sec-Fetch-Site": "same-origin"},
                           data={"active": "0", "lang": "en", "leave__maternity_policy": "explained", "resume": resume})
    if endpoint in RESUMABLE_ENDPOINTS:
        # A questionnaire page keeps what was typed and sends the person back to it instead.
        assert response.status_code == 302 and response.headers["Location"] == url
        with client.session_transaction() as session:
            assert ("leave__maternity_policy", "explained") in session["pending_form"]["data"]
    else:
        assert response.status_code == 400
    assert database_fingerprint(engine) == before
