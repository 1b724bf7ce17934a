"""The workers' survey is data in the rubric file (issue 17, item 1): the loader refuses a survey
the service could not ask or compare, and the published 2026.2 declares one in its annex."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rubrics.loader import VERSIONS_DIR, RubricError, load_rubric
from tests.rubrics.test_loader import T, mini_rubric, problems_of, write

ANSWERS = [{"key": "yes", "label": T, "means": "present"}, {"key": "no", "label": T, "means": "absent"},
           {"key": "dont_know", "label": T, "means": "unknown"},
           {"key": "not_concerned", "label": T, "means": "not_concerned"}]


def question(key: str, checks: str = "a.two", claimed_by: str = "some") -> dict[str, Any]:
    return {"key": key, "text": T, "checks": checks, "claimed_by": [claimed_by], "action": T}


def survey(**change: Any) -> dict[str, Any]:
    questions = [question(f"q{n}") for n in range(8)]
    return {"type": "single_choice", "answers": ANSWERS, "questions": questions} | change


SEVEN = survey()["questions"][:7]
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "an unknown indicator": (survey(questions=[*SEVEN, question("q7", checks="a.gone")]),
                             "checks unknown indicator a.gone"),
    "an option the indicator lacks": (survey(questions=[*SEVEN, question("q7", claimed_by="plenty")]),
                                      "a.two has no option plenty"),
    "the same question twice": (survey(questions=[*SEVEN, question("q0")]), "survey question"),
    "no answer meaning absent": (survey(answers=[a for a in ANSWERS if a["means"] != "absent"]),
                                 "exactly one must mean absent"),
    "two answers meaning present": (survey(answers=[*ANSWERS, {"key": "sure", "label": T, "means": "present"}]),
                                    "exactly one must mean present"),
    "too few questions": (survey(questions=survey()["questions"][:7]), "survey.questions"),
    "too many questions": (survey(questions=[question(f"q{n}") for n in range(13)]), "survey.questions"),
    "results shown before 10": (survey(min_responses=5), "survey.min_responses"),
    "a rule listening to fewer than are shown": (survey(discrepancy={"min_knowing": 5}), "min_knowing is below"),
    "a share above one": (survey(discrepancy={"absent_share": 1.5}), "survey.discrepancy.absent_share"),
    "an unknown question type": (survey(type="slider"), "survey: unknown question type slider"),
    "a demographic sharing a question's key": (survey(demographics=[{"key": "q3", "text": T, "options": [
        {"key": "a", "label": T}, {"key": "b", "label": T}]}]), "survey demographic q3: a question has the same key"),
}


def test_a_survey_that_checks_the_questionnaire_loads(tmp_path: Path) -> None:
    rubric = load_rubric(write(tmp_path, mini_rubric() | {"survey": survey()}))
    assert rubric.data.survey is not None and len(rubric.data.survey.questions) == 8


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_survey_the_service_could_not_ask_or_compare_is_refused(tmp_path: Path, case: str) -> None:
    declared, fragment = CASES[case]
    assert fragment in problems_of(tmp_path, mini_rubric() | {"survey": declared})


def test_a_survey_is_declared_in_one_place(tmp_path: Path) -> None:
    path = write(tmp_path, mini_rubric() | {"survey": survey()})
    (tmp_path / "annexes").mkdir()
    (tmp_path / "annexes" / path.name).write_text(yaml.safe_dump({"survey": survey()}))
    with pytest.raises(RubricError, match="declares its survey itself"):
        load_rubric(path)


def test_the_published_2026_2_declares_the_survey_beside_it_and_keeps_its_hash() -> None:
    rubric = load_rubric(VERSIONS_DIR / "crbp-vn-2026.2.yaml")
    assert rubric.content_hash.startswith("ca874be0b28e")  # the published file is unchanged
    declared = rubric.data.survey
    assert declared is not None and 8 <= len(declared.questions) <= 12
    checked = {q.checks for q in declared.questions}
    # The issue's own examples: the lactation room (B5), paid paternity leave (A8), night work in
    # the 7th month of pregnancy (D1a).
    assert {"breastfeeding.lactation_room", "leave.paternity", "workplace.pregnancy_night_work"} <= checked
    for question in declared.questions:
        indicator = rubric.indicator(question.checks)
        # Only an answer that says the practice exists (level 1 or more) can be contradicted.
        assert all(o.level >= 1 for o in indicator.options if o.key in question.claimed_by), question.key
        # Short enough to read on a phone in a few seconds: ten of them in under three minutes.
        assert len(question.text.vi) <= 120 and len(question.text.en) <= 120, question.key
    assert declared.min_responses >= 10 and declared.discrepancy.min_knowing >= declared.min_responses
