"""The workers' survey checked against HR's answers: counting what workers said about a practice,
and the rule (declared in the rubric, `survey.discrepancy`) by which they contradict HR.

Plain functions of the rubric's survey, HR's answer and the workers' answers; no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rubrics.schema import Survey, SurveyQuestion


@dataclass(frozen=True)
class Tally:
    """What the workers who answered one question said."""

    present: int = 0
    absent: int = 0
    unknown: int = 0
    not_concerned: int = 0

    @property
    def knowing(self) -> int:
        """Those who said whether the practice is there: the only ones the rule listens to."""
        return self.present + self.absent

    @property
    def total(self) -> int:
        return self.present + self.absent + self.unknown + self.not_concerned

    @property
    def absent_share(self) -> float | None:
        return self.absent / self.knowing if self.knowing else None


def tally(survey: Survey, answers: Iterable[str]) -> Tally:
    """Count the workers' answers (answer keys) to one question by what each means."""
    meaning = {answer.key: answer.means for answer in survey.answers}
    counts = {"present": 0, "absent": 0, "unknown": 0, "not_concerned": 0}
    for answer in answers:
        if answer not in meaning:
            raise ValueError(f"not an answer of this survey: {answer!r}")
        counts[meaning[answer]] += 1
    return Tally(**counts)


@dataclass(frozen=True)
class CrossCheck:
    """One survey question beside the HR answer it checks."""

    question: str
    indicator: str
    hr_claims: bool  # HR's answer says the practice is there
    tally: Tally
    discrepancy: bool  # a clear share of the workers who know say it is not


def cross_check(survey: Survey, question: SurveyQuestion, hr_answer: Any, counted: Tally) -> CrossCheck:
    """Apply the survey's rule: HR claims the practice, at least `min_knowing` workers said whether
    it is there, and at least `absent_share` of them say it is not. Workers who do not know, or
    whom it does not concern, neither confirm nor contradict."""
    rule = survey.discrepancy
    claims = isinstance(hr_answer, str) and hr_answer in question.claimed_by
    share = counted.absent_share
    contradicted = (claims and counted.knowing >= rule.min_knowing and share is not None
                    and share >= rule.absent_share)
    return CrossCheck(question.key, question.checks, claims, counted, contradicted)


def results_shown(survey: Survey, responses: int) -> bool:
    """Anonymity: nothing of a round is shown before `min_responses` workers answered."""
    return responses >= survey.min_responses
