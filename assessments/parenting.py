"""Parenting sessions: the rules a record must meet, and reading rows of an import file.

Pure Python: the service layer supplies the lookups (programmes, topics, organisations) and
checks what needs the database (duplicates already stored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from assessments.provinces import PROVINCES_BY_CODE, fold_name, resolve_province
from assessments.tax_codes import normalise_tax_code

VENUES = ("workplace", "commune_health_station", "community", "school", "online")
# Kinds of venue kept in the register of venues (a workplace is an organisation; online has no place).
COMMUNITY_VENUES = ("commune_health_station", "community", "school")
MAX_PARTICIPANTS = 100_000
MAX_DURATION_MINUTES = 600
EARLIEST_DATE = date(2000, 1, 1)


@dataclass(frozen=True)
class SessionData:
    programme_id: int
    session_date: date
    duration_minutes: int
    venue_type: str
    province_code: str
    commune: str
    facilitator: str
    participants_total: int
    participants_female: int
    participants_male: int
    ethnic_minority: int
    internal_migrants: int
    organisation_id: int | None = None
    topic_ids: tuple[int, ...] = ()
    notes: str = ""
    shift: str = ""  # "Ca 1", "Ca chiều", "07:30": two shifts of one day are two sessions
    # Registered facilitators who held it (then `facilitator` may be empty: their names are kept
    # there too, for the exports); `facilitator` alone names someone not registered.
    facilitator_ids: tuple[int, ...] = ()
    venue_id: int | None = None  # a registered community venue: its kind, province and commune are the session's
    course_id: int | None = None  # the course (of the same programme) this session is part of


@dataclass(frozen=True)
class FacilitatorData:
    full_name: str
    works_at: str
    programme_id: int
    province_code: str
    trained_on: date | None
    trained_by: str
    dhis2_option_combo: str = ""  # their category option combo in DHIS2, if the export splits by facilitator


def check_facilitator(data: FacilitatorData, today: date, programme_ids: set[int]) -> dict[str, str]:
    """Every rule a facilitator record must meet: {field: reason code} for those it breaks."""
    errors: dict[str, str] = {}
    if not data.full_name.strip():
        errors["full_name"] = "required"
    if data.programme_id not in programme_ids:
        errors["programme_id"] = "programme_unknown"
    if data.province_code not in PROVINCES_BY_CODE:
        errors["province_code"] = "unknown_province"
    if data.trained_on is not None and data.trained_on > today:
        errors["trained_on"] = "training_in_future"
    elif data.trained_on is not None and data.trained_on < EARLIEST_DATE:
        errors["trained_on"] = "date_too_old"
    return errors


def place_key(data: SessionData) -> str:
    """Where (and in which shift) a session was held, for spotting duplicates: the workplace, else
    province, commune and kind of venue (a commune can hold a health-station and a community
    session the same day); then the shift, if any (a factory runs one session per shift)."""
    if data.organisation_id is not None:
        place = f"org:{data.organisation_id}"
    else:
        place = f"{data.province_code}:{fold_name(data.commune)}:{data.venue_type}"
    shift = fold_name(data.shift)
    return (f"{place}|{shift}" if shift else place)[:200]


@dataclass(frozen=True)
class VenueData:
    kind: str
    name: str
    province_code: str
    commune: str


def check_venue(data: VenueData) -> dict[str, str]:
    errors = {} if data.kind in COMMUNITY_VENUES else {"kind": "unknown_venue"}
    if not data.name.strip():
        errors["name"] = "required"
    return errors | {k: v for k, v in check_place(data.kind, None, data.province_code, data.commune).items()
                     if k != "venue_type"}


MAX_COURSE_SESSIONS = 52


@dataclass(frozen=True)
class CourseData:
    programme_id: int
    name: str
    province_code: str
    started_on: date
    sessions_to_complete: int | None  # None: the programme's minimum
    enrolled: int
    completed: int | None = None  # entered when the course ends


def sessions_to_complete_ok(sessions: int) -> bool:
    """A course's, or a programme's, number of sessions a parent attends to complete it."""
    return 1 <= sessions <= MAX_COURSE_SESSIONS


def check_course(data: CourseData, today: date) -> dict[str, str]:
    """Every rule a course must meet; its number of sessions to complete is already the
    programme's minimum when it named none (services.courses)."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "required"
    if data.province_code not in PROVINCES_BY_CODE:
        errors["province_code"] = "unknown_province"
    if data.started_on > today:
        errors["started_on"] = "course_in_future"
    if data.sessions_to_complete is None:
        errors["sessions_to_complete"] = "no_programme_minimum"
    elif not sessions_to_complete_ok(data.sessions_to_complete):
        errors["sessions_to_complete"] = "sessions_to_complete_out_of_range"
    if not 0 <= data.enrolled <= MAX_PARTICIPANTS:
        errors["enrolled"] = "too_large"
    elif data.completed is not None and not 0 <= data.completed <= data.enrolled:
        errors["completed"] = "completed_exceeds_enrolled"
    return errors


