"""What the improvement plan says, as plain data: built from the recorded result (score card
and plan), the answers, the adopted actions, the previous cycle and the sector median. No ORM
objects and no Flask: the services gather the inputs, and both the results page and the PDF
only lay this out.

Every text is a `Pair` holding both languages, so one build serves the Vietnamese, the English
and the bilingual edition alike.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any

from assessments.plan import CHECK, LEGAL, build_plan
from assessments.provinces import PROVINCES_BY_CODE
from assessments.report.words import (
    ASSESSMENT_STATUSES,
    LANGUAGES,
    OWNER_NAMES,
    PLAN_STATUSES,
    TIME_FRAMES,
    WORDS,
    answer_text,
    legal_basis,
    name_of,
    word,
)
from assessments.result import AssessmentResult, PlanRecord, ScoreRecord
from assessments.scoring import score
from assessments.sectors import SECTORS_BY_CODE
from assessments.simulate import random_answers, random_profile
from assessments.survey import Voice, present_share
from rubrics.loader import Rubric
from rubrics.schema import LegalReference, Survey, Text

Pair = dict[str, str]  # {"vi": ..., "en": ...}
PACKAGE = Path(__file__).resolve().parent

TOP_ACTIONS = 3
MIN_BENCHMARK_GROUP = 5  # fewer organisations than this and no single one may be re-identified


@lru_cache(maxsize=64)
def report_code_hash() -> str:
    """A hash of the report's own code, template and stylesheet: a new release that changes how
    the plan looks or what it says makes every stored PDF stale, with nothing to remember to bump."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".html", ".css"):
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _plain(value: object) -> object:
    """JSON for what json.dumps cannot write itself: a record as it is stored, other dataclasses
    as their fields, the rest as text."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        # One level only: json.dumps comes back here for what is inside. asdict() would deep-copy
        # every nested record first, which made a stored PDF's download a third slower.
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return str(value)


def both(make: Callable[[str], str]) -> Pair:
    return {lang: make(lang) for lang in LANGUAGES}


def from_text(text: Text | dict[str, str] | None) -> Pair:
    if text is None:
        return both(lambda _lang: "")
    if isinstance(text, Text):
        return both(text.get)
    return both(lambda lang: text.get(lang) or text.get("vi") or "")


def same(value: str) -> Pair:
    return both(lambda _lang: value)


@dataclass(frozen=True)
class AdoptedAction:
    """An action the HR team took into its own plan, with their wording."""

    indicator: str
    text: str
    owner: str
    due_date: date | None
    status: str


@dataclass(frozen=True)
class PreviousCycle:
    cycle: int
    scorecard: ScoreRecord
    adopted: int
    done: int


@dataclass(frozen=True)
class WorkersInput:
    """The newest round of the workers' survey whose results show (enough workers answered)."""

    survey: Survey
    voice: Voice
    hr_answers: dict[str, Any]  # HR's answers to the indicators the survey checks
    last_day: date
    still_open: bool


@dataclass(frozen=True)
class ReportInput:
    organisation_name: str
    province_code: str
    sector_code: str
    cycle: int
    status: str
    rubric: Rubric
    scorecard: ScoreRecord
    plan: PlanRecord
    answers: dict[str, Any] | None  # None: read without every answer, so it has no appendix
    adopted: tuple[AdoptedAction, ...] = ()
    previous: PreviousCycle | None = None
    sector_median: float | None = None
    sector_group: int = 0
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> attached file names
    workers: WorkersInput | None = None

    def fingerprint(self) -> str:
        """A hash of everything the report shows. Two inputs with the same fingerprint give the
        same document, so a stored PDF with it can be served instead of rendering again."""
        # Not asdict(self): it would deep-copy the whole rubric, which the hash stands for.
        content = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "rubric"}
        content |= {"rubric": self.rubric.content_hash, "code": report_code_hash()}
        raw = json.dumps(content, sort_keys=True, ensure_ascii=False,
                         default=_plain)
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Reference:
    citation: Pair  # "Labour Code 2019 (No. 45/2019/QH14), Article 139(1)"
    summary: Pair


