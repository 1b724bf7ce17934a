"""Supportive supervision: the checklist a supervisor scores at a session, declared as data per
programme (assessments/data/supervision.yaml), and the rules of a visit. Plain Python."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from assessments.parenting import EARLIEST_DATE, check_place

CHECKLISTS_FILE = Path(__file__).resolve().parent / "data" / "supervision.yaml"
SCORES = (1, 2, 3, 4)
MAX_TEXT = 2000


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: Mapping[str, str]  # {"vi": ..., "en": ...}


@dataclass(frozen=True)
class Checklists:
    scale: Mapping[int, Mapping[str, str]]
    default: tuple[ChecklistItem, ...]
    programmes: Mapping[str, tuple[ChecklistItem, ...]]

    def of(self, programme_key: str) -> tuple[ChecklistItem, ...]:
        return self.programmes.get(programme_key, self.default)


def _items(raw: Sequence[Mapping[str, object]], where: str) -> tuple[ChecklistItem, ...]:
    items = []
    for entry in raw:
        key, label = entry.get("key"), entry.get("label")
        if not isinstance(key, str) or not isinstance(label, dict) or not {"vi", "en"} <= set(label):
            raise ValueError(f"{where}: every item needs a key and a label in vi and en")
        items.append(ChecklistItem(key, {lang: str(label[lang]) for lang in ("vi", "en")}))
    if not items or len({i.key for i in items}) != len(items):
        raise ValueError(f"{where}: items must be present and their keys unique")
    return tuple(items)


@lru_cache(maxsize=4)
def load_checklists(path: Path = CHECKLISTS_FILE) -> Checklists:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    scale = {int(k): {lang: str(v[lang]) for lang in ("vi", "en")} for k, v in raw["scale"].items()}
    if tuple(sorted(scale)) != SCORES:
        raise ValueError(f"{path.name}: the scale runs from 1 to 4")
    return Checklists(scale, _items(raw["default"], "default"),
                      {key: _items(items, key) for key, items in (raw.get("programmes") or {}).items()})


@dataclass(frozen=True)
class VisitData:
    programme_id: int
    visit_date: date
    venue_type: str
    province_code: str
    commune: str
    supervisor: str
    scores: Mapping[str, int]  # checklist key -> 1..4; an item not observed is left out
    facilitator_id: int | None = None
    organisation_id: int | None = None
    venue_id: int | None = None  # a registered community venue: its kind, province and commune are the visit's
    note: str = ""
    follow_up: str = ""


def check_visit(data: VisitData, today: date, checklist: Sequence[ChecklistItem],
                facilitator_programme: int | None) -> dict[str, str]:
    """Every rule a visit must meet: {field: reason code} for those it breaks."""
    errors: dict[str, str] = {}
    if data.visit_date > today:
        errors["visit_date"] = "visit_in_future"
    elif data.visit_date < EARLIEST_DATE:
        errors["visit_date"] = "date_too_old"
    errors |= check_place(data.venue_type, data.organisation_id, data.province_code, data.commune)
    if not data.supervisor.strip():
        errors["supervisor"] = "required"
    if data.facilitator_id is not None and facilitator_programme != data.programme_id:
        errors["facilitator_id"] = "facilitator_not_in_programme"
    keys = {item.key for item in checklist}
    for key, score in data.scores.items():
        if key not in keys:
            errors[f"score-{key}"] = "not_on_checklist"
        elif score not in SCORES:
            errors[f"score-{key}"] = "score_out_of_range"
    if not data.scores and not errors:
        errors["scores"] = "nothing_scored"
    if len(data.note) > MAX_TEXT or len(data.follow_up) > MAX_TEXT:
        errors["note" if len(data.note) > MAX_TEXT else "follow_up"] = "too_long"
    return errors


def averages(visits: Sequence[Mapping[str, int]], checklist: Sequence[ChecklistItem]) -> dict[str, float | None]:
    """Each item's average score over the visits that scored it."""
    found: dict[str, float | None] = {}
    for item in checklist:
        scored = [v[item.key] for v in visits if item.key in v]
        found[item.key] = sum(scored) / len(scored) if scored else None
    return found
