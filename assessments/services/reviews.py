"""Chamber reviewers verify submitted assessments: accept or query each indicator with a comment,
then verify the assessment or return it to the company. Every decision is kept (ReviewNote).

A query is a conversation, not a flag: it stays open, across returns and resubmissions, until the
reviewer accepts the question. While the assessment is back with the company, the HR officer can
reply to each query; a return keeps the answers as they stood, so after resubmission the
reviewer sees, per queried question, the answer before and after, the evidence added and the
reply. An assessment with an open query cannot be verified."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from assessments.db import DbSession, utcnow
from assessments.models import (
    WITHOUT_STORED_RESULT,
    Assessment,
    AssessmentStatus,
    Evidence,
    ReviewDecision,
    ReviewNote,
)
from assessments.services import notifications
from assessments.services.common import Context, ServiceError, record_event
from assessments.services.compare import scores_changed
from assessments.services.plan_renders import request_render
from assessments.services.self_assessment import answer_values
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


@dataclass
class QueryThread:
    """One open query: what the reviewer asked, what the company replied, and the answer when the
    assessment went back to the company (None until it did)."""

    indicator: str
    comment: str
    author: str
    at: datetime
    replies: list[IndicatorReview] = field(default_factory=list)
    returned_answer: Any = None
    returned: bool = False  # the assessment went back to the company since the query


def _author(note: ReviewNote) -> str:
    return note.author.full_name or note.author.email if note.author else ""


def open_queries(db: DbSession, assessment_id: int, notes: list[ReviewNote] | None = None) -> dict[str, QueryThread]:
    """Every question whose latest decision is a query, in any round, with its conversation."""
    threads: dict[str, QueryThread] = {}
    for note in history(db, assessment_id) if notes is None else notes:
        key = note.indicator_key
        if note.decision == ReviewDecision.QUERIED and key is not None:
            threads[key] = QueryThread(key, note.comment, _author(note), note.at)
        elif note.decision == ReviewDecision.ACCEPTED and key is not None:
            threads.pop(key, None)
        elif note.decision == ReviewDecision.REPLIED and key in threads:
            threads[key].replies.append(IndicatorReview(note.decision, note.comment, _author(note), note.at))
        elif note.decision == ReviewDecision.RETURNED:
            for thread in threads.values():
                if not thread.returned:
                    thread.returned = True
                    thread.returned_answer = (note.answers or {}).get(thread.indicator)
    return threads


def latest_decisions(db: DbSession, assessment_id: int,
                     notes: list[ReviewNote] | None = None) -> dict[str, IndicatorReview]:
    """Each question's latest accept or query, whatever the round (an accepted answer stays
    accepted; a query stays open until accepted)."""
    decisions: dict[str, IndicatorReview] = {}
    for note in history(db, assessment_id) if notes is None else notes:
        if note.indicator_key is not None and note.decision in INDICATOR_DECISIONS:
            decisions[note.indicator_key] = IndicatorReview(note.decision, note.comment, _author(note), note.at)
    return decisions


def last_return(db: DbSession, assessment_id: int, notes: list[ReviewNote] | None = None) -> ReviewNote | None:
    """The latest return to the company, with its message and the answers as they stood."""
    returns = [n for n in (history(db, assessment_id) if notes is None else notes)
               if n.decision == ReviewDecision.RETURNED]
    return returns[-1] if returns else None


@dataclass(frozen=True)
class ReturnedNotice:
    """What the company sees of a return: when, the reviewer's message, how many queries are open."""

    assessment_id: int
    cycle: int
    at: datetime
    message: str
    queried: int


def returned_notice(db: DbSession, assessment: Assessment) -> ReturnedNotice | None:
    if assessment.status != AssessmentStatus.RETURNED:
        return None
    notes = history(db, assessment.id)  # read once for both
    note = last_return(db, assessment.id, notes)
    if note is None:
        return None
    return ReturnedNotice(assessment.id, assessment.cycle, note.at, note.comment,
                          len(open_queries(db, assessment.id, notes)))


def returned_notices(db: DbSession, organisation_id: int) -> list[ReturnedNotice]:
    """The organisation's assessments back with it, newest cycle first."""
    returned = db.scalars(select(Assessment).options(WITHOUT_STORED_RESULT)
                          .where(Assessment.organisation_id == organisation_id,
                                 Assessment.status == AssessmentStatus.RETURNED)
                          .order_by(Assessment.cycle.desc()))
    return notices_of(db, returned)


def notices_of(db: DbSession, assessments: Iterable[Assessment]) -> list[ReturnedNotice]:
    """The notices of those of `assessments` back with their organisation, in the order given
    (for a page that has read the organisation's assessments already)."""
    return [notice for assessment in assessments if (notice := returned_notice(db, assessment)) is not None]


