"""The improvement plan: legal gaps first, then the cheapest steps to each area's next band."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.plan import LEGAL, NEXT_STEP, build_plan
from assessments.scoring import score
from assessments.simulate import best_answers, random_answers, random_profile
from rubrics.loader import default_registry
from tests.assessments.test_scoring import PROFILE, TODAY, legal_minimum_answers

RUBRIC = default_registry().get("crbp-vn", "2026.1")  # guards what assessments pinned to 2026.1 get


def plan_for(answers, on: date = TODAY, org=PROFILE):  # type: ignore[no-untyped-def]
    card = score(RUBRIC, org, answers, on)
    return card, build_plan(RUBRIC, card)


def test_legal_gaps_come_first_with_their_article_and_reason() -> None:
    answers = legal_minimum_answers() | {"leave.paternity": "below_law", "breastfeeding.nursing_break": "not_granted"}
    _, plan = plan_for(answers)
    kinds = [a.kind for a in plan.actions]
    assert kinds[:2] == [LEGAL, LEGAL] and set(kinds[2:]) == {NEXT_STEP}
    assert [a.priority for a in plan.actions] == list(range(1, len(plan.actions) + 1))
    legal = {a.code: a for a in plan.legal_actions}
    assert set(legal) == {"A8", "B1"}
    b1 = legal["B1"]
    assert (b1.from_level, b1.to_level) == (0, 1)
    assert {r.article for r in b1.references} == {"137", "80"}
    assert "60 phút" in b1.text.vi and "60-minute" in b1.text.en
    assert b1.why.vi and b1.evidence.en and b1.owner == "production"


def test_next_steps_are_ordered_by_gain_per_effort() -> None:
    _, plan = plan_for(legal_minimum_answers())
    ratios = [a.expected_gain / a.effort for a in plan.actions]
    assert ratios == sorted(ratios, reverse=True)
    assert all(a.expected_gain > 0 and a.to_level == a.from_level + 1 for a in plan.actions)


def test_each_area_gets_enough_steps_to_reach_its_next_band() -> None:
    card, plan = plan_for(legal_minimum_answers())
    for area in card.areas:
        gained = sum(a.expected_gain for a in plan.actions if a.area == area.key) * card.max_points / 100
        assert 100 * (area.points + gained) / area.max_points >= 50 - 1e-9, area.key


def test_expected_gain_is_what_the_score_really_gains() -> None:
    answers = legal_minimum_answers()
    card, plan = plan_for(answers)
    step = plan.actions[0]
    indicator = RUBRIC.indicator(step.indicator)
    better = next(o.key for o in indicator.options if o.level == step.to_level)
    after = score(RUBRIC, PROFILE, answers | {step.indicator: better}, TODAY)
    assert after.percent - card.percent == pytest.approx(step.expected_gain)


def test_best_answers_need_no_plan() -> None:
    _, plan = plan_for(best_answers(RUBRIC))
    assert plan.actions == ()


def test_a_card_from_another_rubric_is_refused() -> None:
    card = score(RUBRIC, PROFILE, {}, TODAY)
    other = type(card)(**{**card.__dict__, "rubric_hash": "0" * 64})
    with pytest.raises(ValueError, match="another rubric"):
        build_plan(RUBRIC, other)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), quality=st.floats(0, 1))
def test_every_gap_has_exactly_one_legal_action(seed: int, quality: float) -> None:
    rng = random.Random(seed)
    card, plan = plan_for(random_answers(RUBRIC, quality, rng), org=random_profile(RUBRIC, rng))
    assert sorted(a.indicator for a in plan.legal_actions) == sorted(g.indicator for g in card.legal_gaps)
    assert len({a.indicator for a in plan.actions}) == len(plan.actions)
