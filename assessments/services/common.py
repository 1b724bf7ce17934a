"""What every service needs: who is acting, and the errors services raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from assessments.db import DbSession, table_of, utcnow
from assessments.models import Answer, AuditEvent, User


@dataclass(frozen=True)
class Context:
    """Who performs a use case and from where (for the audit trail and throttling)."""

    actor: User | None
    ip_address: str | None = None


_INSERT_EVENT = insert(table_of(AuditEvent))


class ServiceError(Exception):
    """A use case was refused. `code` is stable (the web layer maps it to a message);
    `field` names the input at fault when there is one."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


class InvalidRecord(ServiceError):
    """A record breaks one or more rules: `errors` maps each field to a reason code, so a page
    shows them all at once; `code` and `field` are the first, for callers that show one."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, code = next(iter(errors.items()))
        super().__init__(code, field)
        self.errors = errors


class InvalidAnswers(InvalidRecord):
    """Answers the rubric refuses: every one of them (`errors`: indicator key to reason code)."""


def answer_values(db: DbSession, assessment_id: int) -> dict[str, Any]:
    """An assessment's answers as plain values, for pages that only read them (no ORM objects to
    build). Here, below every service, so that any of them can read answers without importing
    another (self_assessment imports compare, which imports surveys)."""
    rows = db.execute(select(Answer.indicator_key, Answer.value).where(Answer.assessment_id == assessment_id))
    return dict(rows.all())  # rows are (key, value) pairs


def record_event(
    db: DbSession,
    ctx: Context,
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    organisation_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the current transaction (the calling service commits). An INSERT
    statement, not an ORM object: nothing reads the event back, and the unit of work cost
    about 0.1 ms on every save."""
    db.flush()  # objects the event is about are written first, as the ORM would order it
    db.connection().execute(_INSERT_EVENT, {
        "actor_id": ctx.actor.id if ctx.actor is not None else None,
        "organisation_id": organisation_id,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "details": details or {},
        "ip_address": ctx.ip_address,
        "at": utcnow(),
    })
