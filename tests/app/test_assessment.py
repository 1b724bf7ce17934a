"""The HR self-assessment through the web: journey, conflicts, evidence, results, scoping."""

from __future__ import annotations

import html
import io
import random
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assessments.db import today_in_viet_nam
from assessments.models import Answer, Assessment, Evidence, PlanItem, User
from assessments.report.words import answer_text
from assessments.services import Context
from assessments.services.reports import report_of
from assessments.services.reviews import return_to_company
from assessments.services.self_assessment import save_answers, submit
from assessments.simulate import best_answers, random_answers
from rubrics.loader import default_registry
from tests.conftest import (
    COMPLETE_PROFILE,
    PASSWORD,
    World,
    add_assessment,
    add_organisation,
    database_fingerprint,
    mark_submitted,
    reload,
    sign_in,
)
from tests.support.files import SMALL_PDF

RUBRIC = default_registry().latest("crbp-vn")
PROFILE_FORM = {"workforce_total": "2.400", "workforce_women": "1950", "workers_under_18": "0",
                "women_with_infants": "yes", "remote_area": "no", "night_or_overtime_work": "yes",
                "hazardous_work": "no", "piece_rate_pay": "no", "industrial_park": "yes", "migrant_workers": "no"}


def area_url(world: World, area: str = "leave") -> str:
    return f"/assessments/{world.assessment_a.id}/areas/{area}"


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def errors_on(page: str) -> dict[str, str]:
    return dict(re.findall(r'id="([a-z_]+)-error">([^<]*)<', page))


def test_hr_starts_this_years_assessment_and_confirms_the_profile(client: FlaskClient, world: World,
                                                                  dbs: Session) -> None:
    sign_in(client, world.users["hr_b"])
    response = client.post("/assessments/start", data={})
    assessment = dbs.scalar(select(Assessment).where(Assessment.organisation_id == world.org_b.id))
    assert response.headers["Location"] == f"/assessments/{assessment.id}/profile"
    assert assessment.cycle == today_in_viet_nam().year and assessment.rubric_hash == RUBRIC.content_hash
    bad = client.post(f"/assessments/{assessment.id}/profile", data={**PROFILE_FORM, "workforce_women": "-5",
                                                                     "remote_area": "maybe"})
    errors = errors_on(bad.get_data(as_text=True))
    assert errors["workforce_women"] == "Nhập một số nguyên từ 0 đến 2.000.000."
    assert errors["remote_area"] == "Lựa chọn không hợp lệ."
    good = client.post(f"/assessments/{assessment.id}/profile", data={**PROFILE_FORM, "version": "1"})
    assert good.headers["Location"].endswith("/areas/leave")
    assert reload(dbs, assessment).profile["workforce_total"] == 2400
    assert reload(dbs, assessment).profile["remote_area"] is False


def test_area_page_comes_from_the_rubric_in_both_languages(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["hr_a"])
    vi = client.get(area_url(world, "breastfeeding")).get_data(as_text=True)
    assert "Có phòng vắt, trữ sữa mẹ riêng không?" in vi and "Nghị định 145/2020/NĐ-CP, Điều 80(5)" in vi
    assert 'data-asked-when="[{&#34;field&#34;: &#34;breastfeeding__lactation_room&#34;' in vi
    client.post("/language", data={"lang": "en"})
    en = client.get(area_url(world, "breastfeeding")).get_data(as_text=True)
    assert "Is there a dedicated lactation room?" in en and "Decree 145/2020/ND-CP, Article 80(5)" in en


def test_the_rubric_rules_the_service_checks_show_next_to_the_question(client: FlaskClient, world: World,
                                                                        engine: Engine) -> None:
    """Issue 15 item 3: "none" ticked with other benefits passes the form (each is a known option) and is
    refused by the one validation, in the service; its message shows under the question, nothing saved."""
    sign_in(client, world.users["hr_a"])
    version = version_on(client.get(area_url(world, "workplace")).get_data(as_text=True))
    before = database_fingerprint(engine)
    response = client.post(area_url(world, "workplace"), data={
        "version": version, "workplace__child_benefits": ["none", "gifts"]})
    assert response.status_code == 422
    assert errors_on(response.get_data(as_text=True)) == {
        "workplace__child_benefits": "&#34;Không có&#34; không thể chọn cùng các câu trả lời khác."}
    assert database_fingerprint(engine) == before


