"""The result of an assessment as recorded at submission: the score card, its legal gaps and the
improvement plan, typed, with `to_dict`/`from_dict` in this one place.

Scoring (`scoring.py`) and planning (`plan.py`) work on the rubric's live objects. At submission
their outcome is recorded in this shape: self-contained (band labels, the law's words and dates,
fines as they stood), so a verdict reads the same years later, whatever rubric versions follow.
Everything after submission (results page, review, API, PDF, comparisons, exports) reads an
`AssessmentResult`, never the stored JSON; POST /score answers with the same shape.

`FORMAT` is written with every result. A result stored before the field existed is format 1
too; the oldest of those (before rubric 2026.2) lack the legal basis, the unknowns, the quotes
and the fines' payer, and are read with what they meant then (fines were an individual's).
A change to the shape raises `FORMAT` and teaches `from_dict` to read the one before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from assessments.plan import ImprovementPlan, PlanAction
from assessments.scoring import HIDDEN, SCORED, LegalGap, ScoreCard
from rubrics.loader import Rubric
from rubrics.schema import Fine, LegalReference, Text

FORMAT = 1
INDIVIDUAL = "individual"
ORGANISATION = "organisation"

Data = Mapping[str, Any]


class UnknownResultFormat(ValueError):
    """A result of a format this release does not know (a newer release wrote it): refused
    rather than misread."""


def fines_are_for(fine: Text | Fine) -> str:
    """Decree 12/2022/ND-CP Art. 6(1): the fines of its chapters are an individual's and an
    organisation pays twice. 2026.1's single fine texts are the individual's; the dated fines of
    2026.2 onwards are the organisation's."""
    return ORGANISATION if isinstance(fine, Fine) else INDIVIDUAL


def rubric_fines_are_for(rubric: Rubric) -> str:
    return ORGANISATION if any(i.fines for i in rubric.indicators()) else INDIVIDUAL


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def text_to_dict(text: Text | Fine | None) -> dict[str, str] | None:
    return None if text is None else {"vi": text.vi, "en": text.en}


def _text(data: Data | None) -> Text | None:
    return None if data is None else Text(vi=data["vi"], en=data["en"])


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def legal_reference_to_dict(ref: LegalReference) -> dict[str, Any]:
    return {
        "instrument": text_to_dict(ref.instrument),
        "article": ref.article,
        "clause": ref.clause or None,
        "effective_from": ref.effective_from.isoformat(),
        "effective_to": ref.effective_to.isoformat() if ref.effective_to else None,
        "summary": text_to_dict(ref.summary),
        "quote": text_to_dict(ref.quote),
        "source": ref.source,
    }


def legal_reference_from_dict(data: Data) -> LegalReference:
    """A reference as cited in a verdict: only verified law ever is (`verified` is not stored)."""
    return LegalReference(
        instrument=Text(**data["instrument"]), article=data["article"], clause=data.get("clause") or "",
        effective_from=date.fromisoformat(data["effective_from"]), effective_to=_date(data.get("effective_to")),
        summary=Text(**data["summary"]), quote=_text(data.get("quote")), source=data.get("source"))


@dataclass(frozen=True, slots=True)
class FineRecord:
    """The fine a gap risks, as the rubric stated it on the scoring date."""

    text: Text
    verified: bool  # False: a decree sets a fine, but no located source confirms the amount
    payer: str  # INDIVIDUAL or ORGANISATION: whose fine the text states

    def get(self, locale: str) -> str:
        return self.text.get(locale)

    @classmethod
    def of(cls, fine: Text | Fine | None) -> FineRecord | None:
        if fine is None:
            return None
        return cls(text=Text(vi=fine.vi, en=fine.en), verified=not isinstance(fine, Fine) or fine.verified,
                   payer=fines_are_for(fine))

    def to_dict(self) -> dict[str, Any]:
        return {"vi": self.text.vi, "en": self.text.en, "verified": self.verified, "for": self.payer}

    @classmethod
    def from_dict(cls, data: Data | None) -> FineRecord | None:
        if data is None:
            return None
        return cls(text=Text(vi=data["vi"], en=data["en"]), verified=data.get("verified", True),
                   payer=data.get("for", INDIVIDUAL))


