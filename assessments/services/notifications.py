"""Who hears about what: the notifications a review step causes, and the digests a schedule causes.

Review steps call `assessment_returned` / `assessment_resubmitted` / `assessment_verified` inside
their own transaction (the mail goes if and only if the step happened). `queue_digests` runs on a
schedule (the mail worker, or `flask mail digests`); each digest carries a key of its period, so
running it twice, or on two machines at once, still writes one digest per person and period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments.db import VIET_NAM, DbSession, utcnow
from assessments.models import (
    Assessment,
    AssessmentStatus,
    DigestMark,
    Organisation,
    PlanItem,
    PlanItemStatus,
    ReviewDecision,
    ReviewNote,
    Role,
    User,
)
from assessments.outbox import MailKind, notify
from assessments.services.teams import hr_team

DUE_SOON = timedelta(days=7)  # an action due within a week is in the weekly digest
DIGEST_HOUR = time(7, 0)  # digests go out from 07:00 in Viet Nam, before the working day


def _reviewers(db: DbSession) -> list[User]:
    return list(db.scalars(select(User).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.id)))


def _about(assessment: Assessment) -> dict[str, object]:
    organisation = assessment.organisation
    return {"assessment_id": assessment.id, "cycle": assessment.cycle,
            "organisation": organisation.name if organisation is not None else "",
            "rubric": [assessment.rubric_key, assessment.rubric_version]}


def assessment_returned(db: DbSession, assessment: Assessment, reviewer: User | None, comment: str,
                        queries: dict[str, str]) -> None:
    """To the company's HR team: the reviewer's message and every open query (question: comment)."""
    notify(db, hr_team(db, assessment.organisation_id), MailKind.ASSESSMENT_RETURNED, {
        **_about(assessment), "comment": comment, "queries": queries,
        "reviewer": (reviewer.full_name or reviewer.email) if reviewer is not None else "",
    })


def assessment_resubmitted(db: DbSession, assessment: Assessment) -> None:
    """To the reviewer who returned it, or, when that account is gone, every reviewer."""
    returned_by = db.scalar(select(User).join(ReviewNote, ReviewNote.author_id == User.id).where(
        ReviewNote.assessment_id == assessment.id, ReviewNote.decision == ReviewDecision.RETURNED)
        .order_by(ReviewNote.at.desc(), ReviewNote.id.desc()).limit(1))
    people = [returned_by] if returned_by is not None and returned_by.active else _reviewers(db)
    notify(db, people, MailKind.ASSESSMENT_RESUBMITTED, _about(assessment))


def assessment_verified(db: DbSession, assessment: Assessment, comment: str) -> None:
    notify(db, hr_team(db, assessment.organisation_id), MailKind.ASSESSMENT_VERIFIED,
           {**_about(assessment), "comment": comment})


@dataclass(frozen=True)
class DigestRun:
    """How many digests one round wrote."""

    actions: int = 0
    submissions: int = 0
    cycle_open: int = 0


def _digest_day(now: datetime) -> date | None:
    """The Viet Nam day whose digests are due at `now`: today once it is past DIGEST_HOUR."""
    local = now.astimezone(VIET_NAM)
    return local.date() if local.time() >= DIGEST_HOUR else None


def queue_digests(db: DbSession, now: datetime | None = None) -> DigestRun:
    """Write the digests that are due and not yet written, and commit. Each digest of a period is
    marked done when written (a `digest_marks` row): later rounds of the same period check the mark
    and read nothing else. Two workers at once both write; the mails' keys keep one per person."""
    now = now or utcnow()
    day = _digest_day(now)
    if day is None:
        return DigestRun()
    year, week, _ = day.isocalendar()
    run = DigestRun(
        actions=_once(db, f"actions:{year}-W{week:02d}", lambda: _actions_digests(db, day)),
        submissions=_once(db, f"submissions:{day}", lambda: _submissions_digests(db, day, now)),
        cycle_open=_once(db, f"cycle:{day.year}", lambda: _cycle_open(db, day)) if day.month == 1 else 0,
    )
    db.commit()
    return run


def _once(db: DbSession, key: str, write: Callable[[], int]) -> int:
    """Write a period's digest unless it is marked done; mark it."""
    if db.get(DigestMark, key) is not None:
        return 0
    written = write()
    savepoint = db.begin_nested()  # another worker may mark it at the same moment: one mark is enough
    db.add(DigestMark(key=key))
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
    return written


def _actions_digests(db: DbSession, day: date) -> int:
    """Once a week, to each HR officer: the adopted actions of their organisation that are overdue
    or due within a week, in one mail (not one mail per action)."""
    year, week, _ = day.isocalendar()
    rows = db.execute(select(PlanItem, Assessment).join(Assessment, Assessment.id == PlanItem.assessment_id).where(
        PlanItem.status != PlanItemStatus.DONE, PlanItem.due_date.is_not(None), PlanItem.due_date <= day + DUE_SOON)
        .order_by(Assessment.organisation_id, PlanItem.due_date, PlanItem.code)).all()
    by_organisation: dict[int, list[dict[str, object]]] = {}
    for item, assessment in rows:
        assert item.due_date is not None
        by_organisation.setdefault(assessment.organisation_id, []).append({
            "assessment_id": assessment.id, "cycle": assessment.cycle, "code": item.code, "text": item.text,
            "owner": item.owner, "due": item.due_date.isoformat(), "overdue": item.due_date < day,
        })
    written = 0
    for organisation_id, actions in by_organisation.items():
        written += notify(db, hr_team(db, organisation_id), MailKind.ACTIONS_DIGEST,
                          {"week": f"{year}-W{week:02d}", "day": day.isoformat(), "items": actions},
                          dedupe_key=f"actions:{year}-W{week:02d}")
    return written


def _submissions_digests(db: DbSession, day: date, now: datetime) -> int:
    """Once a day, to each reviewer: the assessments submitted (or resubmitted) for review since
    the last digest, and how many wait in the queue in all."""
    until = datetime.combine(day, DIGEST_HOUR, VIET_NAM)
    since = until - timedelta(days=1)
    waiting = list(db.execute(select(Assessment.id, Assessment.cycle, Assessment.submitted_at, Organisation.name)
                              .join(Organisation).where(Assessment.status == AssessmentStatus.SUBMITTED)
                              .order_by(Assessment.submitted_at)))
    new = [{"assessment_id": row.id, "cycle": row.cycle, "organisation": row.name}
           for row in waiting if row.submitted_at is not None and since <= row.submitted_at < until]
    if not new:
        return 0
    return notify(db, _reviewers(db), MailKind.SUBMISSIONS_DIGEST,
                  {"day": day.isoformat(), "new": new, "waiting": len(waiting)}, dedupe_key=f"submissions:{day}")


def _cycle_open(db: DbSession, day: date) -> int:
    """In January, to the HR team of each organisation that assessed itself before and has not
    started this year's cycle: the new cycle is open."""
    if day.month != 1:
        return 0
    started = select(Assessment.organisation_id).where(Assessment.cycle == day.year)
    organisations = db.scalars(select(Assessment.organisation_id).where(
        Assessment.cycle < day.year, Assessment.organisation_id.not_in(started)).distinct())
    return sum(notify(db, hr_team(db, organisation_id), MailKind.CYCLE_OPEN, {"cycle": day.year},
                      dedupe_key=f"cycle:{day.year}") for organisation_id in organisations)
