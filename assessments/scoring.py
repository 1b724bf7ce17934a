"""Score answers against a rubric: pure, deterministic, no database.

    score(rubric, profile, answers, on_date) -> ScoreCard

- An indicator whose `applies_when` (on the organisation profile) is false is not applicable
  and left out of every denominator; so is an answer of "not_applicable" where allowed.
- A follow-up whose `asked_when` (on earlier answers) is false is hidden and scores 0: no
  lactation room means no credit for its quality. Follow-ups only open upward (the loader
  checks), so a better answer never hides one.
- Points are weight x level / the indicator's top level, so all-best answers give 100%.
- Unanswered required indicators make the card incomplete; percentages cover what was
  answered and are never filled in with silent zeros.
- A level-0 answer marked as a legal gap is one only where the law binds: its `legal_when`
  holds for this profile and one of its references is in force on `on_date`.
  Only verified references count: an unverified duty is cited for information, never a gap.
- An answer that says "we do not know" (an `unknown` option) scores 0 and is listed among the
  card's unknowns: a finding to act on, not a breach of the law.
- Any legal gap puts the card in the gap band, whatever its percentage. A card that is not
  complete has no band, and an area with nothing answered has no percentage.
- A date before the rubric's `judges_from` is refused: no law the rubric cites was in force.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from rubrics.loader import Rubric
from rubrics.question_types import QuestionType, question_type
from rubrics.schema import NOT_APPLICABLE, Condition, Fine, LegalReference, Text

Answers = Mapping[str, Any]
Profile = Mapping[str, Any]

# Indicator statuses on a score card
SCORED = "scored"
NOT_APPLICABLE_STATUS = "not_applicable"
HIDDEN = "hidden"
UNANSWERED = "unanswered"
NOTED = "noted"  # an unscored text answer


class IndicatorResult(NamedTuple):
    # A NamedTuple, not a dataclass: a card makes one per indicator, and tuples are built
    # several times faster than frozen dataclasses (scoring runs in bulk for benchmarks).
    key: str
    area: str
    status: str
    level: int | None
    max_level: int
    points: float
    max_points: float
    legal_gap: bool


@dataclass(frozen=True, slots=True)
class LegalGap:
    indicator: str
    code: str
    area: str
    answer: Any
    references: tuple[LegalReference, ...]  # the verified ones in force on the scoring date
    fine: Text | Fine | None  # the fine an organisation risks on that date

    @property
    def fine_verified(self) -> bool:
        return not isinstance(self.fine, Fine) or self.fine.verified


@dataclass(frozen=True, slots=True)
class AreaScore:
    key: str
    points: float
    max_points: float
    answered: int
    applicable: int
    missing: int
    legal_gaps: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.points / self.max_points if self.max_points and self.answered else None


@dataclass(frozen=True)
class ScoreCard:
    rubric_key: str
    rubric_version: str
    rubric_hash: str
    on_date: date
    indicators: tuple[IndicatorResult, ...]
    areas: tuple[AreaScore, ...]
    points: float
    max_points: float
    band: str | None  # None until the card is complete
    legal_gaps: tuple[LegalGap, ...]
    missing: tuple[str, ...]  # required questions still to answer
    unknowns: tuple[str, ...] = ()  # questions answered "we do not know"

    @property
    def percent(self) -> float | None:
        return 100.0 * self.points / self.max_points if self.max_points else None

    @property
    def complete(self) -> bool:
        return not self.missing

    def result(self, indicator_key: str) -> IndicatorResult:
        return next(r for r in self.indicators if r.key == indicator_key)

    def area(self, area_key: str) -> AreaScore:
        return next(a for a in self.areas if a.key == area_key)


class InvalidInput(ValueError):
    """Answers or profile do not fit the rubric. `errors` maps a field path to a reason code."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))


# ---------------------------------------------------------------------------------------------
# Validation


