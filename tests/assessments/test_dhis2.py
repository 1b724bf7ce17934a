"""The DHIS2 document's disaggregations by kind of venue and by facilitator (issue 18, item 7):
added only where the mapping declares them, every participant still reported exactly once under
the programme's data element, and nothing left out quietly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assessments.dhis2 import (
    DEFAULT_MAPPING,
    FacilitatorCount,
    MappingError,
    MonthlyCount,
    data_value_set,
    load_mapping,
)
from assessments.parenting import VENUES

NICE = "Pe186022d09"
KINDS = {kind: {"female": f"F{n}aaaaaaaaa", "male": f"M{n}aaaaaaaaa"} for n, kind in enumerate(VENUES)}
BY_FACILITATOR = {"sessions_data_element": "Sfacilitat1", "participants_data_element": "Pfacilitat1"}
COUNTS = [MonthlyCount("nice", NICE, "lam-dong", "202610", "commune_health_station", 12, 3),
          MonthlyCount("nice", NICE, "lam-dong", "202610", "community", 8, 2),
          MonthlyCount("nice", NICE, "lam-dong", "202611", "community", 5, 0)]


def mapping_file(tmp_path: Path, **sections: object) -> Path:
    raw = yaml.safe_load(DEFAULT_MAPPING.read_text())
    raw.pop("venue_kinds", None)
    raw.pop("facilitators", None)
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(raw | sections))
    return path


def values_by(document: dict[str, object], *keys: str) -> dict[tuple[str, ...], int]:
    found: dict[tuple[str, ...], int] = {}
    for value in document["dataValues"]:  # type: ignore[attr-defined]
        key = tuple(value[k] for k in keys)
        assert key not in found, f"two values for {key}: DHIS2 would keep only the last"
        found[key] = int(value["value"])
    return found


def test_without_venue_kinds_declared_the_kinds_are_added_together(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path))
    document, unmapped = data_value_set(COUNTS, mapping)
    assert not unmapped
    female, male = mapping.sexes["female"], mapping.sexes["male"]
    assert values_by(document, "period", "categoryOptionCombo") == {
        ("202610", female): 20, ("202610", male): 5, ("202611", female): 5, ("202611", male): 0}


def test_declared_venue_kinds_split_each_sex_by_kind(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path, venue_kinds=KINDS))
    document, unmapped = data_value_set(COUNTS, mapping)
    assert not unmapped
    station, community = KINDS["commune_health_station"], KINDS["community"]
    assert values_by(document, "period", "categoryOptionCombo") == {
        ("202610", station["female"]): 12, ("202610", station["male"]): 3, ("202610", community["female"]): 8,
        ("202610", community["male"]): 2, ("202611", community["female"]): 5, ("202611", community["male"]): 0}
    assert {v["dataElement"] for v in document["dataValues"]} == {NICE}  # type: ignore[attr-defined]


def test_facilitators_get_data_elements_of_their_own(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path, facilitators=BY_FACILITATOR))
    held = [FacilitatorCount(1, "Xfacilitat1", "lam-dong", "202610", 2, 25),
            FacilitatorCount(2, "Xfacilitat2", "lam-dong", "202610", 1, 10),
            FacilitatorCount(3, None, "lam-dong", "202610", 4, 40)]
    document, unmapped = data_value_set(COUNTS, mapping, held)
    assert unmapped.facilitators == {3: 4} and not unmapped.programmes and not unmapped.provinces
    by_facilitator = values_by(document, "dataElement", "categoryOptionCombo", "period")
    assert {k: v for k, v in by_facilitator.items() if k[0] != NICE} == {
        ("Sfacilitat1", "Xfacilitat1", "202610"): 2, ("Pfacilitat1", "Xfacilitat1", "202610"): 25,
        ("Sfacilitat1", "Xfacilitat2", "202610"): 1, ("Pfacilitat1", "Xfacilitat2", "202610"): 10}
    # The programme's own figures are untouched: a session two people held is counted once there.
    assert sum(v for k, v in by_facilitator.items() if k[0] == NICE) == 30


def test_facilitator_figures_are_left_out_when_the_mapping_does_not_declare_them(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path))
    document, unmapped = data_value_set(COUNTS, mapping, [FacilitatorCount(3, None, "lam-dong", "202610", 4, 40)])
    assert not unmapped and {v["dataElement"] for v in document["dataValues"]} == {NICE}  # type: ignore[attr-defined]


def test_a_facilitator_in_a_province_without_an_organisation_unit_is_unmapped(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path, facilitators=BY_FACILITATOR))
    _, unmapped = data_value_set([], mapping, [FacilitatorCount(1, "Xfacilitat1", "atlantis", "202610", 2, 25)])
    assert unmapped.provinces == {"atlantis": 25}


@pytest.mark.parametrize(("sections", "message"), [
    ({"venue_kinds": {k: v for k, v in KINDS.items() if k != "school"}}, "venue_kinds needs every kind"),
    ({"venue_kinds": KINDS | {"school": {"female": "F3aaaaaaaaa"}}}, "venue_kinds.school needs female and male"),
    ({"venue_kinds": KINDS | {"palace": KINDS["school"]}}, "venue_kinds needs every kind"),
    ({"venue_kinds": KINDS | {"school": {"female": "bad", "male": "M3aaaaaaaaa"}}}, "not DHIS2 identifiers"),
    ({"facilitators": {"sessions_data_element": "Sfacilitat1"}}, "facilitators needs"),
    ({"facilitators": BY_FACILITATOR | {"participants_data_element": "x"}}, "not DHIS2 identifiers"),
])
def test_a_declared_disaggregation_must_be_whole(tmp_path: Path, sections: dict[str, object], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        load_mapping(mapping_file(tmp_path, **sections))


def test_the_shipped_mapping_declares_every_kind_of_venue() -> None:
    assert set(load_mapping().venue_kinds) == set(VENUES)
