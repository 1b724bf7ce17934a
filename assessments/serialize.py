"""Score cards, plans and rubrics as plain JSON-ready data (both languages, no ORM objects)."""

from __future__ import annotations

from typing import Any

from assessments.plan import ImprovementPlan, PlanAction
from assessments.scoring import LegalGap, ScoreCard
from rubrics.loader import Rubric
from rubrics.schema import LegalReference, Text


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"vi": text.vi, "en": text.en}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def legal_reference_to_dict(ref: LegalReference) -> dict[str, Any]:
    return {
        "instrument": _text(ref.instrument),
        "article": ref.article,
        "clause": ref.clause or None,
        "effective_from": ref.effective_from.isoformat(),
        "effective_to": ref.effective_to.isoformat() if ref.effective_to else None,
        "summary": _text(ref.summary),
    }


def _gap_to_dict(gap: LegalGap) -> dict[str, Any]:
    return {
        "indicator": gap.indicator,
        "code": gap.code,
        "area": gap.area,
        "answer": gap.answer,
        "references": [legal_reference_to_dict(r) for r in gap.references],
        "fine": _text(gap.fine),
    }


def scorecard_to_dict(card: ScoreCard, rubric: Rubric) -> dict[str, Any]:
    bands = {b.key: b for b in [rubric.data.gap_band, *rubric.data.bands]}
    return {
        "rubric": {"key": card.rubric_key, "version": card.rubric_version, "content_hash": card.rubric_hash},
        "date": card.on_date.isoformat(),
        "percent": _round(card.percent),
        "points": _round(card.points),
        "max_points": _round(card.max_points),
        "band": {"key": card.band, "label": _text(bands[card.band].label)},
        "complete": card.complete,
        "missing": list(card.missing),
        "legal_gaps": [_gap_to_dict(g) for g in card.legal_gaps],
        "areas": [
            {
                "key": a.key, "percent": _round(a.percent), "points": _round(a.points),
                "max_points": _round(a.max_points), "answered": a.answered, "applicable": a.applicable,
                "missing": a.missing, "legal_gaps": a.legal_gaps,
            }
            for a in card.areas
        ],
        "indicators": [
            {
                "key": r.key, "area": r.area, "status": r.status, "level": r.level, "max_level": r.max_level,
                "points": _round(r.points), "max_points": _round(r.max_points), "legal_gap": r.legal_gap,
            }
            for r in card.indicators
        ],
    }


def _action_to_dict(action: PlanAction) -> dict[str, Any]:
    return {
        "priority": action.priority,
        "kind": action.kind,
        "indicator": action.indicator,
        "code": action.code,
        "area": action.area,
        "from_level": action.from_level,
        "to_level": action.to_level,
        "text": _text(action.text),
        "owner": action.owner,
        "time_frame": action.time_frame,
        "effort": action.effort,
        "evidence": _text(action.evidence),
        "why": _text(action.why),
        "references": [legal_reference_to_dict(r) for r in action.references],
        "fine": _text(action.fine),
        "expected_gain": _round(action.expected_gain),
    }


def plan_to_dict(plan: ImprovementPlan) -> dict[str, Any]:
    return {"actions": [_action_to_dict(a) for a in plan.actions]}


def rubric_summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "key": rubric.key,
        "version": rubric.version,
        "content_hash": rubric.content_hash,
        "published": rubric.data.published.isoformat(),
        "title": _text(rubric.data.title),
        "indicators": sum(1 for _ in rubric.indicators()),
    }


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    return {**rubric.data.model_dump(mode="json", by_alias=True, exclude_none=True),
            "content_hash": rubric.content_hash}
