"""Chamber reviewers on the web: query, return, resubmit, verify with a full history; the
comparison pages and exports, and what HR users can and cannot reach."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compare import views as compare_views
from assessments.models import Assessment, ReviewNote
from assessments.simulate import best_answers
from tests.app.test_assessment import RUBRIC, complete_and_submit
from tests.conftest import World, reload, sign_in
from tests.support.statements import statements_run


def submitted(dbs: Session, world: World) -> Assessment:
    answers = best_answers(RUBRIC) | {"leave.paternity": "fewer_days"}
    return complete_and_submit(dbs, world, answers)


def test_query_return_resubmit_verify_with_history(client: FlaskClient, world: World, dbs: Session) -> None:
    assessment = submitted(dbs, world)
    base = f"/review/{assessment.id}"
    sign_in(client, world.users["reviewer"])
    assert world.org_a.name in client.get("/review/").get_data(as_text=True)
    page = client.get(base).get_data(as_text=True)
    paternity = RUBRIC.indicator("leave.paternity")
    assert paternity.text.vi in page and 'name="decision" value="queried"' in page
    # A query needs a comment; the message says so and nothing is stored.
    refused = client.post(f"{base}/indicator", data={"indicator": "leave.paternity", "decision": "queried"},
                          follow_redirects=True).get_data(as_text=True)
    assert "cần có nhận xét" in refused and dbs.scalar(select(ReviewNote.id)) is None
    client.post(f"{base}/indicator", data={"indicator": "leave.paternity", "decision": "queried",
                                           "comment": "Gửi bảng chấm công tháng 3"})
    client.post(f"{base}/indicator", data={"indicator": "leave.maternity_policy", "decision": "accepted"})
    blocked = client.post(f"{base}/verify", follow_redirects=True).get_data(as_text=True)
    assert "vẫn đang được yêu cầu làm rõ" in blocked and reload(dbs, assessment).status == "submitted"
    client.post(f"{base}/return", data={"comment": "Vui lòng bổ sung"})
    assert reload(dbs, assessment).status == "returned"

    # The HR officer sees the query next to the answer, fixes it and submits again.
    hr = sign_in(client.application.test_client(), world.users["hr_a"])
    area = hr.get(f"/assessments/{assessment.id}/areas/leave").get_data(as_text=True)
    assert "Gửi bảng chấm công tháng 3" in area and "Yêu cầu của người thẩm định" in area
    version = area.split('name="version" value="')[1].split('"')[0]
    leave = {i.key for i in RUBRIC.area("leave").indicators}
    form = {k.replace(".", "__"): v for k, v in best_answers(RUBRIC).items() if k in leave}
    assert hr.post(f"/assessments/{assessment.id}/areas/leave", data={"version": version, **form}).status_code == 302
    assert hr.post(f"/assessments/{assessment.id}/submit", data={"confirm": "yes"}).status_code == 302
    assert reload(dbs, assessment).status == "submitted"

    client.post(f"{base}/indicator", data={"indicator": "leave.paternity", "decision": "accepted"})
    client.post(f"{base}/verify")
    assert reload(dbs, assessment).status == "verified"
    decisions = [n.decision for n in dbs.scalars(select(ReviewNote).order_by(ReviewNote.id))]
    assert decisions == ["queried", "accepted", "returned", "resubmitted", "accepted", "verified"]
    history = client.get(base).get_data(as_text=True).split('id="history"')[1]
    for word in ("Yêu cầu làm rõ", "Trả lại doanh nghiệp", "Doanh nghiệp đã nộp lại", "Đã xác nhận bản đánh giá"):
        assert word in history
    # A verified assessment is not reviewed again.
    assert "Chỉ có thể thẩm định" in client.post(f"{base}/return", data={"comment": "x"},
                                                follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize("who, url", [("reviewer", "/review/"), ("reviewer", "/assessments/"),
                                      ("hr_a", "/assessments/")])
def test_lists_never_read_the_stored_score_cards(client: FlaskClient, world: World, dbs: Session, who: str,
                                                 url: str) -> None:
    """Issue 19: the review queue spent a third of its time decoding each listed assessment's
    stored result (kilobytes of JSON) that it never shows. Lists read the columns they show."""
    assessment_id = submitted(dbs, world).id
    sign_in(client, world.users[who])
    with client.application.app_context():
        from app.extensions import db

        with statements_run(db.engine) as statements:
            page = client.get(url)
    assert page.status_code == 200 and f"/{assessment_id}" in page.get_data(as_text=True)
    listed = [s for s in statements if "FROM assessments" in s]
    assert listed and not [s for s in listed if "assessments.result" in s], listed


def test_the_review_page_reads_the_evidence_once(client: FlaskClient, world: World, dbs: Session) -> None:
    """The files attached after a query are among the assessment's files the page lists."""
    assessment_id = submitted(dbs, world).id
    sign_in(client, world.users["reviewer"])
    with client.application.app_context():
        from app.extensions import db

        with statements_run(db.engine) as statements:
            assert client.get(f"/review/{assessment_id}").status_code == 200
    read = [s for s in statements if "FROM evidence" in s]
    assert len(read) == 1, read


