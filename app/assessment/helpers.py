"""Template helpers for the assessment pages (labels in the user's language).

Owner roles and time frames are named by the report's word list, so a page and
the PDF plan always call a thing the same."""

from __future__ import annotations

from typing import Any

from app.assessment import bp
from app.assessment.forms import PLAN_STATUSES
from app.labels import current_language
from assessments.report.words import OWNER_NAMES, TIME_FRAMES, answer_text, name_of


@bp.context_processor
def assessment_helpers() -> dict[str, Any]:
    return {
        "answer_text": answer_text,
        "owner_name": lambda key: name_of(OWNER_NAMES, key, current_language()),
        "time_frame_name": lambda key: name_of(TIME_FRAMES, key, current_language()),
        "plan_status_name": lambda key: str(PLAN_STATUSES.get(key, key)),
    }
