"""The workers' survey through its pages (issue 17): organisers open a round and print its papers,
workers answer without an account (one answer at a time, or the whole page), the limits answer
with a clear message, and what a round shows, on both databases."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.db import today_in_viet_nam
from assessments.models import Answer, AuditEvent, SurveyAnswer, SurveyResponse, SurveyRound
from assessments.services import Context
from assessments.services.compare import discrepancy_shares
from assessments.services.surveys import codes_of, open_round
from assessments.simulate import best_answers
from rubrics.loader import default_registry
from tests.app.test_assessment import complete_and_submit
from tests.assessments.test_report import pdf_text
from tests.conftest import World, add_assessment, add_organisation, mark_submitted, sign_in
from tests.support.plans import download_plan, fetch_when_made, job_worker

RUBRIC = default_registry().get("crbp-vn", "2026.2")


@pytest.fixture
def survey_round(dbs: Session, world: World) -> SurveyRound:
    assert world.assessment_a is not None
    today = today_in_viet_nam()
    return open_round(dbs, Context(world.users["hr_a"]), world.assessment_a, RUBRIC, opens_on=today,
                      closes_on=today + timedelta(days=13), codes=None, today=today)


@pytest.fixture
def workers(app: Flask) -> Iterator[list[FlaskClient]]:
    """Twelve phones, each its own browser (cookies), on the factory's Wi-Fi (one address)."""
    yield [app.test_client() for _ in range(12)]


def answer(phone: FlaskClient, slug: str, **given: str) -> tuple[int, dict[str, object]]:
    response = phone.post(f"/s/{slug}/answer", data=given, headers={"Accept": "application/json"})
    return response.status_code, response.get_json()


def test_hr_opens_a_round_from_the_page_and_prints_the_poster(client: FlaskClient, app: Flask, world: World,
                                                             dbs: Session) -> None:
    sign_in(client, world.users["hr_a"])
    base = f"/assessments/{world.assessment_a.id}/survey"
    page = client.get(base).get_data(as_text=True)
    assert "Mở đợt khảo sát" in page  # Vietnamese first
    today = today_in_viet_nam()
    refused = client.post(base, data={"opens_on": (today - timedelta(days=1)).isoformat(),
                                      "closes_on": today.isoformat()})
    assert refused.status_code == 422 and "Ngày bắt đầu không được ở trong quá khứ." in refused.get_data(as_text=True)
    with job_worker(app):  # opening the round asks the job worker for the poster (issue 19)
        opened = client.post(base, data={"opens_on": today.isoformat(),
                                         "closes_on": (today + timedelta(days=6)).isoformat()})
        assert opened.status_code == 302
        survey_round = dbs.scalar(select(SurveyRound))
        assert survey_round is not None and survey_round.cap == world.org_a.workforce_total
        poster = fetch_when_made(client, f"{base}/{survey_round.id}/poster.pdf")
    text = pdf_text(poster.data)
    assert f"/s/{survey_round.slug}" in text and "không ghi tên" in text and world.org_a.name in text
    # A round without codes has no code slips to print.
    assert client.get(f"{base}/{survey_round.id}/codes.pdf").status_code == 302


def test_unicef_sees_the_rounds_but_may_not_open_one(client: FlaskClient, world: World,
                                                     survey_round: SurveyRound) -> None:
    sign_in(client, world.users["unicef"])
    base = f"/assessments/{world.assessment_a.id}/survey"
    assert client.get(base).status_code == 200
    today = today_in_viet_nam()
    assert client.post(base, data={"opens_on": today.isoformat(), "closes_on": today.isoformat()}).status_code == 403
    assert client.get(f"{base}/{survey_round.id}/poster.pdf").status_code == 403


def test_each_answer_is_saved_as_given_and_a_phone_goes_on_with_its_own_response(
        workers: list[FlaskClient], survey_round: SurveyRound, dbs: Session) -> None:
    first, second = workers[0], workers[1]
    page = first.get(f"/s/{survey_round.slug}")
    assert page.status_code == 200 and "Ở nơi làm việc có phòng riêng để chị em vắt sữa" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert answer(first, survey_round.slug, lactation_room="no") == (200, {"saved": True})
    cookie = first.get_cookie(f"ffw_survey_{survey_round.slug}", path=f"/s/{survey_round.slug}")
    assert cookie is not None and cookie.http_only
    assert answer(first, survey_round.slug, nursing_break="yes")[0] == 200
    assert answer(first, survey_round.slug, lactation_room="yes")[0] == 200  # a change of mind
    answer(second, survey_round.slug, lactation_room="dont_know")
    dbs.expire_all()
    assert dbs.scalar(select(func.count(SurveyResponse.id))) == 2
    stored = sorted(dbs.execute(select(SurveyAnswer.key, SurveyAnswer.value)).all())
    assert stored == [("lactation_room", "dont_know"), ("lactation_room", "yes"), ("nursing_break", "yes")]
    # The page shows the phone its own answers again.
    again = first.get(f"/s/{survey_round.slug}").get_data(as_text=True)
    assert 'name="lactation_room" value="yes" checked' in again