def evidence_since(evidence: Mapping[str, Sequence[Evidence]], threads: Mapping[str, QueryThread]
                   ) -> dict[str, list[Evidence]]:
    """Of an assessment's files by question (`evidence_by_indicator`), those attached to each
    queried question after its query, in the order they came."""
    found: dict[str, list[Evidence]] = {}
    for key, thread in threads.items():
        later = sorted((item for item in evidence.get(key, ()) if item.uploaded_at > thread.at),
                       key=lambda item: (item.uploaded_at, item.id))
        if later:
            found[key] = later
    return found


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


def history(db: DbSession, assessment_id: int) -> list[ReviewNote]:
    """Every decision on the assessment, oldest first, with its author."""
    return list(db.scalars(select(ReviewNote).options(joinedload(ReviewNote.author))
                           .where(ReviewNote.assessment_id == assessment_id).order_by(ReviewNote.at, ReviewNote.id)))


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
    if open_queries(db, assessment.id):
        db.rollback()
        raise ServiceError("queries_open")
    scores_changed(db)
    db.add(ReviewNote(assessment_id=assessment.id, decision=ReviewDecision.VERIFIED, comment=_clean(comment),
                      author_id=ctx.actor.id if ctx.actor else None, at=utcnow()))
    record_event(db, ctx, "verify", "assessment", assessment.id, organisation_id=assessment.organisation_id)
    notifications.assessment_verified(db, assessment, _clean(comment))
    request_render(db, assessment.id)
    db.commit()


def return_to_company(db: DbSession, ctx: Context, assessment: Assessment, comment: str = "") -> None:
    """Back to the company with the queries: it can reply, change answers and submit again. The
    answers as they stand are kept with the return (the reviewer's "before")."""
    _under_review(assessment)
    comment = _clean(comment)
    _claim(db, assessment, AssessmentStatus.RETURNED)
    threads = open_queries(db, assessment.id)
    queried = sorted(threads)
    if not queried and not comment:
        db.rollback()
        raise ServiceError("nothing_to_return", "comment")
    scores_changed(db)
    db.add(ReviewNote(assessment_id=assessment.id, decision=ReviewDecision.RETURNED, comment=comment,
                      author_id=ctx.actor.id if ctx.actor else None, at=utcnow(),
                      answers=answer_values(db, assessment.id)))
    record_event(db, ctx, "return", "assessment", assessment.id, organisation_id=assessment.organisation_id,
                 details={"queried": queried})
    notifications.assessment_returned(db, assessment, ctx.actor, comment,
                                      {key: threads[key].comment for key in queried})
    request_render(db, assessment.id)
    db.commit()


def reply_to_query(db: DbSession, ctx: Context, assessment: Assessment, indicator_key: str, comment: str) -> None:
    """The company answers a query on one question while the assessment is back with it. The
    query stays open: only the reviewer closes it, by accepting the question."""
    if assessment.status != AssessmentStatus.RETURNED:
        raise ServiceError("not_returned")
    comment = _clean(comment)
    if not comment:
        raise ServiceError("reply_required", "comment")
    # Hold the assessment (still returned) before reading: a reply and a resubmission are ordered.
    claim_state(db, Assessment, assessment.id, Assessment.status, (AssessmentStatus.RETURNED,),
                AssessmentStatus.RETURNED, "not_returned")
    if indicator_key not in open_queries(db, assessment.id):
        db.rollback()
        raise ServiceError("not_queried", "indicator")
    db.add(ReviewNote(assessment_id=assessment.id, indicator_key=indicator_key, decision=ReviewDecision.REPLIED,
                      comment=comment, author_id=ctx.actor.id if ctx.actor else None, at=utcnow()))
    record_event(db, ctx, "review_reply", "assessment", assessment.id, organisation_id=assessment.organisation_id,
                 details={"indicator": indicator_key})
    db.commit()


def accept_all_not_queried(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric,
                           answered: list[str]) -> int:
    """Accept, in one step, every answered question that is neither queried nor accepted yet.
    Returns how many were accepted."""
    _under_review(assessment)
    _claim(db, assessment, AssessmentStatus.SUBMITTED)
    decided = latest_decisions(db, assessment.id)
    keys = [key for key in answered if rubric.has_indicator(key) and key not in decided]
    now, author_id = utcnow(), ctx.actor.id if ctx.actor else None
    db.add_all([ReviewNote(assessment_id=assessment.id, indicator_key=key, decision=ReviewDecision.ACCEPTED,
                           comment="", author_id=author_id, at=now) for key in keys])
    record_event(db, ctx, "review_accept_many", "assessment", assessment.id,
                 organisation_id=assessment.organisation_id, details={"accepted": len(keys)})
    db.commit()
    return len(keys)
