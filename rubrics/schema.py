"""The shape of a rubric file, checked on load.

Pydantic checks types and refuses unknown keys; `check_consistency` then checks what a
schema cannot: unique keys, conditions that name real indicators and open upward, legal
gaps that cite the law, and an improvement action for every level an indicator can reach.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

NOT_APPLICABLE = "not_applicable"
LEVELS = (0, 1, 2, 3)

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
Level = Annotated[int, Field(ge=0, le=3)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Every user-facing text exists in Vietnamese and in English."""

    vi: NonEmpty
    en: NonEmpty

    def get(self, locale: str) -> str:
        return self.vi if locale == "vi" else self.en


class LegalReference(Strict):
    instrument: Text
    article: NonEmpty
    clause: str = ""
    effective_from: date
    effective_to: date | None = None
    summary: Text  # what the law requires, in plain words
    # A duty no located source confirms is cited for information but never makes a legal gap.
    verified: bool = True
    quote: Text | None = None  # the words of the clause relied on
    source: str | None = None  # where the quote was read

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @model_validator(mode="after")
    def _dates_in_order(self) -> LegalReference:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class Condition(Strict):
    """One test, or all/any/not of several. `profile` tests an organisation profile field;
    `answer` tests an earlier indicator's answer; `in_force` holds on the days a legal reference
    is in force (a duty the law created on a date is asked about only from that date)."""

    profile: Key | None = None
    answer: Key | None = None
    in_force: Key | None = None
    eq: bool | int | float | str | None = None
    gte: float | None = None
    gt: float | None = None
    lt: float | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        subject = [self.profile, self.answer]
        combinators = [self.all, self.any, self.not_]
        tests = [self.eq, self.gte, self.gt, self.lt, self.in_]
        has_subject = sum(s is not None for s in subject)
        has_combinator = sum(c is not None for c in combinators)
        has_test = sum(t is not None for t in tests)
        if self.in_force is not None:
            if has_subject == 0 and has_test == 0 and has_combinator == 0:
                return self
            raise ValueError("in_force stands alone: {in_force: REFERENCE}")
        if has_combinator == 1 and has_subject == 0 and has_test == 0:
            return self
        if has_subject == 1 and has_test == 1 and has_combinator == 0:
            return self
        raise ValueError("a condition is one of: {profile|answer: KEY, eq|gte|gt|lt|in: VALUE}, "
                         "{in_force: REFERENCE}, {all: [...]}, {any: [...]}, {not: {...}}")

    def walk(self) -> list[Condition]:
        nested = [*(self.all or []), *(self.any or []), *([self.not_] if self.not_ else [])]
        return [self, *(c for child in nested for c in child.walk())]


class Option(Strict):
    key: Key
    label: Text
    level: Level
    legal_gap: bool = False  # this answer is below the Viet Nam legal minimum
    exclusive: bool = False  # multi-choice: cannot be combined with other options ("none")
    # "We do not know" (not tracked, not verified): a finding, not a breach. Level 0 with no
    # legal gap; the plan asks the company to find out, with `check` as the step.
    unknown: bool = False
    check: Text | None = None


class Fine(Strict):
    """The fine an organisation risks for a breach, for the dates it applies to."""

    vi: NonEmpty
    en: NonEmpty
    effective_from: date
    effective_to: date | None = None
    verified: bool = True  # False: a decree sets a fine, but no located source confirms the amount

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class Threshold(Strict):
    """For numbers: a value at or above `min` reaches `level` (the highest matching one counts)."""

    min: float
    level: Level
    legal_gap: bool = False


class Action(Strict):
    """The step that takes an indicator to `to_level`."""

    to_level: Annotated[int, Field(ge=1, le=3)]
    text: Text
    owner: Literal["management", "hr", "hr_and_union", "health_safety", "production", "finance"]
    time_frame: Literal["1_month", "3_months", "6_months", "12_months"]
    effort: Annotated[int, Field(ge=1, le=3)]  # 1 low, 2 medium, 3 high cost or work


class Indicator(Strict):
    key: Key
    code: NonEmpty
    type: NonEmpty  # a registered question type (rubrics/question_types.py), checked by the loader
    text: Text
    help: Text
    weight: Annotated[float, Field(ge=0, le=10)]
    required: bool = True
    crbp: list[Annotated[int, Field(ge=1, le=10)]]
    # UNICEF family-friendly pillar: 1 leave, 2 breastfeeding, 3 childcare, 4 child benefits and
    # wages; None for CRBP workplace duties outside the pillars (e.g. child labour).
    pillar: Annotated[int, Field(ge=1, le=4)] | None = None
    evidence: Text
    why: Text  # why it matters for children, for the plan
    legal: list[Key] = []
    legal_when: Condition | None = None  # the law binds only when this holds (e.g. >= 1,000 women)
    fine: Text | None = None  # 2026.1: one text for every date
    fines: list[Fine] = []  # from 2026.2: each with the dates it applies to
    # Order of legal gaps in the plan: children's safety and health first, records last.
    severity: Literal["child_safety", "health", "pay_and_leave", "records"] | None = None
    allow_not_applicable: bool = False
    applies_when: Condition | None = None  # on the profile: otherwise not applicable
    asked_when: Condition | None = None  # on earlier answers: otherwise hidden, scored 0
    options: list[Option] = []
    thresholds: list[Threshold] = []
    unit: Text | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    actions: list[Action] = []


