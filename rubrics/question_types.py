"""Question types: everything the rubric, the engine and the reports know about one kind of
question, one class each (in the spirit of indico's survey fields).

A type says how a rubric declares it (what the loader checks), which answers it accepts, what
level an answer reaches, how an answer reads in each language, what a plausible answer looks
like (tests, demos, benchmarks) and the JSON Schema of its answer (the API's document). Its web
half (form field, HTML) is `app/assessment/question_widgets.py`, under the same name; a test
checks that both halves exist for every type and that no other module switches on type names.

Plain Python: no Flask, no database. "Not applicable" is no type's business: where a rubric
allows it, the engine, the pages and the API accept it for any type.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

if TYPE_CHECKING:
    from rubrics.schema import Condition, Indicator

MAX_TEXT_LENGTH = 2000


class CompiledAnswers(Protocol):
    """What the engine compiles of an indicator for checking and levelling answers fast."""

    @property
    def levels(self) -> dict[str, tuple[int, bool]]: ...  # option key -> (level, legal gap)

    @property
    def thresholds(self) -> tuple[tuple[float, int, bool], ...]: ...  # (min, level, gap), highest min first

    @property
    def exclusive(self) -> frozenset[str]: ...

    @property
    def integer(self) -> bool: ...

    @property
    def minimum(self) -> float: ...

    @property
    def maximum(self) -> float: ...


def _pick_level(levels: list[int], quality: float, rng: random.Random) -> int:
    """A level near `quality` (0 worst, 1 best) of the top one, with some spread."""
    top = max(levels)
    wanted = round(min(1.0, max(0.0, rng.gauss(quality, 0.25))) * top)
    return min(levels, key=lambda level: (abs(level - wanted), level))


def _choice_problems(indicator: Indicator) -> list[str]:
    problems = []
    if len(indicator.options) < 2:
        problems.append("a choice needs at least two options")
    if indicator.thresholds:
        problems.append("a choice has options, not thresholds")
    return problems


class QuestionType:
    """The pure half of a question type. Subclasses set `name` and override what differs."""

    name: ClassVar[str]
    scored: ClassVar[bool] = True  # False: an answer is kept and shown, never scored
    allows_exclusive: ClassVar[bool] = False  # options that stand alone ("none of these")

    # --- The rubric file -------------------------------------------------------------------
    def definition_problems(self, indicator: Indicator) -> list[str]:
        """What is wrong with how `indicator` declares this type (the loader adds the indicator)."""
        return []

    def levels(self, indicator: Indicator) -> list[int]:
        """Every level an answer can reach (for the top level and the improvement actions)."""
        return [o.level for o in indicator.options] + [t.level for t in indicator.thresholds]

    def follow_up_problems(self, test: Condition, parent: Indicator) -> list[str]:
        """What is wrong with `test`, an asked_when test on an answer of `parent` (of this type)."""
        return [f"asked_when cannot look at {parent.key}: a {self.name} question opens no follow-up"]

    # --- The engine ------------------------------------------------------------------------
    def answer_problem(self, spec: CompiledAnswers, value: Any) -> str | None:
        """Why `value` is not an answer of this question, as a reason code; None if it is."""
        raise NotImplementedError

    def level(self, spec: CompiledAnswers, value: Any) -> tuple[int, bool]:
        """The level a valid answer reaches, and whether the rubric marks it below the law."""
        raise NotImplementedError

    # --- Words -----------------------------------------------------------------------------
    def answer_text(self, indicator: Indicator, value: Any, lang: str) -> str:
        """An answer as a person reads it in `lang` ("vi" or "en")."""
        return str(value)

    # --- Generated answers -----------------------------------------------------------------
    def random_answer(self, indicator: Indicator, quality: float, rng: random.Random) -> Any:
        """A plausible answer, better with `quality` (0 to 1); None for no answer."""
        raise NotImplementedError

    def best_answer(self, indicator: Indicator) -> Any:
        """The answer at the top level; None where there is nothing to score."""
        return None

    # --- The API -----------------------------------------------------------------------------
    def json_schema(self, indicator: Indicator) -> dict[str, Any]:
        """The JSON Schema of an answer (the OpenAPI document's score request)."""
        raise NotImplementedError


class SingleChoice(QuestionType):
    name = "single_choice"

    def definition_problems(self, indicator: Indicator) -> list[str]:
        return _choice_problems(indicator)

    def follow_up_problems(self, test: Condition, parent: Indicator) -> list[str]:
        # A follow-up must stay open when its parent's answer improves; otherwise a better answer
        # could hide a follow-up and lower the score.
        if test.in_ is None:
            return [f"asked_when on {parent.key} must use in: [option keys] of a single choice"]
        levels = {o.key: o.level for o in parent.options}
        unknown = [key for key in test.in_ if key not in levels]
        if unknown:
            return [f"asked_when names unknown options {unknown} of {parent.key}"]
        lowest = min(levels[key] for key in test.in_)
        missing = [o.key for o in parent.options if o.level >= lowest and o.key not in test.in_]
        if missing:
            return [f"asked_when on {parent.key} must also open for the better answers {missing}"]
        return []

    def answer_problem(self, spec: CompiledAnswers, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must_be_option_key"
        return None if value in spec.levels else "unknown_option"

    def level(self, spec: CompiledAnswers, value: Any) -> tuple[int, bool]:
        return spec.levels[value]

    def answer_text(self, indicator: Indicator, value: Any, lang: str) -> str:
        return next((o.label.get(lang) for o in indicator.options if o.key == value), str(value))

    def random_answer(self, indicator: Indicator, quality: float, rng: random.Random) -> Any:
        level = _pick_level([o.level for o in indicator.options], quality, rng)
        return rng.choice([o.key for o in indicator.options if o.level == level])

    def best_answer(self, indicator: Indicator) -> Any:
        return max(indicator.options, key=lambda o: o.level).key

    def json_schema(self, indicator: Indicator) -> dict[str, Any]:
        return {"enum": [o.key for o in indicator.options]}


class YesNo(SingleChoice):
    name = "yes_no"

    def definition_problems(self, indicator: Indicator) -> list[str]:
        problems = _choice_problems(indicator)
        if {o.key for o in indicator.options} != {"yes", "no"}:
            problems.append("a yes/no question has exactly the options yes and no")
        return problems


class MultiChoice(QuestionType):
    """Several options at once; the best one chosen counts. An exclusive option ("none of
    these") stands alone."""

    name = "multi_choice"
    allows_exclusive = True

    def definition_problems(self, indicator: Indicator) -> list[str]:
        return _choice_problems(indicator)

    def answer_problem(self, spec: CompiledAnswers, value: Any) -> str | None:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            return "must_be_list_of_option_keys"
        if any(v not in spec.levels for v in value):
            return "unknown_option"
        if len(set(value)) != len(value):
            return "duplicate_option"
        if len(value) > 1 and any(v in spec.exclusive for v in value):
            return "exclusive_option_combined"
        return None

    def level(self, spec: CompiledAnswers, value: Any) -> tuple[int, bool]:
        chosen = [spec.levels[v] for v in value]
        best = max(level for level, _ in chosen)
        return best, best == 0 and any(gap for _, gap in chosen)

    def answer_text(self, indicator: Indicator, value: Any, lang: str) -> str:
        labels = {o.key: o.label.get(lang) for o in indicator.options}
        return "; ".join(labels.get(v, str(v)) for v in value) if isinstance(value, list) else str(value)

    def random_answer(self, indicator: Indicator, quality: float, rng: random.Random) -> Any:
        level = _pick_level([o.level for o in indicator.options], quality, rng)
        at_or_below = [o.key for o in indicator.options if o.level <= level and not o.exclusive and o.level > 0]
        if level == 0 or not at_or_below:
            return [next(o.key for o in indicator.options if o.level == 0)]
        best = rng.choice([o.key for o in indicator.options if o.level == level])
        extra = rng.sample(at_or_below, k=min(len(at_or_below), rng.randint(0, 2)))
        return sorted({best, *extra})

    def best_answer(self, indicator: Indicator) -> Any:
        return [max(indicator.options, key=lambda o: o.level).key]

    def json_schema(self, indicator: Indicator) -> dict[str, Any]:
        options = [o.key for o in indicator.options]
        exclusive = [o.key for o in indicator.options if o.exclusive]
        schema: dict[str, Any] = {"type": "array", "items": {"enum": options}, "minItems": 1, "uniqueItems": True}
        if exclusive:  # an exclusive option ("none of these") stands alone
            schema["anyOf"] = [{"maxItems": 1}, {"not": {"contains": {"enum": exclusive}}}]
        return schema


class Number(QuestionType):
    """A number between the indicator's bounds; the highest threshold it reaches gives the level."""

    name = "number"

    def definition_problems(self, indicator: Indicator) -> list[str]:
        problems = []
        mins = [t.min for t in indicator.thresholds]
        if not mins or mins != sorted(set(mins)):
            problems.append("a number needs thresholds with rising min values")
        if indicator.options:
            problems.append("a number has thresholds, not options")
        if indicator.minimum is None or indicator.maximum is None or indicator.minimum > indicator.maximum:
            problems.append("a number needs minimum <= maximum")
        elif mins and mins[0] > indicator.minimum:
            problems.append("the first threshold must cover the minimum value")
        return problems

    def follow_up_problems(self, test: Condition, parent: Indicator) -> list[str]:
        if test.gte is None and test.gt is None:
            return [f"asked_when on number {parent.key} must use gte or gt"]
        return []

    def answer_problem(self, spec: CompiledAnswers, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must_be_number"
        # Only floats can be infinite or NaN; a JSON integer of any length is an int, which
        # math.isfinite would try to turn into a float (and overflow past 10**308).
        if isinstance(value, float) and not math.isfinite(value):
            return "must_be_number"
        if spec.integer and value != int(value):
            return "must_be_whole_number"
        if not spec.minimum <= value <= spec.maximum:
            return "out_of_range"
        return None

    def level(self, spec: CompiledAnswers, value: Any) -> tuple[int, bool]:
        for minimum, level, gap in spec.thresholds:
            if value >= minimum:
                return level, gap
        return 0, False  # below every threshold: answer_problem refuses it first

    def answer_text(self, indicator: Indicator, value: Any, lang: str) -> str:
        unit = indicator.unit.get(lang) if indicator.unit else ""
        return f"{value} {unit}".strip()

    def random_answer(self, indicator: Indicator, quality: float, rng: random.Random) -> Any:
        level = _pick_level([t.level for t in indicator.thresholds], quality, rng)
        lows = sorted(t.min for t in indicator.thresholds if t.level == level)
        highs = [t.min for t in indicator.thresholds if t.min > lows[0]]
        low = lows[0]
        high = min(highs) if highs else indicator.maximum if indicator.maximum is not None else low
        value = rng.uniform(low, high if high > low else low)
        return int(value) if indicator.integer else round(value, 1)

    def best_answer(self, indicator: Indicator) -> Any:
        return indicator.maximum

    def json_schema(self, indicator: Indicator) -> dict[str, Any]:
        bounds = {name: value for name, value in (("minimum", indicator.minimum), ("maximum", indicator.maximum))
                  if value is not None}
        return {"type": "integer" if indicator.integer else "number", **bounds}


class FreeText(QuestionType):
    """Words, kept and shown (to the team, the reviewer, in the PDF), never scored."""

    name = "text"
    scored = False

    def definition_problems(self, indicator: Indicator) -> list[str]:
        if indicator.weight != 0 or indicator.options or indicator.thresholds or indicator.legal:
            return ["a text answer is not scored: weight 0, no options, thresholds or legal references"]
        return []

    def answer_problem(self, spec: CompiledAnswers, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must_be_text"
        return "too_long" if len(value) > MAX_TEXT_LENGTH else None

    def level(self, spec: CompiledAnswers, value: Any) -> tuple[int, bool]:
        return 0, False

    def random_answer(self, indicator: Indicator, quality: float, rng: random.Random) -> Any:
        return rng.choice([None, "NICE, 4 buổi, 35 nữ, 12 nam", "PDEP 8 tuần"])

    def json_schema(self, indicator: Indicator) -> dict[str, Any]:
        return {"type": "string", "maxLength": MAX_TEXT_LENGTH}


class Named(Protocol):
    @property
    def name(self) -> str: ...


Entry = TypeVar("Entry", bound=Named)


class Registry(dict[str, Entry]):
    """Entries by their `name`; registering a name twice is a mistake, said at import."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def register(self, entry: Entry) -> Entry:
        if entry.name in self:
            raise ValueError(f"{self.what} {entry.name} is registered twice")
        self[entry.name] = entry
        return entry


QUESTION_TYPES: Registry[QuestionType] = Registry("question type")
# Add a type (a rubric file names it by `name`); its web half registers under the same name.
register_question_type = QUESTION_TYPES.register
question_type = QUESTION_TYPES.__getitem__

for _type in (SingleChoice(), YesNo(), MultiChoice(), Number(), FreeText()):
    register_question_type(_type)
