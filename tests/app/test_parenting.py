"""Parenting sessions through the web: record, validate, scope, import, export."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app import create_app
from assessments.db import today_in_viet_nam
from assessments.dhis2 import FacilitatorElements
from assessments.models import (
    AuditEvent,
    Course,
    ParentingSession,
    ParentingTarget,
    PendingImport,
    Programme,
    SupervisionVisit,
    Topic,
)
from assessments.tabular import read_table, write_xlsx
from config import ConfigError
from tests.conftest import MARKER_B, World, add_session, app_config, database_fingerprint, reload, sign_in

HEADER = ("date,programme,topics,duration_minutes,venue_type,workplace_tax_code,province,commune,facilitator,"
          "participants_total,participants_female,participants_male,ethnic_minority,internal_migrants,notes,shift")
TEMPLATE_HEADER = [*HEADER.split(","), "venue", "course"]  # the two columns newer files add


def form(world: World, **changes: object) -> dict[str, object]:
    data = {"programme_id": str(world.programme.id), "topic_ids": [str(world.programme.topics[0].id)],
            "session_date": "2026-11-02", "duration_minutes": "90", "venue_type": "workplace",
            "organisation_id": str(world.org_a.id), "province_code": "hung-yen", "commune": "Phố Nối",
            "facilitator": "Nguyễn Thị Mai", "participants_total": "30", "participants_female": "22",
            "participants_male": "8", "ethnic_minority": "2", "internal_migrants": "25", "notes": ""}
    data.update(changes)
    return data


def count(dbs: Session) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count(ParentingSession.id)))


def test_unicef_records_a_session(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    response = client.post("/parenting/sessions/new", data=form(world))
    assert response.status_code == 302
    record = dbs.scalar(select(ParentingSession).where(ParentingSession.session_date == date(2026, 11, 2)))
    assert (record.participants_total, record.participants_male, record.place_key) == (30, 8, f"org:{world.org_a.id}")
    assert dbs.scalar(select(AuditEvent).where(AuditEvent.object_type == "parenting_session")).actor_id == \
        world.users["unicef"].id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phố Nối" in page and "22 nữ, 8 nam" in page


def test_every_mistake_is_shown_at_once_in_vietnamese(client: FlaskClient, world: World, engine: Engine) -> None:
    sign_in(client, world.users["unicef"])
    tomorrow = (today_in_viet_nam() + timedelta(days=1)).isoformat()
    before = database_fingerprint(engine)
    response = client.post("/parenting/sessions/new", data=form(
        world, session_date=tomorrow, organisation_id="", participants_total="31", ethnic_minority="40"))
    page = response.get_data(as_text=True)
    errors = dict(re.findall(r'id="([a-z_]+)-error">([^<]*)<', page))
    assert response.status_code == 200
    assert errors == {
        "session_date": "Ngày này ở tương lai: chỉ ghi nhận những buổi đã diễn ra.",
        "organisation_id": "Hãy chọn nơi làm việc đã tổ chức buổi sinh hoạt.",
        "participants_total": "Số nữ và số nam cộng lại không bằng tổng số.",
        "ethnic_minority": "Không được lớn hơn tổng số người tham gia.",
    }
    assert database_fingerprint(engine) == before


def test_the_same_session_twice_is_a_duplicate(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    assert client.post("/parenting/sessions/new", data=form(world)).status_code == 302
    again = client.post("/parenting/sessions/new", data=form(world, participants_female="20",
                                                              participants_total="28"))
    assert "Chương trình này đã có một buổi sinh hoạt tại nơi này vào ngày này." in again.get_data(as_text=True)
    assert count(dbs) == 2  # the world's session and the first save


@pytest.mark.parametrize("value", ["-3", "abc", "1e3", "99999999", "12.5"])
def test_bad_numbers_never_break_the_form(client: FlaskClient, world: World, value: str) -> None:
    sign_in(client, world.users["admin"])
    for field in ("participants_female", "duration_minutes", "internal_migrants"):
        response = client.post("/parenting/sessions/new", data=form(world, **{field: value}))
        assert response.status_code == 200 and f'id="{field}-error"' in response.get_data(as_text=True)


def test_second_editor_is_told_and_nothing_is_overwritten(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    session_id = world.session_a.id
    url = f"/parenting/sessions/{session_id}/edit"
    version = re.search(r'name="version" type="hidden" value="(\d+)"', client.get(url).get_data(as_text=True)).group(1)
    first = client.post(url, data=form(world, session_date="2026-10-01", version=version, notes="first"))
    assert first.status_code == 302
    second = client.post(url, data=form(world, session_date="2026-10-01", version=version, notes="second"))
    assert second.status_code == 409
    assert "Người khác đã lưu nội dung này" in second.get_data(as_text=True)
    assert reload(dbs, world.session_a).notes == "first"
    assert reload(dbs, world.session_a).version == int(version) + 1


def test_hr_sees_only_its_own_organisations_sessions(client: FlaskClient, world: World, dbs: Session) -> None:
    session_b = add_session(dbs, world.programme, world.org_b, day=date(2026, 9, 9), commune=MARKER_B)
    dbs.commit()
    sign_in(client, world.users["hr_a"])
    listing = client.get(f"/parenting/sessions?organisation={world.org_b.id}").get_data(as_text=True)
    assert MARKER_B not in listing and "Ánh Dương" in listing
    assert client.get(f"/parenting/sessions/{session_b.id}").status_code == 404
    assert client.get(f"/parenting/workplaces/{world.org_b.id}").status_code == 404
    assert client.get("/parenting/export.csv").status_code == 403


def test_delete_is_audited(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    page = client.get(f"/parenting/sessions/{world.session_a.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version is not None
    assert client.post(f"/parenting/sessions/{world.session_a.id}/delete",
                       data={"version": version.group(1)}).status_code == 302
    assert count(dbs) == 0
    assert dbs.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "parenting_session")) == "delete"


def test_a_session_changed_since_its_page_was_drawn_is_not_deleted(client: FlaskClient, world: World,
                                                                   dbs: Session) -> None:
    """A delete decided on what a page showed must not take away an edit saved after it, nor can
    a post without the version delete anything (the one version rule, as for every edit)."""
    sign_in(client, world.users["unicef"])
    record_id = world.session_a.id
    assert client.post(f"/parenting/sessions/{record_id}/delete").status_code == 302
    edit = client.get(f"/parenting/sessions/{record_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit)
    assert version is not None and count(dbs) == 1
    # Someone else corrects the count meanwhile.
    assert client.post(f"/parenting/sessions/{record_id}/edit", data=form(
        world, session_date=world.session_a.session_date.isoformat(), participants_total="29",
        participants_female="21", version=version.group(1))).status_code == 302
    stale = client.post(f"/parenting/sessions/{record_id}/delete", data={"version": version.group(1)},
                        follow_redirects=True)
    assert "Ai đó đã thay đổi buổi sinh hoạt này" in stale.get_data(as_text=True)
    assert count(dbs) == 1


def upload(client: FlaskClient, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post("/parenting/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def csv_file(*rows: str) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode()


GOOD_ROW = "15/10/2026,nice,learning-through-play,90,community,,Bình Thuận,Phú Thủy,Mai,25,20,5,0,1,"


def test_a_second_shift_is_not_a_duplicate(client: FlaskClient, world: World, dbs: Session) -> None:
    """Issue 14 item 22, on the form: same programme, workplace and day, another shift."""
    sign_in(client, world.users["unicef"])
    url = "/parenting/sessions/new"
    first = client.post(url, data=form(world, session_date="2026-10-20", shift="Ca sáng"))
    second = client.post(url, data=form(world, session_date="2026-10-20", shift="Ca chiều"))
    again = client.post(url, data=form(world, session_date="2026-10-20", shift="ca sáng"))
    assert first.status_code == 302 and second.status_code == 302, second.get_data(as_text=True)[-2000:]
    assert again.status_code == 200 and "Chương trình này đã có một buổi" in again.get_data(as_text=True)


def test_import_with_bad_rows_reports_why_and_imports_nothing(client: FlaskClient, world: World,
                                                             dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    content = csv_file(GOOD_ROW, "2026-10-16,nice,routines,90,workplace,0999999999,Hưng Yên,X,Mai,10,5,5,0,0,",
                       "2026-10-17,nice,routines,90,community,,Hưng Yên,Y,Mai,10,5,4,0,0,", GOOD_ROW,
                       "2026-10-18,nice,routines; knitting,90,community,,Hưng Yên,Z,Mai,10,5,5,0,0,")
    page = upload(client, "sessions.csv", content).get_data(as_text=True)
    assert "Chấp nhận 1 trên 5 dòng." in page
    assert "“knitting” không phải là chủ đề của chương trình này" in page  # names the topic that failed
    assert "Không có tổ chức nào có mã số thuế này." in page
    assert "Số nữ và số nam cộng lại không bằng tổng số." in page
    assert "Trùng với dòng 2 của tệp này." in page
    assert "Chưa có dữ liệu nào được nhập." in page and 'name="upload"' not in page
    assert count(dbs) == 1


def test_good_file_is_imported_after_confirmation(client: FlaskClient, world: World, dbs: Session, app) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, world.users["unicef"])
    rows = [GOOD_ROW, "16/10/2026,pdep,positive-discipline,120,workplace,0100000001,Hưng Yên,Phố Nối,An,12,6,6,0,3,"]
    page = upload(client, "sessions.csv", csv_file(*rows)).get_data(as_text=True)
    assert "Chấp nhận 2 trên 2 dòng." in page
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    assert count(dbs) == 1
    response = client.post("/parenting/import/confirm", data={"upload": token})
    assert response.status_code == 302 and count(dbs) == 3
    imported = dbs.scalar(select(ParentingSession).where(ParentingSession.commune == "Phú Thủy"))
    assert imported.province_code == "lam-dong"  # the old province name landed in its new province
    # The same file again: every row is now a duplicate, nothing more is stored.
    again = upload(client, "sessions.csv", csv_file(*rows)).get_data(as_text=True)
    assert "Chấp nhận 0 trên 2 dòng." in again
    assert client.post("/parenting/import/confirm", data={"upload": token}).status_code == 302
    assert count(dbs) == 3


def test_someone_elses_upload_token_cannot_be_confirmed(client: FlaskClient, world: World, dbs: Session,
                                                        app) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, world.users["unicef"])
    page = upload(client, "s.csv", csv_file(GOOD_ROW)).get_data(as_text=True)
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    other = sign_in(app.test_client(), world.users["admin"])
    other.post("/parenting/import/confirm", data={"upload": token})
    assert count(dbs) == 1
    for forged in ("../../etc/passwd", "*", ""):
        client.post("/parenting/import/confirm", data={"upload": forged})
    assert count(dbs) == 1


def test_excel_import_and_templates(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    header = HEADER.split(",")
    csv_template = client.get("/parenting/import/template.csv").data.decode("utf-8-sig")
    assert csv_template.splitlines()[0].split(",") == TEMPLATE_HEADER  # files without the last two still import
    row = [date(2026, 10, 20), "NICE", "routines", 60, "online", None, "Thừa Thiên Huế", "Phú Hội", "Lan",
           14.0, 9, 5, 0, 0, "Zalo"]
    page = upload(client, "sessions.xlsx", write_xlsx(header, [row])).get_data(as_text=True)
    assert "Chấp nhận 1 trên 1 dòng." in page


def test_the_excel_template_is_a_tool_and_its_example_cannot_be_imported(client: FlaskClient, world: World) -> None:
    """Issue 14 item 23: drop-downs for programme, topic, venue and province, a sheet that documents
    the columns, and an example on its own sheet (only the first sheet is imported)."""
    from io import BytesIO

    from openpyxl import load_workbook

    sign_in(client, world.users["unicef"])
    content = client.get("/parenting/import/template.xlsx").data
    book = load_workbook(BytesIO(content))
    data, *others = book.worksheets
    assert [c.value for c in data[1]] == TEMPLATE_HEADER and data.max_row == 1  # no row to import by mistake
    assert {sheet.title for sheet in others} >= {"Ví dụ", "Các cột", "Danh sách"}
    example = book["Ví dụ"]
    assert [c.value for c in example[1]] == TEMPLATE_HEADER and example.max_row == 2
    validated = {str(v.sqref).split(":")[0].rstrip("0123456789") for v in data.data_validations.dataValidation}
    columns = {name: chr(ord("A") + index) for index, name in enumerate(TEMPLATE_HEADER)}
    assert {columns["programme"], columns["topics"], columns["venue_type"], columns["province"]} <= validated
    lists = [c.value for c in book["Danh sách"]["A"]]
    assert world.programme.key in lists
    documented = [row[0].value for row in book["Các cột"].iter_rows(min_row=2)]
    assert documented == TEMPLATE_HEADER
    assert "Tệp không có dòng dữ liệu nào" in upload(client, "t.xlsx", content).get_data(as_text=True)
    # The CSV template's example row starts with "#": skipped, so the template imports nothing either.
    csv_template = client.get("/parenting/import/template.csv").data
    assert csv_template.decode("utf-8-sig").splitlines()[1].startswith("# ")
    assert "Tệp không có dòng dữ liệu nào" in upload(client, "t.csv", csv_template).get_data(as_text=True)
    page = client.get("/parenting/import").get_data(as_text=True)
    assert f"<code>{world.programme.topics[0].key}</code>" in page and world.org_a.tax_code in page


@pytest.mark.parametrize(("name", "content", "message"), [
    ("x.pdf", b"%PDF-1.4", "Chỉ nhập được tệp .csv và .xlsx."),
    ("x.csv", b"date,programme\n2026-01-01,nice\n", "Tệp thiếu các cột"),
    ("x.xlsx", b"<html><script>alert(1)</script>", "Đây không phải tệp Excel (.xlsx) đọc được."),
])
def test_unusable_files_get_a_clear_message(client: FlaskClient, world: World, name: str, content: bytes,
                                            message: str) -> None:
    sign_in(client, world.users["unicef"])
    response = upload(client, name, content)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_dashboard_figures(client: FlaskClient, world: World, dbs: Session) -> None:
    add_session(dbs, world.programme, None, day=date(2026, 9, 3), women=10, men=10, province="lam-dong",
                commune="Phú Thủy", venue="commune_health_station")
    dbs.commit()
    sign_in(client, world.users["reviewer"])
    page = client.get("/parenting/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Số buổi 2 " in text and "Người tham gia 45 " in text
    assert "Tỷ lệ người cha 33 %" in text  # 15 fathers of 45 participants
    assert "Số nơi làm việc được tiếp cận 1 " in text
    assert "<svg" in page and "2026-09" in page and "Lâm Đồng" in page
    filtered = re.sub(r"<[^>]+>", " ", client.get("/parenting/?province=lam-dong").get_data(as_text=True))
    assert "Người tham gia 20 " in re.sub(r"\s+", " ", filtered)


def test_exports_csv_xlsx_and_dhis2(client: FlaskClient, world: World, dbs: Session) -> None:
    add_session(dbs, world.programme, None, day=date(2026, 9, 3), women=10, men=4, province="lam-dong",
                commune="=cmd|' /C calc'!A0", venue="community")
    dbs.commit()
    sign_in(client, world.users["reviewer"])
    with client.get("/parenting/export.csv", buffered=False) as csv:
        assert csv.headers["Content-Disposition"].startswith("attachment")
        assert csv.is_streamed  # sent as it is read: 200,000 sessions never sit in memory whole
        text = csv.data.decode("utf-8")
    assert text.startswith("\ufeff") and "Hưng Yên" in text and ",'=cmd|" in text
    xlsx = client.get("/parenting/export.xlsx?province=lam-dong").data
    rows = read_table("x.xlsx", xlsx)
    assert len(rows) == 1 and rows[0]["participants_male"] == 4 and rows[0]["province"] == "Lâm Đồng"
    assert load_workbook(io.BytesIO(xlsx)).sheetnames == ["Buổi sinh hoạt làm cha mẹ"]  # in the reader's language
    document = client.get("/parenting/export/dhis2.json").get_json()
    periods = {(v["period"], v["value"]) for v in document["dataValues"]}
    assert {("202609", "10"), ("202609", "4"), ("202610", "20"), ("202610", "5")} == periods


def test_admin_manages_programmes_and_topics(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    response = client.post("/parenting/programmes", data={"name_vi": "Cha mẹ đồng hành", "name_en": "Parents Together"})
    assert response.status_code == 302
    page = client.get("/parenting/programmes").get_data(as_text=True)
    assert "Cha mẹ đồng hành" in page and "parents-together" in page
    client.post(f"/parenting/programmes/{world.programme.id}/topics", data={"name_vi": "Ngủ", "name_en": "Sleep"})
    assert "sleep" in client.get("/parenting/programmes").get_data(as_text=True)
    duplicate = client.post("/parenting/programmes", data={"name_vi": "X", "name_en": "Parents together"})
    assert "Đã có chương trình mang tên này." in duplicate.get_data(as_text=True)
    client.post(f"/parenting/programmes/{world.programme.id}/active", data={"active": "0"})
    assert not reload(dbs, world.programme).active


@pytest.mark.parametrize("field", ["commune", "facilitator", "notes"])
def test_bad_input_corpus_never_breaks_the_session_form(client: FlaskClient, world: World, dbs: Session,
                                                        field: str) -> None:
    from tests.app.test_organisations import BAD_INPUTS

    sign_in(client, world.users["unicef"])
    for n, value in enumerate(BAD_INPUTS):
        day = (date(2026, 1, 1) + timedelta(days=n)).isoformat()  # a new date each time: no duplicates
        response = client.post("/parenting/sessions/new", data=form(world, session_date=day, **{field: value}))
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 302), (field, value)
        assert "<script>alert(1)</script>" not in page and "<img src=x onerror" not in page
        if response.status_code == 302:
            shown = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "<script>alert(1)</script>" not in shown
    dbs.expire_all()
    assert all("\x00" not in (s.commune + s.facilitator + s.notes) for s in dbs.scalars(select(ParentingSession)))


def test_dhis2_export_never_silently_leaves_out_a_programme(client: FlaskClient, world: World, dbs: Session) -> None:
    """A programme an admin adds has no DHIS2 identifier yet: the export says so and exports
    nothing, until an admin sets the identifier on the programmes page (issue 12.4)."""
    sign_in(client, world.users["admin"])
    client.post("/parenting/programmes", data={"name_vi": "Cha mẹ đồng hành", "name_en": "Parents Together"})
    added = dbs.scalar(select(Programme).where(Programme.key == "parents-together"))
    add_topic_row = Topic(programme_id=added.id, key="play", name_vi="Chơi", name_en="Play", active=True)
    dbs.add(add_topic_row)
    dbs.commit()
    add_session(dbs, added, world.org_a, day=date(2026, 10, 2), women=15, men=5)
    dbs.commit()
    dashboard = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/parenting/").get_data(as_text=True)))
    assert "Người tham gia 45 " in dashboard  # 25 at the world's session, 20 at the new programme's

    refused = client.get("/parenting/export/dhis2.json")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert "Cha mẹ đồng hành" in page and "20" in page and "/parenting/programmes" in page

    programmes = client.get("/parenting/programmes").get_data(as_text=True)
    version = re.search(rf'action="/parenting/programmes/{added.id}/rules".*?name="version"[^>]*value="(\d+)"',
                        programmes, re.S).group(1)
    bad = client.post(f"/parenting/programmes/{added.id}/rules", data={"dhis2_data_element": "not a uid",
                                                                        "version": version})
    assert bad.status_code == 200 and "11 ký tự" in bad.get_data(as_text=True)
    assert client.post(f"/parenting/programmes/{added.id}/rules", data={"dhis2_data_element": "Qa1b2c3d4e5",
                                                                         "version": version}).status_code == 302
    document = client.get("/parenting/export/dhis2.json").get_json()
    assert sum(int(v["value"]) for v in document["dataValues"]) == 45
    assert "Qa1b2c3d4e5" in {v["dataElement"] for v in document["dataValues"]}


def test_the_kind_of_venue_filters_the_page_and_both_exports_alike(client: FlaskClient, world: World,
                                                                   dbs: Session) -> None:
    # The world has a workplace session (20 women, 5 men, 2026-10-01); add one at a health station.
    add_session(dbs, world.programme, None, day=date(2026, 9, 3), women=12, men=3, province="lam-dong",
                commune="Phú Thủy", venue="commune_health_station")
    dbs.commit()
    sign_in(client, world.users["unicef"])
    query = "?venue=commune_health_station"
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/parenting/{query}").get_data(as_text=True)))
    assert "Số buổi 1 " in page and "Người tham gia 15 " in page
    rows = read_table("x.xlsx", client.get(f"/parenting/export.xlsx{query}").data)
    assert [(r["venue_type"], r["participants_total"]) for r in rows] == [("commune_health_station", 15)]
    document = client.get(f"/parenting/export/dhis2.json{query}").get_json()
    assert sorted(int(v["value"]) for v in document["dataValues"]) == [3, 12]
    # An unknown kind is no filter at all, never an error.
    assert "Số buổi 2 " in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(
        "/parenting/?venue=palace").get_data(as_text=True)))


def test_unicef_sets_a_target_and_the_dashboard_shows_progress_against_it(client: FlaskClient, world: World,
                                                                          dbs: Session) -> None:
    assert world.programme is not None
    sign_in(client, world.users["unicef"])
    year = today_in_viet_nam().year
    form = {"year": str(year), "province_code": "hung-yen", "programme_id": str(world.programme.id),
            "sessions": "10", "participants": "1.000", "fathers_percent": "30", "workplaces": ""}
    refused = client.post("/parenting/targets", data=form | {"fathers_percent": "130"})
    assert refused.status_code == 422 and "Nhập một số nguyên từ 0 đến 100." in refused.get_data(as_text=True)
    assert client.post("/parenting/targets", data=form).status_code == 302
    listed = client.get(f"/parenting/targets?year={year}").get_data(as_text=True)
    assert "1.000" in listed and "Hưng Yên" in listed
    # A second officer's "new target" form for the same province and programme: shown, not written over.
    conflict = client.post("/parenting/targets", data=form | {"participants": "5000"})
    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409 and 'value="1000"' in page and "5000" in page
    stored = dbs.scalar(select(ParentingTarget))
    assert stored is not None and stored.participants == 1000
    sign_in(client, world.users["reviewer"])  # reviewers see progress, not the targets page
    dashboard = re.sub(r"\s+", " ", client.get("/parenting/").get_data(as_text=True))
    in_year = 25 if year == 2026 else 0  # the world's session: 1 October 2026, 25 participants
    assert f"So với chỉ tiêu năm {year}" in dashboard and "<progress" in dashboard
    assert f"Người tham gia</strong>: {in_year} / 1.000" in dashboard
    # The map: Hưng Yên is far behind its target (red), a link to its own figures; the others have none.
    tile = re.search(r'<a href="/parenting/\?province=hung-yen#progress" aria-label="Hưng Yên: ([^"]+)">'
                     r'<rect [^>]*fill="([^"]+)"', dashboard)
    assert tile is not None and tile.group(2) == "#b3261e" and f"{in_year} trên 1.000 người tham gia" in tile.group(1)
    tile_map = dashboard[dashboard.index('class="tile-map"'):]
    assert tile_map[:tile_map.index("</svg>")].count('fill="#e6ece9"') == 33 + 1  # no target: 33 and the legend
    # The trends: participants by month, women and men, and by programme.
    assert "Người tham gia theo tháng, nữ và nam" in dashboard
    assert "Người tham gia theo tháng và chương trình" in dashboard


def test_the_date_filter_says_to_which_day_not_to_whom(client: FlaskClient, world: World) -> None:
    # "To" was translated once for the mail pages ("Người nhận", the recipient) and the filter
    # borrowed it: "From the day ... Recipient".
    sign_in(client, world.users["unicef"])
    page = client.get("/parenting/").get_data(as_text=True)
    assert '<label for="from">Từ ngày</label>' in page and '<label for="to">Đến ngày</label>' in page


def add_facilitator(client: FlaskClient, world: World, name: str = "Đỗ Thị Hồng", **changes: str) -> int:
    data = {"full_name": name, "works_at": "Trạm y tế xã Phú Thủy", "programme_id": str(world.programme.id),
            "province_code": "hung-yen", "trained_on": "2026-03-10", "trained_by": "UNICEF"} | changes
    response = client.post("/parenting/facilitators", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_session_names_registered_facilitators_and_each_ones_page_shows_their_reach(
        client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    refused = client.post("/parenting/facilitators", data={"full_name": "An", "programme_id": str(world.programme.id),
                                                          "province_code": "hung-yen", "trained_on": "2099-01-01"})
    assert refused.status_code == 422 and "Ngày tập huấn không thể ở tương lai." in refused.get_data(as_text=True)
    hong = add_facilitator(client, world)
    other_programme = dbs.scalar(select(Programme).where(Programme.id != world.programme.id))
    assert other_programme is not None
    elsewhere = add_facilitator(client, world, "Lý Văn Tú", programme_id=str(other_programme.id))
    # A facilitator of another programme cannot hold this programme's session.
    wrong = client.post("/parenting/sessions/new", data=form(world, facilitator="", facilitator_ids=[str(elsewhere)]))
    assert wrong.status_code == 200 and "không thuộc chương trình của buổi này" in wrong.get_data(as_text=True)
    assert client.post("/parenting/sessions/new", data=form(world, facilitator="Trần Văn Bảo",
                                                            facilitator_ids=[str(hong)])).status_code == 302
    record = dbs.scalar(select(ParentingSession).where(ParentingSession.session_date == date(2026, 11, 2)))
    assert record is not None and [f.id for f in record.facilitators] == [hong]
    assert record.facilitator == "Đỗ Thị Hồng; Trần Văn Bảo"  # what the exports show
    # Editing shows only the unregistered name in the text field, and saving does not repeat Hồng.
    edit = client.get(f"/parenting/sessions/{record.id}/edit").get_data(as_text=True)
    assert 'value="Trần Văn Bảo"' in edit
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit)
    assert version is not None
    assert client.post(f"/parenting/sessions/{record.id}/edit", data=form(
        world, facilitator="Trần Văn Bảo", facilitator_ids=[str(hong)], version=version.group(1))).status_code == 302
    dbs.expire_all()
    assert dbs.get(ParentingSession, record.id).facilitator == "Đỗ Thị Hồng; Trần Văn Bảo"  # type: ignore[union-attr]
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/parenting/facilitators/{hong}").get_data(
        as_text=True)))
    assert "Số buổi 1 " in page and "Người tham gia 30 " in page and "Trạm y tế xã Phú Thủy" in page
    listed = client.get("/parenting/facilitators").get_data(as_text=True)
    assert "Đỗ Thị Hồng" in listed and "Lý Văn Tú" in listed
    # The dashboard and the exports filter by facilitator alike.
    only = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/parenting/?facilitator={hong}").get_data(
        as_text=True)))
    assert "Số buổi 1 " in only
    rows = read_table("x.xlsx", client.get(f"/parenting/export.xlsx?facilitator={hong}").data)
    assert [r["facilitator"] for r in rows] == ["Đỗ Thị Hồng; Trần Văn Bảo"]


def test_an_imported_session_links_the_facilitators_it_names(client: FlaskClient, world: World,
                                                             dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    hong = add_facilitator(client, world, programme_id=str(world.programme.id))
    key = world.programme.key
    topic = world.programme.topics[0].key
    row = (f"16/10/2026,{key},{topic},90,community,,Hưng Yên,Phố Nối,đỗ thị hồng; Bà Năm,12,6,6,0,3,")
    page = upload(client, "sessions.csv", csv_file(row)).get_data(as_text=True)
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page)
    assert token is not None, page
    assert client.post("/parenting/import/confirm", data={"upload": token.group(1)}).status_code == 302
    imported = dbs.scalar(select(ParentingSession).where(ParentingSession.session_date == date(2026, 10, 16)))
    assert imported is not None and [f.id for f in imported.facilitators] == [hong]
    assert imported.facilitator == "Đỗ Thị Hồng; Bà Năm"


def test_a_supervision_visit_is_recorded_and_the_facilitators_page_shows_the_trend(
        client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    hong = add_facilitator(client, world)
    visit = {"programme_id": str(world.programme.id), "visit_date": "2026-09-10", "facilitator_id": str(hong),
             "venue_type": "community", "organisation_id": "", "province_code": "hung-yen", "commune": "Phố Nối",
             "supervisor": "Lê Thu Hà", "score-caregivers_engaged": "2", "score-key_messages": "3",
             "note": "Nhiều cha mẹ đến muộn.", "follow_up": "Nhắc lịch qua Zalo trước một ngày."}
    refused = client.post("/parenting/visits/new", data=visit | {"score-key_messages": "7"})
    assert refused.status_code == 422 and "Chấm mỗi mục từ 1 đến 4." in refused.get_data(as_text=True)
    assert client.post("/parenting/visits/new", data=visit).status_code == 302
    later = visit | {"visit_date": "2026-11-12", "score-caregivers_engaged": "4", "score-key_messages": "3"}
    assert client.post("/parenting/visits/new", data=later).status_code == 302
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/parenting/facilitators/{hong}").get_data(
        as_text=True)))
    # Earlier visit: engaged 2, messages 3; later: 4 and 3.
    assert "Cha mẹ, người chăm sóc tham gia tích cực 2,0 4,0 ↑" in page  # Vietnamese decimal comma
    assert "Nhắc lịch qua Zalo trước một ngày." in page
    stored = dbs.scalar(select(SupervisionVisit).where(SupervisionVisit.visit_date == date(2026, 9, 10)))
    assert stored is not None and stored.scores == {"caregivers_engaged": 2, "key_messages": 3}
    # A stale form is refused with what is saved; nothing is overwritten.
    edit = client.get(f"/parenting/visits/{stored.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit)
    assert version is not None and 'name="score-caregivers_engaged" value="2" checked' in edit
    assert client.post(f"/parenting/visits/{stored.id}", data=visit | {"version": version.group(1),
                                                                       "supervisor": "Mai"}).status_code == 302
    stale = client.post(f"/parenting/visits/{stored.id}", data=visit | {"version": version.group(1),
                                                                        "supervisor": "Lan"})
    assert stale.status_code == 409
    dbs.expire_all()
    assert dbs.get(SupervisionVisit, stored.id).supervisor == "Mai"  # type: ignore[union-attr]


def test_a_session_and_a_visit_at_a_registered_venue_take_its_place_and_show_on_its_page(
        client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    refused = client.post("/parenting/venues", data={"kind": "workplace", "name": "X", "province_code": "lam-dong",
                                                     "commune": "Phú Thủy"})
    assert refused.status_code == 422
    added = client.post("/parenting/venues", data={"kind": "commune_health_station", "name": "Trạm y tế xã Phú Thủy",
                                                   "province_code": "lam-dong", "commune": "Phú Thủy"})
    assert added.status_code == 302
    venue_id = int(added.headers["Location"].rsplit("/", 1)[1])
    again = client.post("/parenting/venues", data={"kind": "commune_health_station", "name": "Trạm y tế xã Phú Thủy",
                                                   "province_code": "lam-dong", "commune": "Phú Thủy"})
    assert again.status_code == 422 and "đã có địa điểm cùng loại với tên này" in again.get_data(as_text=True)
    # Without a venue, the place must be given; with one, it comes from the venue.
    nowhere = client.post("/parenting/sessions/new", data=form(world, venue_type="community", organisation_id="",
                                                               province_code="", commune=""))
    assert nowhere.status_code == 200 and "Trường này là bắt buộc." in nowhere.get_data(as_text=True)
    assert client.post("/parenting/sessions/new", data=form(world, venue_type="community", organisation_id="",
                                                            province_code="", commune="",
                                                            venue_id=str(venue_id))).status_code == 302
    record = dbs.scalar(select(ParentingSession).where(ParentingSession.venue_id == venue_id))
    assert record is not None
    assert (record.venue_type, record.province_code, record.commune) == ("commune_health_station", "lam-dong",
                                                                         "Phú Thủy")
    visit = {"programme_id": str(world.programme.id), "visit_date": "2026-11-10", "facilitator_id": "",
             "venue_type": "community", "organisation_id": "", "venue_id": str(venue_id), "province_code": "",
             "commune": "", "supervisor": "Lê Thu Hà", "score-caregivers_engaged": "3"}
    assert client.post("/parenting/visits/new", data=visit).status_code == 302
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/parenting/venues/{venue_id}").get_data(
        as_text=True)))
    assert "Số buổi 1 " in page and "Người tham gia 30 " in page and "người giám sát: Lê Thu Hà" in page
    listed = client.get("/parenting/venues").get_data(as_text=True)
    assert "Trạm y tế xã Phú Thủy" in listed


def test_a_course_counts_its_sessions_and_how_many_completed_it(client: FlaskClient, world: World,
                                                                dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    course = {"programme_id": str(world.programme.id), "name": "Chuyền 3, khóa 1/2026", "province_code": "hung-yen",
              "started_on": "2026-09-01", "sessions_to_complete": "8", "enrolled": "20", "completed": ""}
    assert client.post("/parenting/courses", data=course | {"sessions_to_complete": "0"}).status_code == 422
    opened = client.post("/parenting/courses", data=course)
    assert opened.status_code == 302
    course_id = int(opened.headers["Location"].rsplit("/", 1)[1])
    for day in ("2026-09-01", "2026-09-08"):
        assert client.post("/parenting/sessions/new", data=form(world, session_date=day,
                                                                course_id=str(course_id))).status_code == 302
    other = dbs.scalar(select(Programme).where(Programme.id != world.programme.id))
    assert other is not None
    wrong = client.post("/parenting/sessions/new", data=form(
        world, programme_id=str(other.id), topic_ids=[str(other.topics[0].id)], session_date="2026-09-15",
        course_id=str(course_id)))
    assert wrong.status_code == 200 and "Khóa học này thuộc chương trình khác." in wrong.get_data(as_text=True)
    page = client.get(f"/parenting/courses/{course_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version is not None
    too_many = client.post(f"/parenting/courses/{course_id}", data=course | {"completed": "25",
                                                                              "version": version.group(1)})
    assert too_many.status_code == 200 and "nhiều hơn số đã đăng ký" in too_many.get_data(as_text=True)
    assert client.post(f"/parenting/courses/{course_id}", data=course | {"completed": "18", "version": version.group(
        1)}).status_code == 302
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/parenting/courses/{course_id}").get_data(
        as_text=True)))
    assert "Số buổi đã tổ chức 2 / 8 " in shown and "Hoàn thành 18 " in shown and "90 % số đã đăng ký" in shown
    # The dashboard and exports filter by course too.
    assert dbs.scalar(select(func.count(ParentingSession.id)).where(ParentingSession.course_id == course_id)) == 2


def test_the_dhis2_export_counts_per_facilitator_where_the_mapping_declares_it(
        client: FlaskClient, app: Flask, world: World, dbs: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18, item 7: declared in the mapping, the export adds each facilitator's sessions and
    participants under data elements of their own, refuses while a facilitator who held sessions
    has no identifier, and its figures are the facilitators page's."""
    declared = replace(app.extensions["dhis2_mapping"], facilitators=FacilitatorElements("Sfacilitat1", "Pfacilitat1"))
    monkeypatch.setitem(app.extensions, "dhis2_mapping", declared)
    sign_in(client, world.users["unicef"])
    hong = add_facilitator(client, world)
    tu = add_facilitator(client, world, "Lý Văn Tú")
    for day, names in (("2026-11-02", [hong]), ("2026-11-09", [hong, tu])):
        data = form(world, session_date=day, facilitator="", facilitator_ids=[str(f) for f in names])
        assert client.post("/parenting/sessions/new", data=data).status_code == 302
    refused = client.get("/parenting/export/dhis2.json")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Người hướng dẫn chưa có mã DHIS2" in page
    assert f"/parenting/facilitators/{hong}#edit" in page and "2 buổi" in page and "Lý Văn Tú" in page

    def set_combo(facilitator_id: int, combo: str) -> str:
        edit = client.get(f"/parenting/facilitators/{facilitator_id}").get_data(as_text=True)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', edit)
        assert version is not None
        data = {"full_name": "Đỗ Thị Hồng" if facilitator_id == hong else "Lý Văn Tú", "works_at": "",
                "programme_id": str(world.programme.id), "province_code": "hung-yen", "trained_on": "",
                "trained_by": "", "dhis2_option_combo": combo, "active": "y", "version": version.group(1)}
        return client.post(f"/parenting/facilitators/{facilitator_id}", data=data).get_data(as_text=True)

    assert "11 ký tự" in set_combo(hong, "not-a-uid")
    set_combo(hong, "Xfacilitat1")
    assert "Người hướng dẫn khác đã có mã DHIS2 này" in set_combo(tu, "Xfacilitat1")
    set_combo(tu, "Xfacilitat2")
    document = client.get("/parenting/export/dhis2.json").get_json()
    per_facilitator = {(v["dataElement"], v["categoryOptionCombo"]): int(v["value"]) for v in document["dataValues"]
                       if v["dataElement"] in ("Sfacilitat1", "Pfacilitat1")}
    # The form's session has 30 participants; the facilitators page says the same per person.
    assert per_facilitator == {("Sfacilitat1", "Xfacilitat1"): 2, ("Pfacilitat1", "Xfacilitat1"): 60,
                               ("Sfacilitat1", "Xfacilitat2"): 1, ("Pfacilitat1", "Xfacilitat2"): 30}
    listed = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/parenting/facilitators").get_data(as_text=True)))
    assert re.search(r"Đỗ Thị Hồng .*? 2 60 ", listed) and re.search(r"Lý Văn Tú .*? 1 30 ", listed)
    # The programme's own figures count the shared session once.
    programme_values = [int(v["value"]) for v in document["dataValues"] if v["dataElement"] not in
                        ("Sfacilitat1", "Pfacilitat1")]
    assert sum(programme_values) == 25 + 60  # the world's session and the two recorded here


