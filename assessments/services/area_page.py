"""Everything an area page shows, read in one SQL statement.

An area page is the page HR officers load most: this reads the assessment, its organisation's
name, every saved answer, the area's version and the evidence list in a single round trip,
as plain values. The ORM way (an object per answer and per file, five queries) cost about
0.8 ms a page, more than everything else the page does (benchmarks/pages.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, Text, bindparam, cast, func, select, type_coerce

from assessments.db import DbSession
from assessments.models import (
    EDITABLE_STATUSES,
    Answer,
    AnswerNote,
    AreaVersion,
    Assessment,
    Evidence,
    Organisation,
    User,
)
from assessments.scoring import ScoreCard
from assessments.services.self_assessment import card_for
from rubrics.loader import Rubric


@dataclass(frozen=True)
class OrganisationName:
    id: int
    name: str


@dataclass(frozen=True)
class AssessmentSnapshot:
    """An assessment as a page reads it: the fields templates and scoring use, no ORM object."""

    id: int
    organisation_id: int
    cycle: int
    status: str
    rubric_key: str
    rubric_version: str
    rubric_hash: str
    profile: dict[str, Any]
    profile_confirmed_at: datetime | None
    organisation: OrganisationName

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    indicator_key: str
    original_name: str
    size: int


@dataclass(frozen=True)
class AreaPage:
    assessment: AssessmentSnapshot
    answers: dict[str, Any]
    version: int  # the area's version, carried in the form for optimistic locking
    evidence: dict[str, list[EvidenceFile]]  # by indicator, oldest first
    answers_json: str  # the answers as the database returned them: a cheap key for memoising
    changed_by: tuple[tuple[str, datetime, str, str], ...] = ()  # (question, when, full name, e-mail)
    notes: tuple[tuple[str, str, bool], ...] = ()  # the team's notes: (question, text, shared)

    def progress_card(self, rubric: Rubric, on_date: date) -> ScoreCard:
        """The score card as the answers stand (for progress), computed once per distinct
        assessment state: scoring is a pure function of the rubric, profile, answers and date."""
        return _card(rubric, json.dumps(self.assessment.profile, sort_keys=True), self.answers_json, on_date)


@lru_cache(maxsize=512)
def _card(rubric: Rubric, profile_json: str, answers_json: str, on_date: date) -> ScoreCard:
    return card_for(rubric, json.loads(profile_json), json.loads(answers_json), on_date)


def _aggregates(dialect: str) -> tuple[Any, Any, Any, Any]:
    """JSON aggregates, as text, of the answers (an object), and as arrays of the evidence rows,
    of who changed each answer when, and of the team's notes."""
    answers: ColumnElement[str]
    arrays: list[ColumnElement[str]]
    if dialect == "postgresql":
        answers = cast(func.json_object_agg(Answer.indicator_key, Answer.value), Text)
        arrays = [cast(func.json_agg(func.json_build_array(*columns)), Text) for columns in _ROWS]
    else:  # SQLite
        answers = type_coerce(func.json_group_object(Answer.indicator_key, func.json(type_coerce(Answer.value, Text))),
                              Text)
        arrays = [type_coerce(func.json_group_array(func.json_array(*columns)), Text) for columns in _ROWS]
    files, changed, notes = arrays
    return answers, files, changed, notes


# The arrays' rows: evidence files; who last changed each answer and when; the team's notes.
_ROWS = (
    (Evidence.id, Evidence.indicator_key, Evidence.original_name, Evidence.size),
    (Answer.indicator_key, Answer.updated_at, User.full_name, User.email),
    (AnswerNote.indicator_key, AnswerNote.text, AnswerNote.shared),
)


def _moment(text: str) -> datetime:
    """A time from a JSON aggregate: ISO with its zone (PostgreSQL) or naive UTC (SQLite)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_SNAPSHOT_COLUMNS = (Assessment.id, Assessment.organisation_id, Assessment.cycle, Assessment.status,
                     Assessment.rubric_key, Assessment.rubric_version, Assessment.rubric_hash, Assessment.profile,
                     Assessment.profile_confirmed_at, Organisation.name)
_SNAPSHOT = (select(*_SNAPSHOT_COLUMNS).join(Organisation, Organisation.id == Assessment.organisation_id)
             .where(Assessment.id == bindparam("assessment_id")))


def _snapshot(row: Any) -> AssessmentSnapshot:
    (id_, organisation_id, cycle, status, rubric_key, rubric_version, rubric_hash, profile, confirmed, name) = row
    return AssessmentSnapshot(
        id=id_, organisation_id=organisation_id, cycle=cycle, status=status, rubric_key=rubric_key,
        rubric_version=rubric_version, rubric_hash=rubric_hash, profile=profile or {},
        profile_confirmed_at=confirmed, organisation=OrganisationName(organisation_id, name))


def assessment_snapshot(db: DbSession, assessment_id: int) -> AssessmentSnapshot | None:
    """Just the assessment and its organisation's name (a save needs no more)."""
    row = db.connection().execute(_SNAPSHOT, {"assessment_id": assessment_id}).one_or_none()
    return None if row is None else _snapshot(row)


@lru_cache(maxsize=64)
def _statement(dialect: str) -> Select[Any]:
    """Built once per database kind; the ids are bound parameters."""
    assessment_id, area_key = bindparam("assessment_id", type_=Integer), bindparam("area_key", type_=String)
    answers, files, changed, notes = _aggregates(dialect)
    return (
        select(
            *_SNAPSHOT_COLUMNS,
            select(answers).where(Answer.assessment_id == Assessment.id).correlate(Assessment).scalar_subquery(),
            select(AreaVersion.version).where(AreaVersion.assessment_id == Assessment.id,
                                              AreaVersion.area_key == area_key)
            .correlate(Assessment).scalar_subquery(),
            select(files).where(Evidence.assessment_id == Assessment.id).correlate(Assessment).scalar_subquery(),
            select(changed).select_from(Answer).join(User, User.id == Answer.updated_by_id)
            .where(Answer.assessment_id == Assessment.id).correlate(Assessment).scalar_subquery(),
            select(notes).where(AnswerNote.assessment_id == Assessment.id).correlate(Assessment).scalar_subquery(),
        )
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(Assessment.id == assessment_id)
    )


def area_page(db: DbSession, assessment_id: int, area_key: str) -> AreaPage | None:
    """The area page's data, or None when there is no such assessment."""
    connection = db.connection()
    row = connection.execute(_statement(connection.dialect.name),
                             {"assessment_id": assessment_id, "area_key": area_key}).one_or_none()
    if row is None:
        return None
    snapshot = _snapshot(row[:len(_SNAPSHOT_COLUMNS)])
    answers, version, files, changed, notes = row[len(_SNAPSHOT_COLUMNS):]
    evidence: dict[str, list[EvidenceFile]] = {}
    for file_id, indicator_key, original_name, size in sorted(json.loads(files or "[]")):
        evidence.setdefault(indicator_key, []).append(EvidenceFile(file_id, indicator_key, original_name, size))
    answers = answers or "{}"
    return AreaPage(assessment=snapshot, answers=json.loads(answers), version=version or 0, evidence=evidence,
                    answers_json=answers,
                    changed_by=tuple((key, _moment(at), name or "", email or "")
                                     for key, at, name, email in json.loads(changed or "[]") if at),
                    notes=tuple((key, text, bool(shared)) for key, text, shared in json.loads(notes or "[]")))