def check_place(venue_type: str, organisation_id: int | None, province_code: str, commune: str) -> dict[str, str]:
    """Where something happened (a session, a supervision visit): a known kind of venue, the
    workplace when it was at one, a province of today's 34 and a commune."""
    errors: dict[str, str] = {}
    if venue_type not in VENUES:
        errors["venue_type"] = "unknown_venue"
    if venue_type == "workplace" and organisation_id is None:
        errors["organisation_id"] = "workplace_needs_organisation"
    if province_code not in PROVINCES_BY_CODE:
        errors["province_code"] = "unknown_province"
    if not commune.strip():
        errors["commune"] = "required"
    return errors


def check_session(data: SessionData, today: date, *, allowed_topic_ids: set[int],
                  organisation_province: str | None, allowed_facilitator_ids: set[int] | None = None) -> dict[str, str]:
    """Every rule a session record must meet: {field: reason code} for those it breaks."""
    errors: dict[str, str] = {}
    if data.session_date > today:
        errors["session_date"] = "date_in_future"
    elif data.session_date < EARLIEST_DATE:
        errors["session_date"] = "date_too_old"
    if not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = "duration_out_of_range"
    errors |= check_place(data.venue_type, data.organisation_id, data.province_code, data.commune)
    if "province_code" not in errors and organisation_province not in (None, data.province_code):
        errors["province_code"] = "province_differs_from_workplace"
    if not data.facilitator.strip() and not data.facilitator_ids:
        errors["facilitator"] = "required"
    if not set(data.facilitator_ids) <= (allowed_facilitator_ids or set()):
        errors["facilitator_ids"] = "facilitator_not_in_programme"
    counts = ("participants_total", "participants_female", "participants_male", "ethnic_minority",
              "internal_migrants")
    for name in counts:
        value = getattr(data, name)
        if value < 0:
            errors[name] = "negative"
        elif value > MAX_PARTICIPANTS:
            errors[name] = "too_large"
    if not errors.keys() & set(counts):
        if data.participants_female + data.participants_male != data.participants_total:
            errors["participants_total"] = "disaggregation_does_not_add_up"
        elif data.participants_total == 0:
            errors["participants_total"] = "no_participants"
        if data.ethnic_minority > data.participants_total:
            errors["ethnic_minority"] = "exceeds_total"
        if data.internal_migrants > data.participants_total:
            errors["internal_migrants"] = "exceeds_total"
    if not data.topic_ids:
        errors["topic_ids"] = "required"
    elif not set(data.topic_ids) <= allowed_topic_ids:
        errors["topic_ids"] = "topic_not_in_programme"
    return errors


# --- Import files ------------------------------------------------------------------------------

