"""Supportive supervision visits (UNICEF officers and admins record them): the checklist scored
at a session, a note and follow-ups; a facilitator's visits and the trend of their scores."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from assessments.db import DbSession
from assessments.models import Facilitator, Programme, SupervisionVisit
from assessments.services.common import Context, InvalidRecord, record_event
from assessments.services.venues import at_venue
from assessments.services.versions import update_if_current
from assessments.supervision import ChecklistItem, VisitData, averages, check_visit, load_checklists


def checklist_of(db: DbSession, programme_id: int) -> tuple[ChecklistItem, ...]:
    key = db.scalar(select(Programme.key).where(Programme.id == programme_id))
    return load_checklists().of(key or "")


def _checked(db: DbSession, data: VisitData, today: date) -> dict[str, object]:
    data = at_venue(db, data)
    if db.get(Programme, data.programme_id) is None:
        raise InvalidRecord({"programme_id": "programme_unknown"})
    facilitator = db.get(Facilitator, data.facilitator_id) if data.facilitator_id is not None else None
    errors = check_visit(data, today, checklist_of(db, data.programme_id),
                         facilitator.programme_id if facilitator is not None else None)
    if errors:
        raise InvalidRecord(errors)
    values = asdict(data)
    values["scores"] = dict(data.scores)
    for name in ("commune", "supervisor", "note", "follow_up"):
        values[name] = str(values[name]).strip()
    return values


def record_visit(db: DbSession, ctx: Context, data: VisitData, today: date) -> SupervisionVisit:
    visit = SupervisionVisit(**_checked(db, data, today), created_by_id=getattr(ctx.actor, "id", None))
    db.add(visit)
    db.flush()
    record_event(db, ctx, "create", "supervision_visit", visit.id,
                 details={"programme_id": data.programme_id, "facilitator_id": data.facilitator_id})
    db.commit()
    return visit


def update_visit(db: DbSession, ctx: Context, visit: SupervisionVisit, data: VisitData, *, expected_version: int,
                 today: date) -> None:
    values = _checked(db, data, today)
    update_if_current(db, SupervisionVisit, visit.id, expected_version, values)
    record_event(db, ctx, "edit", "supervision_visit", visit.id)
    db.commit()


def visits(db: DbSession, *, facilitator_id: int | None = None, province_code: str | None = None,
           programme_id: int | None = None, venue_id: int | None = None, limit: int = 200) -> list[SupervisionVisit]:
    """Visits, newest first."""
    query = select(SupervisionVisit)
    if venue_id is not None:
        query = query.where(SupervisionVisit.venue_id == venue_id)
    if facilitator_id is not None:
        query = query.where(SupervisionVisit.facilitator_id == facilitator_id)
    if province_code:
        query = query.where(SupervisionVisit.province_code == province_code)
    if programme_id:
        query = query.where(SupervisionVisit.programme_id == programme_id)
    return list(db.scalars(query.order_by(SupervisionVisit.visit_date.desc(), SupervisionVisit.id.desc())
                           .limit(limit)))


@dataclass(frozen=True)
class Trend:
    """Each checklist item's average over the earlier and the later half of the visits (oldest
    first): whether supervision is followed by improvement."""

    checklist: tuple[ChecklistItem, ...]
    earlier: dict[str, float | None]
    later: dict[str, float | None]
    visits: int


def trend(checklist: tuple[ChecklistItem, ...], newest_first: list[SupervisionVisit]) -> Trend:
    oldest_first = [v.scores for v in reversed(newest_first)]
    half = len(oldest_first) // 2
    earlier = oldest_first[:half] if half else oldest_first
    later = oldest_first[half:]
    return Trend(checklist, averages(earlier, checklist), averages(later, checklist), len(oldest_first))