def test_hrs_assessments_page_reads_the_companys_assessments_once(client: FlaskClient, world: World,
                                                                   dbs: Session) -> None:
    """This year's open assessment and those returned to the company are among the company's
    assessments the page lists: each statement is a round trip on an HR officer's most used page."""
    from assessments.db import today_in_viet_nam
    from tests.conftest import add_assessment

    assert world.assessment_a is not None and world.assessment_a.cycle == today_in_viet_nam().year
    last_year = add_assessment(dbs, world.org_a, world.assessment_a.cycle - 1)
    last_year.status = "returned"
    dbs.commit()
    sign_in(client, world.users["hr_a"])
    with client.application.app_context():
        from app.extensions import db

        with statements_run(db.engine) as statements:
            page = client.get("/assessments/").get_data(as_text=True)
    assert f"/assessments/{world.assessment_a.id}" in page and f"/assessments/{last_year.id}" in page
    read = [s for s in statements if "FROM assessments" in s and "assessments.rubric_hash" in s]
    assert len(read) == 1, read


def test_hr_users_reach_benchmarks_only(client: FlaskClient, world: World, dbs: Session) -> None:
    submitted(dbs, world)
    sign_in(client, world.users["hr_a"])
    for url in ("/compare/", "/compare/export.csv", "/compare/answers.xlsx", "/compare/side-by-side?ids=1&ids=2",
                "/review/"):
        assert client.get(url).status_code == 403, url
    page = client.get("/compare/benchmarks?by=sector").get_data(as_text=True)
    assert "Dưới 5 tổ chức: không hiển thị." in page  # one garment factory: suppressed
    assert world.org_a.name not in page


def test_the_benchmarks_page_reads_what_the_worker_made_after_scores_change(client: FlaskClient, world: World,
                                                                            dbs: Session) -> None:
    """Issue 19 item 5: a verification (scores change) nudges the job worker to make the
    benchmarks again after its commit; until it has, the page shows the figures kept before
    and says newer ones are being made, without ranking every score in the request."""
    assessment = submitted(dbs, world)
    jobs = client.application.extensions["jobs"]
    jobs.huey.flush()
    sign_in(client, world.users["reviewer"])
    page = client.get("/compare/benchmarks?by=sector").get_data(as_text=True)
    assert "Số liệu tính đến" not in page  # nothing kept yet: computed for this request
    assert [task.name for task in jobs.huey.pending()] == ["refresh_benchmarks"]  # ... and the worker asked
    assert jobs.refresh_benchmarks.call_local() == 2  # sector and province, the one cycle
    jobs.huey.flush()
    page = client.get("/compare/benchmarks?by=sector").get_data(as_text=True)
    assert "Số liệu tính đến" in page and "đang được tính lại" not in page
    assert not jobs.huey.pending()  # current: nothing asked
    jobs.huey.flush()

    client.post(f"/review/{assessment.id}/indicator", data={"indicator": "leave.paternity", "decision": "accepted"})
    assert client.post(f"/review/{assessment.id}/verify").status_code == 302
    assert "refresh_benchmarks" in [task.name for task in jobs.huey.pending()]  # by the verification's commit
    page = client.get("/compare/benchmarks?by=sector").get_data(as_text=True)
    assert "Số liệu tính đến" in page and "đang được tính lại" in page
    assert jobs.refresh_benchmarks.call_local() == 2
    page = client.get("/compare/benchmarks?by=sector").get_data(as_text=True)
    assert "Số liệu tính đến" in page and "đang được tính lại" not in page


