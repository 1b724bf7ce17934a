"""The PDF improvement plan on the web: download, stored copy, preview, editions, CLI."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import PlanDocument, PlanItem
from assessments.simulate import best_answers
from tests.app.test_assessment import RUBRIC, complete_and_submit
from tests.conftest import World, reload, sign_in
from tests.support.plans import download_plan, run_plan_jobs


def text_of(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages))


def submitted(dbs: Session, world: World) -> str:
    answers = best_answers(RUBRIC) | {"leave.paternity": "fewer_days", "childcare.support": "occasional"}
    complete_and_submit(dbs, world, answers)
    return f"/assessments/{world.assessment_a.id}"


def test_the_worker_makes_the_plan_and_downloads_serve_the_stored_copy(client: FlaskClient, app: Flask, world: World,
                                                                        dbs: Session) -> None:
    """Issue 19: no request renders. Submitting asks the job worker for the plan; until it is made
    the download is a page that follows the worker's progress; then the stored copy is served."""
    base = submitted(dbs, world)
    sign_in(client, world.users["hr_a"])
    waiting = client.get(f"{base}/plan.pdf")
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and "Đang chuẩn bị bản PDF kế hoạch" in page and "<progress" in page
    assert waiting.headers["Refresh"] == f"2; url={base}/plan.pdf?edition=vi&wait=1"
    assert dbs.scalar(select(func.count(PlanDocument.id))) == 0  # the request rendered nothing
    assert run_plan_jobs(app, world.assessment_a.id) == "rendered"
    assert dbs.scalar(select(func.count(PlanDocument.id))) == 3  # every edition, made once
    ready = client.get(f"{base}/plan.pdf?edition=vi&wait=1")  # where the waiting page looks next
    assert ready.status_code == 200 and ready.headers["Refresh"] == f"0; url={base}/plan.pdf?edition=vi"
    first = client.get(f"{base}/plan.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.headers["Content-Disposition"] == (
        f"attachment; filename=ke-hoach-cai-thien-cong-ty-may-anh-duong-{world.assessment_a.cycle}-vi.pdf")
    assert first.headers["X-Plan-Current"] == "1"
    text = text_of(first.data)
    assert "Kế hoạch cải thiện nơi làm việc thân thiện với gia đình" in text
    assert world.org_a.name in text and "Bộ luật Lao động 2019" in text and "Dưới mức tối thiểu theo luật" in text
    assert client.get(f"{base}/plan.pdf").data == first.data
    assert run_plan_jobs(app, world.assessment_a.id) == "nothing"  # nothing asked since

    # The HR team edits an adopted action: the next download shows it.
    client.post(f"{base}/plan", data={"indicator": "childcare.support"})
    item = dbs.scalar(select(PlanItem).where(PlanItem.assessment_id == world.assessment_a.id,
                                             PlanItem.indicator_key == "childcare.support"))
    client.post(f"{base}/plan/{item.id}", data={"text": "Trợ cấp gửi trẻ 300.000 đồng mỗi tháng", "owner": "Chị Hòa",
                                               "due_date": "2027-03-31", "status": "in_progress",
                                               "version": str(item.version)})
    assert reload(dbs, item).owner == "Chị Hòa"
    outdated = client.get(f"{base}/plan.pdf")
    assert outdated.status_code == 202 and "Tải bản PDF trước đó" in outdated.get_data(as_text=True)
    assert client.get(f"{base}/plan.pdf?previous=1").data == first.data  # the earlier copy, if wanted meanwhile
    changed = download_plan(client, app, f"{base}/plan.pdf")
    assert "Trợ cấp gửi trẻ 300.000 đồng mỗi tháng" in text_of(changed.data) and "Chị Hòa" in text_of(changed.data)
    assert dbs.scalar(select(func.count(PlanDocument.id))) == 3  # replaced, not piled up


def test_editions_and_reviewers(client: FlaskClient, app: Flask, world: World, dbs: Session) -> None:
    base = submitted(dbs, world)
    sign_in(client, world.users["reviewer"])
    english = download_plan(client, app, f"{base}/plan.pdf?edition=en")
    assert english.status_code == 200 and "Family-friendly workplace improvement plan" in text_of(english.data)
    words = " ".join(text_of(english.data).split())
    assert "Judged under the law in force on" in words and "those for an organisation" in words
    assert client.get(f"{base}/plan.pdf?edition=fr").status_code == 404
    preview = client.get(f"{base}/plan/preview?edition=both")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Kế hoạch cải thiện" in page and "Improvement plan" in page
    assert 'href="/assessments/report-assets/report.css"' in page
    fonts = client.get("/assessments/report-assets/fonts.css")
    assert fonts.status_code == 200 and "@font-face" in fonts.get_data(as_text=True)
    assert client.get("/assessments/report-assets/fonts/NotoSans-Regular.ttf").status_code == 200
    assert client.get("/assessments/report-assets/../render.py").status_code == 404


