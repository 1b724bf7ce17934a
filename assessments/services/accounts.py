"""Accounts: create, authenticate, log out, change password, (de)activate, edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update

from assessments.db import DbSession, utcnow
from assessments.models import LoginAttempt, Organisation, Role, User, new_session_token
from assessments.outbox import NOTIFICATIONS_BY_ROLE, MailKind, enqueue
from assessments.passwords import (
    DUMMY_HASH,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    verify_password,
)
from assessments.services.common import Context, ServiceError, record_event
from assessments.services.versions import update_if_current
from assessments.signed_links import fingerprint

LOCALES = ("vi", "en")
RESET_LINK_VALID = timedelta(hours=1)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def valid_email(email: str) -> bool:
    """Enough of an address to deliver to: one @, a dot in the domain, no spaces, within 254."""
    local, at, domain = email.rpartition("@")
    return (bool(at) and 0 < len(local) <= 64 and "." in domain.strip(".") and len(email) <= 254
            and not any(c.isspace() or c in "<>,;\"" for c in email))


def find_user_by_email(db: DbSession, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ServiceError("password_length", "password")


def check_role_and_organisation(db: DbSession, role: str, organisation_id: int | None) -> None:
    if role not in {r.value for r in Role}:
        raise ServiceError("unknown_role", "role")
    if role == Role.HR:
        if organisation_id is None or db.get(Organisation, organisation_id) is None:
            raise ServiceError("hr_needs_organisation", "organisation_id")
    elif organisation_id is not None:
        raise ServiceError("only_hr_has_organisation", "organisation_id")


def create_user(
    db: DbSession,
    ctx: Context,
    *,
    email: str,
    password: str,
    role: str,
    organisation_id: int | None = None,
    full_name: str = "",
    locale: str | None = None,
) -> User:
    email = normalise_email(email)
    if find_user_by_email(db, email) is not None:
        raise ServiceError("email_taken", "email")
    check_role_and_organisation(db, role, organisation_id)
    check_password_rules(password)
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        role=role,
        organisation_id=organisation_id,
        locale=locale if locale in LOCALES else None,
        active=True,
    )
    db.add(user)
    db.flush()
    record_event(
        db, ctx, "create", "user", user.id, organisation_id=organisation_id,
        details={"email": email, "role": role},
    )
    db.commit()
    return user


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_account: int
    max_failures_per_address: int
    window: timedelta


class LoginOutcome(StrEnum):
    OK = "ok"
    INVALID = "invalid"  # unknown e-mail or wrong password: one answer for both
    INACTIVE = "inactive"  # right password, deactivated account
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def _recent_failures(db: DbSession, since: datetime, *conditions: Any) -> int:
    query = select(func.count(LoginAttempt.id)).where(LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since,
                                                      *conditions)
    return db.scalar(query) or 0


def authenticate(
    db: DbSession,
    *,
    email: str,
    password: str,
    ip_address: str,
    policy: ThrottlePolicy,
    now: datetime | None = None,
) -> LoginResult:
    """Check credentials, throttling repeated failures per account and address, and per address.

    Every attempt is first written down as a failure and committed, and only then are the
    failures counted, this one included: of any number of attempts arriving together, each sees
    at least every attempt committed before its own, so no more than the limit are ever checked.
    (Counting first and writing afterwards let parallel attempts all read the same low count.)

    The account limit counts failures for the account from the same address: someone guessing
    from elsewhere cannot lock the rightful owner out. The address limit caps how many accounts
    one address can try."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    attempt = LoginAttempt(at=now, email=email, ip_address=ip_address, succeeded=False)
    db.add(attempt)
    db.commit()
    since = now - policy.window
    if (
        _recent_failures(db, since, LoginAttempt.email == email, LoginAttempt.ip_address == ip_address)
        > policy.max_failures_per_account
        or _recent_failures(db, since, LoginAttempt.ip_address == ip_address) > policy.max_failures_per_address
    ):
        record_event(db, Context(None, ip_address), "login_throttled", "user", details={"email": email})
        db.commit()
        return LoginResult(LoginOutcome.THROTTLED)

    user = find_user_by_email(db, email)
    # Verify against a dummy hash for unknown accounts so timing does not reveal them.
    password_ok = verify_password(password, user.password_hash if user else DUMMY_HASH)
    ok = user is not None and password_ok and user.active
    attempt.succeeded = ok
    ctx = Context(user, ip_address)
    if user is None or not password_ok:
        record_event(db, Context(None, ip_address), "login_failed", "user", details={"email": email})
        db.commit()
        return LoginResult(LoginOutcome.INVALID)
    if not user.active:
        record_event(db, ctx, "login_refused_inactive", "user", user.id, organisation_id=user.organisation_id)
        db.commit()
        return LoginResult(LoginOutcome.INACTIVE)
    user.last_login_at = now
    record_event(db, ctx, "login", "user", user.id, organisation_id=user.organisation_id)
    db.commit()
    return LoginResult(LoginOutcome.OK, user)


def logout(db: DbSession, ctx: Context, user: User) -> None:
    """End every session of this user: cookies issued before now stop working."""
    user.rotate_session_token()
    record_event(db, ctx, "logout", "user", user.id, organisation_id=user.organisation_id)
    db.commit()