# The documented template: these headers, in any order (case and spaces do not matter).
IMPORT_COLUMNS = (
    "date", "programme", "topics", "duration_minutes", "venue_type", "workplace_tax_code", "province",
    "commune", "facilitator", "participants_total", "participants_female", "participants_male",
    "ethnic_minority", "internal_migrants", "notes", "shift", "venue", "course",
)
# A blank province is the workplace's (when its tax code is given); the shift only when a place
# holds several sessions a day; a registered venue and a course only when the session has one.
REQUIRED_COLUMNS = set(IMPORT_COLUMNS) - {"workplace_tax_code", "notes", "shift", "venue", "course"}
# Day, month, year as dates are written in Viet Nam: 24/11/2026, 24-11-2026, 24.11.26.
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")


@dataclass(frozen=True)
class ImportLookups:
    """What the service knows: programmes by key, their topics by key, organisations by tax code."""

    programmes: dict[str, int]  # folded key or name -> programme id
    topics: dict[int, dict[str, int]]  # programme id -> folded topic key or name -> topic id
    organisations: dict[str, tuple[int, str]]  # tax code digits -> (organisation id, province code)
    # programme id -> folded full name -> registered facilitator id
    facilitators: dict[int, dict[str, int]] = field(default_factory=dict)
    # (province code, kind, folded name) -> (registered venue id, its commune)
    venues: dict[tuple[str, str, str], tuple[int, str]] = field(default_factory=dict)
    # programme id -> folded course name -> course id, or None when two of its courses share it
    courses: dict[int, dict[str, int | None]] = field(default_factory=dict)


@dataclass
class ImportRow:
    number: int  # as the user sees it: the header is row 1
    data: SessionData | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.data is not None and not self.errors


def normalise_header(header: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header or "").strip().lower()).strip("_")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if len(match.group(3)) == 2 else 0  # a two-digit year: sessions are this century
        try:
            return date(year, month, day)
        except ValueError:
            return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def parse_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if re.fullmatch(r"-?[0-9]{1,7}", text) else None


def topics_in(cell: str, known: dict[str, int]) -> tuple[list[int], str]:
    """The topics of a cell, separated by ";" (as the import page says). A topic's own name may
    contain a comma; a part that is no topic is tried as comma-separated topics (older files).
    Returns the topic ids and the first name that is no topic of the programme ("" if none)."""
    ids: list[int] = []
    for part in (p.strip() for p in re.split(r"[;\n]", cell)):
        if not part:
            continue
        whole = known.get(fold_name(part))
        if whole is not None:
            ids.append(whole)
            continue
        pieces = [piece.strip() for piece in part.split(",") if piece.strip()]
        found = [known.get(fold_name(piece)) for piece in pieces]
        missing = next((piece for piece, topic in zip(pieces, found, strict=True) if topic is None), None)
        if len(pieces) < 2 or missing is not None:
            return ids, missing if missing is not None and len(pieces) > 1 else part
        ids.extend(topic for topic in found if topic is not None)
    return ids, ""


