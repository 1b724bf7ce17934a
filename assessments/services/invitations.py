"""Invitations: someone opens an account for a colleague or a company by e-mail.

Who may invite whom is decided here (`may_invite`): an admin anyone; a reviewer a company's HR
officer; an HR officer a colleague of the same organisation. The account is created only when
its owner sets a password through the link, which works once and for INVITATION_VALID.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from assessments.db import DbSession, utcnow
from assessments.models import Invitation, Organisation, Role, User, new_session_token
from assessments.outbox import MailKind, enqueue
from assessments.passwords import hash_password
from assessments.services.accounts import (
    LOCALES,
    check_password_rules,
    check_role_and_organisation,
    find_user_by_email,
    normalise_email,
    valid_email,
)
from assessments.services.common import Context, ServiceError, record_event
from assessments.services.organisations import (
    OrganisationData,
    add_organisation,
    organisation_with_tax_code,
    unique_tax_code,
)

INVITATION_VALID = timedelta(hours=72)


def may_invite(actor: User | None, role: str, organisation_id: int | None) -> bool:
    if actor is None:
        return False
    if actor.role == Role.ADMIN:
        return True
    if actor.role == Role.REVIEWER:
        return role == Role.HR
    if actor.role == Role.HR:
        return role == Role.HR and organisation_id == actor.organisation_id
    return False


def may_manage(actor: User | None, invitation: Invitation) -> bool:
    """Resend or revoke: whoever could have sent it."""
    return may_invite(actor, invitation.role, invitation.organisation_id)


def is_open(invitation: Invitation, now: datetime) -> bool:
    return invitation.accepted_at is None and invitation.revoked_at is None and invitation.expires_at > now


def visible_invitations(db: DbSession, actor: User) -> list[Invitation]:
    """The invitations this person may resend or revoke, newest first."""
    query = select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(200)
    if actor.role == Role.REVIEWER:
        query = query.where(Invitation.role == Role.HR)
    elif actor.role == Role.HR:
        query = query.where(Invitation.organisation_id == actor.organisation_id)
    elif actor.role != Role.ADMIN:
        return []
    return list(db.scalars(query))


def _mail(db: DbSession, invitation: Invitation, actor: User | None) -> None:
    enqueue(db, MailKind.INVITATION, invitation.email, locale=invitation.locale, data={
        "invitation_id": invitation.id,
        "nonce": invitation.nonce,
        "inviter": (actor.full_name or actor.email) if actor is not None else "",
        "organisation": invitation.organisation.name if invitation.organisation is not None else "",
        "role": invitation.role,
        "expires_at": invitation.expires_at.isoformat(),
    })


def invite(db: DbSession, ctx: Context, *, email: str, role: str, organisation_id: int | None = None,
           new_organisation: OrganisationData | None = None, full_name: str = "", locale: str = "vi",
           now: datetime | None = None, commit: bool = True) -> Invitation:
    """Invite someone by e-mail; with `new_organisation`, the company is registered in the same
    step, unless its tax code is already registered: then that organisation is the one. With
    `commit=False` the caller's use case commits (an approved access request)."""
    now = now or utcnow()
    email = normalise_email(email)
    if not valid_email(email):
        raise ServiceError("email_invalid", "email")
    if new_organisation is not None:
        # Registering a company is the Chamber's (and an admin's) work, as on the organisations page.
        if role != Role.HR or ctx.actor is None or ctx.actor.role not in (Role.ADMIN, Role.REVIEWER):
            raise ServiceError("not_allowed")
        existing = organisation_with_tax_code(db, new_organisation.tax_code)
        organisation_id = existing.id if existing is not None else add_organisation(db, ctx, new_organisation).id
    check_role_and_organisation(db, role, organisation_id)
    if not may_invite(ctx.actor, role, organisation_id):
        db.rollback()
        raise ServiceError("not_allowed")
    if find_user_by_email(db, email) is not None:
        db.rollback()
        raise ServiceError("email_taken", "email")
    if db.scalar(select(Invitation.id).where(Invitation.email == email, Invitation.accepted_at.is_(None),
                                             Invitation.revoked_at.is_(None), Invitation.expires_at > now)):
        db.rollback()
        raise ServiceError("already_invited", "email")
    invitation = Invitation(email=email, full_name=full_name.strip()[:120], role=role, organisation_id=organisation_id,
                            locale=locale if locale in LOCALES else "vi", expires_at=now + INVITATION_VALID,
                            invited_by_id=ctx.actor.id if ctx.actor else None, created_at=now)
    with unique_tax_code(db):
        db.add(invitation)
        db.flush()
        _mail(db, invitation, ctx.actor)
        record_event(db, ctx, "invite", "invitation", invitation.id, organisation_id=organisation_id,
                     details={"email": email, "role": role})
        if commit:
            db.commit()
    return invitation