def test_a_mistake_in_the_dhis2_mapping_file_stops_the_start_with_its_reason(tmp_path: Path, database_url: str) -> None:
    bad = tmp_path / "mapping.yaml"
    bad.write_text("category_option_combos:\n  female: Aaaaaaaaaa1\n  male: Bbbbbbbbbb2\nvenue_kinds:\n  school: {}\n")
    with pytest.raises(ConfigError, match=r"DHIS2_MAPPING_FILE: .*venue_kinds needs every kind"):
        create_app(app_config(database_url, DHIS2_MAPPING_FILE=str(bad)))


def test_an_export_imports_back_with_its_venue_and_course(client: FlaskClient, world: World, dbs: Session) -> None:
    """The exports carry the registered venue and the course by name, and the import reads them
    back: a session exported, deleted and imported again is held at the same venue, in the same
    course (issue 18, items 1 and 6)."""
    sign_in(client, world.users["unicef"])
    venue = client.post("/parenting/venues", data={"kind": "commune_health_station", "name": "Trạm y tế xã Phú Thủy",
                                                   "province_code": "lam-dong", "commune": "Phú Thủy"})
    course = client.post("/parenting/courses", data={
        "programme_id": str(world.programme.id), "name": "Chuyền 3, khóa 1/2026", "province_code": "lam-dong",
        "started_on": "2026-09-01", "sessions_to_complete": "8", "enrolled": "20", "completed": ""})
    venue_id, course_id = (int(r.headers["Location"].rsplit("/", 1)[1]) for r in (venue, course))
    assert client.post("/parenting/sessions/new", data=form(
        world, venue_type="community", organisation_id="", province_code="", commune="", venue_id=str(venue_id),
        course_id=str(course_id))).status_code == 302
    exported = client.get(f"/parenting/export.csv?venue_id={venue_id}").data
    rows = read_table("x.csv", exported)
    assert [(r["venue_type"], r["venue"], r["course"]) for r in rows] == [
        ("commune_health_station", "Trạm y tế xã Phú Thủy", "Chuyền 3, khóa 1/2026")]
    stored = dbs.scalar(select(ParentingSession).where(ParentingSession.venue_id == venue_id))
    assert stored is not None
    version = re.search(r'name="version" type="hidden" value="(\d+)"', client.get(
        f"/parenting/sessions/{stored.id}/edit").get_data(as_text=True))
    assert version is not None
    assert client.post(f"/parenting/sessions/{stored.id}/delete", data={"version": version.group(1)}).status_code == 302
    page = upload(client, "back.csv", exported).get_data(as_text=True)
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page)
    assert token is not None, page
    assert client.post("/parenting/import/confirm", data={"upload": token.group(1)}).status_code == 302
    dbs.expire_all()
    again = dbs.scalar(select(ParentingSession).where(ParentingSession.session_date == date(2026, 11, 2)))
    assert again is not None and (again.venue_id, again.course_id, again.commune) == (venue_id, course_id, "Phú Thủy")
    # A venue the register does not have is refused with its reason.
    unknown = exported.decode("utf-8").replace("Trạm y tế xã Phú Thủy", "Trạm y tế xã Khác").encode()
    refused = upload(client, "other.csv", unknown).get_data(as_text=True)
    assert "Không có địa điểm đã đăng ký nào cùng loại mang tên này ở tỉnh, thành phố này." in refused


