"""SQLAlchemy plumbing shared by every model: the declarative base and engine settings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator

# Named constraints so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

def table_of(model: Any) -> Table:
    """A mapped class's table, typed as one (SQLAlchemy types `__table__` as any FromClause)."""
    return cast(Table, model.__table__)


def upsert_on(dialect_name: str) -> Any:
    """The INSERT that takes ON CONFLICT DO UPDATE (one statement, so two writers at once both
    land) for the database in use: SQLite and PostgreSQL spell it alike, SQLAlchemy per dialect."""
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


# What services take as their database session: a plain Session (scripts, tests) or the
# request-scoped one the web layer holds (Flask-SQLAlchemy's scoped_session proxies a Session).
DbSession = Session | scoped_session[Any]


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (evaluated per call, never at import)."""
    return datetime.now(UTC)


VIET_NAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_viet_nam() -> date:
    """Viet Nam's date (UTC+7): the law in force and "not in the future" follow the day there,
    not the server's."""
    return datetime.now(VIET_NAM).date()


def to_viet_nam_date(moment: datetime | None) -> date | None:
    """The day a moment fell on in Viet Nam (a submission at 23:30 UTC is the next day there)."""
    return None if moment is None else moment.astimezone(VIET_NAM).date()


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always returns aware datetimes, also on SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use assessments.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite behave like the production database where it matters.

    WAL and a busy timeout let concurrent writers wait instead of failing with
    "database is locked"; foreign keys are off in SQLite unless asked for.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL keeps the database consistent and every acknowledged commit
            # survives a crash of the service; only a power cut can undo the last commits.
            # FULL would fsync on every commit, which made each save several times slower.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
