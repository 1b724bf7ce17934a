"""DHIS2 aggregate export: participants per programme, sex, province and month as a
`dataValueSets` document a country office can import (POST /api/dataValueSets).

Which DHIS2 identifiers to use is configuration, not code. Each programme's data element is
kept with the programme (admins set it on the programmes page); the instance-wide identifiers
(data set, the sex disaggregation, one organisation unit per province) come from a YAML mapping
file (the default is assessments/data/dhis2_mapping.yaml; DHIS2_MAPPING_FILE points to another).

An export never leaves anything out silently: whatever cannot be mapped is returned, and the
web layer refuses the export with that list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_MAPPING = Path(__file__).resolve().parent / "data" / "dhis2_mapping.yaml"
UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")  # DHIS2 identifiers: 11 characters, a letter first


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class Dhis2Mapping:
    data_set: str | None
    sexes: dict[str, str]  # "female"/"male" -> category option combo uid
    attribute_option_combo: str | None
    org_units: dict[str, str]  # province code -> organisation unit uid


def load_mapping(path: Path = DEFAULT_MAPPING) -> Dhis2Mapping:
    raw = yaml.safe_load(path.read_text())
    try:
        mapping = Dhis2Mapping(
            data_set=raw.get("data_set"),
            sexes=dict(raw["category_option_combos"]),
            attribute_option_combo=raw.get("attribute_option_combo"),
            org_units=dict(raw.get("org_units") or {}),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise MappingError(f"{path}: missing or malformed section {error}") from error
    uids = [mapping.data_set, mapping.attribute_option_combo, *mapping.sexes.values(), *mapping.org_units.values()]
    bad = [uid for uid in uids if uid is not None and not UID.match(str(uid))]
    if bad:
        raise MappingError(f"{path}: not DHIS2 identifiers (11 characters, a letter first): {bad}")
    if set(mapping.sexes) != {"female", "male"}:
        raise MappingError(f"{path}: category_option_combos needs exactly female and male")
    return mapping


def is_uid(value: str) -> bool:
    return bool(UID.match(value))


@dataclass(frozen=True)
class MonthlyCount:
    programme_key: str
    data_element: str | None  # the programme's DHIS2 data element, if an admin set one
    province_code: str
    period: str  # YYYYMM
    female: int
    male: int


@dataclass(frozen=True)
class Unmapped:
    """Participants the document could not carry: by programme without a data element, and by
    province without an organisation unit."""

    programmes: dict[str, int]  # programme key -> participants
    provinces: dict[str, int]  # province code -> participants

    def __bool__(self) -> bool:
        return bool(self.programmes or self.provinces)


def data_value_set(counts: list[MonthlyCount], mapping: Dhis2Mapping) -> tuple[dict[str, Any], Unmapped]:
    """The document, and what could not be mapped (never guessed, never left out quietly: a
    non-empty Unmapped means the document is incomplete)."""
    values: list[dict[str, str]] = []
    unmapped = Unmapped({}, {})
    for count in counts:
        element = count.data_element
        org_unit = mapping.org_units.get(count.province_code)
        participants = count.female + count.male
        if element is None:
            unmapped.programmes[count.programme_key] = unmapped.programmes.get(count.programme_key, 0) + participants
        if org_unit is None:
            unmapped.provinces[count.province_code] = unmapped.provinces.get(count.province_code, 0) + participants
        if element is None or org_unit is None:
            continue
        for sex, number in (("female", count.female), ("male", count.male)):
            value = {"dataElement": element, "period": count.period, "orgUnit": org_unit,
                     "categoryOptionCombo": mapping.sexes[sex], "value": str(number)}
            if mapping.attribute_option_combo:
                value["attributeOptionCombo"] = mapping.attribute_option_combo
            values.append(value)
    document: dict[str, Any] = {"dataValues": values}
    if mapping.data_set:
        document["dataSet"] = mapping.data_set
    return document, unmapped
