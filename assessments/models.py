"""Persistent domain objects (SQLAlchemy 2.0 typed models, no Flask)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, defer, mapped_column, relationship

from assessments.db import UTCDateTime, metadata, utcnow
from assessments.result import AssessmentResult, ScoreRecord


class Base(DeclarativeBase):
    metadata = metadata


class Role(StrEnum):
    HR = "hr"
    REVIEWER = "reviewer"
    UNICEF = "unicef"
    ADMIN = "admin"


def _role_and_organisation(prefix: str) -> tuple[CheckConstraint, CheckConstraint]:
    """A known role, and an organisation for HR officers only: an account, and an invitation to one."""
    return (
        CheckConstraint("role IN ('hr', 'reviewer', 'unicef', 'admin')", name=f"{prefix}role_known"),
        CheckConstraint(
            "(role = 'hr' AND organisation_id IS NOT NULL) OR (role <> 'hr' AND organisation_id IS NULL)",
            name=f"{prefix}hr_has_one_organisation",
        ),
    )


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
    workforce_total: Mapped[int] = mapped_column(Integer, index=True)  # size bands filter on it
    workforce_women: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(300), default="")
    # The province (of the 63 until 30 June 2025) the workplace was in, by its Vietnamese name:
    # older statistics and programme reports use it. "" when a merged province did not say which.
    former_province: Mapped[str] = mapped_column(String(60), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions
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
    __table_args__ = _role_and_organisation("")

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
    version: Mapped[int] = mapped_column(Integer, default=1)  # of what admins edit: assessments.services.versions
    # The notifications (assessments.outbox.NOTIFICATIONS) this person turned off in their profile.
    mail_opt_outs: Mapped[list[str]] = mapped_column(JSON, default=list)

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


class Programme(Base):
    """A parenting programme (NICE, PDEP, EM-THRIVE, ...); admins edit the list."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The DHIS2 data element counting this programme's participants (set by admins; without one
    # the DHIS2 export refuses rather than leave the programme out).
    dhis2_data_element: Mapped[str | None] = mapped_column(String(11))
    # Completing one of its courses means attending at least this many sessions (set by admins;
    # each course keeps the number it was opened with, so a later change rewrites no result).
    sessions_to_complete: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions

    topics: Mapped[list[Topic]] = relationship(back_populates="programme", order_by="Topic.id")

    def name(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en


class Topic(Base):
    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    programme: Mapped[Programme] = relationship(back_populates="topics")

    def name(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en


session_topics = Table(
    "session_topics",
    Base.metadata,
    Column("session_id", ForeignKey("parenting_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id"), primary_key=True),
)


class Venue(Base):
    """A community venue sessions are held at (a commune health station, a community centre, a
    school), with its commune and province; workplaces are organisations instead."""

    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("province_code", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(40), index=True)
    commune: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Course(Base):
    """A course of a programme (NICE, PDEP): several sessions with the same group of parents.
    How many completed it (attended at least `sessions_to_complete`) is entered as a count when
    it ends: no parent is named."""

    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("completed IS NULL OR completed <= enrolled", name="course_completed_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(40))
    started_on: Mapped[date] = mapped_column(Date)
    sessions_to_complete: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()


session_facilitators = Table(
    "session_facilitators",
    Base.metadata,
    Column("session_id", ForeignKey("parenting_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("facilitator_id", ForeignKey("facilitators.id"), primary_key=True, index=True),
)


class Facilitator(Base):
    """A person trained by a programme to deliver its sessions (a health worker, an HR officer, a
    union member): who trained them and when. Sessions name the facilitators who held them."""

    __tablename__ = "facilitators"
    # A unique index, not a constraint: it can be added to the table in place on SQLite.
    __table_args__ = (Index("ix_facilitators_dhis2_option_combo", "dhis2_option_combo", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    works_at: Mapped[str] = mapped_column(String(200), default="")  # "Trạm y tế xã Phú Thủy", a company
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(40))
    trained_on: Mapped[date | None] = mapped_column(Date)
    trained_by: Mapped[str] = mapped_column(String(120), default="")
    # The facilitator's category option combo in DHIS2, for the export's per-facilitator figures
    # (assessments.dhis2); one facilitator each, or their figures would be added together.
    dhis2_option_combo: Mapped[str | None] = mapped_column(String(11))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()


class ParentingSession(Base):
    """One parenting session held somewhere on one day."""

    __tablename__ = "parenting_sessions"
    __table_args__ = (
        # The same programme at the same place on the same day is a duplicate entry.
        UniqueConstraint("programme_id", "session_date", "place_key"),
        CheckConstraint("participants_female >= 0 AND participants_male >= 0", name="participants_non_negative"),
        CheckConstraint("participants_total = participants_female + participants_male", name="participants_add_up"),
        CheckConstraint("ethnic_minority >= 0 AND ethnic_minority <= participants_total", name="ethnic_in_range"),
        CheckConstraint("internal_migrants >= 0 AND internal_migrants <= participants_total",
                        name="migrants_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    session_date: Mapped[date] = mapped_column(Date, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    venue_type: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_code: Mapped[str] = mapped_column(String(40), index=True)
    commune: Mapped[str] = mapped_column(String(120))
    # "Ca 1", "Ca chiều", "07:30": factories run one session per shift, so a shift is part of the
    # place and time that tell two sessions apart (place_key).
    shift: Mapped[str] = mapped_column(String(40), default="", server_default="")
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)  # a registered community venue
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)  # a session of a course
    place_key: Mapped[str] = mapped_column(String(200))
    facilitator: Mapped[str] = mapped_column(String(120))
    participants_total: Mapped[int] = mapped_column(Integer)
    participants_female: Mapped[int] = mapped_column(Integer)
    participants_male: Mapped[int] = mapped_column(Integer)
    ethnic_minority: Mapped[int] = mapped_column(Integer)
    internal_migrants: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String(2000), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    venue: Mapped[Venue | None] = relationship()
    course: Mapped[Course | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=session_topics, order_by="Topic.id")
    facilitators: Mapped[list[Facilitator]] = relationship(secondary=session_facilitators,
                                                           order_by="Facilitator.full_name")


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VERIFIED = "verified"


EDITABLE_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


class Assessment(Base):
    """One organisation's self-assessment for one cycle (year), pinned to a rubric version."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("organisation_id", "cycle"),
        # Covering indexes for the comparison list and benchmarks: they hold every column those
        # queries read, so the database never opens the rows themselves, whose stored score card
        # (kilobytes of JSON) sits before `percent` and `band` and made each read slow.
        Index("ix_assessments_list", "status", "cycle", "organisation_id", "percent", "band"),
        Index("ix_assessments_latest", "organisation_id", "cycle", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    cycle: Mapped[int] = mapped_column(Integer)
    rubric_key: Mapped[str] = mapped_column(String(80))
    rubric_version: Mapped[str] = mapped_column(String(40))
    rubric_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=AssessmentStatus.DRAFT, index=True)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    profile_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Stored at submission: the result (score card and plan) as JSON, read and written typed
    # through `result`; and the figures lists need.
    result_data: Mapped[dict[str, Any] | None] = mapped_column("result", JSON)
    percent: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(40))
    # Raised by every change of the profile or the state (assessments.services.versions); the
    # answers have a version per area (AreaVersion).
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Set when a draft moved to a newer rubric version: {"from", "to", "to_answer": [indicator
    # keys that lost their answer or are new]}; the review page lists those still unanswered.
    rubric_change: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    organisation: Mapped[Organisation] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment", cascade="all, delete-orphan")

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def submitted(self) -> bool:
        """Scored and frozen: it has a result (submitted or verified)."""
        return self.result_data is not None

    @property
    def result(self) -> AssessmentResult | None:
        """The score card and plan recorded at submission; None before."""
        return None if self.result_data is None else AssessmentResult.from_dict(self.result_data)

    @result.setter
    def result(self, value: AssessmentResult | None) -> None:
        self.result_data = None if value is None else value.to_dict()

    @property
    def scorecard(self) -> ScoreRecord | None:
        """The recorded score card alone, without reading the plan."""
        return scorecard_of(self.result_data)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("assessment_id", "indicator_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    indicator_key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Copied from last cycle and not yet confirmed: the officer has not saved this area since.
    # Shown as such, and the assessment cannot be submitted until every copy is confirmed.
    copied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class AreaVersion(Base):
    """How many times an area of an assessment was saved: the form carries it, and a save
    whose version is out of date is refused (two people, or two tabs, on one area)."""

    __tablename__ = "area_versions"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    area_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AreaAssignment(Base):
    """Which HR colleague answers an area of an assessment (one each; any colleague may still edit)."""

    __tablename__ = "area_assignments"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    area_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AnswerNote(Base):
    """The HR team's note on one answer: seen by the team, and by the Chamber reviewer only when
    shared. Saved with the area's answers, under the same area version."""

    __tablename__ = "answer_notes"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    indicator_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    text: Mapped[str] = mapped_column(String(1000))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Base):
    """A file attached to an answer. Its bytes are in `evidence_contents`, in the database with
    the row (every app server reads them; README: why the database)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    indicator_key: Mapped[str] = mapped_column(String(80))
    original_name: Mapped[str] = mapped_column(String(255))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceContent(Base):
    """The bytes of an evidence file, apart from its row so that lists of files never load them;
    written in the same transaction as the row and deleted with it."""

    __tablename__ = "evidence_contents"

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class PendingImport(Base):
    """A file of parenting sessions checked and waiting for its uploader to confirm the import:
    in the database, so the confirmation may reach any app server. Kept a day at most."""

    __tablename__ = "pending_imports"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PlanItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


# The loader option of lists of assessments: they show status, percent and band, never the stored
# result (kilobytes of JSON, decoded per row: a third of the review queue's time). Reading it
# from a row loaded so raises, rather than quietly costing a query per row.
WITHOUT_STORED_RESULT = defer(Assessment.result_data, raiseload=True)

# The recorded result as a column, for a query that wants only a score card (scorecard_of) and
# not the whole row (a previous cycle's figures on every results page and PDF download).
RECORDED_RESULT = Assessment.result_data


def scorecard_of(recorded: dict[str, Any] | None) -> ScoreRecord | None:
    """The score card of a recorded result read as RECORDED_RESULT, without reading the plan."""
    return None if recorded is None else AssessmentResult.scorecard_from_dict(recorded)


class PlanItem(Base):
    """An improvement action the HR team adopted: their wording, owner, due date and status."""

    __tablename__ = "plan_items"
    __table_args__ = (UniqueConstraint("assessment_id", "indicator_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    indicator_key: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(20))
    to_level: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(120), default="")
    # The colleague with an account who owns the action (then `owner` is their name as it was).
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=PlanItemStatus.PLANNED)
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlanDocument(Base):
    """The PDF improvement plan last rendered for an assessment, per edition (vi, en, both).
    `fingerprint` hashes everything the document shows, so an unchanged plan is served from
    here instead of being rendered again."""

    __tablename__ = "plan_documents"
    __table_args__ = (UniqueConstraint("assessment_id", "edition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    edition: Mapped[str] = mapped_column(String(8))
    fingerprint: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanRender(Base):
    """The PDF editions of an assessment's plan to be (re)made by the job worker: one row per
    assessment, written in the transaction that changed what the plan shows (submit, verify,
    return, an action adopted or edited) or by a download that found the stored copy outdated.
    The row is the truth; the queue only carries the nudge, so a lost nudge or a worker killed
    mid-render is picked up again by the sweep (assessments.services.plan_renders)."""

    __tablename__ = "plan_renders"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(12))  # waiting, rendering, done, failed
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the last request: later ones debounce
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a rendering worker's claim
    editions_done: Mapped[int] = mapped_column(Integer, default=0)  # progress, out of the editions
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(500), default="")


class AreaScoreRow(Base):
    """A submitted assessment's score in one area, as a row: comparisons and benchmarks
    group and sort by it in SQL. Written with the stored score card at submission."""

    __tablename__ = "area_scores"
    __table_args__ = (Index("ix_area_scores_area_percent", "area_key", "percent"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    area_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    percent: Mapped[float | None] = mapped_column(Float)


class LegalGapRow(Base):
    """A legal gap of a submitted assessment, as a row (the share of companies with each gap)."""

    __tablename__ = "legal_gaps"
    __table_args__ = (Index("ix_legal_gaps_indicator", "indicator_key"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    indicator_key: Mapped[str] = mapped_column(String(80), primary_key=True)


class ReviewDecision(StrEnum):
    ACCEPTED = "accepted"  # an indicator's answer and evidence hold
    QUERIED = "queried"  # an indicator needs a correction or evidence (comment required)
    VERIFIED = "verified"  # the whole assessment
    RETURNED = "returned"  # the whole assessment, back to the company with the queries
    RESUBMITTED = "resubmitted"  # the company answered the queries and submitted again
    REPLIED = "replied"  # the company's answer to a query on one question (the query stays open)


class ReviewNote(Base):
    """Every decision a reviewer took on an assessment (and each resubmission): who, when, what.
    Append-only: the current state of an indicator is its latest note since the last submission."""

    __tablename__ = "review_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    indicator_key: Mapped[str | None] = mapped_column(String(80))  # None: about the whole assessment
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(String(2000), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A return keeps the answers as they stood: after resubmission the reviewer sees, per queried
    # question, the answer before and after.
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    author: Mapped[User | None] = relationship()


class ScoresVersion(Base):
    """One row whose token changes whenever the set of scored assessments changes (a submission,
    a verification, a return). Benchmarks computed for a token stay valid until it changes."""

    __tablename__ = "scores_version"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    token: Mapped[str] = mapped_column(String(32))


class BenchmarkSnapshot(Base):
    """The benchmarks of one grouping (sector or province) in one cycle, as the job worker last
    made them (assessments.services.compare.refresh_benchmarks). Ranking every score takes a few
    hundred milliseconds at 10,000 organisations, so pages read this instead of computing it in
    a person's request. `token` is the ScoresVersion they were made for: another token means the
    scores changed since and a newer snapshot is on its way."""

    __tablename__ = "benchmark_snapshots"

    grouping: Mapped[str] = mapped_column(String(16), primary_key=True)  # sector or province
    cycle: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: nothing scored yet
    opens_on: Mapped[bool] = mapped_column(default=False)  # the cycle the page shows when none is chosen
    token: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # compare.encode_benchmarks
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateLimitCounter(Base):
    """A fixed-window counter of the JSON API's rate limits (app.rate_limits): kept in the
    database, like sign-in throttling, so that every app server counts the same requests."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for the sender (again, after a failed attempt: see next_attempt_at)
    SENDING = "sending"  # claimed by a sender until lease_until; claimable again after it (a crash)
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # refused for good, or every attempt failed: last_error says why
    KEPT = "kept"  # no MAIL_SERVER: kept for the admin's mail page, never sent


class OutboxMessage(Base):
    """A mail to send, written in the same transaction as the event that causes it: a rolled-back
    action leaves none, and a crash after the commit loses none. It records what to say (kind,
    recipient, language, data), not the rendered text: the sender composes it
    (app/mail_compose.py). `uid` makes the Message-ID, the same on every attempt, so a receiver can
    drop the copy a crash between "accepted" and "marked sent" can cause (at-least-once)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: secrets.token_hex(16))
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Digests and other once-only mails: a second writer of the same key is refused by the index.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")


class DigestMark(Base):
    """A digest already written for its period ("actions:2026-W49"): the mail worker, which looks
    every few seconds, then checks one row instead of scanning every plan and person again."""

    __tablename__ = "digest_marks"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(Base):
    """An invitation to open an account. No account exists until its owner sets a password
    through the link; the link carries `nonce`, which a resend replaces (the old link dies)."""

    __tablename__ = "invitations"
    __table_args__ = _role_and_organisation("invitation_")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # the account it opened

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class AccessRequest(Base):
    """A company asks for an account (self-service sign-up, when a Chamber turns it on). A
    reviewer approves it, which invites the requester to the organisation with that tax code
    (registered from the request if it is new), or declines it."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    organisation_name: Mapped[str] = mapped_column(String(200))
    tax_code: Mapped[str] = mapped_column(String(14), index=True)
    province_code: Mapped[str] = mapped_column(String(40))
    sector_code: Mapped[str] = mapped_column(String(40))
    workforce_total: Mapped[int] = mapped_column(Integer)
    workforce_women: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending, approved, declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))


class SurveyRound(Base):
    """A round of the workers' anonymous survey for one assessment (a company's cycle): open
    from `opens_on` to `closes_on` (Viet Nam days), or until closed early. Workers answer at
    /s/<slug>; `started` counts the responses begun, never more than `cap` (the workforce)."""

    __tablename__ = "survey_rounds"
    __table_args__ = (CheckConstraint("started <= cap", name="survey_round_within_cap"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(16), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_early_on: Mapped[date | None] = mapped_column(Date)
    uses_codes: Mapped[bool] = mapped_column(Boolean, default=False)
    cap: Mapped[int] = mapped_column(Integer)
    started: Mapped[int] = mapped_column(Integer, default=0)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions

    assessment: Mapped[Assessment] = relationship()


class SurveyPaper(Base):
    """A round's poster or sheet of codes as PDF, made once by the job worker when the round
    opens (what it prints does not change), so no request renders it."""

    __tablename__ = "survey_papers"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # poster, codes
    content: Mapped[bytes] = mapped_column(LargeBinary)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyCode(Base):
    """A one-time code of a round that uses them, handed out on paper. Which response a code
    began is never recorded."""

    __tablename__ = "survey_codes"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyResponse(Base):
    """One worker's answers, anonymous by design: a random id (no order of arrival), the round
    and the day, and the hash of a secret only the worker's browser holds (so that browser can
    go on with its own answers). No address, browser, account or time of day."""

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    resume_hash: Mapped[str] = mapped_column(String(64), unique=True)


class SurveyAnswer(Base):
    """A worker's answer to one question or demographic (`key`, both declared in the rubric)."""

    __tablename__ = "survey_answers"

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(80))


class ParentingTarget(Base):
    """What UNICEF plans to reach with one programme in one province in one year. A figure left
    empty is not a target (fathers' share and workplaces do not apply to every programme)."""

    __tablename__ = "parenting_targets"
    __table_args__ = (
        UniqueConstraint("year", "province_code", "programme_id"),
        CheckConstraint("sessions >= 0 AND participants >= 0", name="target_counts_non_negative"),
        CheckConstraint("fathers_percent IS NULL OR (fathers_percent >= 0 AND fathers_percent <= 100)",
                        name="target_fathers_percent_in_range"),
        CheckConstraint("workplaces IS NULL OR workplaces >= 0", name="target_workplaces_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    province_code: Mapped[str] = mapped_column(String(40))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    sessions: Mapped[int] = mapped_column(Integer)
    participants: Mapped[int] = mapped_column(Integer)
    fathers_percent: Mapped[int | None] = mapped_column(Integer)
    workplaces: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()


class SupervisionVisit(Base):
    """A supportive supervision visit to a session: where and when, which facilitator, the
    programme's checklist scored 1-4 (assessments/supervision.py), a note and follow-up actions."""

    __tablename__ = "supervision_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitators.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    venue_type: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    province_code: Mapped[str] = mapped_column(String(40), index=True)
    commune: Mapped[str] = mapped_column(String(120))
    supervisor: Mapped[str] = mapped_column(String(120))
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(2000), default="")
    follow_up: Mapped[str] = mapped_column(String(2000), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # assessments.services.versions
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()
    facilitator: Mapped[Facilitator | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    venue: Mapped[Venue | None] = relationship()


class MonthTotalKey:
    """What every table of session totals is keyed by first (sort_order: these columns lead the
    table and its primary key, as the migrations made them)."""

    month: Mapped[date] = mapped_column(Date, primary_key=True, sort_order=-1)  # the first day of the month
    province_code: Mapped[str] = mapped_column(String(40), primary_key=True, sort_order=-1)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), primary_key=True, sort_order=-1)
    venue_type: Mapped[str] = mapped_column(String(30), primary_key=True, sort_order=-1)


class SessionMonthTotal(MonthTotalKey, Base):
    """Parenting sessions added up per month, province, programme and kind of venue, kept in step
    with every write of a session (assessments/services/session_totals.py): the dashboard, the
    targets and the DHIS2 export read a few thousand of these rather than every session."""

    __tablename__ = "session_month_totals"

    sessions: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    female: Mapped[int] = mapped_column(Integer, default=0)
    male: Mapped[int] = mapped_column(Integer, default=0)
    ethnic_minority: Mapped[int] = mapped_column(Integer, default=0)
    internal_migrants: Mapped[int] = mapped_column(Integer, default=0)


class SessionTopicMonthTotal(MonthTotalKey, Base):
    """Sessions per month, province, programme, kind of venue and topic (a session with two
    topics counts for each): the dashboard's topics, without joining every session."""

    __tablename__ = "session_topic_month_totals"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    male: Mapped[int] = mapped_column(Integer, default=0)


class SessionWorkplaceMonthTotal(MonthTotalKey, Base):
    """Sessions per month, province, programme, kind of venue and workplace: which workplaces
    were reached, without reading every session."""

    __tablename__ = "session_workplace_month_totals"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer, default=0)
