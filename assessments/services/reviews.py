"""Chamber reviewers verify submitted assessments: accept or query each indicator with a comment,
then verify the assessment or return it to the company. Every decision is kept (ReviewNote)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from assessments.db import DbSession, utcnow
from assessments.models import Assessment, AssessmentStatus, ReviewDecision, ReviewNote
from assessments.services.common import Context, ServiceError, record_event
from assessments.services.compare import scores_changed
from assessments.services.versions import claim_state
from rubrics.loader import Rubric

MAX_COMMENT = 2000
INDICATOR_DECISIONS = (ReviewDecision.ACCEPTED, ReviewDecision.QUERIED)


@dataclass(frozen=True)
class IndicatorReview:
    decision: str
    comment: str
    author: str
    at: datetime


def _under_review(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ServiceError("not_under_review")


def _claim(db: DbSession, assessment: Assessment, new_state: str) -> None:
    """Hold the assessment while it is under review (and move it to `new_state`) before anything
    is read: a decision on a question and a verify or return are then ordered, so a verify
    cannot overlook a query that lands at the same moment (assessments.services.versions)."""
    claim_state(db, Assessment, assessment.id, Assessment.status, (AssessmentStatus.SUBMITTED,), new_state,
                "not_under_review")


def _clean(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ServiceError("comment_too_long", "comment")
    return comment


def _round_start(notes: list[ReviewNote]) -> int:
    """Where the current review round starts: after the last return or resubmission."""
    for index in range(len(notes) - 1, -1, -1):
        if notes[index].decision in (ReviewDecision.RETURNED, ReviewDecision.RESUBMITTED):
            return index + 1
    return 0


def history(db: DbSession, assessment_id: int) -> list[ReviewNote]:
    """Every decision on the assessment, oldest first, with its author."""
    return list(db.scalars(select(ReviewNote).options(joinedload(ReviewNote.author))
                           .where(ReviewNote.assessment_id == assessment_id).order_by(ReviewNote.at, ReviewNote.id)))


def current_reviews(db: DbSession, assessment_id: int, *,
                    include_last_round: bool = False) -> dict[str, IndicatorReview]:
    """Each indicator's latest decision in the current round. With `include_last_round`, the
    round that ended with a return (what the company is asked to fix)."""
    notes = history(db, assessment_id)
    start = _round_start(notes)
    if include_last_round and start and notes[start - 1].decision == ReviewDecision.RETURNED:
        start = _round_start(notes[:start - 1])
    reviews: dict[str, IndicatorReview] = {}
    for note in notes[start:]:
        if note.indicator_key is not None:
            author = note.author.full_name or note.author.email if note.author else ""
            reviews[note.indicator_key] = IndicatorReview(note.decision, note.comment, author, note.at)
    return reviews


def decide_indicator(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric, indicator_key: str,
                     decision: str, comment: str) -> None:
    """Accept an indicator's answer, or query it (a comment says what to fix)."""
    _under_review(assessment)
    if not rubric.has_indicator(indicator_key):
        raise ServiceError("unknown_indicator", "indicator")
    if decision not in INDICATOR_DECISIONS:
        raise ServiceError("unknown_decision", "decision")
    comment = _clean(comment)
    if decision == ReviewDecision.QUERIED and not comment:
        raise ServiceError("comment_required", "comment")
    _claim(db, assessment, AssessmentStatus.SUBMITTED)
    db.add(ReviewNote(assessment_id=assessment.id, indicator_key=indicator_key, decision=decision, comment=comment,
                      author_id=ctx.actor.id if ctx.actor else None, at=utcnow()))
    record_event(db, ctx, f"review_{decision}", "assessment", assessment.id,
                 organisation_id=assessment.organisation_id, details={"indicator": indicator_key})
    db.commit()


def verify(db: DbSession, ctx: Context, assessment: Assessment, comment: str = "") -> None:
    """The scores become verified. Refused while an indicator is queried."""
    _under_review(assessment)
    _claim(db, assessment, AssessmentStatus.VERIFIED)
    if any(r.decision == ReviewDecision.QUERIED for r in current_reviews(db, assessment.id).values()):
        db.rollback()
        raise ServiceError("queries_open")
    scores_changed(db)
    db.add(ReviewNote(assessment_id=assessment.id, decision=ReviewDecision.VERIFIED, comment=_clean(comment),
                      author_id=ctx.actor.id if ctx.actor else None, at=utcnow()))
    record_event(db, ctx, "verify", "assessment", assessment.id, organisation_id=assessment.organisation_id)
    db.commit()


def return_to_company(db: DbSession, ctx: Context, assessment: Assessment, comment: str = "") -> None:
    """Back to the company with the queries: it can change answers and submit again."""
    _under_review(assessment)
    comment = _clean(comment)
    _claim(db, assessment, AssessmentStatus.RETURNED)
    queried = [k for k, r in current_reviews(db, assessment.id).items() if r.decision == ReviewDecision.QUERIED]
    if not queried and not comment:
        db.rollback()
        raise ServiceError("nothing_to_return", "comment")
    scores_changed(db)
    db.add(ReviewNote(assessment_id=assessment.id, decision=ReviewDecision.RETURNED, comment=comment,
                      author_id=ctx.actor.id if ctx.actor else None, at=utcnow()))
    record_event(db, ctx, "return", "assessment", assessment.id, organisation_id=assessment.organisation_id,
                 details={"queried": queried})
    db.commit()
