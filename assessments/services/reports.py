"""The PDF improvement plan of a submitted assessment: gather what it shows, render it once,
and serve the stored copy for as long as nothing it shows has changed."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from assessments.db import DbSession, today_in_viet_nam
from assessments.models import (
    RECORDED_RESULT,
    Assessment,
    AssessmentStatus,
    Organisation,
    PlanDocument,
    PlanItem,
    PlanItemStatus,
    ReviewDecision,
    ReviewNote,
    scorecard_of,
)
from assessments.report.data import MIN_BENCHMARK_GROUP, AdoptedAction, PreviousCycle, Report, ReportInput, build_report
from assessments.report.render import EDITIONS, RenderedPdf, render_pdf
from assessments.services.common import ServiceError
from assessments.services.plan_renders import DEBOUNCE, LEASE, claim, fail, finish, progress
from assessments.services.self_assessment import answer_values, evidence_by_indicator
from assessments.services.surveys import workers_input
from rubrics.loader import Rubric

SCORED_STATUSES = (AssessmentStatus.SUBMITTED, AssessmentStatus.VERIFIED)


def sector_median(db: DbSession, assessment: Assessment) -> tuple[float | None, int]:
    """The anonymised median score of the organisation's sector in the same cycle, and how many
    organisations it comes from. None below MIN_BENCHMARK_GROUP, so no one is re-identified."""
    percents = db.scalars(
        select(Assessment.percent).join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(Organisation.sector_code == assessment.organisation.sector_code, Assessment.cycle == assessment.cycle,
               Assessment.status.in_(SCORED_STATUSES), Assessment.percent.is_not(None))).all()
    if len(percents) < MIN_BENCHMARK_GROUP:
        return None, len(percents)
    return statistics.median(p for p in percents if p is not None), len(percents)


def previous_cycle(db: DbSession, assessment: Assessment) -> PreviousCycle | None:
    """The organisation's last scored cycle before this one, and how its adopted plan went: one
    statement, read by every results page and every PDF download."""
    def plan_items(name: str, *done: Any) -> Any:
        return select(func.count(PlanItem.id)).where(PlanItem.assessment_id == Assessment.id, *done) \
            .correlate(Assessment).scalar_subquery().label(name)

    previous = db.execute(select(
        Assessment.cycle, RECORDED_RESULT.label("recorded"), plan_items("adopted"),
        plan_items("done", PlanItem.status == PlanItemStatus.DONE))
        .where(Assessment.organisation_id == assessment.organisation_id, Assessment.cycle < assessment.cycle,
               Assessment.percent.is_not(None)).order_by(Assessment.cycle.desc()).limit(1)).first()
    card = None if previous is None else scorecard_of(previous.recorded)
    if previous is None or card is None:
        return None
    return PreviousCycle(cycle=previous.cycle, scorecard=card, adopted=previous.adopted, done=previous.done)


def plan_items_of(db: DbSession, assessment: Assessment) -> list[PlanItem]:
    """The actions the HR team took into its own plan, in the order they took them."""
    return list(db.scalars(select(PlanItem).where(PlanItem.assessment_id == assessment.id).order_by(PlanItem.id)))


def report_input(db: DbSession, assessment: Assessment, rubric: Rubric, *, every_answer: bool = True,
                 plan_items: Sequence[PlanItem] | None = None) -> ReportInput:
    """What the report shows. `every_answer=False` for a page that does not list every answer
    (the results page): the answers and their files are then not read. `plan_items`: the
    team's actions (plan_items_of), when the caller has read them already."""
    result = assessment.result
    if result is None:
        raise ServiceError("not_submitted")
    organisation = assessment.organisation
    median, group = sector_median(db, assessment)
    adopted = tuple(AdoptedAction(indicator=i.indicator_key, text=i.text, owner=i.owner, due_date=i.due_date,
                                  status=i.status)
                    for i in (plan_items_of(db, assessment) if plan_items is None else plan_items))
    answers, evidence = _as_submitted(db, assessment) if every_answer else (None, {})
    return ReportInput(
        organisation_name=organisation.name, province_code=organisation.province_code,
        sector_code=organisation.sector_code, cycle=assessment.cycle, status=assessment.status, rubric=rubric,
        scorecard=result.scorecard, plan=result.plan, answers=answers, adopted=adopted,
        previous=previous_cycle(db, assessment), sector_median=median, sector_group=group, evidence=evidence,
        workers=workers_input(db, assessment, rubric, today_in_viet_nam()))