@dataclass(frozen=True)
class Adopted:
    text: str  # the HR team's wording when they changed it; "" when they kept the suggestion
    owner: str
    due_date: str
    status: Pair


@dataclass(frozen=True)
class Action:
    priority: int
    indicator: str
    code: str
    kind: str  # the plan's LEGAL, CHECK or NEXT_STEP
    text: Pair
    owner_role: Pair
    time_frame: Pair
    evidence: Pair
    why: Pair
    gain: float
    adopted: Adopted | None

    @property
    def legal(self) -> bool:
        return self.kind == LEGAL

    @property
    def check(self) -> bool:
        """Find out whether a legal duty is met ("we do not know" answered)."""
        return self.kind == CHECK


@dataclass(frozen=True)
class Gap:
    code: str
    question: Pair
    references: tuple[Reference, ...]
    answered: Pair
    fine: Pair | None
    action: Pair | None


@dataclass(frozen=True)
class ReportArea:
    code: str
    title: Pair
    percent: float | None
    gaps: int


@dataclass(frozen=True)
class Movement:
    code: str
    question: Pair
    before: int
    after: int
    max_level: int


@dataclass(frozen=True)
class AreaChange:
    code: str
    title: Pair
    before: float | None
    after: float | None


@dataclass(frozen=True)
class Comparison:
    cycle: int
    before: float | None
    after: float | None
    areas: tuple[AreaChange, ...]
    improved: tuple[Movement, ...]
    slipped: tuple[Movement, ...]
    plan_done: int
    plan_total: int


@dataclass(frozen=True)
class Benchmark:
    shown: bool
    group: int
    median: float | None
    ours: float | None


@dataclass(frozen=True)
class AnswerRow:
    code: str
    question: Pair
    answer: Pair
    evidence: tuple[str, ...] = ()  # names of the files attached as evidence


@dataclass(frozen=True)
class AppendixArea:
    code: str
    title: Pair
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class WorkerRow:
    """One survey question beside the HR answer it checks, as shown."""

    code: str  # the indicator's code (B5)
    question: Pair
    hr_answer: Pair
    present: int
    absent: int
    unknown: int
    not_concerned: int
    present_percent: float | None  # of the workers who know
    discrepancy: bool
    action: Pair  # what to do when workers contradict HR


@dataclass(frozen=True)
class WorkersVoice:
    responses: int
    last_day: str
    still_open: bool
    rows: tuple[WorkerRow, ...]

    @property
    def discrepancies(self) -> tuple[WorkerRow, ...]:
        return tuple(row for row in self.rows if row.discrepancy)


@dataclass(frozen=True)
class Report:
    organisation: str
    province: Pair
    sector: Pair
    cycle: int
    status: Pair
    rubric: str
    assessed_on: str
    percent: float | None
    band_key: str
    band: Pair
    areas: tuple[ReportArea, ...]
    gaps: tuple[Gap, ...]
    actions: tuple[Action, ...]
    comparison: Comparison | None
    benchmark: Benchmark
    legal_basis: Pair  # "judged under the law in force on <date>; fines are an organisation's"
    workers: WorkersVoice | None  # what workers said in the survey, once enough answered
    source: ReportInput = field(repr=False, compare=False)  # what the appendix is built from, when read
    words: dict[str, Pair] = field(default_factory=lambda: {k: {"vi": v[0], "en": v[1]} for k, v in WORDS.items()})

    @property
    def top_actions(self) -> tuple[Action, ...]:
        return self.actions[:TOP_ACTIONS]

    @cached_property
    def appendix(self) -> tuple[AppendixArea, ...]:
        """Every answer, area by area: the PDF prints them; the results page links to them
        instead, so they are put together only when read."""
        return _appendix(self.source)


def _reference(ref: LegalReference) -> Reference:
    clause = f"({ref.clause})" if ref.clause else ""
    article = f"{ref.article}{clause}"
    return Reference(citation=both(lambda lang: f"{ref.instrument.get(lang)}, {word('article', lang)} {article}"),
                     summary=from_text(ref.summary))