def test_save_validates_every_answer_and_keeps_what_was_typed(client: FlaskClient, world: World,
                                                              engine: Engine) -> None:
    sign_in(client, world.users["hr_a"])
    version = version_on(client.get(area_url(world)).get_data(as_text=True))
    before = database_fingerprint(engine)
    response = client.post(area_url(world), data={
        "version": version, "leave__maternity_policy": "twelve_months", "leave__social_insurance_enrolment": "abc",
        "leave__paternity": "per_law", "leave__adoption": "not_applicable"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = errors_on(page)
    assert errors["leave__maternity_policy"] == "Lựa chọn không hợp lệ."
    assert errors["leave__social_insurance_enrolment"] == "Nhập một số từ 0 đến 100."
    assert errors["leave__adoption"] == "Lựa chọn không hợp lệ."
    assert 'name="leave__paternity" value="per_law" checked' in page  # typed, kept, not saved
    assert database_fingerprint(engine) == before


def test_save_and_continue_moves_to_the_next_area(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["hr_a"])
    version = version_on(client.get(area_url(world)).get_data(as_text=True))
    response = client.post(area_url(world), data={
        "version": version, "leave__paternity": "per_law", "leave__social_insurance_enrolment": "97,5",
        "leave__paternity_uptake": "not_applicable", "go": "next"})
    assert response.headers["Location"].endswith("/areas/breastfeeding")
    answers = {a.indicator_key: a.value for a in reload(dbs, world.assessment_a).answers}
    assert answers["leave.paternity"] == "per_law" and answers["leave.social_insurance_enrolment"] == 97.5
    assert answers["leave.paternity_uptake"] == "not_applicable"
    assert "leave.maternity_policy" not in answers  # the form left it empty: cleared


def test_two_people_on_one_area_the_second_is_told(app: Flask, world: World, dbs: Session) -> None:
    lan, minh = sign_in(app.test_client(), world.users["hr_a"]), sign_in(app.test_client(), world.users["hr_a"])
    version = version_on(lan.get(area_url(world)).get_data(as_text=True))
    assert version_on(minh.get(area_url(world)).get_data(as_text=True)) == version
    assert lan.post(area_url(world), data={"version": version, "leave__paternity": "extra_days"}).status_code == 302
    second = minh.post(area_url(world), data={"version": version, "leave__paternity": "fewer_days"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Người khác đã lưu" in page or "người kia đã lưu" in page
    assert 'name="leave__paternity" value="extra_days" checked' in page  # what was saved
    assert "Bạn đã nhập" in page and "Ít ngày hơn hoặc ngoài thời hạn luật định" in page  # what this person typed
    answers = {a.indicator_key: a.value for a in reload(dbs, world.assessment_a).answers}
    assert answers["leave.paternity"] == "extra_days"


SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def resume_on(page: str) -> str:
    return re.search(r'name="resume" value="([^"]+)"', page).group(1)


def test_typed_answers_survive_a_sign_in_that_ran_out(app: Flask, world: World) -> None:
    tab = app.test_client()
    tab.post("/auth/login", data={"email": "hr.a@example.vn", "password": PASSWORD})
    page = tab.get(area_url(world)).get_data(as_text=True)
    other_tab = app.test_client()
    other_tab.set_cookie("session", tab.get_cookie("session").value)
    other_tab.post("/auth/logout")  # signs this user out everywhere
    response = tab.post(area_url(world), headers=SAME_ORIGIN, data={
        "version": version_on(page), "resume": resume_on(page), "leave__paternity": "extra_days"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    back = tab.post(response.headers["Location"], data={"email": "hr.a@example.vn", "password": PASSWORD})
    assert back.headers["Location"] == area_url(world)
    page = tab.get(area_url(world)).get_data(as_text=True)
    assert 'name="leave__paternity" value="extra_days" checked' in page
    assert "Câu trả lời của bạn đã được giữ lại" in page


@pytest.mark.parametrize("case", ["no token", "forged token", "another person's token", "another page's token",
                                  "not from our page"])
def test_typing_is_kept_only_from_our_page_for_the_person_it_was_drawn_for(app: Flask, world: World,
                                                                           case: str) -> None:
    """Issue 12.5: a form posted from anywhere else must never come back as "your answers"."""
    from app.same_origin import resume_token

    with app.test_request_context():
        tokens = {"no token": "", "forged token": "x" * 40,
                  "another person's token": resume_token(world.users["hr_b"].id, area_url(world)),
                  "another page's token": resume_token(world.users["hr_a"].id, area_url(world, "childcare")),
                  "not from our page": resume_token(world.users["hr_a"].id, area_url(world))}
    headers = {} if case == "not from our page" else SAME_ORIGIN
    victim = app.test_client()
    response = victim.post(area_url(world), headers=headers, data={
        "version": "0", "resume": tokens[case], "leave__paternity": "fewer_days"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    back = victim.post(response.headers["Location"], data={"email": "hr.a@example.vn", "password": PASSWORD})
    assert back.headers["Location"] == area_url(world)
    page = victim.get(area_url(world)).get_data(as_text=True)
    assert "Câu trả lời của bạn đã được giữ lại" not in page
    assert 'value="fewer_days" checked' not in page


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "https://evil.example"}, {"Origin": "null"}])
def test_a_write_from_another_site_is_refused_and_sets_no_cookie(client: FlaskClient, world: World, engine: Engine,
                                                                 headers: dict[str, str]) -> None:
    before = database_fingerprint(engine)
    for signed_in in (False, True):
        if signed_in:
            sign_in(client, world.users["hr_a"])
        response = client.post(area_url(world), headers=headers,
                               data={"version": "0", "leave__paternity": "fewer_days"})
        assert response.status_code == 403
        assert "Set-Cookie" not in response.headers
    assert database_fingerprint(engine) == before
    assert client.get(area_url(world)).status_code == 200  # still signed in


def test_evidence_upload_download_and_delete(client: FlaskClient, world: World, dbs: Session) -> None:
    """Files are attached and removed from the area's form: its answers are saved first."""
    sign_in(client, world.users["hr_a"])
    area = area_url(world)
    page = client.get(area).get_data(as_text=True)
    upload = {"version": version_on(page), "leave__paternity": "extra_days", "go": "upload:leave__paternity",
              "file-leave__paternity": (io.BytesIO(SMALL_PDF), "quy chế.pdf")}
    response = client.post(area, data=upload, content_type="multipart/form-data")
    assert response.headers["Location"].endswith("/areas/leave#q-leave__paternity")
    evidence = dbs.scalar(select(Evidence).where(Evidence.indicator_key == "leave.paternity"))
    assert evidence.original_name == "quy chế.pdf"
    assert dbs.scalar(select(Answer.value).where(Answer.indicator_key == "leave.paternity")) == "extra_days"
    download = client.get(f"/assessments/{world.assessment_a.id}/evidence/{evidence.id}")
    assert download.data == SMALL_PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get(area).get_data(as_text=True)
    refused = client.post(area, data={**upload, "version": version_on(page),
                                      "file-leave__paternity": (io.BytesIO(b"<script>x</script>"), "policy.pdf")},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "Chỉ đính kèm được tệp PDF, JPEG, PNG" in refused.get_data(as_text=True)
    page = client.get(area).get_data(as_text=True)
    removed = client.post(area, data={"version": version_on(page), "leave__paternity": "four_weeks",
                                      "go": f"remove:{evidence.id}"})
    assert removed.status_code == 302
    assert dbs.scalar(select(func.count(Evidence.id)).where(Evidence.indicator_key == "leave.paternity")) == 0
    dbs.expire_all()
    assert dbs.scalar(select(Answer.value).where(Answer.indicator_key == "leave.paternity")) == "four_weeks"


def test_a_file_is_not_attached_when_the_answers_cannot_be_saved(client: FlaskClient, world: World,
                                                                 dbs: Session) -> None:
    sign_in(client, world.users["hr_a"])
    response = client.post(area_url(world), data={
        "version": "0", "leave__paternity": "not-an-option", "go": "upload:leave__paternity",
        "file-leave__paternity": (io.BytesIO(SMALL_PDF), "quy chế.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "tệp chưa được đính kèm" in response.get_data(as_text=True)
    assert dbs.scalar(select(func.count(Evidence.id)).where(Evidence.indicator_key == "leave.paternity")) == 0


def test_too_large_upload_is_413(database_url: str, engine: Engine, world: World) -> None:
    from app import create_app
    from tests.conftest import app_config

    app = create_app(app_config(database_url, MAX_CONTENT_LENGTH=1024))
    client = sign_in(app.test_client(), world.users["hr_a"])
    too_large = (io.BytesIO(b"%PDF" + b"x" * 4000), "a.pdf")
    response = client.post(area_url(world), data={"version": "0", "go": "upload:leave__paternity",
                                                  "file-leave__paternity": too_large},
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_other_organisations_cannot_see_or_touch_it(client: FlaskClient, world: World, engine: Engine) -> None:
    sign_in(client, world.users["hr_b"])
    base = f"/assessments/{world.assessment_a.id}"
    before = database_fingerprint(engine)
    for url in (base, f"{base}/profile", f"{base}/areas/leave", f"{base}/review", f"{base}/results",
                f"{base}/evidence/{world.evidence_a.id}"):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/areas/leave", f"{base}/profile", f"{base}/submit", f"{base}/plan",
                f"{base}/plan/{world.plan_item_a.id}"):
        assert client.post(url, data={"version": "0", "leave__paternity": "per_law"}).status_code == 404, url
    assert "Ánh Dương" not in client.get("/assessments/").get_data(as_text=True)
    assert database_fingerprint(engine) == before


def test_reviewers_read_but_cannot_change(client: FlaskClient, world: World, engine: Engine) -> None:
    sign_in(client, world.users["reviewer"])
    assert client.get(area_url(world)).status_code == 200
    before = database_fingerprint(engine)
    assert client.post(area_url(world), data={"version": "0", "leave__paternity": "per_law"}).status_code == 403
    assert database_fingerprint(engine) == before


def complete_and_submit(dbs: Session, world: World, answers: dict) -> Assessment:
    ctx = Context(world.users["hr_a"])
    assessment = dbs.get(Assessment, world.assessment_a.id)
    save_answers(dbs, ctx, assessment, RUBRIC, answers)
    submit(dbs, ctx, assessment, RUBRIC, today_in_viet_nam())
    return assessment


def test_submit_then_results_plan_and_frozen_answers(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["hr_a"])
    answers = best_answers(RUBRIC) | {"leave.paternity": "fewer_days", "childcare.support": "occasional"}
    base = f"/assessments/{world.assessment_a.id}"
    for area in RUBRIC.areas:
        keys = {i.key for i in area.indicators}
        page = client.get(f"{base}/areas/{area.key}").get_data(as_text=True)
        data: dict[str, object] = {"version": version_on(page)}
        for key, value in answers.items():
            if key in keys:
                data[key.replace(".", "__")] = value
        assert client.post(f"{base}/areas/{area.key}", data=data).status_code == 302, area.key
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert "Các điểm dưới mức tối thiểu theo luật đến lúc này" in review
    assert client.post(f"{base}/submit", data={"confirm": "yes"}).headers["Location"] == f"{base}/results"
    results = client.get(f"{base}/results").get_data(as_text=True)
    assert "Dưới mức tối thiểu theo luật" in results and "Bộ luật Lao động 2019" in results
    assert "Bắt buộc theo luật" in results and "<svg" in results
    assert "Hiển thị khi có ít nhất 5 tổ chức cùng ngành đã nộp." in results
    client.post(f"{base}/plan", data={"indicator": "childcare.support"})
    item = dbs.scalar(select(PlanItem).where(PlanItem.indicator_key == "childcare.support"))
    client.post(f"{base}/plan/{item.id}", data={"text": "Trợ cấp gửi trẻ 300.000 đồng", "owner": "Lan",
                                               "due_date": "2027-03-31", "status": "in_progress",
                                               "version": str(item.version)})
    assert (reload(dbs, item).status, reload(dbs, item).owner) == ("in_progress", "Lan")
    results = client.get(f"{base}/results").get_data(as_text=True)
    # The status list is in the page's language (it was English: labels fixed when the module loaded).
    assert '<option selected value="in_progress">Đang thực hiện</option>' in results
    assert ">Đã xong</option>" in results and ">Done</option>" not in results
    frozen = client.post(f"{base}/areas/leave", data={"version": "1", "leave__paternity": "four_weeks"})
    assert frozen.status_code == 422 and "không thể sửa câu trả lời nữa" in frozen.get_data(as_text=True)


def test_sector_median_appears_from_five_organisations(client: FlaskClient, world: World, dbs: Session) -> None:
    year = today_in_viet_nam().year
    for n, percent in enumerate((40.0, 50.0, 60.0, 70.0)):
        org = add_organisation(dbs, f"Xưởng may {n}", f"08{n:08d}", sector="garment-textile")
        other = add_assessment(dbs, org, year)
        mark_submitted(other, percent)
    dbs.commit()
    complete_and_submit(dbs, world, best_answers(RUBRIC))
    sign_in(client, world.users["hr_a"])
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(
        f"/assessments/{world.assessment_a.id}/results").get_data(as_text=True)))
    assert "Trung vị của ngành 60 %" in page and "5 tổ chức" in page
    assert "Xưởng may" not in page  # anonymised: no other company is named


@pytest.mark.parametrize("url", ["/assessments/", "/dashboard"])
def test_overdue_actions_show_on_the_dashboard(client: FlaskClient, world: World, dbs: Session, url: str) -> None:


    item = dbs.get(PlanItem, world.plan_item_a.id)
    item.due_date = today_in_viet_nam() - timedelta(days=3)
    dbs.commit()
    sign_in(client, world.users["hr_a"])
    page = client.get(url).get_data(as_text=True)
    assert page.count("Hành động quá hạn") == 1 and "Cho lao động nam nghỉ đủ ngày" in page
    assert (today_in_viet_nam() - timedelta(days=3)).strftime("%d/%m/%Y") in page  # four-digit years


@pytest.mark.parametrize("url", ["/assessments/", "/dashboard"])
def test_this_years_draft_has_a_continue_button(client: FlaskClient, world: World, url: str) -> None:
    """Issue 14 item 10: not only a small year link in a table."""
    sign_in(client, world.users["hr_a"])
    page = client.get(url).get_data(as_text=True)
    link = f'href="/assessments/{world.assessment_a.id}"'
    assert re.search(link + r'[^>]*>\s*Tiếp tục bản đánh giá năm ' + str(world.assessment_a.cycle), page), url


def test_parenting_sessions_pre_fill_d12_without_saving(client: FlaskClient, world: World, dbs: Session) -> None:
    # The world has a NICE session at company A on 2026-10-01 (within the last 12 months).
    sign_in(client, world.users["hr_a"])
    page = client.get(area_url(world, "workplace")).get_data(as_text=True)
    assert 'name="workplace__parenting_education" value="occasional_talks" checked' in page
    assert "Câu D12 đã được điền sẵn từ 1 buổi sinh hoạt" in page
    assert "NICE – Nuôi dưỡng trẻ nhỏ: 1 buổi, 25 người tham gia (5 nam)" in page
    answers = {a.indicator_key for a in reload(dbs, world.assessment_a).answers}
    assert "workplace.parenting_education" not in answers  # shown, not saved


def test_the_pre_fill_names_its_question_its_period_and_counts_in_english(client: FlaskClient, world: World,
                                                                          dbs: Session) -> None:
    """Issue 15 item 4: the question, option and period come from the rubric's declaration."""
    sign_in(client, world.users["hr_a"])
    client.post("/language", data={"lang": "en"})
    page = html.unescape(client.get(area_url(world, "workplace")).get_data(as_text=True))
    since = (today_in_viet_nam() - timedelta(days=365)).strftime("%d/%m/%Y")
    assert f"Question D12 was pre-filled from 1 parenting session UNICEF recorded at your workplace since {since}." \
        in page
    assert ": 1 session, 25 participants (5 men)" in page


def test_workplace_page_shows_the_latest_assessment(client: FlaskClient, world: World, dbs: Session) -> None:
    assessment = dbs.get(Assessment, world.assessment_a.id)
    mark_submitted(assessment, 63.0)
    dbs.commit()
    sign_in(client, world.users["unicef"])
    page = client.get(f"/parenting/workplaces/{world.org_a.id}").get_data(as_text=True)
    assert "63 %" in page and f"/assessments/{assessment.id}/results" in page


def test_typed_text_can_never_fill_a_layout_slot(client: FlaskClient, world: World, dbs: Session) -> None:
    """The area page is the layout shell with slots; what people type goes in last, as text."""
    from app.chrome import CONTENT_SLOT, CSRF_SLOT, FLASH_SLOT, NEXT_SLOT, TITLE_SLOT

    typed = f"{CSRF_SLOT} {TITLE_SLOT} {FLASH_SLOT} {NEXT_SLOT} {CONTENT_SLOT} <b>x</b>"
    answers = best_answers(RUBRIC) | {"workplace.parenting_education": "full_cycle_paid",
                                      "workplace.parenting_programmes": typed}
    save_answers(dbs, Context(world.users["hr_a"]), dbs.get(Assessment, world.assessment_a.id), RUBRIC, answers)
    sign_in(client, world.users["hr_a"])
    page = client.get(area_url(world, "workplace")).get_data(as_text=True)
    assert f"{CSRF_SLOT} {TITLE_SLOT} {FLASH_SLOT} {NEXT_SLOT} {CONTENT_SLOT} &lt;b&gt;x&lt;/b&gt;" in page
    assert page.count("<title>") == 1 and page.count('<main id="main"') == 1


@pytest.mark.parametrize("marker", ["__content_slot__", "__title_slot__", "__flash_messages_slot__",
                                    "__csrf_token_slot__", "__next_path_slot__"])
def test_a_name_or_query_string_can_never_fill_a_layout_slot(client: FlaskClient, world: World, dbs: Session,
                                                            marker: str) -> None:
    """Issue 12.6: the markers the shell was split at could be typed into a person's name or a
    URL. Whatever a name or a query string holds, the page is whole and shows it as text."""
    user = dbs.get(User, world.users["hr_a"].id)
    user.full_name = f"Lan {marker} <i>"
    dbs.commit()
    sign_in(client, world.users["hr_a"])
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "FLASHED-MESSAGE")]
    response = client.get(area_url(world) + f"?x={marker}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<title>") == 1 and page.count('<main id="main"') == 1
    assert "<title>A. " in page  # the page's own title, not a name
    assert page.count("FLASHED-MESSAGE") == 1 and '<div class="flashes"' in page
    assert re.search(r'name="next" value="[^"]*FLASHED', page) is None
    assert f"Lan {marker} &lt;i&gt;" in page and "<i>" not in page


def test_submitting_asks_for_confirmation_with_a_summary_first(client: FlaskClient, world: World,
                                                              dbs: Session) -> None:
    """One tap at the bottom of a long page locks the answers: confirm with the score, the band
    and the number of legal gaps first (issue 14 item 7)."""
    assessment = dbs.get(Assessment, world.assessment_a.id)
    save_answers(dbs, Context(world.users["hr_a"]), assessment, RUBRIC,
                 best_answers(RUBRIC) | {"leave.paternity": "fewer_days"})
    sign_in(client, world.users["hr_a"])
    base = f"/assessments/{assessment.id}"
    first = client.post(f"{base}/submit")
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and reload(dbs, assessment).status == "draft"
    assert "Xác nhận nộp bản đánh giá" in page and "Dưới mức tối thiểu theo luật" in page
    assert "1 điểm dưới mức tối thiểu theo luật" in page and "Sau khi nộp, câu trả lời sẽ bị khóa" in page
    assert re.search(r"Điểm chung: <strong>\d+ %</strong>", page)
    confirmed = client.post(f"{base}/submit", data={"confirm": "yes"})
    assert confirmed.headers["Location"] == f"{base}/results" and reload(dbs, assessment).status == "submitted"


def test_an_answer_below_the_law_says_so_and_which_article_before_it_is_saved(client: FlaskClient, world: World,
                                                                              dbs: Session) -> None:
    """Issue 14 item 9: next to each answer that would be below the legal minimum for this
    organisation today, the page says so and names the article; not where the law does not bind."""
    sign_in(client, world.users["hr_a"])
    leave = client.get(area_url(world)).get_data(as_text=True)
    option = leave[leave.index('value="fewer_days"'):leave.index("</label>", leave.index('value="fewer_days"'))]
    assert "Dưới mức tối thiểu theo luật: Bộ luật Lao động 2019 (số 45/2019/QH14), Điều 139(5)" in option
    per_law = leave[leave.index('name="leave__paternity" value="per_law"'):][:400]
    assert "Dưới mức tối thiểu" not in per_law.split("</label>")[0]
    enrolment = leave[leave.index('id="q-leave__social_insurance_enrolment"'):]
    assert "&lt; 100 %: <span class=\"below-law\">" in enrolment.split("</section>")[0]
    # The company has 300 women: a lactation room is no legal duty, so "none" carries no warning.
    base = f"/assessments/{world.assessment_a.id}/areas/breastfeeding"
    room = client.get(base).get_data(as_text=True)
    none = room[room.index('name="breastfeeding__lactation_room" value="none"'):][:300].split("</label>")[0]
    assert "Dưới mức tối thiểu" not in none
    nursing = room[room.index('name="breastfeeding__nursing_break" value="not_granted"'):][:400].split("</label>")[0]
    assert "Dưới mức tối thiểu theo luật" in nursing


def test_results_say_the_unit_of_a_gain_the_answer_of_a_gap_and_what_crbp_is(client: FlaskClient, world: World,
                                                                             dbs: Session) -> None:
    """Issue 14 item 11."""
    complete_and_submit(dbs, world, best_answers(RUBRIC) | {"leave.paternity": "fewer_days"})
    sign_in(client, world.users["hr_a"])
    page = client.get(f"/assessments/{world.assessment_a.id}/results").get_data(as_text=True)
    assert re.search(r"\+\d+,\d điểm phần trăm vào điểm chung", page)  # a unit, and a Vietnamese decimal comma
    gaps = page[page.index('class="panel gaps"'):page.index('id="plan"')]
    assert "Câu trả lời của bạn: <strong>Ít ngày hơn hoặc ngoài thời hạn luật định</strong>" in gaps
    assert "Các Nguyên tắc về Quyền trẻ em và Hoạt động kinh doanh (CRBP" in page


def test_copied_answers_are_marked_on_their_page_and_listed_before_submitting(client: FlaskClient, world: World,
                                                                              dbs: Session) -> None:
    """Issue 14 item 8, as the officer sees it."""
    from tests.assessments.test_copied_answers import last_cycle

    previous = last_cycle(dbs, world)
    sign_in(client, world.users["hr_b"])
    client.post("/assessments/start", data={"copy_forward": "y"})
    current = dbs.scalar(select(Assessment).where(Assessment.organisation_id == world.org_b.id,
                                                  Assessment.cycle == today_in_viet_nam().year))
    assert current is not None and current.id != previous.id
    base = f"/assessments/{current.id}"
    client.post(f"{base}/profile", data={**{k: ("yes" if v is True else "no" if v is False else v)
                                            for k, v in COMPLETE_PROFILE.items()},
                                         "version": str(current.version)})
    leave = client.get(f"{base}/areas/leave").get_data(as_text=True)
    assert leave.count("Chép từ kỳ trước: hãy kiểm tra") >= 10
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert "Chép từ kỳ trước, chưa được kiểm tra" in review and "/areas/leave#q-leave__maternity_policy" in review


def test_results_pair_each_area_with_its_own_score_whatever_order_it_was_recorded_in(
        client: FlaskClient, world: World, dbs: Session) -> None:
    """Issue 15 item 2: the page once paired the stored areas with the rubric's by position."""
    complete_and_submit(dbs, world, random_answers(RUBRIC, 0.5, random.Random(7)))
    table = Assessment.__table__
    stored = dbs.execute(select(table.c.result).where(table.c.id == world.assessment_a.id)).scalar_one()
    percents = {a["key"]: round(a["percent"] or 0) for a in stored["scorecard"]["areas"]}
    assert len(set(percents.values())) > 2, "areas that score differently, so a swap shows"
    stored["scorecard"]["areas"].reverse()
    dbs.execute(update(table).where(table.c.id == world.assessment_a.id).values(result=stored))
    dbs.commit()
    sign_in(client, world.users["hr_a"])
    page = client.get(f"/assessments/{world.assessment_a.id}/results").get_data(as_text=True)
    chart = page[page.index('<figure class="chart">'):]
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", chart[:chart.index("</figure>")])]
    for area in RUBRIC.areas:
        label = next(i for i, t in enumerate(texts) if t.startswith(f"{area.code}. "))
        value = next(t for t in texts[label:] if t.endswith("%"))
        assert value == f"{percents[area.key]} %", area.key


def test_a_legal_gap_shows_the_answer_it_was_drawn_from_while_the_company_edits_a_return(
        client: FlaskClient, world: World, dbs: Session) -> None:
    """A returned assessment keeps its recorded result while HR edits the answers: a gap must
    not pair the old verdict with the new answer ("gap: your answer: per the law")."""
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC) | {"leave.paternity": "fewer_days"})
    return_to_company(dbs, Context(world.users["reviewer"]), assessment, "A8: kiểm tra lại")
    save_answers(dbs, Context(world.users["hr_a"]), assessment, RUBRIC, {"leave.paternity": "per_law"})
    sign_in(client, world.users["hr_a"])
    page = html.unescape(client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True))
    gaps = page[page.index('class="panel gaps"'):]
    gaps = gaps[:gaps.index("</section>")]
    paternity = RUBRIC.indicator("leave.paternity")
    assert f"{paternity.code}. " in gaps
    assert answer_text(paternity, "fewer_days", "vi") in gaps
    assert answer_text(paternity, "per_law", "vi") not in gaps


def test_the_pdf_lists_the_answers_its_verdict_was_drawn_from_while_the_company_edits_a_return(
        world: World, dbs: Session) -> None:
    """The PDF's appendix of every answer belongs with the recorded result: while a returned
    assessment is being edited, it shows the answers as submitted, not the ones being changed."""
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC) | {"leave.paternity": "fewer_days"})
    return_to_company(dbs, Context(world.users["reviewer"]), assessment, "A8: kiểm tra lại")
    save_answers(dbs, Context(world.users["hr_a"]), assessment, RUBRIC, {"leave.paternity": "per_law"})
    paternity = RUBRIC.indicator("leave.paternity")
    rows = {row.code: row.answer["vi"] for area in report_of(dbs, assessment, RUBRIC).appendix for row in area.rows}
    assert rows[paternity.code] == answer_text(paternity, "fewer_days", "vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_results_page_says_what_the_pdf_plan_says(client: FlaskClient, world: World, dbs: Session,
                                                      lang: str) -> None:
    """Issue 15 item 2: the page and the PDF are drawn from the same report data (one Report)."""
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC) | {
        "leave.paternity": "fewer_days", "childcare.support": "occasional"})
    report = report_of(dbs, assessment, RUBRIC)
    assert report.gaps and report.actions
    sign_in(client, world.users["hr_a"])
    client.post("/language", data={"lang": lang})
    page = html.unescape(client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True))
    said = [report.band[lang], report.legal_basis[lang], report.status[lang]]
    said += [f"{area.code}. {area.title[lang]}"[:20] for area in report.areas]
    said += [f"{gap.code}. {gap.question[lang]}" for gap in report.gaps]
    said += [f"{ref.citation[lang]}:</strong> {ref.summary[lang]}" for gap in report.gaps for ref in gap.references]
    said += [gap.answered[lang] for gap in report.gaps] + [gap.fine[lang] for gap in report.gaps if gap.fine]
    said += [part for action in report.actions
             for part in (action.text[lang], action.owner_role[lang], action.time_frame[lang], action.evidence[lang])]
    assert [text for text in said if text not in page] == []
