"""Score cards, plans and rubrics as plain JSON-ready data (both languages, no ORM objects)."""

from __future__ import annotations

from typing import Any

from assessments.plan import ImprovementPlan, PlanAction
from assessments.scoring import LegalGap, ScoreCard
from rubrics.loader import Rubric
from rubrics.schema import Fine, LegalReference, Text


def fines_are_for(fine: Text | Fine) -> str:
    """Decree 12/2022/ND-CP Art. 6(1): the fines of its chapters are an individual's and an
    organisation pays twice. 2026.1's single fine texts are the individual's; the dated fines of
    2026.2 onwards are the organisation's."""
    return "organisation" if isinstance(fine, Fine) else "individual"


def rubric_fines_are_for(rubric: Rubric) -> str:
    return "organisation" if any(i.fines for i in rubric.indicators()) else "individual"


def _text(text: Text | Fine | None) -> dict[str, str] | None:
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
        "quote": _text(ref.quote),
        "source": ref.source,
    }


def _fine_to_dict(fine: Text | Fine | None) -> dict[str, Any] | None:
    if fine is None:
        return None
    verified = not isinstance(fine, Fine) or fine.verified
    return {"vi": fine.vi, "en": fine.en, "verified": verified, "for": fines_are_for(fine)}


def _gap_to_dict(gap: LegalGap) -> dict[str, Any]:
    return {
        "indicator": gap.indicator,
        "code": gap.code,
        "area": gap.area,
        "answer": gap.answer,
        "references": [legal_reference_to_dict(r) for r in gap.references],
        "fine": _fine_to_dict(gap.fine),
    }


def scorecard_to_dict(card: ScoreCard, rubric: Rubric) -> dict[str, Any]:
    bands = {b.key: b for b in [rubric.data.gap_band, *rubric.data.bands]}
    return {
        "rubric": {"key": card.rubric_key, "version": card.rubric_version, "content_hash": card.rubric_hash},
        "date": card.on_date.isoformat(),
        # What the verdict rests on: the law in force on this date; fines are an organisation's.
        "legal_basis": {"law_in_force_on": card.on_date.isoformat(), "fines_for": rubric_fines_are_for(rubric)},
        "percent": _round(card.percent),
        "points": _round(card.points),
        "max_points": _round(card.max_points),
        "band": None if card.band is None else {"key": card.band, "label": _text(bands[card.band].label)},
        "complete": card.complete,
        "missing": list(card.missing),
        "unknowns": list(card.unknowns),
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
        "fine": _fine_to_dict(action.fine),
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
