"""The cross-check of workers' answers against HR's (issue 17, item 5): worked examples of the rule
declared in the rubric (a discrepancy when HR claims the practice, at least 10 workers said whether
it is there, and half or more of them say it is not), written from the rule, not from the code."""

from __future__ import annotations

import pytest

from assessments.survey import Tally, cross_check, results_shown, tally
from rubrics.loader import default_registry

SURVEY = default_registry().get("crbp-vn", "2026.2").data.survey
assert SURVEY is not None
ROOM = next(q for q in SURVEY.questions if q.checks == "breastfeeding.lactation_room")


def answers(yes: int = 0, no: int = 0, dont_know: int = 0, not_concerned: int = 0) -> Tally:
    return tally(SURVEY, ["yes"] * yes + ["no"] * no + ["dont_know"] * dont_know + ["not_concerned"] * not_concerned)


@pytest.mark.parametrize(("hr_answer", "said", "expected"), [
    # HR says there is one room; 32 of 40 know, 20 of them say there is none (62.5 %): contradicted.
    ("one_room", answers(yes=12, no=20, dont_know=8), True),
    # Exactly half of those who know say it is absent: the rule says "half or more".
    ("one_room", answers(yes=16, no=16), True),
    # 15 of 32 (47 %): not a clear share.
    ("one_room", answers(yes=17, no=15), False),
    # HR says there is no room: workers agreeing is no contradiction.
    ("none", answers(no=30), False),
    # Nine workers who know, all saying no: too few to contradict HR.
    ("one_room", answers(no=9, dont_know=40), False),
    # Those who do not know, or whom it does not concern, neither confirm nor contradict.
    ("one_room", answers(yes=5, no=5, dont_know=30, not_concerned=30), True),
    ("every_site", answers(yes=2, no=8, not_concerned=50), True),
    # HR has not answered the question: nothing is claimed.
    (None, answers(no=40), False),
])
def test_a_discrepancy_follows_the_rule_declared_in_the_rubric(hr_answer: str | None, said: Tally,
                                                               expected: bool) -> None:
    assert cross_check(SURVEY, ROOM, hr_answer, said).discrepancy is expected


def test_answers_are_counted_by_what_they_mean() -> None:
    said = answers(yes=3, no=1, dont_know=2, not_concerned=4)
    counted = (said.present, said.absent, said.unknown, said.not_concerned)
    assert counted == (3, 1, 2, 4) and (said.knowing, said.total) == (4, 10)
    assert said.absent_share == 0.25 and Tally().absent_share is None
    with pytest.raises(ValueError, match="not an answer"):
        tally(SURVEY, ["maybe"])


@pytest.mark.parametrize(("responses", "shown"), [(0, False), (9, False), (10, True), (120, True)])
def test_results_are_shown_only_from_ten_responses(responses: int, shown: bool) -> None:
    assert results_shown(SURVEY, responses) is shown
