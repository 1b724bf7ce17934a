"""Rate limits of the JSON API: per token and per client address, counted in the database.

Flask-Limiter does the bookkeeping (limits, windows, 429 with Retry-After); where it counts is
a storage of the `limits` library. Its built-in storages are process memory (every gunicorn
worker would allow the whole limit) or servers we do not otherwise run (Redis, memcached), so
the counters live in the database the app servers already share: one atomic upsert a request.
A deployment that runs Redis can point RATELIMIT_STORAGE_URI at it instead.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import Blueprint, current_app
from flask_limiter import Limiter
from limits import parse
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.access import bearer_token
from app.requests import client_address
from assessments.db import table_of, upsert_on
from assessments.models import RateLimitCounter

DATABASE_STORAGE = "ffw+database://"
TABLE = table_of(RateLimitCounter)


def _engine() -> Engine:
    from app.extensions import db  # the app's own engine, whichever app is serving

    return db.engine


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limit_counters` table."""

    STORAGE_SCHEME = ["ffw+database"]  # noqa: RUF012  (the limits library's registry reads it)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        engine = _engine()
        insert = upsert_on(engine.dialect.name)
        expired = TABLE.c.expires_at <= now
        new_row = insert(TABLE).values(key=key, count=amount, expires_at=now + expiry)
        statement = new_row.on_conflict_do_update(index_elements=[TABLE.c.key], set_={
            # A window that has run out starts again; otherwise count on. One statement, so two
            # servers counting the same key at once both count.
            "count": case((expired, amount), else_=TABLE.c.count + amount),
            "expires_at": case((expired, now + expiry), else_=TABLE.c.expires_at),
        }).returning(TABLE.c.count)
        with engine.begin() as connection:
            return int(connection.execute(statement).scalar_one())

    def get(self, key: str) -> int:
        with _engine().connect() as connection:
            count = connection.execute(select(TABLE.c.count).where(
                TABLE.c.key == key, TABLE.c.expires_at > time.time())).scalar()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with _engine().connect() as connection:
            expires = connection.execute(select(TABLE.c.expires_at).where(TABLE.c.key == key)).scalar()
        return float(expires or time.time())

    def check(self) -> bool:
        try:
            with _engine().connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().begin() as connection:
            return connection.execute(delete(TABLE)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as connection:
            connection.execute(delete(TABLE).where(TABLE.c.key == key))


def token_key() -> str:
    """The bearer token, hashed (the counters never hold a usable token)."""
    token = bearer_token() or ""
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def address_key() -> str:
    return "address:" + client_address()


limiter = Limiter(key_func=address_key, default_limits=[], headers_enabled=True, strategy="fixed-window")


def api_limits(blueprint: Blueprint) -> None:
    """Both limits on every route of the API; their values are settings read per request."""
    limiter.limit(lambda: str(current_app.config["API_RATE_LIMIT_PER_TOKEN"]), key_func=token_key,
                  scope="api-token")(blueprint)
    limiter.limit(lambda: str(current_app.config["API_RATE_LIMIT_PER_ADDRESS"]), key_func=address_key,
                  scope="api-address")(blueprint)


def take(limit: str, scope: str, *identity: str) -> bool:
    """Count one use of a limit checked in code rather than on a whole route (say, only when a
    request begins something): True while within it. The counters live where the routes' do."""
    return bool(limiter.limiter.hit(parse(limit), scope, *identity))


def hashed_address() -> str:
    """The client address, keyed-hashed with the app's secret (a plain hash of an IPv4 address
    is undone by trying all 4 billion): counters kept beside anonymous answers hold no address."""
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, client_address().encode(), hashlib.sha256).hexdigest()[:32]