@dataclass(frozen=True, slots=True)
class GapRecord:
    """A legal gap: an answer below the legal minimum where verified law in force binds."""

    indicator: str
    code: str
    area: str
    answer: Any
    references: tuple[LegalReference, ...]
    fine: FineRecord | None

    @classmethod
    def of(cls, gap: LegalGap) -> GapRecord:
        return cls(indicator=gap.indicator, code=gap.code, area=gap.area, answer=gap.answer,
                   references=gap.references, fine=FineRecord.of(gap.fine))

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "code": self.code, "area": self.area, "answer": self.answer,
                "references": [legal_reference_to_dict(r) for r in self.references],
                "fine": None if self.fine is None else self.fine.to_dict()}

    @classmethod
    def from_dict(cls, data: Data) -> GapRecord:
        return cls(indicator=data["indicator"], code=data["code"], area=data["area"], answer=data["answer"],
                   references=tuple(legal_reference_from_dict(r) for r in data["references"]),
                   fine=FineRecord.from_dict(data.get("fine")))


def _field_names(record: type) -> tuple[str, ...]:
    """A flat record (numbers, strings, booleans) is stored as its fields, under their names."""
    return tuple(f.name for f in fields(record))


@dataclass(frozen=True, slots=True)
class AreaRecord:
    key: str
    percent: float | None  # None: nothing in the area was answered
    points: float
    max_points: float
    answered: int
    applicable: int
    missing: int
    legal_gaps: int

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _AREA_FIELDS}

    @classmethod
    def from_dict(cls, data: Data) -> AreaRecord:
        return cls(**{name: data[name] for name in _AREA_FIELDS})


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    key: str
    area: str
    status: str  # scoring's SCORED, NOT_APPLICABLE_STATUS, HIDDEN, UNANSWERED or NOTED
    level: int | None
    max_level: int
    points: float
    max_points: float
    legal_gap: bool

    @property
    def asked(self) -> bool:
        """False for a follow-up the answers never opened."""
        return self.status != HIDDEN

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _INDICATOR_FIELDS}

    @classmethod
    def from_dict(cls, data: Data) -> IndicatorRecord:
        return cls(**{name: data[name] for name in _INDICATOR_FIELDS})


_AREA_FIELDS = _field_names(AreaRecord)
_INDICATOR_FIELDS = _field_names(IndicatorRecord)


@dataclass(frozen=True, slots=True)
class Band:
    key: str
    label: Text


@dataclass(frozen=True, slots=True)
class RubricPin:
    """The rubric version a result was scored on, down to its content."""

    key: str
    version: str
    content_hash: str


