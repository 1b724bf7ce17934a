"""Organisations (companies and factories): create and edit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments.db import DbSession
from assessments.models import Organisation
from assessments.provinces import PROVINCES_BY_CODE, former_province_of
from assessments.sectors import SECTORS_BY_CODE
from assessments.services.common import Context, ServiceError, record_event
from assessments.services.versions import update_if_current
from assessments.tax_codes import normalise_tax_code

# PostgreSQL INTEGER tops out at 2,147,483,647; no employer comes near this.
MAX_WORKFORCE = 2_000_000


@dataclass(frozen=True)
class OrganisationData:
    name: str
    tax_code: str
    province_code: str
    sector_code: str
    workforce_total: int
    workforce_women: int
    address: str = ""
    former_province: str = ""  # before 1 July 2025; filled in when the province was not merged


def _validated(db: DbSession, data: OrganisationData, existing_id: int | None) -> dict[str, object]:
    tax_code = normalise_tax_code(data.tax_code)
    if tax_code is None:
        raise ServiceError("tax_code_invalid", "tax_code")
    if not data.name.strip():
        raise ServiceError("name_required", "name")
    if data.province_code not in PROVINCES_BY_CODE:
        raise ServiceError("province_unknown", "province_code")
    try:
        former_province = former_province_of(data.province_code, data.former_province.strip())
    except ValueError as error:
        raise ServiceError("former_province_not_in_province", "former_province") from error
    if data.sector_code not in SECTORS_BY_CODE:
        raise ServiceError("sector_unknown", "sector_code")
    if not 0 <= data.workforce_total <= MAX_WORKFORCE:
        raise ServiceError("workforce_out_of_range", "workforce_total")
    if not 0 <= data.workforce_women <= data.workforce_total:
        raise ServiceError("women_exceed_total", "workforce_women")
    clash = db.scalar(select(Organisation.id).where(Organisation.tax_code == tax_code))
    if clash is not None and clash != existing_id:
        raise ServiceError("tax_code_taken", "tax_code")
    values = asdict(data)
    values["tax_code"] = tax_code
    values["name"] = data.name.strip()
    values["address"] = data.address.strip()
    values["former_province"] = former_province
    return values


def validated_organisation(db: DbSession, data: OrganisationData, *, allow_existing_tax_code: bool) -> OrganisationData:
    """The data as it would be stored (tax code normalised, names trimmed), or ServiceError. With
    `allow_existing_tax_code`, a tax code already registered is not an error (it names that
    organisation)."""
    existing_id = _id_with_tax_code(db, data.tax_code) if allow_existing_tax_code else None
    return OrganisationData(**_validated(db, data, existing_id))  # type: ignore[arg-type]


def _id_with_tax_code(db: DbSession, tax_code: str) -> int | None:
    organisation = organisation_with_tax_code(db, tax_code)
    return organisation.id if organisation is not None else None


@contextmanager
def unique_tax_code(db: DbSession) -> Iterator[None]:
    """Two people saving the same tax code at once: the unique index decides."""
    try:
        yield
    except IntegrityError as error:
        db.rollback()
        raise ServiceError("tax_code_taken", "tax_code") from error


def create_organisation(db: DbSession, ctx: Context, data: OrganisationData) -> Organisation:
    with unique_tax_code(db):
        organisation = add_organisation(db, ctx, data)
        db.commit()
    return organisation


def add_organisation(db: DbSession, ctx: Context, data: OrganisationData) -> Organisation:
    """Register an organisation in the current transaction (the caller commits, and turns a
    clash of tax codes at commit into tax_code_taken with `unique_tax_code`)."""
    organisation = Organisation(**_validated(db, data, None))
    db.add(organisation)
    db.flush()
    record_event(db, ctx, "create", "organisation", organisation.id, organisation_id=organisation.id,
                 details={"name": organisation.name})
    return organisation


def organisation_with_tax_code(db: DbSession, tax_code: str) -> Organisation | None:
    normalised = normalise_tax_code(tax_code)
    return None if normalised is None else db.scalar(select(Organisation).where(Organisation.tax_code == normalised))


def update_organisation(db: DbSession, ctx: Context, organisation: Organisation, data: OrganisationData,
                        expected_version: int) -> None:
    """Save changes unless someone saved the organisation since `expected_version`."""
    values = _validated(db, data, organisation.id)
    changes = {k: [getattr(organisation, k), v] for k, v in values.items() if getattr(organisation, k) != v}
    with unique_tax_code(db):
        update_if_current(db, Organisation, organisation.id, expected_version, values)
        if changes:
            record_event(db, ctx, "edit", "organisation", organisation.id, organisation_id=organisation.id,
                         details=changes)
        db.commit()
