"""Parenting sessions added up per month, province, programme and kind of venue.

Every write of a session (record, edit, delete, import) adds its figures to its month's row, or
takes them away, in the same transaction, as one upsert that increments: two writers counting
into the same month at once both count, on SQLite and PostgreSQL alike. Reading sides use these
rows whenever the filters are whole months without a workplace or a facilitator (the dashboard,
targets, the map, the DHIS2 export), and the sessions themselves otherwise.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assessments.db import DbSession, table_of
from assessments.models import ParentingSession, SessionMonthTotal

TABLE = table_of(SessionMonthTotal)
FIGURES = ("sessions", "participants", "female", "male", "ethnic_minority", "internal_migrants")
KEY = ("month", "province_code", "programme_id", "venue_type")


def month_of(day: date) -> date:
    return day.replace(day=1)


def _figures(session: Mapping[str, Any]) -> dict[str, int]:
    return {"sessions": 1, "participants": session["participants_total"], "female": session["participants_female"],
            "male": session["participants_male"], "ethnic_minority": session["ethnic_minority"],
            "internal_migrants": session["internal_migrants"]}


def count_sessions(db: DbSession, sessions: Iterable[Mapping[str, Any]], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the sessions' figures, given as column values."""
    deltas: dict[tuple[Any, ...], dict[str, int]] = {}
    for session in sessions:
        key = (month_of(session["session_date"]), session["province_code"], session["programme_id"],
               session["venue_type"])
        bucket = deltas.setdefault(key, dict.fromkeys(FIGURES, 0))
        for name, value in _figures(session).items():
            bucket[name] += sign * value
    if not deltas:
        return
    insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(TABLE)
    statement = statement.on_conflict_do_update(index_elements=[TABLE.c[k] for k in KEY], set_={
        name: TABLE.c[name] + statement.excluded[name] for name in FIGURES})
    db.execute(statement, [dict(zip(KEY, key, strict=True)) | figures for key, figures in deltas.items()])


def values_of(record: ParentingSession) -> dict[str, Any]:
    return {name: getattr(record, name) for name in (
        "session_date", "province_code", "programme_id", "venue_type", "participants_total", "participants_female",
        "participants_male", "ethnic_minority", "internal_migrants")}


def answers_whole_months(date_from: date | None, date_to: date | None, *others: object) -> bool:
    """Whether month totals can answer: dates on month boundaries, and nothing else that the
    totals do not keep (a workplace, a facilitator) asked for."""
    starts = date_from is None or date_from.day == 1
    ends = date_to is None or date_to.day == calendar.monthrange(date_to.year, date_to.month)[1]
    return starts and ends and not any(others)


def totals_where(date_from: date | None, date_to: date | None, province_code: str | None,
                 programme_id: int | None, venue_type: str | None) -> Select[Any]:
    """Month totals for the filters, as a subquery-ready select of every column."""
    conditions = []
    if date_from is not None:
        conditions.append(TABLE.c.month >= month_of(date_from))
    if date_to is not None:
        conditions.append(TABLE.c.month <= month_of(date_to))
    if province_code:
        conditions.append(TABLE.c.province_code == province_code)
    if programme_id:
        conditions.append(TABLE.c.programme_id == programme_id)
    if venue_type:
        conditions.append(TABLE.c.venue_type == venue_type)
    return select(TABLE).where(and_(True, *conditions))


def recount(db: DbSession) -> None:
    """Rebuild every total from the sessions (the migration that creates the table, and tests)."""
    db.execute(TABLE.delete())
    month = func.date(ParentingSession.session_date, "start of month") if db.get_bind().dialect.name == "sqlite" \
        else func.date_trunc("month", ParentingSession.session_date).cast(TABLE.c.month.type)
    rows = db.execute(select(month, ParentingSession.province_code, ParentingSession.programme_id,
                             ParentingSession.venue_type, func.count(), func.sum(ParentingSession.participants_total),
                             func.sum(ParentingSession.participants_female),
                             func.sum(ParentingSession.participants_male), func.sum(ParentingSession.ethnic_minority),
                             func.sum(ParentingSession.internal_migrants))
                      .group_by(month, ParentingSession.province_code, ParentingSession.programme_id,
                                ParentingSession.venue_type)).all()
    if rows:
        db.execute(TABLE.insert(), [dict(zip((*KEY, *FIGURES), (
            date.fromisoformat(str(row[0])[:10]), *row[1:]), strict=True)) for row in rows])
