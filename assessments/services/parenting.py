"""Parenting sessions: record, edit, delete, import; programmes and topics; reach figures.

The aggregations run in the database (GROUP BY), never as Python loops over every session.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from assessments.db import DbSession, utcnow
from assessments.dhis2 import MonthlyCount, is_uid
from assessments.models import (
    Course,
    Facilitator,
    Organisation,
    ParentingSession,
    PendingImport,
    Programme,
    Topic,
    Venue,
    session_facilitators,
    session_topics,
)
from assessments.parenting import (
    ImportLookups,
    ImportRow,
    SessionData,
    check_session,
    place_key,
    sessions_to_complete_ok,
)
from assessments.provinces import fold_name
from assessments.services.common import Context, InvalidRecord, ServiceError, record_event
from assessments.services.session_totals import (
    TOPICS,
    WORKPLACES,
    answers_whole_months,
    count_sessions,
    totals_where,
    values_of,
)
from assessments.services.venues import at_venue
from assessments.services.versions import delete_if_current, update_if_current


class SessionInvalid(InvalidRecord):
    """The session breaks one or more rules: `errors` maps each field to a reason code."""


# --- Recording ---------------------------------------------------------------------------------


def _validate(db: DbSession, data: SessionData, today: date, existing_id: int | None) -> None:
    organisation_province = None
    if data.organisation_id is not None:
        organisation = db.get(Organisation, data.organisation_id)
        if organisation is None:
            raise SessionInvalid({"organisation_id": "unknown_workplace"})
        organisation_province = organisation.province_code
    programme = db.get(Programme, data.programme_id)
    if programme is None:
        raise SessionInvalid({"programme_id": "unknown_programme"})
    allowed = {t.id for t in programme.topics}
    facilitators = set(db.scalars(select(Facilitator.id).where(Facilitator.programme_id == programme.id)))
    errors = check_session(data, today, allowed_topic_ids=allowed, organisation_province=organisation_province,
                           allowed_facilitator_ids=facilitators)
    if data.course_id is not None and db.scalar(select(Course.programme_id).where(
            Course.id == data.course_id)) != programme.id:
        errors["course_id"] = "course_not_in_programme"
    if not errors and _duplicate_exists(db, data, existing_id):
        errors["session_date"] = "duplicate_session"
    if errors:
        raise SessionInvalid(errors)


def _duplicate_exists(db: DbSession, data: SessionData, existing_id: int | None) -> bool:
    query = select(ParentingSession.id).where(
        ParentingSession.programme_id == data.programme_id,
        ParentingSession.session_date == data.session_date,
        ParentingSession.place_key == place_key(data),
    )
    found = db.scalar(query)
    return found is not None and found != existing_id


def _facilitators(db: DbSession, ids: Sequence[int]) -> list[Facilitator]:
    return list(db.scalars(select(Facilitator).where(Facilitator.id.in_(ids)).order_by(Facilitator.full_name))
                ) if ids else []


def _columns(data: SessionData, facilitators: Sequence[Facilitator]) -> dict[str, Any]:
    values = asdict(data)
    values.pop("topic_ids")
    values.pop("facilitator_ids")
    values["commune"] = values["commune"].strip()
    # The names of the registered facilitators, then anyone named by hand: what exports show.
    named = [f.full_name for f in facilitators]
    typed = values["facilitator"].strip()
    values["facilitator"] = "; ".join([*named, *([typed] if typed and typed not in named else [])])[:120]
    values["shift"] = values["shift"].strip()
    values["place_key"] = place_key(data)
    return values


def _topics(db: DbSession, ids: Sequence[int]) -> list[Topic]:
    return list(db.scalars(select(Topic).where(Topic.id.in_(ids)).order_by(Topic.id))) if ids else []


def create_session(db: DbSession, ctx: Context, data: SessionData, today: date) -> ParentingSession:
    data = at_venue(db, data)
    _validate(db, data, today, None)
    facilitators = _facilitators(db, data.facilitator_ids)
    record = ParentingSession(**_columns(data, facilitators), created_by_id=ctx.actor.id if ctx.actor else None)
    record.topics = _topics(db, data.topic_ids)
    record.facilitators = facilitators
    db.add(record)
    try:
        db.flush()
    except IntegrityError as error:  # the same session saved twice at once (double click)
        db.rollback()
        raise SessionInvalid({"session_date": "duplicate_session"}) from error
    count_sessions(db, [values_of(record)], 1)
    record_event(db, ctx, "create", "parenting_session", record.id, organisation_id=data.organisation_id,
                 details={"programme_id": data.programme_id, "date": data.session_date.isoformat(),
                          "participants": data.participants_total})
    db.commit()
    return record


def update_session(db: DbSession, ctx: Context, record: ParentingSession, data: SessionData, *,
                   expected_version: int, today: date) -> None:
    """Save changes unless someone else saved since `expected_version` was read (then
    `ServiceError("edited_by_someone_else")`, and nothing is written)."""
    data = at_venue(db, data)
    _validate(db, data, today, record.id)
    facilitators = _facilitators(db, data.facilitator_ids)
    values = _columns(data, facilitators)
    changes = {k: [str(getattr(record, k)), str(v)] for k, v in values.items() if getattr(record, k) != v}
    before = values_of(record)
    update_if_current(db, ParentingSession, record.id, expected_version, values)
    record.topics = _topics(db, data.topic_ids)
    record.facilitators = facilitators
    count_sessions(db, [before], -1)
    count_sessions(db, [values_of(record)], 1)
    record_event(db, ctx, "edit", "parenting_session", record.id, organisation_id=data.organisation_id,
                 details=changes)
    try:
        db.commit()
    except IntegrityError as error:
        db.rollback()
        raise SessionInvalid({"session_date": "duplicate_session"}) from error


def delete_session(db: DbSession, ctx: Context, record: ParentingSession, expected_version: int) -> None:
    """Delete the session as the page that asked showed it: changed since, it is kept (the
    totals' change is rolled back with the refused delete)."""
    record_event(db, ctx, "delete", "parenting_session", record.id, organisation_id=record.organisation_id,
                 details={"programme_id": record.programme_id, "date": record.session_date.isoformat()})
    count_sessions(db, [values_of(record)], -1)
    delete_if_current(db, ParentingSession, record.id, expected_version)
    db.commit()


# --- Import ------------------------------------------------------------------------------------


def import_lookups(db: DbSession) -> ImportLookups:
    programmes: dict[str, int] = {}
    topics: dict[int, dict[str, int]] = {}
    for programme in db.scalars(select(Programme).where(Programme.active).options(selectinload(Programme.topics))):
        for name in (programme.key, programme.name_vi, programme.name_en):
            programmes[fold_name(name)] = programme.id
        topics[programme.id] = {fold_name(n): t.id for t in programme.topics if t.active
                                for n in (t.key, t.name_vi, t.name_en)}
    organisations = {code: (oid, province) for oid, code, province in
                     db.execute(select(Organisation.id, Organisation.tax_code, Organisation.province_code))}
    facilitators: dict[int, dict[str, int]] = {}
    for fid, programme_id, name in db.execute(select(Facilitator.id, Facilitator.programme_id, Facilitator.full_name)
                                              .where(Facilitator.active)):
        facilitators.setdefault(programme_id, {})[fold_name(name)] = fid
    venues = {(province, kind, fold_name(name)): (vid, commune) for vid, province, kind, name, commune in db.execute(
        select(Venue.id, Venue.province_code, Venue.kind, Venue.name, Venue.commune).where(Venue.active))}
    courses: dict[int, dict[str, int | None]] = {}
    for cid, programme_id, name in db.execute(select(Course.id, Course.programme_id, Course.name)):
        named = courses.setdefault(programme_id, {})
        named[fold_name(name)] = None if fold_name(name) in named else cid  # two of one name: ambiguous
    return ImportLookups(programmes, topics, organisations, facilitators, venues, courses)


PENDING_IMPORT_LIFETIME = timedelta(days=1)


def keep_pending_import(db: DbSession, user_id: int, filename: str, content: bytes) -> str:
    """Keep a checked file until its uploader confirms it; returns the token that names it (only
    for that user). Files left unconfirmed for a day are dropped on the way."""
    db.execute(delete(PendingImport).where(PendingImport.created_at < utcnow() - PENDING_IMPORT_LIFETIME))
    token = secrets.token_urlsafe(16)
    db.add(PendingImport(token=token, user_id=user_id, filename=filename[:255], content=content))
    db.commit()
    return token


def take_pending_import(db: DbSession, user_id: int, token: str) -> tuple[str, bytes] | None:
    """The user's own pending file (name, content), removed in the caller's transaction: a
    second confirmation of the same file finds nothing."""
    found = db.get(PendingImport, token[:64])
    if found is None or found.user_id != user_id or found.created_at < utcnow() - PENDING_IMPORT_LIFETIME:
        return None
    db.delete(found)
    return found.filename, found.content


def mark_stored_duplicates(db: DbSession, rows: list[ImportRow]) -> None:
    """Refuse rows that repeat a session already recorded."""
    for row in rows:
        if row.accepted and row.data is not None and _duplicate_exists(db, row.data, None):
            row.errors["date"] = "duplicate_session"


def import_sessions(db: DbSession, ctx: Context, rows: list[ImportRow], filename: str) -> int:
    """Store every row in one transaction, or none: a file with any refused row imports nothing."""
    if not rows or any(not row.accepted for row in rows):
        raise ServiceError("import_has_refused_rows")
    try:
        for row in rows:
            data = row.data
            assert data is not None
            facilitators = _facilitators(db, data.facilitator_ids)
            record = ParentingSession(**_columns(data, facilitators), created_by_id=ctx.actor.id if ctx.actor else None)
            record.topics = _topics(db, data.topic_ids)
            record.facilitators = facilitators
            db.add(record)
        db.flush()
        count_sessions(db, [_columns(row.data, ()) | {"topic_ids": row.data.topic_ids}
                            for row in rows if row.data is not None], 1)
    except IntegrityError as error:
        db.rollback()
        raise ServiceError("import_has_refused_rows") from error
    record_event(db, ctx, "import", "parenting_session", details={"file": filename[:120], "rows": len(rows)})
    db.commit()
    return len(rows)


# --- Programmes and topics ---------------------------------------------------------------------


def _slug(text: str) -> str:
    return "-".join(fold_name(text).split())[:40] or "programme"


def create_programme(db: DbSession, ctx: Context, name_vi: str, name_en: str) -> Programme:
    key = _slug(name_en)
    if db.scalar(select(Programme.id).where(Programme.key == key)) is not None:
        raise ServiceError("programme_exists", "name_en")
    programme = Programme(key=key, name_vi=name_vi.strip(), name_en=name_en.strip(), active=True)
    db.add(programme)
    db.flush()
    record_event(db, ctx, "create", "programme", programme.id, details={"key": key})
    db.commit()
    return programme


def add_topic(db: DbSession, ctx: Context, programme: Programme, name_vi: str, name_en: str) -> Topic:
    key = _slug(name_en)[:60]
    if any(t.key == key for t in programme.topics):
        raise ServiceError("topic_exists", "name_en")
    topic = Topic(programme_id=programme.id, key=key, name_vi=name_vi.strip(), name_en=name_en.strip(), active=True)
    db.add(topic)
    db.flush()
    record_event(db, ctx, "create", "topic", topic.id, details={"programme": programme.key, "key": key})
    db.commit()
    return topic


def set_programme_rules(db: DbSession, ctx: Context, programme: Programme, data_element: str,
                        sessions_to_complete: int | None, expected_version: int) -> None:
    """The DHIS2 data element that counts the programme's participants (empty: none yet), and
    the sessions a parent attends to complete one of its courses (None: not set)."""
    data_element = data_element.strip()
    if data_element and not is_uid(data_element):
        raise ServiceError("not_a_dhis2_uid", "dhis2_data_element")
    if sessions_to_complete is not None and not sessions_to_complete_ok(sessions_to_complete):
        raise ServiceError("sessions_to_complete_out_of_range", "sessions_to_complete")
    old = {"dhis2_data_element": programme.dhis2_data_element, "sessions_to_complete": programme.sessions_to_complete}
    new = {"dhis2_data_element": data_element or None, "sessions_to_complete": sessions_to_complete}
    update_if_current(db, Programme, programme.id, expected_version, new)
    record_event(db, ctx, "edit", "programme", programme.id,
                 details={k: [old[k], v] for k, v in new.items() if old[k] != v})
    db.commit()


def set_programme_active(db: DbSession, ctx: Context, programme: Programme, active: bool) -> None:
    if programme.active != active:
        programme.active = active
        record_event(db, ctx, "activate" if active else "retire", "programme", programme.id)
        db.commit()


# --- Reach figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFilters:
    province_code: str | None = None
    programme_id: int | None = None
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    venue_type: str | None = None  # a kind of venue (assessments.parenting.VENUES)
    facilitator_id: int | None = None  # sessions this registered facilitator held
    venue_id: int | None = None  # sessions held at this registered venue
    course_id: int | None = None  # sessions of this course


EQUAL_FILTERS = ("province_code", "programme_id", "organisation_id", "venue_type", "venue_id", "course_id")


def filtered(filters: SessionFilters) -> Select[ParentingSession]:
    # The filters named like the session's columns select on equality.
    conditions = [getattr(ParentingSession, name) == getattr(filters, name) for name in EQUAL_FILTERS
                  if getattr(filters, name)]
    if filters.date_from:
        conditions.append(ParentingSession.session_date >= filters.date_from)
    if filters.date_to:
        conditions.append(ParentingSession.session_date <= filters.date_to)
    if filters.facilitator_id:
        conditions.append(exists().where(session_facilitators.c.session_id == ParentingSession.id,
                                         session_facilitators.c.facilitator_id == filters.facilitator_id))
    return select(ParentingSession).where(and_(True, *conditions))


@dataclass(frozen=True)
class Reach:
    sessions: int
    participants: int
    female: int
    male: int
    ethnic_minority: int
    internal_migrants: int
    workplaces: int

    @property
    def fathers_share(self) -> float | None:
        return 100.0 * self.male / self.participants if self.participants else None


def _source(filters: SessionFilters) -> Any:
    """What the figures are added up from, as a subquery with one shape: the month totals when
    they can answer the filters (session_totals.py), else the sessions themselves (one each)."""
    if _whole_months(filters):
        totals = totals_where(filters.date_from, filters.date_to, filters.province_code, filters.programme_id,
                              filters.venue_type).subquery()
        return select(func.extract("year", totals.c.month).label("yr"), func.extract("month", totals.c.month)
                      .label("mo"), totals.c.province_code, totals.c.programme_id, totals.c.venue_type,
                      totals.c.sessions, totals.c.participants, totals.c.female, totals.c.male,
                      totals.c.ethnic_minority, totals.c.internal_migrants).subquery()
    base = filtered(filters).subquery()
    return select(func.extract("year", base.c.session_date).label("yr"),
                  func.extract("month", base.c.session_date).label("mo"), base.c.province_code, base.c.programme_id,
                  base.c.venue_type, literal(1).label("sessions"), base.c.participants_total.label("participants"),
                  base.c.participants_female.label("female"), base.c.participants_male.label("male"),
                  base.c.ethnic_minority, base.c.internal_migrants).subquery()


def _whole_months(filters: SessionFilters) -> bool:
    return answers_whole_months(filters.date_from, filters.date_to, filters.organisation_id, filters.facilitator_id,
                                filters.venue_id, filters.course_id)


def _workplaces(filters: SessionFilters) -> Any:
    """(province_code, organisation_id) of the workplaces that held sessions, as a subquery."""
    if _whole_months(filters):
        found = totals_where(filters.date_from, filters.date_to, filters.province_code, filters.programme_id,
                             filters.venue_type, WORKPLACES).subquery()
    else:
        found = filtered(filters).where(ParentingSession.organisation_id.is_not(None)).subquery()
    return select(found.c.province_code, found.c.organisation_id).subquery()


def workplaces_by_province(db: DbSession, filters: SessionFilters) -> dict[str, int]:
    """Workplaces that held at least one session, per province."""
    found = _workplaces(filters)
    return dict(db.execute(select(found.c.province_code, func.count(func.distinct(found.c.organisation_id)))
                           .group_by(found.c.province_code)).all())


def reach(db: DbSession, filters: SessionFilters) -> Reach:
    source = _source(filters)
    row = db.execute(select(*(func.coalesce(func.sum(source.c[name]), 0) for name in (
        "sessions", "participants", "female", "male", "ethnic_minority", "internal_migrants")))).one()
    found = _workplaces(filters)
    workplaces = db.scalar(select(func.count(func.distinct(found.c.organisation_id)))) or 0
    sessions, participants, female, male, ethnic, migrants = (int(v) for v in row)
    return Reach(sessions, participants, female, male, ethnic, migrants, int(workplaces))


@dataclass(frozen=True)
class GroupRow:
    key: str
    sessions: int
    participants: int
    male: int


def _grouped(db: DbSession, filters: SessionFilters, column_name: str) -> list[tuple[Any, ...]]:
    source = _source(filters)
    column = source.c[column_name]
    query = (select(column, func.sum(source.c.sessions), func.sum(source.c.participants), func.sum(source.c.male))
             .group_by(column).order_by(column))
    return list(db.execute(query))


def by_month(db: DbSession, filters: SessionFilters) -> list[GroupRow]:
    source = _source(filters)
    rows = db.execute(select(source.c.yr, source.c.mo, func.sum(source.c.sessions), func.sum(source.c.participants),
                             func.sum(source.c.male)).group_by(source.c.yr, source.c.mo)
                      .order_by(source.c.yr, source.c.mo))
    return [GroupRow(f"{int(y):04d}-{int(m):02d}", int(n), int(p), int(male)) for y, m, n, p, male in rows]


def by_month_and_programme(db: DbSession, filters: SessionFilters) -> dict[str, dict[int, int]]:
    """Participants per month ("2026-09") and programme id."""
    source = _source(filters)
    found: dict[str, dict[int, int]] = {}
    for y, m, programme_id, participants in db.execute(
            select(source.c.yr, source.c.mo, source.c.programme_id, func.sum(source.c.participants))
            .group_by(source.c.yr, source.c.mo, source.c.programme_id).order_by(source.c.yr, source.c.mo)):
        found.setdefault(f"{int(y):04d}-{int(m):02d}", {})[programme_id] = int(participants)
    return found


def by_province(db: DbSession, filters: SessionFilters) -> list[GroupRow]:
    return [GroupRow(code, int(n), int(p), int(m)) for code, n, p, m in _grouped(db, filters, "province_code")]


def by_programme(db: DbSession, filters: SessionFilters) -> list[GroupRow]:
    return [GroupRow(str(pid), int(n), int(p), int(m)) for pid, n, p, m in _grouped(db, filters, "programme_id")]


def by_topic(db: DbSession, filters: SessionFilters) -> list[GroupRow]:
    if _whole_months(filters):
        topics = totals_where(filters.date_from, filters.date_to, filters.province_code, filters.programme_id,
                              filters.venue_type, TOPICS).subquery()
        return [GroupRow(str(tid), int(n), int(p), int(m)) for tid, n, p, m in db.execute(
            select(topics.c.topic_id, func.sum(topics.c.sessions), func.sum(topics.c.participants),
                   func.sum(topics.c.male)).group_by(topics.c.topic_id).order_by(topics.c.topic_id))]
    base = filtered(filters).subquery()
    query = (select(session_topics.c.topic_id, func.count(base.c.id), func.sum(base.c.participants_total),
                    func.sum(base.c.participants_male))
             .join(session_topics, session_topics.c.session_id == base.c.id)
             .group_by(session_topics.c.topic_id).order_by(session_topics.c.topic_id))
    return [GroupRow(str(tid), n, int(p), int(m)) for tid, n, p, m in db.execute(query)]


def monthly_counts(db: DbSession, filters: SessionFilters) -> list[MonthlyCount]:
    """Participants by programme, province, month and kind of venue, for DHIS2."""
    source = _source(filters)
    groups = (Programme.key, Programme.dhis2_data_element, source.c.province_code, source.c.yr, source.c.mo,
              source.c.venue_type)
    query = (select(*groups, func.sum(source.c.female), func.sum(source.c.male))
             .join(Programme, Programme.id == source.c.programme_id).group_by(*groups).order_by(*groups))
    return [MonthlyCount(key, element, province, f"{int(y):04d}{int(m):02d}", venue, int(f), int(male))
            for key, element, province, y, m, venue, f, male in db.execute(query)]


@dataclass(frozen=True)
class ProgrammeReach:
    programme_id: int
    sessions: int
    participants: int
    male: int


def workplace_reach_since(db: DbSession, organisation_id: int, since: date) -> list[ProgrammeReach]:
    """Sessions held at a workplace since a date, per programme (D12 on the HR side uses it)."""
    query = (select(ParentingSession.programme_id, func.count(ParentingSession.id),
                    func.sum(ParentingSession.participants_total), func.sum(ParentingSession.participants_male))
             .where(ParentingSession.organisation_id == organisation_id, ParentingSession.session_date >= since)
             .group_by(ParentingSession.programme_id).order_by(ParentingSession.programme_id))
    return [ProgrammeReach(pid, n, int(p), int(m)) for pid, n, p, m in db.execute(query)]
