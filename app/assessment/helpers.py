"""Template helpers for the assessment pages (labels in the user's language). Owner roles and
time frames come with the report data the results page draws, so it and the PDF say the same."""

from __future__ import annotations

from typing import Any

from app.assessment import bp
from app.assessment.forms import PLAN_STATUSES
from assessments.report.words import answer_text


@bp.context_processor
def assessment_helpers() -> dict[str, Any]:
    return {
        "answer_text": answer_text,
        "plan_status_name": lambda key: str(PLAN_STATUSES.get(key, key)),
    }