def test_a_target_is_removed_from_the_version_it_was_seen_at(client: FlaskClient, world: World, dbs: Session) -> None:
    """A target set by mistake (a province the programme does not run in) can be removed; a
    removal drawn from an older version is refused, as every edit is."""
    assert world.programme is not None
    sign_in(client, world.users["unicef"])
    year = today_in_viet_nam().year
    form = {"year": str(year), "province_code": "lam-dong", "programme_id": str(world.programme.id),
            "sessions": "10", "participants": "500", "fathers_percent": "", "workplaces": ""}
    assert client.post("/parenting/targets", data=form).status_code == 302
    target_id = dbs.scalar(select(ParentingTarget.id))
    assert target_id is not None
    editing = client.get(f"/parenting/targets?year={year}&edit={target_id}").get_data(as_text=True)
    assert f'action="/parenting/targets/{target_id}/remove"' in editing and "Xóa chỉ tiêu" in editing
    # Someone changes it meanwhile: the removal from the page seen before is refused, and kept.
    assert client.post(f"/parenting/targets?edit={target_id}", data=form | {"participants": "600",
                                                                            "version": "1"}).status_code == 302
    stale = client.post(f"/parenting/targets/{target_id}/remove", data={"version": "1"}, follow_redirects=True)
    assert "Ai đó đã thay đổi chỉ tiêu này" in stale.get_data(as_text=True)
    assert dbs.scalar(select(func.count(ParentingTarget.id))) == 1
    removed = client.post(f"/parenting/targets/{target_id}/remove", data={"version": "2"}, follow_redirects=True)
    assert "Đã xóa chỉ tiêu." in removed.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.scalar(select(func.count(ParentingTarget.id))) == 0
    assert client.post(f"/parenting/targets/{target_id}/remove", data={"version": "2"}).status_code == 404
    assert dbs.scalar(select(AuditEvent).where(AuditEvent.action == "target_removed")) is not None


