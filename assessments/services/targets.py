"""Yearly parenting targets (UNICEF officers and admins set them) and progress against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments.db import DbSession
from assessments.models import ParentingTarget, Programme
from assessments.services.common import Context, InvalidRecord, ServiceError, record_event
from assessments.services.parenting import SessionFilters, reach, workplaces_by_province
from assessments.services.parenting import by_province as grouped_by_province
from assessments.services.versions import delete_if_current, update_if_current
from assessments.targets import Actual, Progress, TargetData, check_target, progress


def _data(row: ParentingTarget) -> TargetData:
    return TargetData(year=row.year, province_code=row.province_code, programme_id=row.programme_id,
                      sessions=row.sessions, participants=row.participants, fathers_percent=row.fathers_percent,
                      workplaces=row.workplaces)


def save_target(db: DbSession, ctx: Context, data: TargetData, expected_version: int, today: date) -> ParentingTarget:
    """Set the target of a programme in a province for a year. The form for a new target carries
    no version: when one exists meanwhile (another officer set it), that is a conflict, shown
    with what is saved, not an overwrite."""
    errors = check_target(data, db.scalars(select(Programme.id)), today)
    if errors:
        raise InvalidRecord(errors)
    values = {"sessions": data.sessions, "participants": data.participants, "fathers_percent": data.fathers_percent,
              "workplaces": data.workplaces, "updated_by_id": getattr(ctx.actor, "id", None)}
    existing = db.scalar(select(ParentingTarget).where(
        ParentingTarget.year == data.year, ParentingTarget.province_code == data.province_code,
        ParentingTarget.programme_id == data.programme_id))
    if existing is not None:
        update_if_current(db, ParentingTarget, existing.id, expected_version, values)
        target = existing
    else:
        target = ParentingTarget(year=data.year, province_code=data.province_code, programme_id=data.programme_id,
                                 **values)
        db.add(target)
        try:
            db.flush()
        except IntegrityError:  # set by someone else at the same moment
            db.rollback()
            raise ServiceError("edited_by_someone_else", "version") from None
    record_event(db, ctx, "target_set", "parenting_target", target.id,
                 details={"year": data.year, "province": data.province_code, "programme": data.programme_id,
                          "sessions": data.sessions, "participants": data.participants,
                          "fathers_percent": data.fathers_percent, "workplaces": data.workplaces})
    db.commit()
    return target


def remove_target(db: DbSession, ctx: Context, target: ParentingTarget, expected_version: int) -> None:
    """Remove a target (set by mistake: a province the programme does not run in), unless it was
    changed since the page that asked was drawn."""
    details = {"year": target.year, "province": target.province_code, "programme": target.programme_id}
    delete_if_current(db, ParentingTarget, target.id, expected_version)
    record_event(db, ctx, "target_removed", "parenting_target", target.id, details=details)
    db.commit()


def targets_of(db: DbSession, year: int, province_code: str | None = None,
               programme_id: int | None = None) -> list[ParentingTarget]:
    query = select(ParentingTarget).where(ParentingTarget.year == year)
    if province_code:
        query = query.where(ParentingTarget.province_code == province_code)
    if programme_id:
        query = query.where(ParentingTarget.programme_id == programme_id)
    return list(db.scalars(query.order_by(ParentingTarget.province_code, ParentingTarget.programme_id)))


@dataclass(frozen=True)
class ProvinceProgress:
    province_code: str
    progress: Progress


@dataclass(frozen=True)
class YearProgress:
    year: int
    overall: Progress | None  # None: no target matches the filters
    provinces: list[ProvinceProgress]  # each province with a target, furthest behind first


def year_progress(db: DbSession, filters: SessionFilters, year: int, today: date) -> YearProgress:
    """What was recorded in `year` against the targets, for the filters' province and programme
    (a target counts every kind of venue, so the kind of venue and the dates are not applied)."""
    targets = targets_of(db, year, filters.province_code, filters.programme_id)
    if not targets:
        return YearProgress(year, None, [])
    in_year = SessionFilters(province_code=filters.province_code, programme_id=filters.programme_id,
                             date_from=date(year, 1, 1), date_to=date(year, 12, 31))
    total = reach(db, in_year)
    overall = progress([_data(t) for t in targets], Actual(total.sessions, total.participants, total.male,
                                                           total.workplaces), year, today)
    workplaces = workplaces_by_province(db, in_year)
    by_province = {row.key: Actual(row.sessions, row.participants, row.male, workplaces.get(row.key, 0))
                   for row in grouped_by_province(db, in_year)}
    provinces = []
    for code in sorted({t.province_code for t in targets}):
        mine = [_data(t) for t in targets if t.province_code == code]
        provinces.append(ProvinceProgress(code, progress(mine, by_province.get(code, Actual(0, 0, 0, 0)), year,
                                                         today)))
    provinces.sort(key=lambda p: (p.progress.participants.percent_projected or p.progress.participants.percent_reached
                                  or 0.0))
    return YearProgress(year, overall, provinces)
