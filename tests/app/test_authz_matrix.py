"""Access is denied by default, and every route x method x identity is as the matrix says."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from app.access import public
from tests.app.authz_matrix import CHANGES_STATE, LOGIN, MATRIX, OK
from tests.conftest import IDENTITIES, World, app_config, database_fingerprint, sign_in
from tests.support.routes import url_for_rule

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def app_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in IGNORED_METHODS
    }


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    routes = app_routes(app)
    assert routes - MATRIX.keys() == set(), "add these routes to tests/app/authz_matrix.py"
    assert MATRIX.keys() - routes == set(), "the matrix names routes the app no longer has"


def test_every_view_declares_an_access_rule(app: Flask) -> None:
    undeclared = [name for name, view in app.view_functions.items()
                  if name != "static" and getattr(view, "access_rule", None) is None]
    assert undeclared == []


def test_a_view_without_access_rule_is_refused(database_url: str, engine: Engine) -> None:
    app = create_test_app_with_undeclared_route(database_url)
    client = app.test_client()
    assert client.get("/undeclared").status_code == 403
    assert client.get("/declared-public").status_code == 200


def create_test_app_with_undeclared_route(database_url: str) -> Flask:
    from app import create_app

    app = create_app(app_config(database_url))
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    app.add_url_rule("/declared-public", "declared_public", public(lambda: "hello"))
    return app


CASES = [(endpoint, method, identity, expected)
         for (endpoint, method), by_identity in sorted(MATRIX.items())
         for identity, expected in sorted(by_identity.items())]


def test_matrix_covers_every_identity() -> None:
    for key, by_identity in MATRIX.items():
        assert set(by_identity) == set(IDENTITIES), key


@pytest.mark.parametrize(("endpoint", "method", "identity", "expected"), CASES,
                         ids=[f"{e}-{m}-{i}" for e, m, i, _ in CASES])
def test_route_access(app: Flask, client: FlaskClient, engine: Engine, world: World,
                      endpoint: str, method: str, identity: str, expected: object) -> None:
    sign_in(client, world.users.get(identity))
    url = url_for_rule(app, endpoint, world)
    before = database_fingerprint(engine)

    response = client.open(url, method=method, data={} if method == "POST" else None)

    location = response.headers.get("Location", "")
    if expected == OK:
        assert response.status_code < 400, response.status_code
        assert "/auth/login" not in location or endpoint == "main.index"
    elif expected == LOGIN:
        assert response.status_code == 302
        assert "/auth/login" in location
    else:
        assert response.status_code == expected
    # GETs never change anything; refused or empty POSTs change nothing either.
    if identity in CHANGES_STATE.get((endpoint, method), set()):
        assert database_fingerprint(engine) != before
    else:
        assert database_fingerprint(engine) == before