def test_a_course_takes_its_programmes_minimum_unless_it_names_its_own(client: FlaskClient, world: World,
                                                                       dbs: Session) -> None:
    """Issue 18, item 6: completing a course means attending at least the programme's minimum
    number of sessions. Admins set it per programme; a course opened without a number takes it,
    and keeps it when the programme's rule changes later (its completion was counted under it)."""
    assert world.programme is not None
    course = {"programme_id": str(world.programme.id), "name": "Chuyền 3, khóa 1/2026", "province_code": "hung-yen",
              "started_on": "2026-09-01", "sessions_to_complete": "", "enrolled": "20", "completed": ""}
    sign_in(client, world.users["unicef"])
    no_rule = client.post("/parenting/courses", data=course)
    assert no_rule.status_code == 422 and "chưa đặt số buổi tối thiểu" in no_rule.get_data(as_text=True)

    sign_in(client, world.users["admin"])
    programme_page = client.get("/parenting/programmes").get_data(as_text=True)
    action = f'action="/parenting/programmes/{world.programme.id}/rules"'
    version = re.search(action + r'.*?name="version"[^>]*value="(\d+)"', programme_page, re.S)
    assert version is not None
    rules = {"dhis2_data_element": "Pe186022d09", "sessions_to_complete": "6", "version": version.group(1)}
    assert client.post(f"/parenting/programmes/{world.programme.id}/rules",
                       data=rules | {"sessions_to_complete": "0"}).status_code == 200  # shown with its error
    assert client.post(f"/parenting/programmes/{world.programme.id}/rules", data=rules).status_code == 302
    assert reload(dbs, world.programme).sessions_to_complete == 6

    sign_in(client, world.users["unicef"])
    courses_page = client.get("/parenting/courses").get_data(as_text=True)
    assert "tối thiểu 6 buổi" in courses_page
    opened = client.post("/parenting/courses", data=course)
    assert opened.status_code == 302
    own = client.post("/parenting/courses", data=course | {"name": "Chuyền 4", "sessions_to_complete": "8"})
    assert own.status_code == 302
    rules |= {"sessions_to_complete": "5", "version": str(reload(dbs, world.programme).version)}
    sign_in(client, world.users["admin"])
    assert client.post(f"/parenting/programmes/{world.programme.id}/rules", data=rules).status_code == 302
    dbs.expire_all()
    stored = {c.name: c.sessions_to_complete for c in dbs.scalars(select(Course))}
    assert stored == {"Chuyền 3, khóa 1/2026": 6, "Chuyền 4": 8}


def test_a_checked_import_waits_in_the_database_for_any_app_server_to_confirm(
        client: FlaskClient, app: Flask, world: World, dbs: Session) -> None:
    """Issue 19, item 2: the file between the check and the confirmation was on the disk of the
    server that received it; a confirmation reaching another server found nothing."""
    sign_in(client, world.users["unicef"])
    page = upload(client, "sessions.csv", csv_file(GOOD_ROW)).get_data(as_text=True)
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page)
    assert token is not None
    pending = dbs.get(PendingImport, token.group(1))
    assert pending is not None and pending.filename == "sessions.csv" and pending.user_id == world.users["unicef"].id
    other_server = create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"])).test_client()
    sign_in(other_server, world.users["unicef"])
    assert other_server.post("/parenting/import/confirm", data={"upload": token.group(1)}).status_code == 302
    assert count(dbs) == 2 and dbs.scalar(select(func.count()).select_from(PendingImport)) == 0
    again = client.post("/parenting/import/confirm", data={"upload": token.group(1)}, follow_redirects=True)
    assert "Tệp đã tải lên không còn; hãy tải lại." in again.get_data(as_text=True) and count(dbs) == 2
