"""Supportive supervision (issue 18, item 3): the checklist is data per programme, a visit's rules,
and the trend of a facilitator's scores, worked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assessments.supervision import ChecklistItem, VisitData, averages, check_visit, load_checklists

TODAY = date(2026, 12, 5)
CHECKLIST = load_checklists().default
VISIT = VisitData(programme_id=1, visit_date=date(2026, 11, 20), venue_type="commune_health_station",
                  province_code="lam-dong", commune="Phú Thủy", supervisor="Lê Thu Hà",
                  scores={"caregivers_engaged": 3, "key_messages": 4}, facilitator_id=7)


def test_each_programme_has_its_checklist_and_others_the_default() -> None:
    checklists = load_checklists()
    assert [i.key for i in checklists.of("em-thrive")][-1] == "fits_immunisation_day"
    assert checklists.of("a-new-programme") == checklists.default
    assert checklists.scale[1]["vi"] == "Chưa đạt" and checklists.scale[4]["en"] == "Fully"


@pytest.mark.parametrize(("change", "facilitator_programme", "errors"), [
    ({}, 1, {}),
    ({"visit_date": date(2026, 12, 6)}, 1, {"visit_date": "visit_in_future"}),
    ({"scores": {"caregivers_engaged": 5}}, 1, {"score-caregivers_engaged": "score_out_of_range"}),
    ({"scores": {"hygiene": 3}}, 1, {"score-hygiene": "not_on_checklist"}),
    ({"scores": {}}, 1, {"scores": "nothing_scored"}),
    ({}, 2, {"facilitator_id": "facilitator_not_in_programme"}),
    ({"venue_type": "workplace"}, 1, {"organisation_id": "workplace_needs_organisation"}),
    ({"supervisor": " "}, 1, {"supervisor": "required"}),
])
def test_a_visit_is_refused_with_every_reason(change: dict[str, object], facilitator_programme: int,
                                              errors: dict[str, str]) -> None:
    assert check_visit(replace(VISIT, **change), TODAY, CHECKLIST, facilitator_programme) == errors  # type: ignore[arg-type]


def test_averages_count_only_the_visits_that_scored_an_item() -> None:
    items = (ChecklistItem("a", {"vi": "a", "en": "a"}), ChecklistItem("b", {"vi": "b", "en": "b"}))
    assert averages([{"a": 2, "b": 4}, {"a": 3}], items) == {"a": 2.5, "b": 4.0}
    assert averages([], items) == {"a": None, "b": None}


def test_a_checklist_file_with_a_broken_item_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "supervision.yaml"
    broken.write_text("scale: {1: {vi: a, en: a}, 2: {vi: b, en: b}, 3: {vi: c, en: c}, 4: {vi: d, en: d}}\n"
                      "default:\n  - {key: x, label: {vi: X}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="label in vi and en"):
        load_checklists(broken)