def resend(db: DbSession, ctx: Context, invitation: Invitation, now: datetime | None = None) -> None:
    """A new link, valid for another INVITATION_VALID; the link sent before stops working."""
    now = now or utcnow()
    if not may_manage(ctx.actor, invitation):
        raise ServiceError("not_allowed")
    if invitation.accepted_at is not None:
        raise ServiceError("invitation_accepted")
    values = {"nonce": new_session_token()[:32], "expires_at": now + INVITATION_VALID, "revoked_at": None}
    changed = db.execute(update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
                         .values(**values))
    if changed.rowcount != 1:  # type: ignore[attr-defined]  # accepted meanwhile
        db.rollback()
        raise ServiceError("invitation_accepted")
    db.refresh(invitation)
    _mail(db, invitation, ctx.actor)
    record_event(db, ctx, "invite_resend", "invitation", invitation.id, organisation_id=invitation.organisation_id)
    db.commit()


def revoke(db: DbSession, ctx: Context, invitation: Invitation, now: datetime | None = None) -> None:
    if not may_manage(ctx.actor, invitation):
        raise ServiceError("not_allowed")
    changed = db.execute(update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
                                                  Invitation.revoked_at.is_(None))
                         .values(revoked_at=now or utcnow()))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise ServiceError("invitation_closed")
    record_event(db, ctx, "invite_revoke", "invitation", invitation.id, organisation_id=invitation.organisation_id)
    db.commit()


def invitation_for_link(db: DbSession, invitation_id: object, nonce: object,
                        now: datetime | None = None) -> Invitation:
    """The invitation a (correctly signed) link names, if it can still be used; otherwise why not:
    link_used (accepted, or replaced by a newer link), link_expired, link_revoked."""
    now = now or utcnow()
    invitation = db.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None:
        raise ServiceError("link_invalid")
    if invitation.accepted_at is not None or invitation.nonce != nonce:
        raise ServiceError("link_used")
    if invitation.revoked_at is not None:
        raise ServiceError("link_revoked")
    if invitation.expires_at <= now:
        raise ServiceError("link_expired")
    return invitation


def accept(db: DbSession, ctx: Context, invitation: Invitation, *, password: str, full_name: str,
           now: datetime | None = None) -> User:
    """Open the account: the invitation is taken (one conditional UPDATE, so a double click or two
    tabs open one account) and the account created with the chosen password."""
    now = now or utcnow()
    check_password_rules(password)
    taken = db.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.nonce == invitation.nonce, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > now).values(accepted_at=now))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise ServiceError("link_used")
    if find_user_by_email(db, invitation.email) is not None or (
            invitation.organisation_id is not None and db.get(Organisation, invitation.organisation_id) is None):
        db.rollback()
        raise ServiceError("email_taken")
    user = User(email=invitation.email, full_name=(full_name.strip() or invitation.full_name)[:120],
                password_hash=hash_password(password), role=invitation.role,
                organisation_id=invitation.organisation_id, locale=invitation.locale, active=True,
                password_changed_at=now, last_login_at=now)
    db.add(user)
    db.flush()
    db.execute(update(Invitation).where(Invitation.id == invitation.id).values(user_id=user.id))
    # Other open invitations to the same address have nothing left to open.
    db.execute(update(Invitation).where(Invitation.email == invitation.email, Invitation.id != invitation.id,
                                        Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
               .values(revoked_at=now))
    record_event(db, Context(user, ctx.ip_address), "invitation_accepted", "user", user.id,
                 organisation_id=user.organisation_id, details={"invitation": invitation.id})
    db.commit()
    return user