class Area(Strict):
    key: Key
    code: NonEmpty
    title: Text
    description: Text
    indicators: list[Indicator]


class ProfileField(Strict):
    key: Key
    type: Literal["integer", "boolean"]
    label: Text
    help: Text
    minimum: int | None = None
    maximum: int | None = None


class Band(Strict):
    key: Key
    label: Text
    min_percent: Annotated[float, Field(ge=0, le=100)]


class Migration(Strict):
    """How a draft started on an earlier version moves to this one. An answer carries over when
    its indicator (renamed via `indicators`) still exists and its option (renamed via `options`)
    still does. An option renamed to null now means something else: that answer is asked again."""

    from_version: NonEmpty
    indicators: dict[Key, Key] = {}  # old indicator key -> new key
    options: dict[Key, dict[Key, Key | None]] = {}  # new indicator key -> {old option -> new option}


class Suggestion(Strict):
    """From this much evidence on, the form suggests this option."""

    min_sessions: int = Field(ge=1)
    option: Key


class Prefill(Strict):
    """An answer the form suggests from what the service already holds: shown on the page, saved
    only when the person saves it, so it never decides a score by itself."""

    # Parenting sessions UNICEF recorded at the workplace (the only source so far).
    source: Literal["parenting_sessions"]
    within_days: int = Field(default=365, ge=1, le=3660)
    suggestions: list[Suggestion]  # the one with the highest min_sessions met is suggested
    details: Key | None = None  # a text question filled with what the sessions were, if unanswered

    def option_for(self, sessions: int) -> str | None:
        met = [s for s in self.suggestions if sessions >= s.min_sessions]
        return max(met, key=lambda s: s.min_sessions).option if met else None


class SurveyAnswer(Strict):
    """An answer a worker can give, and what it says about the practice asked about."""

    key: Key
    label: Text
    means: Literal["present", "absent", "unknown", "not_concerned"]


class SurveyQuestion(Strict):
    """One question of the workers' survey, and the HR indicator it checks: HR's answer claims the
    practice when it is one of `claimed_by` (options of that indicator)."""

    key: Key
    text: Text
    checks: Key  # an indicator of the HR questionnaire
    claimed_by: list[Key] = Field(min_length=1)
    # The plan's action when workers contradict HR here (what to do so the practice is real and known).
    action: Text


class DemographicOption(Strict):
    key: Key
    label: Text


class Demographic(Strict):
    """A coarse, optional question about the worker (never one that could identify a person)."""

    key: Key
    text: Text
    options: list[DemographicOption] = Field(min_length=2)


class DiscrepancyRule(Strict):
    """When workers contradict HR: HR claims the practice, at least `min_knowing` workers answered
    that it is there or not, and at least `absent_share` of those say it is not."""

    min_knowing: int = Field(default=10, ge=1)
    absent_share: float = Field(default=0.5, gt=0, le=1)


class Survey(Strict):
    """The workers' anonymous survey: a second kind of questionnaire in the rubric file. Every
    question is answered with the same few `answers` (yes, no, I do not know, it does not concern
    me), drawn and checked by the question type `type` names in the registry (a choice of one)."""

    type: Key
    answers: list[SurveyAnswer]
    questions: list[SurveyQuestion] = Field(min_length=8, max_length=12)
    demographics: list[Demographic] = Field(default=[], max_length=4)
    min_responses: int = Field(default=10, ge=10)  # results are shown from this many responses
    discrepancy: DiscrepancyRule = DiscrepancyRule()


class RubricAnnex(Strict):
    """What may be declared beside a published rubric file (`versions/annexes/<file>`): the file
    itself is pinned by its hash and never edited, and nothing here changes a score."""

    prefill: dict[Key, Prefill] = {}
    survey: Survey | None = None


class RubricFile(Strict):
    key: Key
    version: NonEmpty
    title: Text
    description: Text
    published: date
    # The first day this version can judge: before it, some duty it checks had no law in force
    # that the rubric cites, so a verdict would have no basis.
    judges_from: date | None = None
    migrations: list[Migration] = []
    profile: list[ProfileField]
    legal_references: dict[Key, LegalReference]
    gap_band: Band  # the band of any card with a legal gap, whatever its percentage
    bands: list[Band]
    areas: list[Area]
    prefill: dict[Key, Prefill] = {}  # indicator key -> where the form finds a suggested answer
    survey: Survey | None = None  # the workers' survey that checks this questionnaire


Condition.model_rebuild()
