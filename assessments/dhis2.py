"""DHIS2 aggregate export: participants per programme, sex, province and month as a
`dataValueSets` document a country office can import (POST /api/dataValueSets).

Which DHIS2 identifiers to use is configuration, not code. Each programme's data element is
kept with the programme (admins set it on the programmes page), each facilitator's category
option combo with the facilitator (on their page); the instance-wide identifiers (data set, the
sex disaggregation, one organisation unit per province, and the optional disaggregations) come
from a YAML mapping file (the default is assessments/data/dhis2_mapping.yaml; DHIS2_MAPPING_FILE
points to another).

Two disaggregations are added only where the mapping declares them:
- `venue_kinds`: the programme's participants by sex and kind of venue (a category combo of the
  two), instead of by sex alone. Every participant is still reported once.
- `facilitators`: sessions and participants per registered facilitator, under data elements of
  their own (a session two people held counts for each of them, so these figures must never be
  added into the programme's).

An export never leaves anything out silently: whatever cannot be mapped is returned, and the
web layer refuses the export with that list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assessments.parenting import VENUES

DEFAULT_MAPPING = Path(__file__).resolve().parent / "data" / "dhis2_mapping.yaml"
UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")  # DHIS2 identifiers: 11 characters, a letter first
SEXES = ("female", "male")


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class FacilitatorElements:
    sessions: str  # data element: sessions a facilitator held
    participants: str  # data element: participants of those sessions


@dataclass(frozen=True)
class Dhis2Mapping:
    data_set: str | None
    sexes: dict[str, str]  # "female"/"male" -> category option combo uid
    attribute_option_combo: str | None
    org_units: dict[str, str]  # province code -> organisation unit uid
    venue_kinds: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> sex -> option combo
    facilitators: FacilitatorElements | None = None

    def option_combo(self, venue_kind: str, sex: str) -> str:
        return (self.venue_kinds[venue_kind] if self.venue_kinds else self.sexes)[sex]


def _venue_kinds(raw: Any, path: Path) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) != set(VENUES):
        raise MappingError(f"{path}: venue_kinds needs every kind of venue, and only those: {', '.join(VENUES)}")
    for kind, combos in raw.items():
        if not isinstance(combos, dict) or set(combos) != set(SEXES):
            raise MappingError(f"{path}: venue_kinds.{kind} needs female and male")
    return {kind: dict(combos) for kind, combos in raw.items()}


def _facilitators(raw: Any, path: Path) -> FacilitatorElements | None:
    if raw is None:
        return None
    try:
        return FacilitatorElements(raw["sessions_data_element"], raw["participants_data_element"])
    except (KeyError, TypeError) as error:
        raise MappingError(f"{path}: facilitators needs sessions_data_element and participants_data_element") \
            from error


def load_mapping(path: Path = DEFAULT_MAPPING) -> Dhis2Mapping:
    raw = yaml.safe_load(path.read_text())
    try:
        mapping = Dhis2Mapping(
            data_set=raw.get("data_set"),
            sexes=dict(raw["category_option_combos"]),
            attribute_option_combo=raw.get("attribute_option_combo"),
            org_units=dict(raw.get("org_units") or {}),
            venue_kinds=_venue_kinds(raw.get("venue_kinds"), path),
            facilitators=_facilitators(raw.get("facilitators"), path),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise MappingError(f"{path}: missing or malformed section {error}") from error
    uids = [mapping.data_set, mapping.attribute_option_combo, *mapping.sexes.values(), *mapping.org_units.values(),
            *(uid for combos in mapping.venue_kinds.values() for uid in combos.values())]
    if mapping.facilitators:
        uids += [mapping.facilitators.sessions, mapping.facilitators.participants]
    bad = [uid for uid in uids if uid is not None and not UID.match(str(uid))]
    if bad:
        raise MappingError(f"{path}: not DHIS2 identifiers (11 characters, a letter first): {bad}")
    if set(mapping.sexes) != set(SEXES):
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
    venue_kind: str
    female: int
    male: int


@dataclass(frozen=True)
class FacilitatorCount:
    facilitator_id: int
    option_combo: str | None  # the facilitator's DHIS2 category option combo, if one was set
    province_code: str  # where the sessions were held
    period: str
    sessions: int
    participants: int


@dataclass(frozen=True)
class Unmapped:
    """What the document could not carry: participants by programme without a data element and
    by province without an organisation unit, and sessions by facilitator (id) without a
    category option combo."""

    programmes: dict[str, int] = field(default_factory=dict)  # programme key -> participants
    provinces: dict[str, int] = field(default_factory=dict)  # province code -> participants
    facilitators: dict[int, int] = field(default_factory=dict)  # facilitator id -> sessions

    def __bool__(self) -> bool:
        return bool(self.programmes or self.provinces or self.facilitators)


def _add(found: dict[Any, int], key: Any, number: int) -> None:
    found[key] = found.get(key, 0) + number


def data_value_set(counts: Iterable[MonthlyCount], mapping: Dhis2Mapping,
                   facilitator_counts: Iterable[FacilitatorCount] = ()) -> tuple[dict[str, Any], Unmapped]:
    """The document, and what could not be mapped (never guessed, never left out quietly: a
    non-empty Unmapped means the document is incomplete). Facilitator counts are reported only
    when the mapping declares data elements for them."""
    # (data element, period, organisation unit, category option combo) -> value: rows that map to
    # the same cell (the kinds of venue, when they are not declared) are added together, since
    # DHIS2 keeps only the last value it is sent for a cell.
    cells: dict[tuple[str, str, str, str], int] = {}
    unmapped = Unmapped()
    for count in counts:
        org_unit = mapping.org_units.get(count.province_code)
        if count.data_element is None:
            _add(unmapped.programmes, count.programme_key, count.female + count.male)
        if org_unit is None:
            _add(unmapped.provinces, count.province_code, count.female + count.male)
        if count.data_element is None or org_unit is None:
            continue
        for sex, number in zip(SEXES, (count.female, count.male), strict=True):
            _add(cells, (count.data_element, count.period, org_unit, mapping.option_combo(count.venue_kind, sex)),
                 number)
    if mapping.facilitators:
        for held in facilitator_counts:
            org_unit = mapping.org_units.get(held.province_code)
            if held.option_combo is None:
                _add(unmapped.facilitators, held.facilitator_id, held.sessions)
            if org_unit is None:
                _add(unmapped.provinces, held.province_code, held.participants)
            if held.option_combo is None or org_unit is None:
                continue
            for element, number in ((mapping.facilitators.sessions, held.sessions),
                                    (mapping.facilitators.participants, held.participants)):
                _add(cells, (element, held.period, org_unit, held.option_combo), number)
    values = []
    for (element, period, org_unit, combo), number in cells.items():
        value = {"dataElement": element, "period": period, "orgUnit": org_unit, "categoryOptionCombo": combo,
                 "value": str(number)}
        if mapping.attribute_option_combo:
            value["attributeOptionCombo"] = mapping.attribute_option_combo
        values.append(value)
    document: dict[str, Any] = {"dataValues": values}
    if mapping.data_set:
        document["dataSet"] = mapping.data_set
    return document, unmapped