def _answer(rubric: Rubric, key: str, value: Any) -> Pair:
    indicator = rubric.indicator(key)
    return both(lambda lang: answer_text(indicator, value, lang))


def _actions(data: ReportInput) -> tuple[Action, ...]:
    adopted = {a.indicator: a for a in data.adopted}
    actions = []
    for action in data.plan.actions:
        mine = adopted.get(action.indicator)
        text = from_text(action.text)
        actions.append(Action(
            priority=action.priority, indicator=action.indicator, code=action.code, kind=action.kind, text=text,
            owner_role=both(partial(name_of, OWNER_NAMES, action.owner)),
            time_frame=both(partial(name_of, TIME_FRAMES, action.time_frame)),
            evidence=from_text(action.evidence), why=from_text(action.why), gain=action.expected_gain,
            adopted=None if mine is None else Adopted(
                text="" if mine.text.strip() in {wording.strip() for wording in text.values()} else mine.text,
                owner=mine.owner, due_date=mine.due_date.strftime("%d/%m/%Y") if mine.due_date else "",
                status=both(partial(name_of, PLAN_STATUSES, mine.status))),
        ))
    return tuple(actions)


def _gaps(data: ReportInput, actions: dict[str, Action]) -> tuple[Gap, ...]:
    rubric = data.rubric
    gaps = []
    for gap in data.scorecard.legal_gaps:
        action = actions.get(gap.code)
        gaps.append(Gap(
            code=gap.code, question=from_text(rubric.indicator(gap.indicator).text),
            references=tuple(_reference(r) for r in gap.references),
            answered=_answer(rubric, gap.indicator, gap.answer),  # as recorded with the verdict
            fine=None if gap.fine is None else from_text(gap.fine.text),
            action=action.text if action else None,
        ))
    return tuple(gaps)


def _comparison(data: ReportInput) -> Comparison | None:
    previous = data.previous
    if previous is None:
        return None
    rubric = data.rubric
    areas = tuple(AreaChange(code=area.code, title=from_text(area.title), before=_percent(previous.scorecard, area.key),
                             after=_percent(data.scorecard, area.key))
                  for area in rubric.areas)
    before, after = previous.scorecard.levels(), data.scorecard.levels()
    improved: list[Movement] = []
    slipped: list[Movement] = []
    for key, (level, max_level) in after.items():
        if key not in before or before[key][0] == level or not rubric.has_indicator(key):
            continue
        indicator = rubric.indicator(key)
        move = Movement(code=indicator.code, question=from_text(indicator.text), before=before[key][0],
                        after=level, max_level=max_level)
        (improved if level > before[key][0] else slipped).append(move)
    return Comparison(cycle=previous.cycle, before=previous.scorecard.percent,
                      after=data.scorecard.percent, areas=areas, improved=tuple(improved),
                      slipped=tuple(slipped), plan_done=previous.done, plan_total=previous.adopted)


def _appendix(data: ReportInput) -> tuple[AppendixArea, ...]:
    if data.answers is None:
        raise ValueError("this report was read without every answer (report_input(every_answer=False))")
    areas = []
    for area in data.rubric.areas:
        rows = []
        for indicator in area.indicators:
            if not data.scorecard.asked(indicator.key) and indicator.key not in data.answers:
                continue  # a follow-up that was never asked
            rows.append(AnswerRow(code=indicator.code, question=from_text(indicator.text),
                                  answer=_answer(data.rubric, indicator.key, data.answers.get(indicator.key)),
                                  evidence=data.evidence.get(indicator.key, ())))
        areas.append(AppendixArea(code=area.code, title=from_text(area.title), rows=tuple(rows)))
    return tuple(areas)


