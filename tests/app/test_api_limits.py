"""The JSON API is rate limited per token and per address, with limits that hold across app
servers (they are counted in the database), answering 429 with Retry-After (issue 12.10)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from app import create_app
from config import load_config
from tests.app.test_api import auth, token_for
from tests.conftest import World, app_config

LOW = {"API_RATE_LIMIT_PER_TOKEN": "5 per minute", "API_RATE_LIMIT_PER_ADDRESS": "8 per minute"}


def limited_app(database_url: str) -> Flask:
    return create_app(app_config(database_url, **LOW))


def test_a_token_over_its_limit_gets_429_with_retry_after(database_url: str, dbs: Session, world: World) -> None:
    client = limited_app(database_url).test_client()
    token = token_for(dbs, world, "reviewer")
    for _ in range(5):
        assert client.get("/api/v1/rubrics", headers=auth(token)).status_code == 200
    refused = client.get("/api/v1/rubrics", headers=auth(token))
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"] == "too_many_requests"
    # Another token from the same address: the address's own limit (8) still has room for 3.
    other = token_for(dbs, world, "unicef")
    statuses = [client.get("/api/v1/rubrics", headers=auth(other)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_limit_holds_across_app_servers(database_url: str, dbs: Session, world: World) -> None:
    """Two app servers on one database count together (a per-process counter would let each
    server allow the whole limit)."""
    first, second = limited_app(database_url).test_client(), limited_app(database_url).test_client()
    token = token_for(dbs, world, "reviewer")
    statuses = [(first if n % 2 else second).get("/api/v1/rubrics", headers=auth(token)).status_code
                for n in range(8)]
    assert statuses.count(200) == 5 and statuses[-1] == 429


def test_unauthenticated_requests_count_against_the_address(database_url: str, world: World) -> None:
    client = limited_app(database_url).test_client()
    statuses = [client.get("/api/v1/rubrics", headers=auth(f"guess-{n}")).status_code for n in range(9)]
    assert statuses[:8] == [401] * 8 and statuses[8] == 429


def test_the_defaults_protect_a_production_server() -> None:
    config = load_config({})
    assert config["API_RATE_LIMIT_PER_TOKEN"] == "300 per minute"
    assert config["API_RATE_LIMIT_PER_ADDRESS"] == "600 per minute"
    raised = load_config({"API_RATE_LIMIT_PER_TOKEN": "100000 per minute"})
    assert raised["API_RATE_LIMIT_PER_TOKEN"] == "100000 per minute"
