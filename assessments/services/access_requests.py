"""Self-service sign-up: a company asks for an account with its tax code and an e-mail; a Chamber
reviewer approves (an invitation to the organisation with that tax code, registered from the
request only if it is new: never a second one) or declines.

The requester always gets the same answer, whether or not the address already has an account or
a request waiting: the form tells nobody who is registered.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from assessments.db import DbSession, utcnow
from assessments.models import AccessRequest, Invitation, Role, User
from assessments.outbox import MailKind, enqueue, notify
from assessments.services.accounts import LOCALES, find_user_by_email, normalise_email, valid_email
from assessments.services.common import Context, ServiceError, record_event
from assessments.services.invitations import invite
from assessments.services.organisations import OrganisationData, organisation_with_tax_code, validated_organisation

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


def request_access(db: DbSession, ctx: Context, *, email: str, full_name: str, organisation: OrganisationData,
                   locale: str = "vi", now: datetime | None = None) -> None:
    """Record the request (what was typed is checked as the organisations page checks it) and
    tell the reviewers. Refused input raises; anything else returns the same way."""
    email = normalise_email(email)
    if not valid_email(email):
        raise ServiceError("email_invalid", "email")
    data = validated_organisation(db, organisation, allow_existing_tax_code=True)
    waiting = db.scalar(select(AccessRequest.id).where(AccessRequest.email == email, AccessRequest.status == PENDING))
    if find_user_by_email(db, email) is not None or waiting is not None:
        record_event(db, ctx, "access_request_repeated", "access_request", details={"email": email})
        db.commit()
        return
    request = AccessRequest(email=email, full_name=full_name.strip()[:120], organisation_name=data.name,
                            tax_code=data.tax_code, province_code=data.province_code, sector_code=data.sector_code,
                            workforce_total=data.workforce_total, workforce_women=data.workforce_women,
                            locale=locale if locale in LOCALES else "vi", created_at=now or utcnow())
    db.add(request)
    db.flush()
    reviewers = db.scalars(select(User).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.id))
    notify(db, reviewers, MailKind.ACCESS_REQUESTED, {
        "request_id": request.id, "organisation": request.organisation_name, "tax_code": request.tax_code,
        "registered": organisation_with_tax_code(db, request.tax_code) is not None})
    record_event(db, ctx, "access_request", "access_request", request.id, details={"tax_code": request.tax_code})
    db.commit()


def pending_requests(db: DbSession) -> list[AccessRequest]:
    return list(db.scalars(select(AccessRequest).where(AccessRequest.status == PENDING)
                           .order_by(AccessRequest.created_at)))


def _decide(db: DbSession, ctx: Context, request: AccessRequest, status: str) -> None:
    """Take the request (pending -> status) before acting on it: two reviewers, one decision."""
    taken = db.execute(update(AccessRequest).where(AccessRequest.id == request.id, AccessRequest.status == PENDING)
                       .values(status=status, decided_at=utcnow(),
                               decided_by_id=ctx.actor.id if ctx.actor else None))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise ServiceError("request_decided")


def approve(db: DbSession, ctx: Context, request: AccessRequest) -> Invitation:
    """Invite the requester as HR officer of the organisation with the request's tax code."""
    if ctx.actor is None or ctx.actor.role not in (Role.REVIEWER, Role.ADMIN):
        raise ServiceError("not_allowed")
    _decide(db, ctx, request, APPROVED)
    organisation = OrganisationData(name=request.organisation_name, tax_code=request.tax_code,
                                    province_code=request.province_code, sector_code=request.sector_code,
                                    workforce_total=request.workforce_total, workforce_women=request.workforce_women)
    invitation = invite(db, ctx, email=request.email, role=Role.HR, new_organisation=organisation,
                        full_name=request.full_name, locale=request.locale, commit=False)
    db.execute(update(AccessRequest).where(AccessRequest.id == request.id).values(invitation_id=invitation.id))
    record_event(db, ctx, "access_request_approved", "access_request", request.id,
                 organisation_id=invitation.organisation_id)
    db.commit()
    return invitation


def decline(db: DbSession, ctx: Context, request: AccessRequest, reason: str = "") -> None:
    if ctx.actor is None or ctx.actor.role not in (Role.REVIEWER, Role.ADMIN):
        raise ServiceError("not_allowed")
    _decide(db, ctx, request, DECLINED)
    enqueue(db, MailKind.ACCESS_DECLINED, request.email, locale=request.locale, data={
        "organisation": request.organisation_name, "reason": reason.strip()[:1000]})
    record_event(db, ctx, "access_request_declined", "access_request", request.id)
    db.commit()
