"""DHIS2 aggregate export: participants per programme, sex, province and month as a
`dataValueSets` document a country office can import (POST /api/dataValueSets).

Which DHIS2 identifiers to use is configuration, not code: a YAML mapping file (the default is
assessments/data/dhis2_mapping.yaml; DHIS2_MAPPING_FILE points to another).
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
    participants: dict[str, str]  # programme key -> data element uid
    sexes: dict[str, str]  # "female"/"male" -> category option combo uid
    attribute_option_combo: str | None
    org_units: dict[str, str]  # province code -> organisation unit uid


def load_mapping(path: Path = DEFAULT_MAPPING) -> Dhis2Mapping:
    raw = yaml.safe_load(path.read_text())
    try:
        mapping = Dhis2Mapping(
            data_set=raw.get("data_set"),
            participants=dict(raw["data_elements"]["participants"]),
            sexes=dict(raw["category_option_combos"]),
            attribute_option_combo=raw.get("attribute_option_combo"),
            org_units=dict(raw.get("org_units") or {}),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise MappingError(f"{path}: missing or malformed section {error}") from error
    uids = [mapping.data_set, mapping.attribute_option_combo, *mapping.participants.values(),
            *mapping.sexes.values(), *mapping.org_units.values()]
    bad = [uid for uid in uids if uid is not None and not UID.match(str(uid))]
    if bad:
        raise MappingError(f"{path}: not DHIS2 identifiers (11 characters, a letter first): {bad}")
    if set(mapping.sexes) != {"female", "male"}:
        raise MappingError(f"{path}: category_option_combos needs exactly female and male")
    return mapping


@dataclass(frozen=True)
class MonthlyCount:
    programme_key: str
    province_code: str
    period: str  # YYYYMM
    female: int
    male: int


def data_value_set(counts: list[MonthlyCount], mapping: Dhis2Mapping) -> tuple[dict[str, Any], list[str]]:
    """The document and the list of what could not be mapped (left out, never guessed)."""
    values: list[dict[str, str]] = []
    skipped: list[str] = []
    for count in counts:
        element = mapping.participants.get(count.programme_key)
        org_unit = mapping.org_units.get(count.province_code)
        if element is None or org_unit is None:
            skipped.append(f"{count.programme_key}/{count.province_code}/{count.period}")
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
    return document, skipped