def parse_row(number: int, raw: dict[str, Any], lookups: ImportLookups, today: date) -> ImportRow:
    row = ImportRow(number)
    errors = row.errors
    programme_id = lookups.programmes.get(fold_name(_text(raw.get("programme"))))
    if programme_id is None:
        errors["programme"] = "unknown_programme"
    session_date = parse_date(raw.get("date"))
    if session_date is None:
        errors["date"] = "invalid_date"
    counts: dict[str, int] = {}
    for name in ("duration_minutes", "participants_total", "participants_female", "participants_male",
                 "ethnic_minority", "internal_migrants"):
        parsed = parse_count(raw.get(name))
        if parsed is None:
            errors[name] = "not_a_whole_number"
        else:
            counts[name] = parsed
    venue = normalise_header(raw.get("venue_type"))
    organisation_id, organisation_province = None, None
    tax_code = _text(raw.get("workplace_tax_code"))
    if tax_code:
        digits = normalise_tax_code(tax_code)
        found = lookups.organisations.get(digits or "")
        if found is None:
            errors["workplace_tax_code"] = "unknown_workplace"
        else:
            organisation_id, organisation_province = found
    # Old (pre-July-2025) province names land in the unit that absorbed them; a blank province is
    # the workplace's when its tax code is known.
    written = _text(raw.get("province"))
    if not written and organisation_province is not None:
        written = organisation_province
    province = resolve_province(written)
    if province is None:
        errors["province"] = "unknown_province"
    topic_ids: list[int] = []
    if programme_id is not None:
        topic_ids, unknown = topics_in(_text(raw.get("topics")), lookups.topics.get(programme_id, {}))
        if unknown:
            errors["topics"] = f"unknown_topic:{unknown[:80]}"
    if errors or programme_id is None or session_date is None or province is None:
        return row
    commune = _text(raw.get("commune"))[:120]
    venue_id, course_id = None, None
    if venue_name := fold_name(_text(raw.get("venue"))):
        # Looked up where the row says it was held: a venue is unique by province, kind and name.
        found_venue = lookups.venues.get((province.code, venue, venue_name))
        if found_venue is None:
            errors["venue"] = "unknown_venue_name"
        else:
            venue_id, commune = found_venue  # the session takes its commune from the venue, as the form does
    if course_name := fold_name(_text(raw.get("course"))):
        courses = lookups.courses.get(programme_id, {})
        if course_name not in courses:
            errors["course"] = "unknown_course"
        elif (course_id := courses[course_name]) is None:
            errors["course"] = "ambiguous_course"
    registered = lookups.facilitators.get(programme_id, {})
    named = [name.strip() for name in _text(raw.get("facilitator")).split(";") if name.strip()]
    facilitator_ids = tuple(dict.fromkeys(registered[fold_name(n)] for n in named if fold_name(n) in registered))
    data = SessionData(
        programme_id=programme_id,
        session_date=session_date,
        venue_type=venue,
        province_code=province.code,
        commune=commune,
        # Names of registered facilitators become links; anyone else is kept as typed.
        facilitator="; ".join(n for n in named if fold_name(n) not in registered)[:120],
        facilitator_ids=facilitator_ids,
        organisation_id=organisation_id,
        topic_ids=tuple(dict.fromkeys(topic_ids)),
        notes=_text(raw.get("notes"))[:2000],
        shift=_text(raw.get("shift"))[:40],
        venue_id=venue_id,
        course_id=course_id,
        duration_minutes=counts["duration_minutes"], participants_total=counts["participants_total"],
        participants_female=counts["participants_female"], participants_male=counts["participants_male"],
        ethnic_minority=counts["ethnic_minority"], internal_migrants=counts["internal_migrants"],
    )
    allowed = set(lookups.topics.get(data.programme_id, {}).values())
    problems = check_session(data, today, allowed_topic_ids=allowed, organisation_province=organisation_province,
                             allowed_facilitator_ids=set(registered.values()))
    rename = {"province_code": "province", "organisation_id": "workplace_tax_code", "session_date": "date",
              "topic_ids": "topics"}
    errors.update({rename.get(k, k): v for k, v in problems.items()})
    row.data = data
    return row


def parse_rows(rows: list[dict[str, Any]], lookups: ImportLookups, today: date) -> list[ImportRow]:
    """Parse every data row; a row repeating an earlier one (same programme, place, date) is refused."""
    parsed = [parse_row(number, raw, lookups, today) for number, raw in enumerate(rows, start=2)]
    seen: dict[tuple[int, date, str], int] = {}
    for row in parsed:
        if row.accepted and row.data is not None:
            key = (row.data.programme_id, row.data.session_date, place_key(row.data))
            if key in seen:
                row.errors["date"] = f"duplicate_of_row_{seen[key]}"
            else:
                seen[key] = row.number
    return parsed