def test_exports_keep_vietnamese_and_neutralise_formulas(client: FlaskClient, world: World, dbs: Session) -> None:
    assessment = submitted(dbs, world)
    org = assessment.organisation
    org.name = "=HYPERLINK(\"http://evil\") Công ty Sông Hồng"
    dbs.commit()
    sign_in(client, world.users["unicef"])
    csv = client.get("/compare/export.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    text = csv.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Công ty Sông Hồng" in text
    answers = client.get("/compare/answers.xlsx")
    sheet = load_workbook(io.BytesIO(answers.data)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[1].startswith("'=HYPERLINK")
    paternity = header.index(next(h for h in header if str(h).endswith("leave.paternity")))
    assert row[paternity]  # the answer as text, in Vietnamese
    assert client.get("/compare/?sort=leave&dir=asc&province=nowhere&size=huge").status_code == 200


def test_side_by_side_and_list_pages(client: FlaskClient, world: World, dbs: Session) -> None:
    first = submitted(dbs, world)
    sign_in(client, world.users["reviewer"])
    listing = client.get("/compare/").get_data(as_text=True)
    assert world.org_a.name in listing and 'name="ids"' in listing
    alone = client.get(f"/compare/side-by-side?ids={first.id}", follow_redirects=True).get_data(as_text=True)
    assert "Chọn từ 2 đến 6 tổ chức" in alone


def test_exports_stream_the_header_before_reading_any_row(client: FlaskClient, world: World, dbs: Session,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19: the every-answer export of 10,000 assessments sat 6-7 s before its first byte,
    built whole in memory. The CSV now starts with its header before a row is read, then sends
    the rows as they are read (within the request's contexts, which stay open for it). So does
    the XLSX: its zip begins with the sheet, whose rows are compressed into it as they are read."""
    submitted(dbs, world)
    sign_in(client, world.users["unicef"])
    rows_read = []
    real_all_rows = compare_views.all_rows

    def counting(*args: object, **kwargs: object) -> Iterator[object]:
        for row in real_all_rows(*args, **kwargs):  # type: ignore[arg-type]
            rows_read.append(row)
            yield row

    monkeypatch.setattr(compare_views, "all_rows", counting)
    for url in ("/compare/answers.csv", "/compare/export.csv"):
        rows_read.clear()
        with client.get(url, buffered=False) as response:  # closed even when an assertion fails
            chunks = iter(response.response)
            first = next(chunks)
            assert response.is_streamed
            assert first.endswith(b"\r\n") and first.count(b"\r\n") == 1 and rows_read == []  # the header alone
            rest = b"".join(chunks)
        assert len(rows_read) == 1 and rest.count(b"\r\n") == 1  # then the one assessment's row
    for url in ("/compare/answers.xlsx", "/compare/export.xlsx"):
        rows_read.clear()
        with client.get(url, buffered=False) as response:
            chunks = iter(response.response)
            first = next(chunks)
            assert response.is_streamed and first.startswith(b"PK\x03\x04") and rows_read == []
            workbook = load_workbook(io.BytesIO(first + b"".join(chunks)))
        assert len(rows_read) == 1 and workbook.active.max_row == 2
        # Sheets named in the reader's language, as the columns' documentation is.
        assert workbook.sheetnames == (["Bản đánh giá", "Các cột"] if url.endswith("export.xlsx") else ["Câu trả lời"])