def change_password(db: DbSession, ctx: Context, user: User, *, current: str, new: str) -> None:
    if not verify_password(current, user.password_hash):
        raise ServiceError("wrong_password", "current_password")
    check_password_rules(new)
    _set_password(db, ctx, user, new, action="change_password")


def request_password_reset(db: DbSession, ctx: Context, email: str, now: datetime | None = None) -> None:
    """Mail a reset link to the account with this address, if there is an active one. The caller
    answers the same whatever happened here: whether an address has an account is not told."""
    now = now or utcnow()
    user = find_user_by_email(db, email[:254])
    if user is None or not user.active:
        record_event(db, Context(None, ctx.ip_address), "password_reset_unknown", "user",
                     details={"email": normalise_email(email)[:254]})
        db.commit()
        return
    enqueue(db, MailKind.PASSWORD_RESET, user.email, locale=user.locale, user=user, data={
        "user_id": user.id, "fingerprint": _password_fingerprint(user),
        "expires_at": (now + RESET_LINK_VALID).isoformat(),
    })
    record_event(db, ctx, "password_reset_requested", "user", user.id, organisation_id=user.organisation_id)
    db.commit()


def _password_fingerprint(user: User) -> str:
    # Changes with the password: a reset link works once, and no longer once the password changed.
    return fingerprint(user.id, user.password_hash)


def user_for_reset_link(db: DbSession, user_id: object, password_fingerprint: object, expires_at: object,
                        now: datetime | None = None) -> User:
    """The account a (correctly signed) reset link is for, while the link can still be used."""
    now = now or utcnow()
    user = db.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or not isinstance(expires_at, str):
        raise ServiceError("link_invalid")
    if _password_fingerprint(user) != password_fingerprint:
        raise ServiceError("link_used")
    if datetime.fromisoformat(expires_at) <= now:
        raise ServiceError("link_expired")
    return user


def reset_password_by_link(db: DbSession, ctx: Context, user: User, *, new: str) -> None:
    """The owner sets a new password through a reset link: every session of the account ends. The
    password changes only if it is still the one the link was made for (two tabs, one link: one
    reset)."""
    check_password_rules(new)
    changed = db.execute(update(User).where(User.id == user.id, User.password_hash == user.password_hash).values(
        password_hash=hash_password(new), password_changed_at=utcnow(), session_token=new_session_token()))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise ServiceError("link_used")
    record_event(db, ctx, "reset_password_by_mail", "user", user.id, organisation_id=user.organisation_id)
    db.commit()
    db.refresh(user)


def reset_password(db: DbSession, ctx: Context, user: User, *, new: str) -> None:
    """An admin sets a new password for someone else."""
    check_password_rules(new)
    _set_password(db, ctx, user, new, action="reset_password")


def _set_password(db: DbSession, ctx: Context, user: User, new: str, *, action: str) -> None:
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.rotate_session_token()
    record_event(db, ctx, action, "user", user.id, organisation_id=user.organisation_id)
    db.commit()


def set_active(db: DbSession, ctx: Context, user: User, active: bool) -> None:
    if ctx.actor is not None and ctx.actor.id == user.id and not active:
        raise ServiceError("cannot_deactivate_self", "active")
    if user.active == active:
        return
    user.active = active
    user.rotate_session_token()
    record_event(
        db, ctx, "activate" if active else "deactivate", "user", user.id,
        organisation_id=user.organisation_id,
    )
    db.commit()


def update_user(
    db: DbSession, ctx: Context, user: User, *, full_name: str, role: str, organisation_id: int | None,
    expected_version: int,
) -> None:
    """An admin's changes to an account, unless someone changed it since `expected_version`."""
    check_role_and_organisation(db, role, organisation_id)
    if ctx.actor is not None and ctx.actor.id == user.id and role != user.role:
        raise ServiceError("cannot_change_own_role", "role")
    values: dict[str, object] = {"full_name": full_name, "role": role, "organisation_id": organisation_id}
    changes = {k: [getattr(user, k), v] for k, v in values.items() if getattr(user, k) != v}
    if "role" in changes or "organisation_id" in changes:
        values["session_token"] = new_session_token()  # access changed: make the user sign in again
    update_if_current(db, User, user.id, expected_version, values)
    if changes:
        record_event(db, ctx, "edit", "user", user.id, organisation_id=organisation_id, details=changes)
    db.commit()


def set_locale(db: DbSession, user: User, locale: str) -> None:
    if locale in LOCALES and user.locale != locale:
        user.locale = locale
        db.commit()


def set_mail_preferences(db: DbSession, ctx: Context, user: User, *, receive: set[str], locale: str,
                         expected_version: int) -> None:
    """Which notifications of their role a person receives (the others are turned off), and the
    language their mails are written in, unless the account was saved since `expected_version`.
    Security mails cannot be turned off."""
    offered = NOTIFICATIONS_BY_ROLE.get(user.role, ())
    values: dict[str, object] = {"mail_opt_outs": sorted(kind.value for kind in offered if kind.value not in receive)}
    if locale in LOCALES:
        values["locale"] = locale
    update_if_current(db, User, user.id, expected_version, values)
    record_event(db, ctx, "mail_preferences", "user", user.id, organisation_id=user.organisation_id,
                 details={"off": values["mail_opt_outs"]})
    db.commit()
