"""The review loop on the web (issue 14, items 1-3): the Chamber's message and queries reach HR,
HR replies per question, and the reviewer sees before and after, filters and accepts in bulk."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import Answer
from tests.app.test_review_compare import submitted
from tests.conftest import World, reload, sign_in


def query_and_return(client: FlaskClient, base: str) -> None:
    client.post(f"{base}/indicator", data={"indicator": "leave.paternity", "decision": "queried",
                                           "comment": "Gửi bảng chấm công tháng 3"})
    client.post(f"{base}/return", data={"comment": "Cần bổ sung bằng chứng cho câu A8."})


def test_the_return_message_and_the_queries_reach_hr_who_replies(client: FlaskClient, world: World,
                                                                 dbs: Session) -> None:
    assessment = submitted(dbs, world)
    reviewer = sign_in(client, world.users["reviewer"])
    query_and_return(reviewer, f"/review/{assessment.id}")
    hr = sign_in(client.application.test_client(), world.users["hr_a"])
    for url in ("/dashboard", "/assessments/", f"/assessments/{assessment.id}/review"):
        page = hr.get(url).get_data(as_text=True)
        assert f"Bản đánh giá năm {assessment.cycle} được Phòng Thương mại trả về ngày" in page, url
        assert page.count("Cần bổ sung bằng chứng cho câu A8.") == 1 and "1 câu hỏi cần làm rõ." in page, url
    review = hr.get(f"/assessments/{assessment.id}/review").get_data(as_text=True)
    queries = review[review.index('id="queries"'):]
    assert "Gửi bảng chấm công tháng 3" in queries and 'name="indicator" value="leave.paternity"' in queries
    sent = hr.post(f"/assessments/{assessment.id}/replies",
                   data={"indicator": "leave.paternity", "comment": "Đã tải lên bảng chấm công."})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#reply-leave__paternity")
    assert "Đã tải lên bảng chấm công." in hr.get(f"/assessments/{assessment.id}/review").get_data(as_text=True)
    refused = hr.post(f"/assessments/{assessment.id}/replies", data={"indicator": "leave.adoption", "comment": "x"},
                      follow_redirects=True).get_data(as_text=True)
    assert "Câu hỏi này không có yêu cầu làm rõ" in refused
    # Resubmitted without changing anything: the query is still open and verify is refused.
    assert hr.post(f"/assessments/{assessment.id}/submit", data={"confirm": "yes"}).status_code == 302
    base = f"/review/{assessment.id}"
    page = reviewer.get(base).get_data(as_text=True)
    assert "Yêu cầu làm rõ đang mở (1)" in page and "Đã tải lên bảng chấm công." in page
    assert "Câu trả lời khi trả về" in page and "(không thay đổi từ đó)" in page
    blocked = reviewer.post(f"{base}/verify", follow_redirects=True).get_data(as_text=True)
    assert "vẫn đang được yêu cầu làm rõ" in blocked and reload(dbs, assessment).status == "submitted"
    assert "Bản đánh giá năm" not in hr.get("/dashboard").get_data(as_text=True)  # no longer with the company


def test_the_reviewer_filters_sees_the_profile_and_accepts_in_bulk(client: FlaskClient, world: World,
                                                                   dbs: Session) -> None:
    assessment = submitted(dbs, world)
    reviewer = sign_in(client, world.users["reviewer"])
    base = f"/review/{assessment.id}"
    page = reviewer.get(base).get_data(as_text=True)
    assert "Hồ sơ doanh nghiệp" in page and world.org_a.tax_code in page
    reviewer.post(f"{base}/indicator", data={"indicator": "leave.paternity", "decision": "queried", "comment": "?"})
    queried = reviewer.get(f"{base}?show=queried").get_data(as_text=True)
    assert 'id="q-leave__paternity"' in queried and 'id="q-leave__maternity_policy"' not in queried
    assert reviewer.get(f"{base}?show=nonsense").status_code == 200
    accepted = reviewer.post(f"{base}/accept-all", follow_redirects=True).get_data(as_text=True)
    count = re.search(r"Đã chấp nhận (\d+) câu hỏi\.", accepted)
    answered = dbs.scalar(select(func.count(Answer.id)).where(Answer.assessment_id == assessment.id))
    assert count is not None and int(count.group(1)) == answered - 1  # all but the queried one
    page = reviewer.get(base).get_data(as_text=True)
    assert "/accept-all" not in page  # nothing left to accept in bulk
    assert "Hãy chấp nhận hoặc tiếp tục yêu cầu làm rõ các yêu cầu đang mở trước." in page


def test_the_queue_filters_by_province_sector_status_and_age(client: FlaskClient, world: World,
                                                            dbs: Session) -> None:
    assessment = submitted(dbs, world)
    reviewer = sign_in(client, world.users["reviewer"])
    name = world.org_a.name
    province, sector = world.org_a.province_code, world.org_a.sector_code
    other_province = next(code for code in ("ha-noi", "can-tho") if code != province)
    cases = [({"province": province}, True), ({"province": other_province}, False),
             ({"sector": sector}, True), ({"status": "verified"}, False), ({"status": "submitted"}, True),
             ({"age": "7"}, False), ({"province": "nowhere"}, True)]
    for query, listed in cases:
        page = reviewer.get("/review/", query_string=query).get_data(as_text=True)
        assert (name in page) is listed, query
    assessment.submitted_at = assessment.submitted_at - timedelta(days=8)
    dbs.commit()
    assert name in reviewer.get("/review/?age=7").get_data(as_text=True)
    assert name not in reviewer.get("/review/?age=30").get_data(as_text=True)


def _scored_company(dbs: Session, world: World, number: int, cycle: int, **profile: object) -> int:
    """Another company's submitted assessment (of `cycle`), all best answers."""
    from assessments.models import Assessment as Model
    from assessments.services import Context
    from assessments.services.self_assessment import save_answers
    from assessments.services.self_assessment import submit as submit_assessment
    from assessments.simulate import best_answers
    from tests.app.test_assessment import RUBRIC
    from tests.conftest import COMPLETE_PROFILE, add_assessment, add_organisation, today_in_viet_nam

    org = add_organisation(dbs, f"Công ty số {number}", f"07{number:08d}", sector="footwear-leather")
    assessment: Model = add_assessment(dbs, org, cycle)
    assessment.profile = {**COMPLETE_PROFILE, **profile}
    dbs.commit()
    ctx = Context(world.users["admin"])
    save_answers(dbs, ctx, assessment, RUBRIC, best_answers(RUBRIC))
    submit_assessment(dbs, ctx, assessment, RUBRIC, today_in_viet_nam())
    return assessment.id