def _as_submitted(db: DbSession, assessment: Assessment) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """The answers, and the names of their evidence files, the recorded result was drawn from.
    Submitted or verified, they are frozen: those stored. Returned, the company may be changing
    them: those kept with the return (as they stood when submitted), and the files attached by then."""
    files = evidence_by_indicator(db, assessment.id)
    returned = db.execute(select(ReviewNote.answers, ReviewNote.at).where(
        ReviewNote.assessment_id == assessment.id, ReviewNote.decision == ReviewDecision.RETURNED)
        .order_by(ReviewNote.at.desc(), ReviewNote.id.desc()).limit(1)).first() \
        if assessment.status == AssessmentStatus.RETURNED else None
    if returned is None or returned.answers is None:
        return answer_values(db, assessment.id), {key: tuple(f.original_name for f in found)
                                                  for key, found in files.items()}
    kept = {key: tuple(f.original_name for f in found if f.uploaded_at <= returned.at)
            for key, found in files.items()}
    return dict(returned.answers), {key: names for key, names in kept.items() if names}


def report_of(db: DbSession, assessment: Assessment, rubric: Rubric, *, every_answer: bool = True,
              plan_items: Sequence[PlanItem] | None = None) -> Report:
    return build_report(report_input(db, assessment, rubric, every_answer=every_answer, plan_items=plan_items))


@dataclass(frozen=True)
class PlanPdf:
    content: bytes
    pages: int
    rendered_now: bool  # False: served from the stored copy


@dataclass(frozen=True)
class StoredEdition:
    content: bytes
    pages: int
    current: bool  # made from what the plan shows now


def stored_edition(db: DbSession, assessment: Assessment, rubric: Rubric, edition: str) -> StoredEdition | None:
    """The stored PDF of an edition, and whether it is still current. Never renders: a request
    serves this or asks the worker (request_render)."""
    if edition not in EDITIONS:
        raise ServiceError("unknown_edition", "edition")
    stored = db.execute(select(PlanDocument.fingerprint, PlanDocument.content, PlanDocument.pages).where(
        PlanDocument.assessment_id == assessment.id, PlanDocument.edition == edition)).one_or_none()
    if stored is None:
        return None
    current = stored.fingerprint == report_input(db, assessment, rubric).fingerprint()
    return StoredEdition(content=stored.content, pages=stored.pages, current=current)


def make_plan(db: DbSession, assessment_id: int, rubric_of: Callable[[Assessment], Rubric],
              render: Callable[[Report, str], RenderedPdf] = render_pdf, debounce: timedelta = DEBOUNCE,
              lease: timedelta = LEASE) -> str:
    """The worker's job: carry out the assessment's render request if it is due (plan_renders),
    every edition whose content changed. Returns what happened: nothing, debounced, taken (see
    plan_renders.claim), rendered or failed."""
    held = claim(db, assessment_id, debounce, lease)
    if isinstance(held, str):
        return held
    assessment = db.get(Assessment, assessment_id)
    try:
        if assessment is not None and assessment.result is not None:  # not deleted, not back to a draft
            rubric = rubric_of(assessment)
            for done, edition in enumerate(EDITIONS, start=1):
                plan_pdf(db, assessment, rubric, edition, render)
                progress(db, held, done)
    except Exception as error:  # any failure is kept with its reason, then tried again
        fail(db, held, error)
        return "failed"
    finish(db, held)
    return "rendered"


def plan_pdf(db: DbSession, assessment: Assessment, rubric: Rubric, edition: str,
             render: Callable[[Report, str], RenderedPdf] = render_pdf) -> PlanPdf:
    """The plan as PDF in an edition (vi, en or both). Rendered only when what it shows
    changed since the stored copy (a plan item edited, a new sector median...). Slow: only the
    worker calls it (make_plan), and tests."""
    if edition not in EDITIONS:
        raise ServiceError("unknown_edition", "edition")
    data = report_input(db, assessment, rubric)
    fingerprint = data.fingerprint()
    stored = db.execute(select(PlanDocument.fingerprint, PlanDocument.content, PlanDocument.pages).where(
        PlanDocument.assessment_id == assessment.id, PlanDocument.edition == edition)).one_or_none()
    if stored is not None and stored.fingerprint == fingerprint:
        return PlanPdf(content=stored.content, pages=stored.pages, rendered_now=False)
    pdf = render(build_report(data), edition)
    db.execute(delete(PlanDocument).where(PlanDocument.assessment_id == assessment.id,
                                          PlanDocument.edition == edition))
    db.add(PlanDocument(assessment_id=assessment.id, edition=edition, fingerprint=fingerprint, pages=pdf.pages,
                        content=pdf.content))
    try:
        db.commit()
    except IntegrityError:
        db.rollback()  # another request stored the same edition meanwhile: theirs is as good
    return PlanPdf(content=pdf.content, pages=pdf.pages, rendered_now=True)