@dataclass(frozen=True)
class ScoreRecord:
    """The score card as recorded: percentages rounded to two decimals, as shown and exported."""

    rubric: RubricPin
    on_date: date  # the law in force on this date is what the verdict rests on
    fines_for: str  # INDIVIDUAL or ORGANISATION: whose fines the card prints
    percent: float | None
    points: float
    max_points: float
    band: Band | None  # None until the card is complete
    complete: bool
    missing: tuple[str, ...]
    unknowns: tuple[str, ...]
    legal_gaps: tuple[GapRecord, ...]
    areas: tuple[AreaRecord, ...]
    indicators: tuple[IndicatorRecord, ...]
    _by_key: dict[str, IndicatorRecord] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Pages look up every question of the rubric on the card: once by key, not a scan each.
        object.__setattr__(self, "_by_key", {r.key: r for r in self.indicators})

    def area(self, key: str) -> AreaRecord | None:
        return next((a for a in self.areas if a.key == key), None)

    def indicator(self, key: str) -> IndicatorRecord | None:
        return self._by_key.get(key)

    def statuses(self) -> dict[str, str]:
        return {r.key: r.status for r in self.indicators}

    def levels(self) -> dict[str, tuple[int, int]]:
        """Each scored question's level and the top level it could reach."""
        return {r.key: (r.level, r.max_level) for r in self.indicators if r.status == SCORED and r.level is not None}

    def asked(self, key: str) -> bool:
        """False only for a follow-up the answers never opened (unknown keys count as asked)."""
        found = self.indicator(key)
        return found is None or found.asked

    @classmethod
    def of(cls, card: ScoreCard, rubric: Rubric) -> ScoreRecord:
        bands = {b.key: b for b in [rubric.data.gap_band, *rubric.data.bands]}
        return cls(
            rubric=RubricPin(card.rubric_key, card.rubric_version, card.rubric_hash), on_date=card.on_date,
            fines_for=rubric_fines_are_for(rubric), percent=_round(card.percent), points=round(card.points, 2),
            max_points=round(card.max_points, 2),
            band=None if card.band is None else Band(card.band, bands[card.band].label),
            complete=card.complete, missing=card.missing, unknowns=card.unknowns,
            legal_gaps=tuple(GapRecord.of(g) for g in card.legal_gaps),
            areas=tuple(AreaRecord(key=a.key, percent=_round(a.percent), points=round(a.points, 2),
                                   max_points=round(a.max_points, 2), answered=a.answered,
                                   applicable=a.applicable, missing=a.missing, legal_gaps=a.legal_gaps)
                        for a in card.areas),
            indicators=tuple(IndicatorRecord(key=r.key, area=r.area, status=r.status, level=r.level,
                                             max_level=r.max_level, points=round(r.points, 2),
                                             max_points=round(r.max_points, 2), legal_gap=r.legal_gap)
                             for r in card.indicators))

    def to_dict(self) -> dict[str, Any]:
        day, pin = self.on_date.isoformat(), self.rubric
        return {
            "rubric": {"key": pin.key, "version": pin.version, "content_hash": pin.content_hash},
            "date": day,
            "legal_basis": {"law_in_force_on": day, "fines_for": self.fines_for},
            "percent": self.percent, "points": self.points, "max_points": self.max_points,
            "band": None if self.band is None else {"key": self.band.key, "label": text_to_dict(self.band.label)},
            "complete": self.complete, "missing": list(self.missing), "unknowns": list(self.unknowns),
            "legal_gaps": [g.to_dict() for g in self.legal_gaps],
            "areas": [a.to_dict() for a in self.areas],
            "indicators": [r.to_dict() for r in self.indicators],
        }

    @classmethod
    def from_dict(cls, data: Data) -> ScoreRecord:
        band = data.get("band")
        pin = data["rubric"]
        return cls(
            rubric=RubricPin(pin["key"], pin["version"], pin["content_hash"]), on_date=date.fromisoformat(data["date"]),
            # Cards scored before 2026.2 carry no legal basis: their fines were an individual's.
            fines_for=(data.get("legal_basis") or {}).get("fines_for", INDIVIDUAL),
            percent=data["percent"], points=data["points"], max_points=data["max_points"],
            band=None if band is None else Band(band["key"], Text(**band["label"])),
            complete=data["complete"], missing=tuple(data["missing"]), unknowns=tuple(data.get("unknowns", ())),
            legal_gaps=tuple(GapRecord.from_dict(g) for g in data["legal_gaps"]),
            areas=tuple(AreaRecord.from_dict(a) for a in data["areas"]),
            indicators=tuple(IndicatorRecord.from_dict(r) for r in data["indicators"]))


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One step of the improvement plan, with the rubric's words for it."""

    priority: int  # 1 = first
    kind: str  # plan's LEGAL, CHECK or NEXT_STEP
    indicator: str
    code: str
    area: str
    from_level: int
    to_level: int
    text: Text
    owner: str
    time_frame: str
    effort: int
    evidence: Text
    why: Text
    references: tuple[LegalReference, ...]
    fine: FineRecord | None
    expected_gain: float  # percentage points of the overall score

    @classmethod
    def of(cls, action: PlanAction) -> ActionRecord:
        return cls(priority=action.priority, kind=action.kind, indicator=action.indicator, code=action.code,
                   area=action.area, from_level=action.from_level, to_level=action.to_level, text=action.text,
                   owner=action.owner, time_frame=action.time_frame, effort=action.effort, evidence=action.evidence,
                   why=action.why, references=action.references, fine=FineRecord.of(action.fine),
                   expected_gain=round(action.expected_gain, 2))

    def to_dict(self) -> dict[str, Any]:
        return {
            "priority": self.priority, "kind": self.kind, "indicator": self.indicator, "code": self.code,
            "area": self.area, "from_level": self.from_level, "to_level": self.to_level,
            "text": text_to_dict(self.text), "owner": self.owner, "time_frame": self.time_frame,
            "effort": self.effort, "evidence": text_to_dict(self.evidence), "why": text_to_dict(self.why),
            "references": [legal_reference_to_dict(r) for r in self.references],
            "fine": None if self.fine is None else self.fine.to_dict(), "expected_gain": self.expected_gain,
        }

    @classmethod
    def from_dict(cls, data: Data) -> ActionRecord:
        return cls(
            priority=data["priority"], kind=data["kind"], indicator=data["indicator"], code=data["code"],
            area=data["area"], from_level=data["from_level"], to_level=data["to_level"], text=Text(**data["text"]),
            owner=data["owner"], time_frame=data["time_frame"], effort=data["effort"],
            evidence=Text(**data["evidence"]), why=Text(**data["why"]),
            references=tuple(legal_reference_from_dict(r) for r in data["references"]),
            fine=FineRecord.from_dict(data.get("fine")), expected_gain=data["expected_gain"] or 0.0)


