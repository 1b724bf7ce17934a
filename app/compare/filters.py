"""The comparison filters from a query string, for the web pages and the API alike: the pages
ignore a value they do not know, the API answers 400 naming it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.rubric_in_use import latest_rubric
from assessments.models import AssessmentStatus, Role
from assessments.provinces import PROVINCES_BY_CODE
from assessments.sectors import SECTORS_BY_CODE
from assessments.services.compare import SIZE_BANDS, Filters


def filters_from_query(args: Mapping[str, str], user: Any) -> tuple[Filters, dict[str, str]]:
    """The filters, and a problem code per parameter that held an unknown value. HR users are
    always limited to their own organisation, whatever the query says."""
    rubric = latest_rubric()
    allowed = {
        "province": set(PROVINCES_BY_CODE), "sector": set(SECTORS_BY_CODE), "size": set(SIZE_BANDS),
        "status": {AssessmentStatus.SUBMITTED.value, AssessmentStatus.VERIFIED.value},
        "band": {b.key for b in [rubric.data.gap_band, *rubric.data.bands]},
    }
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, choices in allowed.items():
        value = args.get(name, "")
        if value and value not in choices:
            problems[name] = "unknown_value"
        values[name] = value if value in choices else ""
    cycle = args.get("cycle", "")
    if cycle and not (cycle.isdigit() and 2000 <= int(cycle) <= 2100):
        problems["cycle"] = "not_a_year"
    return Filters(**values, cycle=int(cycle) if cycle and "cycle" not in problems else None,
                   organisation_id=user.organisation_id if user.role == Role.HR else None), problems
