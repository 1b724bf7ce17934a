"""Turn a score card into an ordered improvement plan: pure, all text from the rubric.

Order: every legal gap first (must do, citing the article in force), the gravest first:
children's safety (child labour, pregnant and nursing workers' safety), then health, then pay
and leave, then records, and questionnaire order within a severity; then every "we do not know"
answer on a legal duty, in the same order (find out: a finding, not a breach); then, area by
area, the steps with the best score gain per unit of effort until the area reaches its next
band, merged and sorted by gain per effort.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assessments.scoring import SCORED, IndicatorResult, ScoreCard
from rubrics.loader import Rubric
from rubrics.schema import Action, Fine, Indicator, LegalReference, Text

LEGAL = "legal"
CHECK = "check"  # find out whether a legal duty is met
NEXT_STEP = "next_step"
# Legal gaps and checks in this order; an indicator without a severity (2026.1) sorts with
# pay and leave, so a rubric that declares none keeps questionnaire order.
SEVERITY_ORDER = {"child_safety": 0, "health": 1, "pay_and_leave": 2, None: 2, "records": 3}


@dataclass(frozen=True, slots=True)
class PlanAction:
    priority: int  # 1 = first
    kind: str  # LEGAL or NEXT_STEP
    indicator: str
    code: str
    area: str
    from_level: int
    to_level: int
    text: Text
    owner: str
    time_frame: str
    effort: int
    evidence: Text
    why: Text
    references: tuple[LegalReference, ...]
    fine: Text | Fine | None
    expected_gain: float  # percentage points of the overall score


@dataclass(frozen=True)
class ImprovementPlan:
    rubric_key: str
    rubric_version: str
    actions: tuple[PlanAction, ...]

    @property
    def legal_actions(self) -> tuple[PlanAction, ...]:
        return tuple(a for a in self.actions if a.kind == LEGAL)


def _action_to(indicator: Indicator, level: int) -> Action:
    return next(a for a in indicator.actions if a.to_level == level)


def _as_check(planned: PlanAction, indicator: Indicator, rubric: Rubric, card: ScoreCard) -> PlanAction:
    """The step for a "we do not know" answer (one per indicator, the loader checks): find out,
    citing the verified duties in force that the answer leaves open."""
    option = next(o for o in indicator.options if o.unknown)
    references = tuple(ref for key in indicator.legal
                       if (ref := rubric.data.legal_references[key]).verified and ref.in_force_on(card.on_date))
    return replace(planned, kind=CHECK, text=option.check or planned.text, references=references)


def _gain(result: IndicatorResult, card: ScoreCard) -> float:
    """Overall percentage points won by moving this indicator up one level."""
    if not card.max_points:
        return 0.0
    return 100.0 * (result.max_points / result.max_level) / card.max_points


def _next_threshold(rubric: Rubric, percent: float) -> float:
    for band in rubric.data.bands:
        if band.min_percent > percent + 1e-9:
            return band.min_percent
    return 100.0


def build_plan(rubric: Rubric, card: ScoreCard) -> ImprovementPlan:
    if (card.rubric_key, card.rubric_version, card.rubric_hash) != (rubric.key, rubric.version,
                                                                      rubric.content_hash):
        raise ValueError("the score card was made with another rubric")
    gaps = {gap.indicator: gap for gap in card.legal_gaps}
    unknowns = set(card.unknowns)
    legal: list[PlanAction] = []
    checks: list[PlanAction] = []
    candidates_by_area: dict[str, list[PlanAction]] = {}

    for result in card.indicators:
        if result.status != SCORED or result.level is None or result.level >= result.max_level:
            continue
        indicator = rubric.indicator(result.key)
        action = _action_to(indicator, result.level + 1)
        gap = gaps.get(result.key)
        planned = PlanAction(
            priority=0, kind=LEGAL if gap else NEXT_STEP, indicator=result.key, code=indicator.code,
            area=result.area, from_level=result.level, to_level=result.level + 1, text=action.text,
            owner=action.owner, time_frame=action.time_frame, effort=action.effort, evidence=indicator.evidence,
            why=indicator.why, references=gap.references if gap else (), fine=gap.fine if gap else None,
            expected_gain=_gain(result, card),
        )
        if gap:
            legal.append(planned)
        elif result.key in unknowns:
            checks.append(_as_check(planned, indicator, rubric, card))
        else:
            candidates_by_area.setdefault(result.area, []).append(planned)

    next_steps: list[PlanAction] = []
    for area in card.areas:
        candidates = sorted(candidates_by_area.get(area.key, []),
                            key=lambda a: (-a.expected_gain / a.effort, a.code))
        if not candidates or area.percent is None:
            continue
        target = _next_threshold(rubric, area.percent)
        points = area.points
        for step in candidates:
            next_steps.append(step)
            points += step.expected_gain * card.max_points / 100.0
            if 100.0 * points / area.max_points + 1e-9 >= target:
                break

    next_steps.sort(key=lambda a: (-a.expected_gain / a.effort, a.code))

    def gravest_first(action: PlanAction) -> int:
        return SEVERITY_ORDER[rubric.indicator(action.indicator).severity]

    # sorted() is stable: within a severity, questionnaire order stays.
    ordered = [*sorted(legal, key=gravest_first), *sorted(checks, key=gravest_first), *next_steps]
    numbered = tuple(replace(action, priority=i) for i, action in enumerate(ordered, start=1))
    return ImprovementPlan(rubric.key, rubric.version, numbered)