@dataclass(frozen=True)
class PlanRecord:
    actions: tuple[ActionRecord, ...]

    def action_for(self, indicator_key: str) -> ActionRecord | None:
        return next((a for a in self.actions if a.indicator == indicator_key), None)

    @classmethod
    def of(cls, plan: ImprovementPlan) -> PlanRecord:
        return cls(tuple(ActionRecord.of(a) for a in plan.actions))

    def to_dict(self) -> dict[str, Any]:
        return {"actions": [a.to_dict() for a in self.actions]}

    @classmethod
    def from_dict(cls, data: Data) -> PlanRecord:
        return cls(tuple(ActionRecord.from_dict(a) for a in data["actions"]))


@dataclass(frozen=True)
class AssessmentResult:
    """What a submitted assessment concluded: its score card and its improvement plan."""

    scorecard: ScoreRecord
    plan: PlanRecord
    format: int = FORMAT

    @classmethod
    def of(cls, card: ScoreCard, plan: ImprovementPlan, rubric: Rubric) -> AssessmentResult:
        return cls(ScoreRecord.of(card, rubric), PlanRecord.of(plan))

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "scorecard": self.scorecard.to_dict(), "plan": self.plan.to_dict()}

    @classmethod
    def from_dict(cls, data: Data) -> AssessmentResult:
        return cls(cls.scorecard_from_dict(data), PlanRecord.from_dict(data["plan"]))

    @staticmethod
    def scorecard_from_dict(data: Data) -> ScoreRecord:
        """Only the score card, for readers that need no plan (a previous cycle's figures)."""
        written = data.get("format", 1)
        if not isinstance(written, int) or written > FORMAT:
            raise UnknownResultFormat(f"result format {written!r}; this release reads up to {FORMAT}")
        return ScoreRecord.from_dict(data["scorecard"])
