"""Chamber reviewers verify submitted assessments: a queue, then per assessment every answer
with its evidence, a decision per question, and verify or return. Every decision is kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from app.access import CHAMBER, roles_required
from app.assessment.common import rubric_of
from app.extensions import db
from app.labels import current_language, status_name
from app.requests import service_context
from app.review import bp
from app.service_errors import message_for
from assessments.db import today_in_viet_nam, utcnow
from assessments.models import WITHOUT_STORED_RESULT, Assessment, AssessmentStatus, Organisation
from assessments.provinces import PROVINCES_BY_CODE
from assessments.report.words import answer_text
from assessments.result import ScoreRecord
from assessments.sectors import SECTORS_BY_CODE
from assessments.services import ServiceError
from assessments.services.reviews import (
    accept_all_not_queried,
    decide_indicator,
    evidence_since,
    history,
    last_return,
    latest_decisions,
    open_queries,
    return_to_company,
    verify,
)
from assessments.services.self_assessment import answer_values, evidence_by_indicator
from assessments.services.surveys import workers_input
from assessments.services.teams import team_info


def _assessment_or_404(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id, options=[joinedload(Assessment.organisation)])
    if assessment is None or assessment.status == AssessmentStatus.DRAFT:
        abort(404)
    return assessment


def _scorecard_of(found: Assessment) -> ScoreRecord:
    card = found.scorecard
    if card is None:  # not possible past a draft: submitting records the result in the same step
        abort(404)
    return card


QUEUE_STATUSES = (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED, AssessmentStatus.VERIFIED)
QUEUE_AGES = (7, 30, 90)  # waiting longer than this many days


@bp.route("/")
@roles_required(*CHAMBER)
def queue() -> str:
    """Assessments to verify, returned and verified; filtered by province, sector, status and how
    long they have waited (a GET form: a filtered queue can be bookmarked). Unknown values are
    ignored, as if the filter were not set."""
    province = request.args.get("province", "")
    province = province if province in PROVINCES_BY_CODE else ""
    sector = request.args.get("sector", "")
    sector = sector if sector in SECTORS_BY_CODE else ""
    status = request.args.get("status", "")
    status = status if status in QUEUE_STATUSES else ""
    age = request.args.get("age", "")
    days = int(age) if age.isdigit() and int(age) in QUEUE_AGES else None

    def listed(wanted: str, newest_first: bool, limit: int = 200) -> list[Assessment]:
        if status and wanted != status:
            return []
        order = Assessment.submitted_at.desc() if newest_first else Assessment.submitted_at
        query = (select(Assessment).join(Organisation, Organisation.id == Assessment.organisation_id)
                 .options(joinedload(Assessment.organisation), WITHOUT_STORED_RESULT)
                 .where(Assessment.status == wanted))
        if province:
            query = query.where(Organisation.province_code == province)
        if sector:
            query = query.where(Organisation.sector_code == sector)
        if days is not None:
            query = query.where(Assessment.submitted_at <= utcnow() - timedelta(days=days))
        return list(db.session.scalars(query.order_by(order, Assessment.id).limit(limit)))

    filters = {"province": province, "sector": sector, "status": status, "age": str(days) if days else ""}
    return render_template("review/queue.html", waiting=listed(AssessmentStatus.SUBMITTED, False),
                           returned=listed(AssessmentStatus.RETURNED, True),
                           verified=listed(AssessmentStatus.VERIFIED, True, 20), filters=filters,
                           status_choices=[(s, status_name(s)) for s in QUEUE_STATUSES],
                           age_choices=[(str(d), ngettext("Waiting over %(num)d day", "Waiting over %(num)d days", d))
                                        for d in QUEUE_AGES],
                           filtered=any(filters.values()), shown_statuses=[status] if status else list(QUEUE_STATUSES))


# What the reviewer can narrow the questions to: every question shown, the open queries, the
# answers changed since the last return, the questions with evidence.
SHOWN = ("all", "queried", "changed", "evidence")


@bp.route("/<id:assessment_id>")
@roles_required(*CHAMBER)
def assessment(assessment_id: int) -> str:
    found = _assessment_or_404(assessment_id)
    rubric = rubric_of(found)
    card = _scorecard_of(found)
    values = answer_values(db.session, found.id)
    evidence = evidence_by_indicator(db.session, found.id)
    notes = history(db.session, found.id)  # one read for the queries, the return, the decisions and the history
    threads = open_queries(db.session, found.id, notes)
    returned = last_return(db.session, found.id, notes)
    before = returned.answers if returned is not None and returned.answers is not None else None
    changed = {key for key in {*values, *(before or {})} if before is not None and before.get(key) != values.get(key)}
    visible = [ind.key for ind in rubric.indicators() if card.asked(ind.key) or ind.key in values]
    groups = {"all": set(visible), "queried": set(threads), "changed": changed, "evidence": set(evidence)}
    shown = request.args.get("show", "all")
    if shown not in SHOWN:
        shown = "all"
    decisions = latest_decisions(db.session, found.id, notes)
    to_accept = [key for key in visible if key in values and key not in decisions]
    return render_template("review/assessment.html", assessment=found, rubric=rubric, values=values,
                           card=card, evidence=evidence, threads=threads,
                           new_evidence=evidence_since(evidence, threads), before=before,
                           changed=changed, shown=shown, counts={k: len(v & set(visible)) for k, v in groups.items()},
                           showing=groups[shown], reviews=decisions, notes=notes,
                           to_accept=len(to_accept), answer_text=answer_text, lang=current_language(),
                           reviewing=found.status == AssessmentStatus.SUBMITTED,
                           team=team_info(db.session, found.id, visible, shared_only=True),
                           workers=workers_input(db.session, found, rubric, today_in_viet_nam()))


def _attempt(assessment_id: int, action: Any, success: str, anchor: str = "") -> Response:
    try:
        action()
    except ServiceError as error:
        db.session.rollback()
        flash(message_for(error.code), "error")
    else:
        flash(success, "success")
    return redirect(url_for("review.assessment", assessment_id=assessment_id) + anchor)


@bp.route("/<id:assessment_id>/indicator", methods=["POST"])
@roles_required(*CHAMBER)
def decide(assessment_id: int) -> Response:
    found = _assessment_or_404(assessment_id)
    rubric = rubric_of(found)
    key = request.form.get("indicator", "")[:80]
    # Back to the question decided on; an unknown one (the service refuses it) goes nowhere in
    # the URL: what was posted never reaches a header.
    anchor = f"#q-{key.replace('.', '__')}" if rubric.has_indicator(key) else ""
    return _attempt(found.id, lambda: decide_indicator(
        db.session, service_context(), found, rubric, key, request.form.get("decision", ""),
        request.form.get("comment", "")), _("Decision saved."), anchor)


@bp.route("/<id:assessment_id>/accept-all", methods=["POST"])
@roles_required(*CHAMBER)
def accept_all(assessment_id: int) -> Response:
    found = _assessment_or_404(assessment_id)
    rubric = rubric_of(found)
    card = _scorecard_of(found)
    answered = [key for key in answer_values(db.session, found.id) if card.asked(key)]
    try:
        count = accept_all_not_queried(db.session, service_context(), found, rubric, answered)
    except ServiceError as error:
        db.session.rollback()
        flash(message_for(error.code), "error")
    else:
        flash(ngettext("%(num)d question accepted.", "%(num)d questions accepted.", count), "success")
    return redirect(url_for("review.assessment", assessment_id=found.id))


@bp.route("/<id:assessment_id>/verify", methods=["POST"])
@roles_required(*CHAMBER)
def verify_assessment(assessment_id: int) -> Response:
    found = _assessment_or_404(assessment_id)
    return _attempt(found.id, lambda: verify(db.session, service_context(), found, request.form.get("comment", "")),
                    _("Assessment verified: its scores now count as verified."))


@bp.route("/<id:assessment_id>/return", methods=["POST"])
@roles_required(*CHAMBER)
def return_assessment(assessment_id: int) -> Response:
    found = _assessment_or_404(assessment_id)
    return _attempt(found.id, lambda: return_to_company(db.session, service_context(), found,
                                                        request.form.get("comment", "")),
                    _("Assessment returned to the company with your comments."))
