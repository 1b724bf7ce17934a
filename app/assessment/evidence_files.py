"""Downloading an evidence file attached to an answer."""

from __future__ import annotations

import io

from flask import abort, send_file
from werkzeug.wrappers import Response

from app.access import EVERYONE, roles_required
from app.assessment import bp
from app.assessment.common import get_visible_assessment_or_404
from app.extensions import db
from assessments.models import Assessment, Evidence
from assessments.services.self_assessment import evidence_content

# --- Evidence ----------------------------------------------------------------------------------


def _get_evidence_or_404(assessment: Assessment, evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.assessment_id != assessment.id:
        abort(404)
    return evidence


@bp.route("/<id:assessment_id>/evidence/<id:evidence_id>")
@roles_required(*EVERYONE)
def evidence_download(assessment_id: int, evidence_id: int) -> Response:
    assessment = get_visible_assessment_or_404(assessment_id)
    evidence = _get_evidence_or_404(assessment, evidence_id)
    content = evidence_content(db.session, evidence.id)
    if content is None:
        abort(404)
    response = send_file(io.BytesIO(content), mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