def test_a_draft_has_no_plan_yet(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["hr_a"])
    base = f"/assessments/{world.assessment_a.id}"
    response = client.get(f"{base}/plan.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")
    # The results, the PDF and its preview all send a draft back to the review page, saying why.
    for url in (f"{base}/results", f"{base}/plan.pdf", f"{base}/plan/preview"):
        response = client.get(url, follow_redirects=True)
        assert response.request.path == f"{base}/review", url
        assert "Kết quả và kế hoạch cải thiện sẽ có sau khi bản đánh giá được nộp." in response.get_data(as_text=True)


def test_results_page_offers_the_pdf(client: FlaskClient, world: World, dbs: Session) -> None:
    base = submitted(dbs, world)
    sign_in(client, world.users["hr_a"])
    page = client.get(f"{base}/results").get_data(as_text=True)
    for edition in ("vi", "en", "both"):
        assert f'{base}/plan.pdf?edition={edition}"' in page
    assert "Song ngữ" in page and f"{base}/plan/preview" in page
    assert "Đánh giá theo pháp luật có hiệu lực ngày" in page and "mức áp dụng cho tổ chức" in page


def test_cli_renders_the_plan(app: Flask, world: World, dbs: Session, tmp_path) -> None:
    submitted(dbs, world)
    out = tmp_path / "plan.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plans", "render", str(world.assessment_a.id), "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "rendered" in result.output and out.read_bytes().startswith(b"%PDF")
    again = runner.invoke(args=["plans", "render", str(world.assessment_a.id), "--lang", "en", "--out", str(out)])
    assert "stored copy" in again.output
    draft = runner.invoke(args=["plans", "render", "999999", "--out", str(out)])
    assert draft.exit_code != 0 and "No assessment 999999" in draft.output


def test_results_show_the_previous_cycle_and_how_its_plan_went(client: FlaskClient, world: World,
                                                              dbs: Session) -> None:
    from assessments.db import today_in_viet_nam
    from assessments.models import Assessment
    from assessments.services import Context
    from assessments.services.self_assessment import save_answers, submit
    from tests.conftest import add_assessment

    ctx = Context(world.users["hr_a"])
    last_year = add_assessment(dbs, world.org_a, world.assessment_a.cycle - 1)
    save_answers(dbs, ctx, last_year, RUBRIC, best_answers(RUBRIC) | {"leave.paternity": "fewer_days"})
    submit(dbs, ctx, last_year, RUBRIC, today_in_viet_nam())
    dbs.add_all([PlanItem(assessment_id=last_year.id, indicator_key=key, code=code, to_level=1, text="x",
                          status=status) for key, code, status in (("leave.paternity", "A8", "done"),
                                                                    ("childcare.support", "C1", "planned"))])
    dbs.commit()
    base = submitted(dbs, world)
    sign_in(client, world.users["hr_a"])
    page = client.get(f"{base}/results").get_data(as_text=True)
    percent = round(dbs.get(Assessment, last_year.id).percent)
    assert f"Kỳ trước ({last_year.cycle}): {percent} %" in page
    assert "Đã xong 1 trên 2 hành động đã chọn" in page


def test_a_we_do_not_know_answer_is_a_step_to_find_out_not_a_legal_gap(client: FlaskClient, app: Flask, world: World,
                                                                       dbs: Session) -> None:
    complete_and_submit(dbs, world, best_answers(RUBRIC) | {"workplace.minimum_age": "not_verified"})
    base = f"/assessments/{world.assessment_a.id}"
    sign_in(client, world.users["hr_a"])
    page = client.get(f"{base}/results").get_data(as_text=True)
    assert "Dưới mức tối thiểu theo luật</h2>" not in page  # no legal gap section
    plan = page[page.index('id="plan"'):]
    assert 'class="tag tag-check">Cần kiểm tra' in plan and "Xác minh tuổi của mọi người lao động" in plan
    words = text_of(download_plan(client, app, f"{base}/plan.pdf?edition=en").data)
    assert "D13. Find out Verify every worker's age from ID" in words


def test_the_appendix_lists_the_evidence_and_the_plan_ends_with_a_sign_off(client: FlaskClient, app: Flask,
                                                                          world: World, dbs: Session) -> None:
    """Issue 14 item 14: each answer's evidence files in the appendix; prepared / approved by, and dates."""
    base = submitted(dbs, world)  # the world's assessment has a file attached to leave.maternity_policy
    sign_in(client, world.users["hr_a"])
    words = text_of(download_plan(client, app, f"{base}/plan.pdf?edition=vi").data)
    appendix = words[words.index("Phụ lục"):]
    assert "Minh chứng:" in appendix and world.evidence_a.original_name in appendix
    assert "Người lập" in words and "Người phê duyệt" in words and "Ký, ghi rõ họ tên" in words
    english = text_of(download_plan(client, app, f"{base}/plan.pdf?edition=en").data)
    assert "Prepared by" in english and "Approved by" in english