def validate_profile(rubric: Rubric, profile: Profile) -> dict[str, str]:
    errors: dict[str, str] = {}
    fields = {f.key: f for f in rubric.data.profile}
    for key in profile:
        if key not in fields:
            errors[f"profile.{key}"] = "unknown_field"
    for key, spec in fields.items():
        if key not in profile or profile[key] is None:
            errors[f"profile.{key}"] = "required"
            continue
        value = profile[key]
        if spec.type == "boolean":
            if not isinstance(value, bool):
                errors[f"profile.{key}"] = "must_be_boolean"
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[f"profile.{key}"] = "must_be_integer"
        elif (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            errors[f"profile.{key}"] = "out_of_range"
    return errors


def validate_date(rubric: Rubric, on_date: date) -> dict[str, str]:
    """A date before the rubric's `judges_from` has no law the rubric cites in force."""
    judges_from = rubric.data.judges_from
    return {"date": "before_legal_basis"} if judges_from is not None and on_date < judges_from else {}


def validate_answers(rubric: Rubric, answers: Answers) -> dict[str, str]:
    specs = compile_rubric(rubric).by_key
    errors: dict[str, str] = {}
    for key, value in answers.items():
        spec = specs.get(key) if isinstance(key, str) else None
        if spec is None:
            errors[f"answers.{key}"] = "unknown_indicator"
            continue
        problem = _answer_problem(spec, value)
        if problem:
            errors[f"answers.{key}"] = problem
    return errors


def _answer_problem(spec: _Compiled, value: Any) -> str | None:
    if value == NOT_APPLICABLE:
        return None if spec.allow_not_applicable else "not_applicable_not_allowed"
    return spec.kind.answer_problem(spec, value)


# ---------------------------------------------------------------------------------------------
# The rubric compiled for speed: flat tuples and closures instead of model lookups.

Test = Callable[[Mapping[str, Any]], bool]


# The scoring date, seen by conditions next to the profile fields (not a valid profile key).
ON_DATE = "@on_date"


def _compile_condition(condition: Condition, references: Mapping[str, LegalReference]) -> Test:
    if condition.all is not None:
        parts = [_compile_condition(c, references) for c in condition.all]
        return lambda values: all(part(values) for part in parts)
    if condition.any is not None:
        parts = [_compile_condition(c, references) for c in condition.any]
        return lambda values: any(part(values) for part in parts)
    if condition.not_ is not None:
        inner = _compile_condition(condition.not_, references)
        return lambda values: not inner(values)
    if condition.in_force is not None:
        reference = references[condition.in_force]
        return lambda values: reference.in_force_on(values[ON_DATE])
    subject = condition.profile or condition.answer or ""  # the loader requires one of them
    if condition.in_ is not None:
        allowed = frozenset(condition.in_)
        return lambda values: values.get(subject) in allowed
    if condition.eq is not None:
        expected = condition.eq
        return lambda values: values.get(subject) == expected
    if condition.gte is not None:
        bound = condition.gte
        return lambda values: _is_number(values.get(subject)) and values[subject] >= bound
    if condition.gt is not None:
        bound = condition.gt
        return lambda values: _is_number(values.get(subject)) and values[subject] > bound
    below = condition.lt
    if below is None:  # Condition's validator allows exactly one test: lt is the one left
        raise ValueError(f"condition on {subject} has no test")
    return lambda values: _is_number(values.get(subject)) and values[subject] < below


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class _Compiled:
    key: str
    code: str
    area: str
    area_index: int
    kind: QuestionType
    weight: float
    max_level: int
    required: bool
    levels: dict[str, tuple[int, bool]]  # option key -> (level, legal gap)
    thresholds: tuple[tuple[float, int, bool], ...]  # (min, level, legal gap), highest min first
    applies: Test | None
    asked: Test | None
    legal_when: Test | None
    references: tuple[LegalReference, ...]
    fine: Text | None
    fines: tuple[Fine, ...]
    unknown_options: frozenset[str]
    allow_not_applicable: bool
    exclusive: frozenset[str]
    integer: bool
    minimum: float
    maximum: float


class _CompiledRubric(NamedTuple):
    specs: tuple[_Compiled, ...]
    area_keys: tuple[str, ...]
    by_key: dict[str, _Compiled]


@lru_cache(maxsize=64)
def compile_rubric(rubric: Rubric) -> _CompiledRubric:
    compiled = []
    refs = rubric.data.legal_references
    for area_index, area in enumerate(rubric.areas):
        for ind in area.indicators:
            kind = question_type(ind.type)
            levels = {o.key: (o.level, o.legal_gap) for o in ind.options}
            thresholds = tuple(sorted(((t.min, t.level, t.legal_gap) for t in ind.thresholds), reverse=True))
            max_level = max(kind.levels(ind), default=0)
            compiled.append(_Compiled(
                key=ind.key, code=ind.code, area=area.key, area_index=area_index, kind=kind, weight=ind.weight,
                max_level=max_level, required=ind.required, levels=levels, thresholds=thresholds,
                applies=_compile_condition(ind.applies_when, refs) if ind.applies_when else None,
                asked=_compile_condition(ind.asked_when, refs) if ind.asked_when else None,
                legal_when=_compile_condition(ind.legal_when, refs) if ind.legal_when else None,
                references=tuple(refs[ref] for ref in ind.legal),
                fine=ind.fine, fines=tuple(ind.fines),
                unknown_options=frozenset(o.key for o in ind.options if o.unknown),
                allow_not_applicable=ind.allow_not_applicable,
                exclusive=frozenset(o.key for o in ind.options if o.exclusive), integer=ind.integer,
                minimum=ind.minimum if ind.minimum is not None else -math.inf,
                maximum=ind.maximum if ind.maximum is not None else math.inf,
            ))
    return _CompiledRubric(tuple(compiled), tuple(area.key for area in rubric.areas),
                           {spec.key: spec for spec in compiled})


# ---------------------------------------------------------------------------------------------
# Scoring


def score(rubric: Rubric, profile: Profile, answers: Answers, on_date: date) -> ScoreCard:
    """Score `answers` for an organisation with this `profile`, under the law in force on `on_date`."""
    specs, area_keys, by_key = compile_rubric(rubric)
    errors = validate_profile(rubric, profile) | validate_date(rubric, on_date)
    dated_profile = {**profile, ON_DATE: on_date}
    if not by_key.keys() >= answers.keys():
        errors |= {f"answers.{k}": "unknown_indicator" for k in answers if k not in by_key}
    area_count = len(area_keys)
    area_points = [0.0] * area_count
    area_max = [0.0] * area_count
    area_answered = [0] * area_count
    area_applicable = [0] * area_count
    area_missing = [0] * area_count
    area_gaps = [0] * area_count
    results: list[IndicatorResult] = []
    gaps: list[LegalGap] = []
    missing: list[str] = []
    unknowns: list[str] = []

    # tuple.__new__ skips NamedTuple's Python-level __new__: a measurable share of the time.
    new = tuple.__new__
    R = IndicatorResult
    add = results.append
    for spec in specs:
        a = spec.area_index
        value = answers.get(spec.key)
        # Validated in the same pass (also answers to hidden questions, which are kept); the
        # common case, a valid option key, is checked inline.
        if value is not None and not (value.__class__ is str and value in spec.levels) and (
            problem := _answer_problem(spec, value)
        ):
            errors[f"answers.{spec.key}"] = problem
            continue
        if spec.applies is not None and not spec.applies(dated_profile):
            add(new(R, (spec.key, spec.area, NOT_APPLICABLE_STATUS, None, spec.max_level, 0.0, 0.0, False)))
            continue
        area_applicable[a] += 1
        if spec.asked is not None and not spec.asked(answers):
            area_max[a] += spec.weight
            add(new(R, (spec.key, spec.area, HIDDEN, 0, spec.max_level, 0.0, spec.weight, False)))
            continue
        if value is None:
            if spec.required and spec.weight:
                missing.append(spec.key)
                area_missing[a] += 1
            add(new(R, (spec.key, spec.area, UNANSWERED, None, spec.max_level, 0.0, 0.0, False)))
            continue
        if value == NOT_APPLICABLE:
            area_applicable[a] -= 1
            add(new(R, (spec.key, spec.area, NOT_APPLICABLE_STATUS, None, spec.max_level, 0.0, 0.0, False)))
            continue
        if not spec.weight:
            add(new(R, (spec.key, spec.area, NOTED, None, 0, 0.0, 0.0, False)))
            continue
        level, marked_gap = spec.levels[value] if value.__class__ is str else spec.kind.level(spec, value)
        is_gap = False
        if marked_gap and (spec.legal_when is None or spec.legal_when(dated_profile)):
            in_force = tuple(ref for ref in spec.references if ref.verified and ref.in_force_on(on_date))
            if in_force:
                is_gap = True
                area_gaps[a] += 1
                gaps.append(LegalGap(spec.key, spec.code, spec.area, value, in_force, _fine_on(spec, on_date)))
        elif value.__class__ is str and value in spec.unknown_options:
            unknowns.append(spec.key)
        points = spec.weight * level / spec.max_level
        area_points[a] += points
        area_max[a] += spec.weight
        area_answered[a] += 1
        add(new(R, (spec.key, spec.area, SCORED, level, spec.max_level, points, spec.weight, is_gap)))

    if errors:
        raise InvalidInput(errors)
    areas = tuple(
        AreaScore(area_keys[i], area_points[i], area_max[i], area_answered[i], area_applicable[i],
                  area_missing[i], area_gaps[i])
        for i in range(area_count)
    )
    total_points, total_max = sum(area_points), sum(area_max)
    return ScoreCard(
        rubric_key=rubric.key, rubric_version=rubric.version, rubric_hash=rubric.content_hash, on_date=on_date,
        indicators=tuple(results), areas=areas, points=total_points, max_points=total_max,
        band=None if missing else band_for(rubric, total_points, total_max, bool(gaps)),
        legal_gaps=tuple(gaps), missing=tuple(missing), unknowns=tuple(unknowns),
    )


def _fine_on(spec: _Compiled, on_date: date) -> Text | Fine | None:
    if not spec.fines:
        return spec.fine
    return next((fine for fine in spec.fines if fine.in_force_on(on_date)), None)


def binding_duties(rubric: Rubric, profile: Profile, on_date: date) -> frozenset[str]:
    """The indicators whose law binds this organisation on this date: `legal_when` holds for the
    profile and a verified reference is in force. Answering one of them with a legal-gap option
    is a legal gap (the same rule `score` applies; a form can warn before the answer is saved)."""
    specs = compile_rubric(rubric).specs
    dated = {**profile, ON_DATE: on_date}
    return frozenset(spec.key for spec in specs
                     if any(ref.verified and ref.in_force_on(on_date) for ref in spec.references)
                     and (spec.legal_when is None or spec.legal_when(dated)))


def band_for(rubric: Rubric, points: float, max_points: float, has_gap: bool) -> str:
    if has_gap:
        return rubric.data.gap_band.key
    percent = 100.0 * points / max_points if max_points else 0.0
    band = rubric.data.bands[0].key
    for candidate in rubric.data.bands:
        if percent + 1e-9 >= candidate.min_percent:
            band = candidate.key
    return band


def band_order(rubric: Rubric) -> list[str]:
    """Bands from lowest to highest, the gap band first."""
    return [rubric.data.gap_band.key, *(b.key for b in rubric.data.bands)]