def _workers(data: ReportInput) -> WorkersVoice | None:
    found = data.workers
    if found is None or not found.voice.shown:
        return None
    questions = {q.key: q for q in found.survey.questions}
    rows = []
    for check in found.voice.checks:
        question, indicator = questions[check.question], data.rubric.indicator(check.indicator)
        share = present_share(check.tally)
        rows.append(WorkerRow(
            code=indicator.code, question=from_text(question.text),
            hr_answer=_answer(data.rubric, check.indicator, found.hr_answers.get(check.indicator)),
            present=check.tally.present, absent=check.tally.absent, unknown=check.tally.unknown,
            not_concerned=check.tally.not_concerned, present_percent=None if share is None else share * 100,
            discrepancy=check.discrepancy, action=from_text(question.action)))
    return WorkersVoice(responses=found.voice.responses, last_day=found.last_day.strftime("%d/%m/%Y"),
                        still_open=found.still_open, rows=tuple(rows))


def _percent(card: ScoreRecord, area_key: str) -> float | None:
    area = card.area(area_key)
    return None if area is None else area.percent


def build_report(data: ReportInput) -> Report:
    card, rubric = data.scorecard, data.rubric
    province = PROVINCES_BY_CODE.get(data.province_code)
    sector = SECTORS_BY_CODE.get(data.sector_code)
    actions = _actions(data)
    areas = tuple(ReportArea(code=area.code, title=from_text(area.title), percent=_percent(card, area.key),
                             gaps=scored.legal_gaps if (scored := card.area(area.key)) else 0)
                  for area in rubric.areas)
    shown = data.sector_median is not None and data.sector_group >= MIN_BENCHMARK_GROUP
    return Report(
        organisation=data.organisation_name,
        province=both(province.name) if province else same(data.province_code),
        sector=both(sector.name) if sector else same(data.sector_code),
        cycle=data.cycle,
        status=both(lambda lang: name_of(ASSESSMENT_STATUSES, data.status, lang)),
        rubric=f"{rubric.key} {rubric.version}",
        assessed_on=card.on_date.strftime("%d/%m/%Y"),
        legal_basis=legal_basis(card.on_date, card.fines_for),
        percent=card.percent,
        band_key=card.band.key if card.band else "",
        band=from_text(card.band.label if card.band else None),
        areas=areas,
        gaps=_gaps(data, {a.code: a for a in actions if a.legal}),
        actions=actions,
        comparison=_comparison(data),
        benchmark=Benchmark(shown=shown, group=data.sector_group, median=data.sector_median if shown else None,
                            ours=card.percent),
        workers=_workers(data),
        source=data,
    )


def sample_input(rubric: Rubric, seed: int = 1, quality: float = 0.35, *, organisation_name: str = "Công ty TNHH "
                 "May Mặc Sông Hồng", answers: dict[str, Any] | None = None) -> ReportInput:
    """A plausible submitted assessment with a previous cycle, adopted actions and a sector
    median: a full plan, for tests and benchmarks/pdf.py."""
    rng = random.Random(seed)
    profile = random_profile(rubric, rng)
    answers = answers if answers is not None else random_answers(rubric, quality, rng)
    card = score(rubric, profile, answers, date(2026, 6, 30))
    earlier = score(rubric, profile, random_answers(rubric, quality * 0.8, rng), date(2025, 6, 30))
    plan = build_plan(rubric, card)
    result = AssessmentResult.of(card, plan, rubric)
    # The first three actions adopted: two as suggested, one reworded by the HR team.
    statuses_and_rewording = (("in_progress", ""), ("planned", ""), ("done", " Áp dụng cho cả lao động thời vụ."))
    adopted = tuple(AdoptedAction(indicator=a.indicator, text=a.text.vi + rewording, owner="Nguyễn Thị Lan",
                                  due_date=date(2026, 9, 30), status=status)
                    for a, (status, rewording) in zip(plan.actions, statuses_and_rewording, strict=False))
    return ReportInput(
        organisation_name=organisation_name, province_code="hung-yen", sector_code="garment-textile", cycle=2026,
        status="submitted", rubric=rubric, scorecard=result.scorecard, plan=result.plan, answers=answers,
        adopted=adopted, sector_median=57.5, sector_group=7,
        previous=PreviousCycle(cycle=2025, scorecard=ScoreRecord.of(earlier, rubric), adopted=4, done=3))
