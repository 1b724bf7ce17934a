"""Personal API tokens: create, authenticate, revoke."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from assessments.db import DbSession, utcnow
from assessments.models import ApiToken, User
from assessments.services.common import Context, record_event

TOKEN_PREFIX = "ffw_"
# Recording every use would turn each API read into a write; once a minute is enough to see
# which tokens are alive.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(db: DbSession, ctx: Context, user: User, name: str = "") -> str:
    """Create a token for `user` and return it; it cannot be shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=_digest(raw), name=name[:80])
    db.add(token)
    db.flush()
    record_event(db, ctx, "create_token", "api_token", token.id, organisation_id=user.organisation_id,
                 details={"user": user.email, "name": token.name})
    db.commit()
    return raw


def user_for_token(db: DbSession, raw: str, now: datetime | None = None) -> User | None:
    """The active user a valid, unrevoked token belongs to."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.commit()
    return token.user


def revoke_api_token(db: DbSession, ctx: Context, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event(db, ctx, "revoke_token", "api_token", token.id, organisation_id=token.user.organisation_id)
        db.commit()
