"""Template helpers for the assessment pages (labels in the user's language)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.assessment import bp
from app.assessment.forms import PLAN_STATUSES
from rubrics.schema import NOT_APPLICABLE, Indicator

STATUS_NAMES = {"draft": _l("Draft"), "submitted": _l("Submitted"), "returned": _l("Returned for changes"),
                "verified": _l("Verified")}
OWNER_NAMES = {"management": _l("Management"), "hr": _l("HR"), "hr_and_union": _l("HR and trade union"),
               "health_safety": _l("Health and safety"), "production": _l("Production"), "finance": _l("Finance")}
TIME_FRAMES = {"1_month": _l("within 1 month"), "3_months": _l("within 3 months"), "6_months": _l("within 6 months"),
               "12_months": _l("within 12 months")}


def answer_text(indicator: Indicator, value: Any, lang: str) -> str:
    if value == NOT_APPLICABLE:
        return str(_l("Not applicable"))
    labels = {o.key: o.label.get(lang) for o in indicator.options}
    if indicator.type == "multi_choice" and isinstance(value, list):
        return "; ".join(labels.get(v, str(v)) for v in value)
    if indicator.type in ("single_choice", "yes_no"):
        return labels.get(value, str(value))
    if indicator.type == "number":
        unit = indicator.unit.get(lang) if indicator.unit else ""
        return f"{value} {unit}".strip()
    return str(value)


@bp.context_processor
def assessment_helpers() -> dict[str, Any]:
    return {
        "answer_text": answer_text,
        "status_name": lambda key: str(STATUS_NAMES.get(key, key)),
        "owner_name": lambda key: str(OWNER_NAMES.get(key, key)),
        "time_frame_name": lambda key: str(TIME_FRAMES.get(key, key)),
        "plan_status_name": lambda key: str(PLAN_STATUSES.get(key, key)),
    }
