"""Parenting-session rules, import parsing, safe tables and the DHIS2 document (no Flask)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assessments.dhis2 import UID, MappingError, MonthlyCount, data_value_set, load_mapping
from assessments.parenting import (
    CourseData,
    ImportLookups,
    SessionData,
    check_course,
    check_session,
    parse_date,
    parse_rows,
    place_key,
)
from assessments.provinces import fold_name
from assessments.tabular import TableError, read_table, spreadsheet_safe, write_csv, write_xlsx

TODAY = date(2026, 11, 24)
GOOD = SessionData(programme_id=1, session_date=date(2026, 11, 20), duration_minutes=90, venue_type="workplace",
                   province_code="hung-yen", commune="Phố Nối", facilitator="Mai", participants_total=30,
                   participants_female=22, participants_male=8, ethnic_minority=2, internal_migrants=25,
                   organisation_id=7, topic_ids=(1,))


def check(data: SessionData, province: str | None = "hung-yen") -> dict[str, str]:
    return check_session(data, TODAY, allowed_topic_ids={1, 2}, organisation_province=province)


def test_a_good_session_passes() -> None:
    assert check(GOOD) == {}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"session_date": date(2026, 11, 25)}, {"session_date": "date_in_future"}),
    ({"participants_total": 31}, {"participants_total": "disaggregation_does_not_add_up"}),
    ({"participants_male": -1, "participants_total": 21}, {"participants_male": "negative"}),
    ({"ethnic_minority": 31}, {"ethnic_minority": "exceeds_total"}),
    ({"internal_migrants": 40}, {"internal_migrants": "exceeds_total"}),
    ({"duration_minutes": 0}, {"duration_minutes": "duration_out_of_range"}),
    ({"organisation_id": None}, {"organisation_id": "workplace_needs_organisation"}),
    ({"province_code": "da-nang"}, {"province_code": "province_differs_from_workplace"}),
    ({"topic_ids": (9,)}, {"topic_ids": "topic_not_in_programme"}),
    ({"topic_ids": ()}, {"topic_ids": "required"}),
    ({"participants_total": 0, "participants_female": 0, "participants_male": 0, "ethnic_minority": 0,
      "internal_migrants": 0}, {"participants_total": "no_participants"}),
    ({"commune": "  "}, {"commune": "required"}),
])
def test_data_entry_mistakes_are_caught(changes: dict, expected: dict[str, str]) -> None:
    assert check(replace(GOOD, **changes)) == expected


def test_place_is_the_workplace_or_the_commune_and_venue() -> None:
    assert place_key(GOOD) == "org:7"
    community = replace(GOOD, organisation_id=None, venue_type="community", commune="Phú Thủy ")
    assert place_key(community) == "hung-yen:phu thuy:community"
    assert place_key(replace(community, commune="PHÚ THỦY")) == place_key(community)


LOOKUPS = ImportLookups(programmes={"nice": 1, "pdep": 2}, topics={1: {"learning through play": 11, "routines": 12,
                                                                       "stress, conflict and calm": 13},
                                                                   2: {"positive discipline": 21}},
                        organisations={"3400123456": (7, "lam-dong")})
ROW = {"date": "15/10/2026", "programme": "NICE", "topics": "learning-through-play; Routines",
       "duration_minutes": "90", "venue_type": "Workplace", "workplace_tax_code": "3400123456",
       "province": "Bình Thuận", "commune": "Phan Thiết", "facilitator": "Mai", "participants_total": "30",
       "participants_female": "22", "participants_male": "8", "ethnic_minority": "0", "internal_migrants": "3",
       "notes": ""}


def test_an_import_row_with_an_old_province_name_lands_in_the_new_province() -> None:
    [row] = parse_rows([ROW], LOOKUPS, TODAY)
    assert row.accepted, row.errors
    assert row.data.province_code == "lam-dong"  # Bình Thuận merged into Lâm Đồng on 1 July 2025
    assert row.data.session_date == date(2026, 10, 15)
    assert row.data.topic_ids == (11, 12) and row.data.organisation_id == 7


@pytest.mark.parametrize(("changes", "expected"), [
    ({"programme": "yoga"}, {"programme": "unknown_programme"}),
    ({"date": "2026-13-01"}, {"date": "invalid_date"}),
    ({"date": "31/02/2026"}, {"date": "invalid_date"}),
    ({"participants_male": "8.5"}, {"participants_male": "not_a_whole_number"}),
    ({"participants_total": "31"}, {"participants_total": "disaggregation_does_not_add_up"}),
    ({"province": "Atlantis"}, {"province": "unknown_province"}),
    ({"province": "Hà Nội"}, {"province": "province_differs_from_workplace"}),
    ({"workplace_tax_code": "0000000000"}, {"workplace_tax_code": "unknown_workplace"}),
    ({"topics": "routines; knitting"}, {"topics": "unknown_topic:knitting"}),
    ({"date": "2030-01-01"}, {"date": "date_in_future"}),
])
def test_import_rows_explain_why_they_are_refused(changes: dict, expected: dict[str, str]) -> None:
    [row] = parse_rows([{**ROW, **changes}], LOOKUPS, TODAY)
    assert not row.accepted and row.errors == expected


@pytest.mark.parametrize(("topics", "expected"), [
    ("Stress, conflict and calm", (13,)),  # a topic whose name has a comma, alone
    ("routines; Stress, conflict and calm", (12, 13)),  # and with another, separated by ";" as the page says
    ("routines, learning-through-play", (12, 11)),  # commas between known topics are still understood
])
def test_topic_names_with_commas_are_understood(topics: str, expected: tuple[int, ...]) -> None:
    """Issue 14 item 20: 3 of the 12 seeded topics have a comma in their name."""
    [row] = parse_rows([{**ROW, "topics": topics}], LOOKUPS, TODAY)
    assert row.accepted, row.errors
    assert row.data.topic_ids == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("01/04/25", date(2025, 4, 1)), ("1/4/2025", date(2025, 4, 1)), ("01-04-2025", date(2025, 4, 1)),
    ("01.04.25", date(2025, 4, 1)), ("2025-04-01", date(2025, 4, 1)), ("31/04/25", None), ("01/04/5", None),
])
def test_dates_as_people_write_them(written: str, expected: date | None) -> None:
    """Issue 14 item 21: two-digit years are this century (sessions are recent)."""
    assert parse_date(written) == expected


def test_a_blank_province_is_the_workplaces_when_its_tax_code_is_known() -> None:
    [row] = parse_rows([{**ROW, "province": ""}], LOOKUPS, TODAY)
    assert row.accepted, row.errors
    assert row.data.province_code == "lam-dong"
    [blank] = parse_rows([{**ROW, "province": "", "workplace_tax_code": "", "venue_type": "community"}], LOOKUPS, TODAY)
    assert blank.errors == {"province": "unknown_province"}


def test_two_shifts_of_one_day_are_two_sessions() -> None:
    """Issue 14 item 22: factories run one session per shift."""
    rows = parse_rows([{**ROW, "shift": "Ca 1"}, {**ROW, "shift": "Ca 2"}, {**ROW, "shift": "ca 1"}], LOOKUPS, TODAY)
    assert rows[0].accepted and rows[1].accepted, (rows[0].errors, rows[1].errors)
    assert rows[0].data.shift == "Ca 1"
    assert rows[2].errors == {"date": "duplicate_of_row_2"}  # the same shift again


def test_a_row_repeating_an_earlier_row_is_refused() -> None:
    rows = parse_rows([ROW, {**ROW, "notes": "typed twice"}], LOOKUPS, TODAY)
    assert rows[0].accepted and rows[1].errors == {"date": "duplicate_of_row_2"}


def test_excel_cells_arrive_as_numbers_and_dates() -> None:
    excel = {**ROW, "date": date(2026, 10, 15), "participants_total": 30.0, "participants_female": 22,
             "participants_male": 8.0, "workplace_tax_code": 3400123456}
    assert parse_rows([excel], LOOKUPS, TODAY)[0].accepted


def test_csv_with_bom_and_semicolons_is_read() -> None:
    content = "\ufeffdate;programme\n2026-10-15;nice\n;\n".encode()
    assert read_table("x.csv", content) == [{"date": "2026-10-15", "programme": "nice"}]


def test_xlsx_round_trip_keeps_vietnamese_and_neutralises_formulas() -> None:
    content = write_xlsx(["name", "value"], [["Phú Thủy", "=HYPERLINK(\"http://x\")"], ["Hàm Tiến", 3]])
    rows = read_table("x.xlsx", content)
    assert rows == [{"name": "Phú Thủy", "value": "'=HYPERLINK(\"http://x\")"}, {"name": "Hàm Tiến", "value": 3}]


def test_csv_export_has_a_bom_and_no_formulas() -> None:
    content = write_csv(["a"], [["=1+1"], ["+84 912"], ["-5"], ["@sum"], ["Bình thường"]])
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines() == ["a", "'=1+1", "'+84 912", "'-5", "'@sum", "Bình thường"]
    assert spreadsheet_safe(-5) == -5  # numbers stay numbers


def test_a_zip_bomb_is_refused_before_anything_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(TableError, match="archive_too_large"):
        read_table("bomb.xlsx", buffer.getvalue())


@pytest.mark.parametrize(("name", "content", "code"), [
    ("x.pdf", b"%PDF-1.4", "unsupported_file_type"),
    ("x.xlsx", b"PK not really", "not_xlsx"),
    ("x.xlsx", b"<html>", "not_xlsx"),
    ("x.csv", b"\xff\xfe\x00bad", "not_utf8"),
    ("x.csv", b"", "empty_file"),
    ("x.csv", b"a\n" + b"1\n" * 5001, "too_many_rows"),
    ("x.csv", b"a" * (5 * 1024 * 1024 + 1), "file_too_large"),
])
def test_unreadable_files_get_a_reason(name: str, content: bytes, code: str) -> None:
    with pytest.raises(TableError) as error:
        read_table(name, content)
    assert error.value.code == code


def test_dhis2_document_has_the_shape_dhis2_imports() -> None:
    mapping = load_mapping()
    counts = [MonthlyCount("nice", "Pe186022d09", "lam-dong", "202610", "community", 22, 8),
              MonthlyCount("added-later", None, "lam-dong", "202610", "community", 1, 1),
              MonthlyCount("nice", "Pe186022d09", "atlantis", "202610", "community", 3, 0)]
    document, unmapped = data_value_set(counts, mapping)
    assert set(document) == {"dataSet", "dataValues"} and UID.match(document["dataSet"])
    values = document["dataValues"]
    assert len(values) == 2 and unmapped.programmes == {"added-later": 2} and unmapped.provinces == {"atlantis": 3}
    for value in values:
        assert set(value) == {"dataElement", "period", "orgUnit", "categoryOptionCombo", "value"}
        assert all(UID.match(value[k]) for k in ("dataElement", "orgUnit", "categoryOptionCombo"))
        assert value["period"] == "202610" and isinstance(value["value"], str)
    assert {v["value"] for v in values} == {"22", "8"}
    assert values[0]["categoryOptionCombo"] != values[1]["categoryOptionCombo"]


def test_a_bad_mapping_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "mapping.yaml"
    bad.write_text("data_set: not-a-uid\ncategory_option_combos:\n  female: Aaaaaaaaaa1\n  male: Bbbbbbbbbb2\n")
    with pytest.raises(MappingError, match="not DHIS2 identifiers"):
        load_mapping(bad)


@pytest.mark.parametrize(("change", "errors"), [
    ({}, {}),
    ({"completed": 21}, {"completed": "completed_exceeds_enrolled"}),
    ({"sessions_to_complete": 0}, {"sessions_to_complete": "sessions_to_complete_out_of_range"}),
    ({"started_on": date(2027, 1, 1)}, {"started_on": "course_in_future"}),
    ({"name": " ", "province_code": "x"}, {"name": "required", "province_code": "unknown_province"}),
])
def test_a_course_is_checked_with_every_reason(change: dict[str, object], errors: dict[str, str]) -> None:
    course = CourseData(programme_id=1, name="Chuyền 3", province_code="hung-yen", started_on=date(2026, 9, 1),
                        sessions_to_complete=8, enrolled=20, completed=18)
    assert check_course(replace(course, **change), date(2026, 12, 5)) == errors  # type: ignore[arg-type]


VENUE_LOOKUPS = replace(LOOKUPS, venues={("lam-dong", "commune_health_station", fold_name("Trạm y tế xã Phú Thủy")):
                                         (5, "Phú Thủy")},
                        courses={1: {fold_name("Chuyền 2, khóa 2/2026"): 9, fold_name("Chuyền 3"): None}})
AT_THE_STATION = ROW | {"venue_type": "commune_health_station", "workplace_tax_code": "", "province": "Lâm Đồng",
                        "commune": "", "venue": "Trạm Y tế xã Phú Thủy", "course": "Chuyền 2, khóa 2/2026"}


def test_an_import_row_names_its_registered_venue_and_course() -> None:
    [row] = parse_rows([AT_THE_STATION], VENUE_LOOKUPS, TODAY)
    assert row.accepted, row.errors
    assert row.data is not None and (row.data.venue_id, row.data.commune, row.data.course_id) == (5, "Phú Thủy", 9)


@pytest.mark.parametrize(("change", "errors"), [
    ({"venue": "Trạm y tế xã Khác", "commune": "Phú Thủy"}, {"venue": "unknown_venue_name"}),
    ({"venue_type": "community", "commune": "X"}, {"venue": "unknown_venue_name"}),  # not a community centre
    ({"province": "Hưng Yên", "commune": "X"}, {"venue": "unknown_venue_name"}),  # nor in Hưng Yên
    ({"venue": "Trạm y tế xã Khác"}, {"venue": "unknown_venue_name", "commune": "required"}),
    ({"course": "Chuyền 9"}, {"course": "unknown_course"}),
    ({"course": "Chuyền 3"}, {"course": "ambiguous_course"}),  # two courses of NICE share the name
    ({"programme": "pdep", "topics": "positive discipline"}, {"course": "unknown_course"}),  # a NICE course
    ({"venue": "", "course": "", "commune": "Phú Thủy"}, {}),  # both columns may be blank
])
def test_an_unknown_venue_or_course_is_refused_with_its_reason(change: dict[str, str],
                                                               errors: dict[str, str]) -> None:
    [row] = parse_rows([AT_THE_STATION | change], VENUE_LOOKUPS, TODAY)
    assert row.errors == errors
