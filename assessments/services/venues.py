"""The register of community venues (UNICEF officers and admins keep it): commune health
stations, community centres and schools, each with its commune and province. A session or a
supervision visit held at one takes its kind, province and commune from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assessments.db import DbSession
from assessments.models import ParentingSession, Venue
from assessments.parenting import VenueData, check_venue
from assessments.services.common import Context, InvalidRecord, record_event
from assessments.services.versions import update_if_current

Placed = TypeVar("Placed")  # SessionData or VisitData: both say where, and may name a venue


def at_venue(db: DbSession, data: Placed) -> Placed:
    """The record as held at its registered venue (kind, province and commune from the venue),
    or as it is when it names none. A venue that does not exist is refused."""
    venue_id = getattr(data, "venue_id", None)
    if venue_id is None:
        return data
    venue = db.get(Venue, venue_id)
    if venue is None:
        raise InvalidRecord({"venue_id": "unknown_venue_record"})
    return replace(data, venue_type=venue.kind, province_code=venue.province_code,  # type: ignore[type-var]
                   commune=venue.commune, organisation_id=None)


def _checked(data: VenueData) -> dict[str, object]:
    errors = check_venue(data)
    if errors:
        raise InvalidRecord(errors)
    return asdict(replace(data, name=data.name.strip(), commune=data.commune.strip()))


def create_venue(db: DbSession, ctx: Context, data: VenueData) -> Venue:
    venue = Venue(**_checked(data))
    db.add(venue)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise InvalidRecord({"name": "venue_exists"}) from None
    record_event(db, ctx, "create", "venue", venue.id, details={"kind": data.kind, "province": data.province_code})
    db.commit()
    return venue


def update_venue(db: DbSession, ctx: Context, venue: Venue, data: VenueData, *, active: bool,
                 expected_version: int) -> None:
    values = _checked(data) | {"active": active}
    try:
        update_if_current(db, Venue, venue.id, expected_version, values)
        db.flush()
    except IntegrityError:
        db.rollback()
        raise InvalidRecord({"name": "venue_exists"}) from None
    record_event(db, ctx, "edit", "venue", venue.id)
    db.commit()


@dataclass(frozen=True)
class VenueReach:
    venue: Venue
    sessions: int
    participants: int


def venue_list(db: DbSession, province_code: str | None = None) -> list[VenueReach]:
    held = (select(ParentingSession.venue_id, func.count(ParentingSession.id).label("sessions"),
                   func.sum(ParentingSession.participants_total).label("participants"))
            .where(ParentingSession.venue_id.is_not(None)).group_by(ParentingSession.venue_id).subquery())
    query = (select(Venue, held.c.sessions, held.c.participants).outerjoin(held, held.c.venue_id == Venue.id)
             .order_by(Venue.province_code, Venue.name))
    if province_code:
        query = query.where(Venue.province_code == province_code)
    return [VenueReach(v, int(n or 0), int(p or 0)) for v, n, p in db.execute(query)]
