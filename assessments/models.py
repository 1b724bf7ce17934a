"""Persistent domain objects (SQLAlchemy 2.0 typed models, no Flask)."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from assessments.db import UTCDateTime, metadata, utcnow


class Base(DeclarativeBase):
    metadata = metadata


class Role(StrEnum):
    HR = "hr"
    REVIEWER = "reviewer"
    UNICEF = "unicef"
    ADMIN = "admin"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Organisation(Base):
    """A company or factory that assesses itself."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("workforce_total >= 0", name="workforce_total_non_negative"),
        CheckConstraint(
            "workforce_women >= 0 AND workforce_women <= workforce_total", name="workforce_women_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    province_code: Mapped[str] = mapped_column(String(40), index=True)
    sector_code: Mapped[str] = mapped_column(String(40), index=True)
    workforce_total: Mapped[int] = mapped_column(Integer)
    workforce_women: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(Base):
    """An account. HR users belong to exactly one organisation; other roles to none.

    The Flask-Login protocol (is_authenticated, is_active, is_anonymous, get_id) is met by
    duck typing so the domain does not import Flask. `get_id` returns a rotating session
    token rather than the primary key: rotating it on logout, password change and
    deactivation invalidates every session and remember cookie issued before.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('hr', 'reviewer', 'unicef', 'admin')", name="role_known"),
        CheckConstraint(
            "(role = 'hr' AND organisation_id IS NOT NULL) OR (role <> 'hr' AND organisation_id IS NULL)",
            name="hr_has_one_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()


class AuditEvent(Base):
    """Who did what to which object, and when. Written by services, read by admins."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class LoginAttempt(Base):
    """One login attempt; recent failures throttle by account and by client address.

    Kept in the database, not process memory, so the limit holds across gunicorn workers.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_ip_at", "ip_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean)


class ApiToken(Base):
    """A personal token for the JSON API. Only its SHA-256 is stored; the token itself is
    shown once, when it is created."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
