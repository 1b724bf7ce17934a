"""A company's HR team working on one assessment: who answers which area, who last changed each
answer, the team's notes on answers, and colleagues who own plan actions.

Assignment says who is expected to answer an area; it does not lock it: any colleague may still
save it (the area's version keeps two saves apart). Notes are saved with the area's answers
(`save_area(..., notes=...)`); the Chamber reviewer reads only the notes the team shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select

from assessments.db import DbSession, utcnow
from assessments.models import (
    EDITABLE_STATUSES,
    Answer,
    AnswerNote,
    AreaAssignment,
    Assessment,
    Role,
    User,
)
from assessments.services.common import Context, ServiceError, record_event
from rubrics.loader import Rubric

MAX_NOTE = 1000


def hr_team(db: DbSession, organisation_id: int) -> list[User]:
    """The organisation's active HR officers, in a stable order."""
    return list(db.scalars(select(User).where(User.organisation_id == organisation_id, User.role == Role.HR,
                                              User.active.is_(True)).order_by(User.full_name, User.email)))


def colleague_or_error(db: DbSession, organisation_id: int, user_id: int, field: str) -> User:
    """An active HR officer of this organisation, or the use case is refused."""
    user = db.get(User, user_id)
    if user is None or user.role != Role.HR or user.organisation_id != organisation_id or not user.active:
        raise ServiceError("not_a_colleague", field)
    return user


def display_name(user: User) -> str:
    return user.full_name or user.email


def assignments(db: DbSession, assessment_id: int) -> dict[str, User]:
    """Area key to the colleague who answers it."""
    rows = db.execute(select(AreaAssignment.area_key, User).join(User, User.id == AreaAssignment.user_id)
                      .where(AreaAssignment.assessment_id == assessment_id))
    return {row.area_key: row.User for row in rows}


def assign_areas(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric,
                 wanted: dict[str, int | None]) -> None:
    """Set who answers each area named in `wanted` (None: nobody). Only while the assessment is
    open, and only to active HR colleagues of the same organisation."""
    if assessment.status not in EDITABLE_STATUSES:
        raise ServiceError("not_editable")
    area_keys = {area.key for area in rubric.areas}
    for area_key, user_id in wanted.items():
        if area_key not in area_keys:
            raise ServiceError("unknown_area", area_key)
        if user_id is not None:
            colleague_or_error(db, assessment.organisation_id, user_id, area_key)
    current = {row.area_key: row for row in db.scalars(
        select(AreaAssignment).where(AreaAssignment.assessment_id == assessment.id))}
    changes: dict[str, int | None] = {}
    for area_key, user_id in wanted.items():
        row = current.get(area_key)
        if user_id is None and row is not None:
            db.execute(delete(AreaAssignment).where(AreaAssignment.assessment_id == assessment.id,
                                                    AreaAssignment.area_key == area_key))
            changes[area_key] = None
        elif user_id is not None and (row is None or row.user_id != user_id):
            if row is None:
                db.add(AreaAssignment(assessment_id=assessment.id, area_key=area_key, user_id=user_id,
                                      assigned_by_id=ctx.actor.id if ctx.actor else None, assigned_at=utcnow()))
            else:
                row.user_id, row.assigned_at = user_id, utcnow()
                row.assigned_by_id = ctx.actor.id if ctx.actor else None
            changes[area_key] = user_id
    if changes:
        record_event(db, ctx, "assign_areas", "assessment", assessment.id,
                     organisation_id=assessment.organisation_id, details={"areas": changes})
    db.commit()


@dataclass(frozen=True)
class Assigned:
    assessment_id: int
    cycle: int
    area_key: str


def assigned_to(db: DbSession, user: User) -> list[Assigned]:
    """The areas of open assessments this person was asked to answer."""
    rows = db.execute(select(Assessment.id, Assessment.cycle, AreaAssignment.area_key)
                      .join(AreaAssignment, AreaAssignment.assessment_id == Assessment.id)
                      .where(AreaAssignment.user_id == user.id, Assessment.status.in_(EDITABLE_STATUSES))
                      .order_by(Assessment.cycle.desc(), AreaAssignment.area_key))
    return [Assigned(*row) for row in rows]


@dataclass(frozen=True)
class AnswerTeamInfo:
    """Around one answer: who last changed it and when, and the team's note."""

    changed_by: str = ""
    changed_at: datetime | None = None
    note: str = ""
    shared: bool = False


# Built once (an area page runs them on every view): building a statement with joins costs more
# than running it.
_CHANGED_BY = (
    select(Answer.indicator_key, Answer.updated_at, User.full_name, User.email)
    .join(User, User.id == Answer.updated_by_id)
    .where(Answer.assessment_id == bindparam("aid"), Answer.indicator_key.in_(bindparam("keys", expanding=True)))
)
_NOTES = select(AnswerNote.indicator_key, AnswerNote.text, AnswerNote.shared).where(
    AnswerNote.assessment_id == bindparam("aid"), AnswerNote.indicator_key.in_(bindparam("keys", expanding=True)))


def team_info(db: DbSession, assessment_id: int, keys: list[str], *, shared_only: bool) -> dict[str, AnswerTeamInfo]:
    """Per question: who last changed the answer, and the note (for a reviewer: shared notes only)."""
    sql = db.connection()
    changed = sql.execute(_CHANGED_BY, {"aid": assessment_id, "keys": keys}).all()
    notes = sql.execute(_NOTES, {"aid": assessment_id, "keys": keys}).all()
    return team_info_from(changed, notes, keys, shared_only=shared_only)


def team_info_from(changed: Iterable[Sequence[Any]], notes: Iterable[Sequence[Any]], keys: Iterable[str], *,
                   shared_only: bool) -> dict[str, AnswerTeamInfo]:
    """The same, from rows already read: (question, changed at, full name, e-mail) per answer and
    (question, text, shared) per note; the area page reads them with its one statement."""
    by_key = {key: (name or email, at) for key, at, name, email in changed}
    note_of = {key: (text, bool(shared)) for key, text, shared in notes if bool(shared) or not shared_only}
    info = {}
    for key in keys:
        by, at = by_key.get(key, ("", None))
        text, shared = note_of.get(key, ("", False))
        if by or text:
            info[key] = AnswerTeamInfo(by, at if isinstance(at, datetime) else None, text, shared)
    return info


def check_notes(notes: dict[str, tuple[str, bool]]) -> None:
    for key, (text, _shared) in notes.items():
        if len(text) > MAX_NOTE:
            raise ServiceError("note_too_long", key)


def write_notes(db: DbSession, assessment_id: int, notes: dict[str, tuple[str, bool]], actor_id: int | None,
                now: datetime) -> int:
    """Within a save of the area: keep each note as given (an empty one is removed). Returns how
    many changed."""
    existing = {note.indicator_key: note for note in db.scalars(select(AnswerNote).where(
        AnswerNote.assessment_id == assessment_id, AnswerNote.indicator_key.in_(list(notes))))}
    changed = 0
    for key, (text, shared) in notes.items():
        text = text.strip()
        note = existing.get(key)
        if not text:
            if note is not None:
                db.delete(note)
                changed += 1
        elif note is None:
            db.add(AnswerNote(assessment_id=assessment_id, indicator_key=key, text=text, shared=shared,
                              updated_by_id=actor_id, updated_at=now))
            changed += 1
        elif (note.text, note.shared) != (text, shared):
            note.text, note.shared, note.updated_by_id, note.updated_at = text, shared, actor_id, now
            changed += 1
    return changed