def test_side_by_side_says_not_applicable_and_how_many_it_shows(client: FlaskClient, world: World,
                                                                dbs: Session) -> None:
    """Issue 14 items 15 and 16."""
    year = submitted(dbs, world).cycle
    remote = _scored_company(dbs, world, 1, year, remote_area=True)
    others = [_scored_company(dbs, world, n, year) for n in range(2, 8)]
    sign_in(client, world.users["reviewer"])
    page = client.get("/compare/side-by-side", query_string={"ids": [remote, others[0]]}).get_data(as_text=True)
    row = page[page.index("D1b."):page.index("</tr>", page.index("D1b."))]
    assert row.count("<td>") == 2 and "Không áp dụng" in row  # answered, but it does not apply
    assert "Có, và mở rộng từ 3 tháng đầu" in row.split("<td>")[1]  # the remote company's answer
    seven = client.get("/compare/side-by-side", query_string={"ids": [remote, *others]}).get_data(as_text=True)
    assert "Bạn đã chọn 7 tổ chức: 6 tổ chức đầu tiên được hiển thị" in seven


def test_benchmarks_open_on_the_latest_cycle_with_a_group_to_show(client: FlaskClient, world: World,
                                                                  dbs: Session) -> None:
    """Issue 14 item 17: five footwear companies last cycle, one this cycle: open on last cycle."""
    year = submitted(dbs, world).cycle
    for n in range(1, 6):
        _scored_company(dbs, world, n, year - 1)
    sign_in(client, world.users["reviewer"])
    page = client.get("/compare/benchmarks").get_data(as_text=True)
    assert f'id="cycle" name="cycle" inputmode="numeric" maxlength="4" value="{year - 1}"' in page and "Da giày" in page
    assert client.get(f"/compare/benchmarks?cycle={year}").status_code == 200


def test_exports_for_analysts_carry_codes_labels_dates_and_documented_columns(client: FlaskClient, world: World,
                                                                              dbs: Session) -> None:
    """Issue 14 item 18."""
    from datetime import date as day
    from io import BytesIO

    from openpyxl import load_workbook

    submitted(dbs, world)
    sign_in(client, world.users["reviewer"])
    book = load_workbook(BytesIO(client.get("/compare/export.xlsx").data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    for column in ("tax_code", "province_code", "province", "former_province", "sector_code", "sector",
                   "rubric_version", "status_code",
                   "status", "submitted_on", "verified_on", "band_code", "band", "legal_gap_codes", "overall_percent"):
        assert column in header, column
    assert row["tax_code"] == world.org_a.tax_code and row["province_code"] == world.org_a.province_code
    assert header.index("former_province") == header.index("province") + 1
    assert row["province"] == "Hưng Yên" and row["former_province"] == "Thái Bình"
    assert row["status_code"] == "submitted" and row["status"] == "Đã nộp" and row["rubric_version"] == "2026.2"
    assert isinstance(row["submitted_on"], day | type(None)) and row["submitted_on"] is not None
    assert isinstance(row["overall_percent"], float) and row["legal_gap_codes"] == "A8"
    documented = [r[0].value for r in book["Các cột"].iter_rows(min_row=2)]
    assert documented == header
