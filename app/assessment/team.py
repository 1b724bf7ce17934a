"""The HR team of an assessment: who answers which area (assessments.services.teams)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import roles_required
from app.assessment import bp
from app.assessment.common import get_own_assessment_or_404, rubric_of
from app.extensions import db
from app.requests import service_context
from app.routing import parse_id
from app.service_errors import flash_outcome, message_for
from assessments.models import Role
from assessments.services.teams import assign_areas


@bp.route("/<id:assessment_id>/team", methods=["POST"])
@roles_required(Role.HR)
def assign_team(assessment_id: int) -> Response:
    assessment = get_own_assessment_or_404(assessment_id)
    rubric = rubric_of(assessment)
    wanted: dict[str, int | None] = {}
    for area in rubric.areas:
        raw = request.form.get(f"area-{area.key}")
        if raw is not None:
            wanted[area.key] = parse_id(raw) if raw else None
            if raw and wanted[area.key] is None:  # not an id at all: refused, not read as "nobody"
                flash(message_for("not_a_colleague"), "error")
                return redirect(url_for("assessment.review", assessment_id=assessment.id) + "#team")
    flash_outcome(lambda: assign_areas(db.session, service_context(), assessment, rubric, wanted),
                  lambda _done: _("Saved: each colleague sees the parts assigned to them on their dashboard."))
    return redirect(url_for("assessment.review", assessment_id=assessment.id) + "#team")
