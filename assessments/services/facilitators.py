"""Facilitators: the people programmes train to deliver sessions (UNICEF officers and admins keep
the register), and what each has delivered, month by month."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, or_, select

from assessments.db import DbSession, today_in_viet_nam
from assessments.dhis2 import FacilitatorCount, is_uid
from assessments.models import Facilitator, ParentingSession, Programme, session_facilitators
from assessments.parenting import FacilitatorData, check_facilitator
from assessments.services.common import Context, InvalidRecord, record_event
from assessments.services.parenting import SessionFilters, filtered
from assessments.services.versions import update_if_current


def _checked(db: DbSession, data: FacilitatorData, existing_id: int | None = None) -> dict[str, object]:
    errors = check_facilitator(data, today_in_viet_nam(), set(db.scalars(select(Programme.id))))
    option_combo = data.dhis2_option_combo.strip()
    if option_combo and not is_uid(option_combo):
        errors["dhis2_option_combo"] = "not_a_dhis2_uid"
    elif option_combo and db.scalar(select(Facilitator.id).where(Facilitator.dhis2_option_combo == option_combo,
                                                                 Facilitator.id != (existing_id or 0))):
        errors["dhis2_option_combo"] = "dhis2_uid_taken"
    if errors:
        raise InvalidRecord(errors)
    values = asdict(data)
    values["full_name"], values["works_at"] = data.full_name.strip(), data.works_at.strip()
    values["trained_by"], values["dhis2_option_combo"] = data.trained_by.strip(), option_combo or None
    return values


def create_facilitator(db: DbSession, ctx: Context, data: FacilitatorData) -> Facilitator:
    record = Facilitator(**_checked(db, data))
    db.add(record)
    db.flush()
    record_event(db, ctx, "create", "facilitator", record.id, details={"programme_id": data.programme_id})
    db.commit()
    return record


def update_facilitator(db: DbSession, ctx: Context, record: Facilitator, data: FacilitatorData, *,
                       active: bool, expected_version: int) -> None:
    values = _checked(db, data, record.id) | {"active": active}
    changes = {k: [str(getattr(record, k)), str(v)] for k, v in values.items() if getattr(record, k) != v}
    update_if_current(db, Facilitator, record.id, expected_version, values)
    record_event(db, ctx, "edit", "facilitator", record.id, details=changes)
    db.commit()


@dataclass(frozen=True)
class FacilitatorReach:
    facilitator: Facilitator
    sessions: int
    participants: int
    male: int


def facilitator_list(db: DbSession, filters: SessionFilters) -> list[FacilitatorReach]:
    """Every facilitator of the filters' programme and province (registered there, or who held
    sessions there), with the sessions they held that match the filters (a session held by two
    counts for each of them): the same figures as the DHIS2 export's per facilitator."""
    base = filtered(filters).subquery()
    held = (select(session_facilitators.c.facilitator_id, func.count(base.c.id).label("sessions"),
                   func.sum(base.c.participants_total).label("participants"),
                   func.sum(base.c.participants_male).label("male"))
            .join(base, base.c.id == session_facilitators.c.session_id)
            .group_by(session_facilitators.c.facilitator_id).subquery())
    query = (select(Facilitator, held.c.sessions, held.c.participants, held.c.male)
             .outerjoin(held, held.c.facilitator_id == Facilitator.id).order_by(Facilitator.full_name))
    if filters.programme_id:
        query = query.where(Facilitator.programme_id == filters.programme_id)
    if filters.province_code:
        query = query.where(or_(Facilitator.province_code == filters.province_code, held.c.sessions.is_not(None)))
    return [FacilitatorReach(f, int(n or 0), int(p or 0), int(m or 0)) for f, n, p, m in db.execute(query)]


def sessions_of(db: DbSession, facilitator_id: int, limit: int = 200) -> list[ParentingSession]:
    """The sessions a facilitator held, newest first."""
    return list(db.scalars(
        select(ParentingSession).join(session_facilitators, session_facilitators.c.session_id == ParentingSession.id)
        .where(session_facilitators.c.facilitator_id == facilitator_id)
        .order_by(ParentingSession.session_date.desc(), ParentingSession.id.desc()).limit(limit)))


def monthly_counts_by_facilitator(db: DbSession, filters: SessionFilters) -> list[FacilitatorCount]:
    """Sessions and participants per registered facilitator, province and month, for DHIS2 (a
    session two people held counts for each of them)."""
    base = filtered(filters).subquery()
    year, month = func.extract("year", base.c.session_date), func.extract("month", base.c.session_date)
    groups = (Facilitator.id, Facilitator.dhis2_option_combo, base.c.province_code, year, month)
    query = (select(*groups, func.count(base.c.id), func.sum(base.c.participants_total))
             .join(session_facilitators, session_facilitators.c.session_id == base.c.id)
             .join(Facilitator, Facilitator.id == session_facilitators.c.facilitator_id)
             .group_by(*groups).order_by(*groups))
    return [FacilitatorCount(fid, combo, province, f"{int(y):04d}{int(m):02d}", int(n), int(p))
            for fid, combo, province, y, m, n, p in db.execute(query)]
