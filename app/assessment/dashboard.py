"""The HR officer's assessments list and starting this year's assessment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import EVERYONE, roles_required
from app.assessment import bp
from app.assessment.common import rubric_of
from app.assessment.forms import StartForm
from app.extensions import db
from app.requests import service_context
from app.rubric_in_use import latest_rubric
from app.service_errors import message_for
from assessments.db import today_in_viet_nam
from assessments.models import (
    EDITABLE_STATUSES,
    WITHOUT_STORED_RESULT,
    Assessment,
    AssessmentStatus,
    Organisation,
    PlanItem,
    Role,
)
from assessments.services import ServiceError
from assessments.services.reviews import notices_of
from assessments.services.self_assessment import current_card, progress, start_assessment
from assessments.services.teams import assigned_to

# --- Dashboard and start -----------------------------------------------------------------------


@bp.route("/")
@roles_required(*EVERYONE)
def index() -> str:
    query = select(Assessment).options(WITHOUT_STORED_RESULT).order_by(Assessment.cycle.desc(), Assessment.id.desc())
    if current_user.role == Role.HR:
        query = query.where(Assessment.organisation_id == current_user.organisation_id)
    else:
        query = query.where(Assessment.status != AssessmentStatus.DRAFT).limit(200)
    assessments = db.session.scalars(query).all()
    this_year = today_in_viet_nam().year
    has_this_year = any(a.cycle == this_year for a in assessments if current_user.role == Role.HR)
    # An HR officer's list is all of the company's assessments: the notices and this year's come from it.
    notices = notices_of(db.session, assessments) if current_user.role == Role.HR else []
    return render_template("assessment/index.html", assessments=assessments, this_year=this_year,
                           has_this_year=has_this_year, start_form=StartForm(), progress_of=_progress_of,
                           notices=notices, **hr_overview(assessments if current_user.role == Role.HR else None))


def hr_overview(company_assessments: Sequence[Assessment] | None = None) -> dict[str, Any]:
    """What an HR officer acts on next, on the dashboard and the assessments page: this year's
    assessment while it is open (to continue), and the plan actions past their due date.
    `company_assessments`: all of the company's, when the page has read them already."""
    if current_user.role != Role.HR:
        return {"current": None, "overdue": [], "mine": []}
    today = today_in_viet_nam()
    if company_assessments is None:
        current = db.session.scalar(select(Assessment).options(WITHOUT_STORED_RESULT).where(
            Assessment.organisation_id == current_user.organisation_id, Assessment.cycle == today.year,
            Assessment.status.in_(EDITABLE_STATUSES)))
    else:
        current = next((a for a in company_assessments if a.cycle == today.year and a.status in EDITABLE_STATUSES),
                       None)
    overdue = db.session.scalars(
        select(PlanItem).join(Assessment, Assessment.id == PlanItem.assessment_id)
        .where(Assessment.organisation_id == current_user.organisation_id, PlanItem.status != "done",
               PlanItem.due_date < today).order_by(PlanItem.due_date)).all()
    mine = []
    if current is not None:
        rubric = rubric_of(current)
        assigned = {a.area_key for a in assigned_to(db.session, current_user._get_current_object())
                    if a.assessment_id == current.id}
        mine = [area for area in rubric.areas if area.key in assigned]  # in the questionnaire's order
    return {"current": current, "overdue": overdue, "mine": mine}


def _progress_of(assessment: Assessment) -> int | None:
    if not assessment.editable:
        return 100  # submitted means complete: no need to load and score its answers
    try:
        return progress(current_card(assessment, rubric_of(assessment), today_in_viet_nam()))[""].percent
    except ServiceError:
        return 0


@bp.route("/start", methods=["POST"])
@roles_required(Role.HR)
def start() -> Response:
    form = StartForm()
    organisation = db.session.get(Organisation, current_user.organisation_id)
    if organisation is None:  # an HR account always has one (a database constraint)
        abort(404)
    cycle = today_in_viet_nam().year
    previous = db.session.scalar(select(Assessment).where(Assessment.organisation_id == organisation.id,
                                                          Assessment.cycle < cycle)
                                 .order_by(Assessment.cycle.desc()))
    copy_from = previous if form.validate_on_submit() and form.copy_forward.data else None
    try:
        assessment = start_assessment(db.session, service_context(), organisation, cycle,
                                      latest_rubric(), copy_from)
    except ServiceError as error:
        flash(message_for(error.code), "error")
        return redirect(url_for("assessment.index"))
    return redirect(url_for("assessment.profile", assessment_id=assessment.id))
