"""Rubrics as plain JSON-ready data for the API (a result's own shape is in `assessments/result.py`)."""

from __future__ import annotations

from typing import Any

from assessments.result import text_to_dict
from rubrics.loader import Rubric


def rubric_summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "key": rubric.key,
        "version": rubric.version,
        "content_hash": rubric.content_hash,
        "published": rubric.data.published.isoformat(),
        "title": text_to_dict(rubric.data.title),
        "indicators": sum(1 for _ in rubric.indicators()),
    }


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    return {**rubric.data.model_dump(mode="json", by_alias=True, exclude_none=True),
            "content_hash": rubric.content_hash}