def test_the_whole_page_can_be_sent_at_once_without_the_script(workers: list[FlaskClient],
                                                               survey_round: SurveyRound, dbs: Session) -> None:
    sent = workers[0].post(f"/s/{survey_round.slug}", data={"lactation_room": "no", "rota_notice": "yes",
                                                             "sex": "woman"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("?done=1")
    thanks = workers[0].get(sent.headers["Location"]).get_data(as_text=True)
    assert "Cảm ơn anh/chị: câu trả lời đã được lưu." in thanks
    assert dbs.scalar(select(func.count(SurveyAnswer.key))) == 3


def test_bad_answers_get_a_clear_message_and_save_nothing(workers: list[FlaskClient], survey_round: SurveyRound,
                                                          dbs: Session) -> None:
    status, body = answer(workers[0], survey_round.slug, lactation_room="maybe")
    assert status == 422 and body["code"] == "not_a_survey_answer" and body["message"]
    assert dbs.scalar(select(func.count(SurveyAnswer.key))) == 0


def test_a_round_with_codes_asks_for_one_and_says_when_it_is_wrong(client: FlaskClient, app: Flask, world: World,
                                                                   dbs: Session) -> None:
    today = today_in_viet_nam()
    survey_round = open_round(dbs, Context(world.users["hr_a"]), world.assessment_a, RUBRIC, opens_on=today,
                              closes_on=today, codes=12, today=today)
    slug, codes = survey_round.slug, codes_of(dbs, survey_round)
    assert 'name="code"' in client.get(f"/s/{slug}").get_data(as_text=True)
    assert answer(client, slug, lactation_room="no")[0] == 422  # no code, no response
    wrong = client.post(f"/s/{slug}/start", data={"code": "ZZZZZZ"})
    assert wrong.status_code == 422 and "Mã không đúng hoặc đã được dùng" in wrong.get_data(as_text=True)
    assert client.post(f"/s/{slug}/start", data={"code": codes[0].lower()}).status_code == 302
    assert answer(client, slug, lactation_room="no") == (200, {"saved": True})
    sign_in(client, world.users["hr_a"])
    url = f"/assessments/{world.assessment_a.id}/survey/{survey_round.id}/codes.pdf"
    waiting = client.get(url)  # the fixture opened the round without the web: nothing asked for it yet
    assert waiting.status_code == 202 and waiting.headers["Refresh"] == "2"
    assert "Đang chuẩn bị phiếu mã" in waiting.get_data(as_text=True)
    with job_worker(app):  # the waiting page's visit asked the worker; the worker was down: ask again
        slips = fetch_when_made(client, url)
    assert all(code in pdf_text(slips.data) for code in codes)


def test_responses_begun_from_one_address_are_limited(app: Flask, workers: list[FlaskClient],
                                                      survey_round: SurveyRound, dbs: Session) -> None:
    app.config["SURVEY_BEGIN_LIMIT_PER_ADDRESS"] = "3 per hour"
    try:
        results = [answer(phone, survey_round.slug, lactation_room="yes")[0] for phone in workers[:4]]
        # A phone that began its response goes on answering.
        assert answer(workers[0], survey_round.slug, nursing_break="yes")[0] == 200
        # Another address is counted on its own.
        elsewhere = app.test_client()
        elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
        assert answer(elsewhere, survey_round.slug, lactation_room="yes")[0] == 200
    finally:
        app.config["SURVEY_BEGIN_LIMIT_PER_ADDRESS"] = "60 per hour"
    assert results == [200, 200, 200, 429]
    assert dbs.scalar(select(func.count(SurveyResponse.id))) == 4


def test_a_closed_round_takes_no_answer(workers: list[FlaskClient], survey_round: SurveyRound, dbs: Session) -> None:
    survey_round.closed_early_on = today_in_viet_nam()
    dbs.commit()
    status, body = answer(workers[0], survey_round.slug, lactation_room="yes")
    assert status == 410 and body["code"] == "survey_closed"
    assert "Đợt khảo sát đã kết thúc" in workers[0].get(f"/s/{survey_round.slug}").get_data(as_text=True)


def test_nothing_logged_or_audited_joins_an_answer_to_a_phone(workers: list[FlaskClient], survey_round: SurveyRound,
                                                              dbs: Session, caplog: pytest.LogCaptureFixture) -> None:
    events = dbs.scalar(select(func.count(AuditEvent.id)))
    with caplog.at_level(logging.DEBUG):
        for number, phone in enumerate(workers):
            phone.environ_base["REMOTE_ADDR"] = f"10.0.0.{number + 1}"
            answer(phone, survey_round.slug, lactation_room="yes", sex="woman")
    assert dbs.scalar(select(func.count(AuditEvent.id))) == events
    ids = list(dbs.scalars(select(SurveyResponse.id)))
    hashes = list(dbs.scalars(select(SurveyResponse.resume_hash)))
    logged = caplog.text
    assert len(ids) == 12 and not any(i in logged or h in logged for i, h in zip(ids, hashes, strict=True))
    assert not re.search(r"10\.0\.0\.\d+", logged)


def test_results_show_from_ten_answers_with_the_discrepancy_for_hr_and_the_reviewer(
        client: FlaskClient, world: World, workers: list[FlaskClient], survey_round: SurveyRound,
        dbs: Session) -> None:
    dbs.add(Answer(assessment_id=world.assessment_a.id, indicator_key="breastfeeding.lactation_room",
                   value="one_room"))
    dbs.commit()
    page_url = f"/assessments/{world.assessment_a.id}/survey"
    sign_in(client, world.users["hr_a"])
    for phone in workers[:9]:
        answer(phone, survey_round.slug, lactation_room="no")
    hidden = client.get(page_url).get_data(as_text=True)
    assert "9 người lao động đã trả lời." in hidden and "còn thiếu 1" in hidden and "Chưa khớp" not in hidden
    answer(workers[9], survey_round.slug, lactation_room="no")
    shown = client.get(page_url).get_data(as_text=True)
    assert "10 người lao động đã trả lời." in shown and "Chưa khớp" in shown
    assert "Giới thiệu phòng vắt sữa với toàn bộ công nhân" in shown
    # Nobody answered the optional questions about themselves: every group is hidden.
    split = client.get(f"{page_url}?split=sex").get_data(as_text=True)
    assert "chia theo câu “Anh/chị là”" in split and "dưới 10 người trong nhóm" in split
    sign_in(client, world.users["reviewer"])
    assert "Chưa khớp" in client.get(page_url).get_data(as_text=True)


def test_the_discrepancy_shows_on_the_results_the_review_and_in_the_pdf_plan(
        client: FlaskClient, app: Flask, world: World, workers: list[FlaskClient], dbs: Session) -> None:
    answers = best_answers(RUBRIC)
    assert answers["breastfeeding.lactation_room"] in ("one_room", "every_site", "matched_to_demand")
    submitted = complete_and_submit(dbs, world, answers)
    today = today_in_viet_nam()
    survey_round = open_round(dbs, Context(world.users["hr_a"]), submitted, RUBRIC, opens_on=today,
                              closes_on=today, codes=None, today=today)
    for phone in workers[:10]:
        answer(phone, survey_round.slug, lactation_room="no", nursing_break="yes")
    sign_in(client, world.users["hr_a"])
    results = client.get(f"/assessments/{submitted.id}/results").get_data(as_text=True)
    assert "Những điểm người lao động trả lời khác doanh nghiệp" in results
    assert "Giới thiệu phòng vắt sữa với toàn bộ công nhân" in results
    assert "10 trên 10 người lao động biết việc này nói là không." in results
    pdf = pdf_text(download_plan(client, app, f"/assessments/{submitted.id}/plan.pdf?edition=vi").data)
    assert "Ý kiến của người lao động" in pdf and "Việc cần làm theo ý kiến người lao động" in pdf
    assert "Giới thiệu phòng vắt sữa với toàn bộ công nhân" in pdf and "Chưa khớp" in pdf
    # Once each: the actions in the plan chapter, the chapter itself (and its line in the contents).
    assert pdf.count("Việc cần làm theo ý kiến người lao động") == 1
    assert pdf.count("Ý kiến của người lao động") == 2 and pdf.count("Khảo sát ẩn danh 10 người lao động") == 1
    sign_in(client, world.users["reviewer"])
    review = client.get(f"/review/{submitted.id}").get_data(as_text=True)
    assert "đây là lý do để đề nghị làm rõ" in review
    assert review.count("10 trên 10 người lao động biết việc này nói là không.") == 1


def test_benchmarks_give_the_share_of_surveyed_organisations_with_a_discrepancy_from_five(
        dbs: Session, world: World) -> None:
    def surveyed(number: int, contradicted: bool) -> None:
        organisation = add_organisation(dbs, f"Công ty {number}", f"03000000{number:02d}", sector="footwear-leather")
        assessment = add_assessment(dbs, organisation, 2026)
        mark_submitted(assessment, 60.0)
        dbs.add(Answer(assessment_id=assessment.id, indicator_key="breastfeeding.lactation_room", value="one_room"))
        survey_round = SurveyRound(assessment_id=assessment.id, slug=f"r{number}", opens_on=date(2026, 10, 1),
                                   closes_on=date(2026, 10, 14), cap=500)
        dbs.add(survey_round)
        dbs.flush()
        for n in range(10):
            response_id = f"{number:02d}{n:030d}"
            dbs.add(SurveyResponse(id=response_id, round_id=survey_round.id, day=date(2026, 10, 2),
                                   resume_hash=response_id * 2))
            dbs.flush()
            dbs.add(SurveyAnswer(response_id=response_id, key="lactation_room",
                                 value="no" if contradicted else "yes"))
        dbs.commit()

    for number in range(4):
        surveyed(number, contradicted=number < 2)
    assert not discrepancy_shares(dbs, "sector", 2026)["footwear-leather"].shown  # 4 organisations
    surveyed(4, contradicted=False)
    share = discrepancy_shares(dbs, "sector", 2026)["footwear-leather"]
    assert share.shown and (share.surveyed, share.contradicted, share.share) == (5, 2, 0.4)
