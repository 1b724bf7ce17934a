"""The workers' survey checked against HR's answers: counting what workers said about a practice,
and the rule (declared in the rubric, `survey.discrepancy`) by which they contradict HR.

Plain functions of the rubric's survey, HR's answer and the workers' answers; no database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
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
    return tally_counts(survey, Counter(answers))


def tally_counts(survey: Survey, counted: Mapping[str, int]) -> Tally:
    """The same, from answers already counted (answer key -> number of workers)."""
    meaning = {answer.key: answer.means for answer in survey.answers}
    counts = {"present": 0, "absent": 0, "unknown": 0, "not_concerned": 0}
    for answer, times in counted.items():
        if answer not in meaning:
            raise ValueError(f"not an answer of this survey: {answer!r}")
        counts[meaning[answer]] += times
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


Counts = Mapping[str, Mapping[str, int]]  # question or demographic key -> answer key -> workers


@dataclass(frozen=True)
class Voice:
    """What the workers said in one round, beside HR's answers: nothing of it when fewer than
    `min_responses` answered (`checks` is then empty)."""

    responses: int
    shown: bool
    checks: tuple[CrossCheck, ...]

    @property
    def discrepancies(self) -> tuple[CrossCheck, ...]:
        return tuple(check for check in self.checks if check.discrepancy)


def workers_voice(survey: Survey, hr_answers: Mapping[str, Any], counts: Counts, responses: int) -> Voice:
    """Every question's tally and cross-check, once enough workers answered."""
    if not results_shown(survey, responses):
        return Voice(responses, False, ())
    return Voice(responses, True, tuple(
        cross_check(survey, question, hr_answers.get(question.checks),
                    tally_counts(survey, counts.get(question.key, {})))
        for question in survey.questions))


@dataclass(frozen=True)
class Group:
    """Workers who gave one answer to a demographic question, and what they said (hidden, `voice`
    None, when fewer than `min_responses` are in the group: a small group could be recognised)."""

    option: str
    responses: int
    voice: Voice | None


def split_by(survey: Survey, hr_answers: Mapping[str, Any], counts_by_option: Mapping[str, Counts],
             responses_by_option: Mapping[str, int], demographic: str) -> tuple[Group, ...]:
    """The round's answers split by one demographic question, group by group, in the rubric's order."""
    declared = next((d for d in survey.demographics if d.key == demographic), None)
    if declared is None:
        raise ValueError(f"not a demographic question of this survey: {demographic!r}")
    groups = []
    for option in declared.options:
        size = responses_by_option.get(option.key, 0)
        shown = results_shown(survey, size)
        groups.append(Group(option.key, size, workers_voice(survey, hr_answers, counts_by_option.get(option.key, {}),
                                                            size) if shown else None))
    return tuple(groups)


def present_share(counted: Tally) -> float | None:
    """The share of workers who know that say the practice is there."""
    return counted.present / counted.knowing if counted.knowing else None


def change_since(before: Voice, now: Voice) -> dict[str, float]:
    """Question key -> change in the share saying the practice is there (points of 100), for
    questions both rounds can show."""
    earlier = {check.question: present_share(check.tally) for check in before.checks}
    changes = {}
    for check in now.checks:
        previous, current = earlier.get(check.question), present_share(check.tally)
        if previous is not None and current is not None:
            changes[check.question] = round((current - previous) * 100, 1)
    return changes
