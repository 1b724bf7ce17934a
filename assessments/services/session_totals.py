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

from sqlalchemy import Select, and_, select

from assessments.db import DbSession, table_of, upsert_on
from assessments.models import (
    ParentingSession,
    SessionMonthTotal,
    SessionTopicMonthTotal,
    SessionWorkplaceMonthTotal,
    session_topics,
)

TABLE = table_of(SessionMonthTotal)
TOPICS = table_of(SessionTopicMonthTotal)
WORKPLACES = table_of(SessionWorkplaceMonthTotal)
FIGURES = ("sessions", "participants", "female", "male", "ethnic_minority", "internal_migrants")
KEY = ("month", "province_code", "programme_id", "venue_type")


def month_of(day: date) -> date:
    return day.replace(day=1)


def _figures(session: Mapping[str, Any]) -> dict[str, int]:
    return {"sessions": 1, "participants": session["participants_total"], "female": session["participants_female"],
            "male": session["participants_male"], "ethnic_minority": session["ethnic_minority"],
            "internal_migrants": session["internal_migrants"]}


def _upsert(db: DbSession, table: Any, key: tuple[str, ...], deltas: dict[tuple[Any, ...], dict[str, int]]) -> None:
    """Add each delta to its row, creating the row when it is the first: one statement that
    increments, so two writers counting into the same row at once both count."""
    if not deltas:
        return
    insert = upsert_on(db.get_bind().dialect.name)
    statement = insert(table)
    figures = next(iter(deltas.values())).keys()
    statement = statement.on_conflict_do_update(index_elements=[table.c[k] for k in key], set_={
        name: table.c[name] + statement.excluded[name] for name in figures})
    db.execute(statement, [dict(zip(key, k, strict=True)) | values for k, values in deltas.items()])


def count_sessions(db: DbSession, sessions: Iterable[Mapping[str, Any]], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the sessions' figures, given as column values with
    `topic_ids` (values_of)."""
    months: dict[tuple[Any, ...], dict[str, int]] = {}
    topics: dict[tuple[Any, ...], dict[str, int]] = {}
    workplaces: dict[tuple[Any, ...], dict[str, int]] = {}
    for session in sessions:
        key = (month_of(session["session_date"]), session["province_code"], session["programme_id"],
               session["venue_type"])
        bucket = months.setdefault(key, dict.fromkeys(FIGURES, 0))
        for name, value in _figures(session).items():
            bucket[name] += sign * value
        for topic_id in session.get("topic_ids", ()):
            counted = topics.setdefault((*key, topic_id), {"sessions": 0, "participants": 0, "male": 0})
            counted["sessions"] += sign
            counted["participants"] += sign * session["participants_total"]
            counted["male"] += sign * session["participants_male"]
        if session.get("organisation_id") is not None:
            workplaces.setdefault((*key, session["organisation_id"]), {"sessions": 0})["sessions"] += sign
    _upsert(db, TABLE, KEY, months)
    _upsert(db, TOPICS, (*KEY, "topic_id"), topics)
    _upsert(db, WORKPLACES, (*KEY, "organisation_id"), workplaces)


def values_of(record: ParentingSession) -> dict[str, Any]:
    """What the totals count of a session, as it is now (its topics included)."""
    values = {name: getattr(record, name) for name in (
        "session_date", "province_code", "programme_id", "venue_type", "participants_total", "participants_female",
        "participants_male", "ethnic_minority", "internal_migrants", "organisation_id")}
    return values | {"topic_ids": [t.id for t in record.topics]}


def answers_whole_months(date_from: date | None, date_to: date | None, *others: object) -> bool:
    """Whether month totals can answer: dates on month boundaries, and nothing else that the
    totals do not keep (a workplace, a facilitator) asked for."""
    starts = date_from is None or date_from.day == 1
    ends = date_to is None or date_to.day == calendar.monthrange(date_to.year, date_to.month)[1]
    return starts and ends and not any(others)


def totals_where(date_from: date | None, date_to: date | None, province_code: str | None,
                 programme_id: int | None, venue_type: str | None, table: Any = TABLE) -> Select[Any]:
    """Rows of a totals table (the month totals unless `table` says which) for the filters; rows
    whose sessions were all deleted or moved away count nothing and are left out."""
    conditions = [table.c.sessions > 0]
    if date_from is not None:
        conditions.append(table.c.month >= month_of(date_from))
    if date_to is not None:
        conditions.append(table.c.month <= month_of(date_to))
    if province_code:
        conditions.append(table.c.province_code == province_code)
    if programme_id:
        conditions.append(table.c.programme_id == programme_id)
    if venue_type:
        conditions.append(table.c.venue_type == venue_type)
    return select(table).where(and_(True, *conditions))


def recount(db: DbSession) -> None:
    """Rebuild every total from the sessions (tests, and a bulk load written around the services)."""
    for table in (TABLE, TOPICS, WORKPLACES):
        db.execute(table.delete())
    topics: dict[int, list[int]] = {}
    for session_id, topic_id in db.execute(select(session_topics.c.session_id, session_topics.c.topic_id)):
        topics.setdefault(session_id, []).append(topic_id)
    columns = [ParentingSession.id, ParentingSession.session_date, ParentingSession.province_code,
               ParentingSession.programme_id, ParentingSession.venue_type, ParentingSession.participants_total,
               ParentingSession.participants_female, ParentingSession.participants_male,
               ParentingSession.ethnic_minority, ParentingSession.internal_migrants, ParentingSession.organisation_id]
    sessions = [{c.key: value for c, value in zip(columns, row, strict=True)} for row in db.execute(select(*columns))]
    count_sessions(db, (s | {"topic_ids": topics.get(int(s["id"]), [])} for s in sessions), 1)
