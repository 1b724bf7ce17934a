"""Plausible organisation profiles and answer sets, for benchmarks, tests and demo data.

`quality` (0 to 1) skews answers from the worst towards the best, so demo organisations land
in different bands.
"""

from __future__ import annotations

import random
from typing import Any

from rubrics.loader import Rubric
from rubrics.question_types import question_type
from rubrics.schema import NOT_APPLICABLE, Indicator


def random_profile(rubric: Rubric, rng: random.Random) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    for field in rubric.data.profile:
        if field.type == "boolean":
            profile[field.key] = rng.random() < 0.5
    total = rng.choice([80, 250, 900, 1500, 4000, 12000])
    women = int(total * rng.uniform(0.3, 0.85))
    for key, value in (("workforce_total", total), ("workforce_women", women),
                       ("workers_under_18", rng.choice([0, 0, 0, 3, 12]))):
        if key in rubric.profile_keys():
            profile[key] = value
    return profile


def random_answer(indicator: Indicator, quality: float, rng: random.Random) -> Any:
    """A plausible answer (None: left blank), "not applicable" now and then where allowed."""
    if indicator.allow_not_applicable and rng.random() < 0.05:
        return NOT_APPLICABLE
    return question_type(indicator.type).random_answer(indicator, quality, rng)


def random_answers(rubric: Rubric, quality: float, rng: random.Random, completeness: float = 1.0) -> dict[str, Any]:
    """Answers to every question (or a `completeness` share of them), hidden ones included."""
    answers: dict[str, Any] = {}
    for indicator in rubric.indicators():
        if rng.random() <= completeness:
            answer = random_answer(indicator, quality, rng)
            if answer is not None:
                answers[indicator.key] = answer
    return answers


def best_answers(rubric: Rubric) -> dict[str, Any]:
    """The top-level answer to every scored question."""
    answers: dict[str, Any] = {}
    for indicator in rubric.indicators():
        best = question_type(indicator.type).best_answer(indicator)
        if best is not None:
            answers[indicator.key] = best
    return answers
