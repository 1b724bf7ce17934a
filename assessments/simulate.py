"""Plausible organisation profiles and answer sets, for benchmarks, tests and demo data.

`quality` (0 to 1) skews answers from the worst towards the best, so demo organisations land
in different bands.
"""

from __future__ import annotations

import random
from typing import Any

from rubrics.loader import Rubric
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


def _pick_level(levels: list[int], quality: float, rng: random.Random) -> int:
    top = max(levels)
    wanted = round(min(1.0, max(0.0, rng.gauss(quality, 0.25))) * top)
    return min(levels, key=lambda level: (abs(level - wanted), level))


def random_answer(indicator: Indicator, quality: float, rng: random.Random) -> Any:
    if indicator.allow_not_applicable and rng.random() < 0.05:
        return NOT_APPLICABLE
    if indicator.type in ("single_choice", "yes_no"):
        level = _pick_level([o.level for o in indicator.options], quality, rng)
        return rng.choice([o.key for o in indicator.options if o.level == level])
    if indicator.type == "multi_choice":
        level = _pick_level([o.level for o in indicator.options], quality, rng)
        at_or_below = [o.key for o in indicator.options if o.level <= level and not o.exclusive and o.level > 0]
        if level == 0 or not at_or_below:
            return [next(o.key for o in indicator.options if o.level == 0)]
        best = rng.choice([o.key for o in indicator.options if o.level == level])
        extra = rng.sample(at_or_below, k=min(len(at_or_below), rng.randint(0, 2)))
        return sorted({best, *extra})
    if indicator.type == "number":
        level = _pick_level([t.level for t in indicator.thresholds], quality, rng)
        lows = sorted(t.min for t in indicator.thresholds if t.level == level)
        highs = [t.min for t in indicator.thresholds if t.min > lows[0]]
        low = lows[0]
        high = min(highs) if highs else indicator.maximum if indicator.maximum is not None else low
        value = rng.uniform(low, high if high > low else low)
        return int(value) if indicator.integer else round(value, 1)
    return rng.choice(["", "NICE, 4 buổi, 35 nữ, 12 nam", "PDEP 8 tuần"])


def random_answers(rubric: Rubric, quality: float, rng: random.Random, completeness: float = 1.0) -> dict[str, Any]:
    """Answers to every question (or a `completeness` share of them), hidden ones included."""
    answers: dict[str, Any] = {}
    for indicator in rubric.indicators():
        if rng.random() <= completeness:
            answer = random_answer(indicator, quality, rng)
            if answer != "":
                answers[indicator.key] = answer
    return answers


def best_answers(rubric: Rubric) -> dict[str, Any]:
    """The top-level answer to every scored question."""
    answers: dict[str, Any] = {}
    for indicator in rubric.indicators():
        if indicator.type in ("single_choice", "yes_no"):
            answers[indicator.key] = max(indicator.options, key=lambda o: o.level).key
        elif indicator.type == "multi_choice":
            answers[indicator.key] = [max(indicator.options, key=lambda o: o.level).key]
        elif indicator.type == "number":
            answers[indicator.key] = indicator.maximum
    return answers
