"""The workers' survey in chromium at 360 px (issue 17, done-when): HR opens a round and downloads
the poster; twelve workers answer from their own browsers, one losing the connection mid-survey;
results stay hidden at nine and appear at ten; the discrepancy shows on the results page, the
reviewer's page and in the PDF plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.assessments.test_report import pdf_text
from tests.browser.test_foundation_journey import new_page, sign_in
from tests.browser.test_nothing_lost import HR
from tests.browser.test_review_conversation_journey import REVIEWER, WIDE, submit_demo_draft

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 360, "height": 740}
SAVED = "✓ Đã lưu"


def assert_fits(page: Page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def tap(page: Page, question: str, answer: str) -> None:
    page.locator(f"#q-{question}").get_by_label(answer, exact=True).check()


def saved(page: Page, question: str) -> None:
    expect(page.locator(f"#q-{question} .state")).to_have_text(SAVED)


def test_twelve_workers_answer_and_the_discrepancy_reaches_hr_the_reviewer_and_the_pdf(
        browser, live_app: Flask, live_server: str, screenshot) -> None:
    assessment_id = submit_demo_draft(live_app)  # HR's answers claim a lactation room (B5)
    hr, problems = new_page(browser, SMALL_PHONE)
    sign_in(hr, live_server, *HR)
    hr.goto(f"{live_server}/assessments/{assessment_id}/survey")
    # The demo's round of this cycle is still open: HR closes it, then opens a new one.
    hr.get_by_role("button", name="Đóng đợt khảo sát ngay").click()
    expect(hr.get_by_text("Đợt khảo sát đã đóng: không ai có thể bắt đầu trả lời")).to_be_visible()
    hr.get_by_role("button", name="Mở đợt khảo sát").click()
    expect(hr.get_by_text("Đợt khảo sát đã mở: hãy in áp phích")).to_be_visible()
    assert_fits(hr)
    screenshot(hr, "round-opened")
    address = hr.locator("#rounds li.current code").inner_text()
    slug = address.rsplit("/", 1)[-1]
    assert re.fullmatch(r"[a-z0-9]{7}", slug)
    with hr.expect_download() as download:
        hr.locator("#rounds li.current").get_by_role("link", name="Áp phích (PDF)").click()
    poster = Path(download.value.path()).read_bytes()
    assert poster.startswith(b"%PDF") and f"/s/{slug}" in pdf_text(poster)

    survey_url = f"{live_server}/s/{slug}"
    for number in range(12):
        worker, worker_problems = new_page(browser, SMALL_PHONE)
        worker.goto(survey_url)
        expect(worker.get_by_text("Ý kiến người lao động về chính sách thân thiện với gia đình")).to_be_visible()
        tap(worker, "lactation_room", "Không")
        saved(worker, "lactation_room")
        if number == 2:
            # The connection drops mid-survey: the answers wait in the phone, then go.
            worker.context.set_offline(True)
            tap(worker, "nursing_break", "Có")
            tap(worker, "sex", "Nữ")
            expect(worker.locator("#q-nursing_break .state")).to_have_text(
                "Chưa gửi được: sẽ tự gửi khi có mạng lại")
            assert_fits(worker)
            screenshot(worker, "worker-offline")
            worker.context.set_offline(False)
            saved(worker, "nursing_break")
            saved(worker, "sex")
        else:
            tap(worker, "nursing_break", "Có")
            saved(worker, "nursing_break")
        if number == 0:
            assert_fits(worker)
            screenshot(worker, "worker-answers")
            worker.get_by_role("button", name="Gửi câu trả lời").click()
            expect(worker.get_by_text("Cảm ơn anh/chị: câu trả lời đã được lưu.")).to_be_visible()
            screenshot(worker, "worker-thanks")
        # Only the offline worker's failed sends, which the page expects and retries.
        assert [p for p in worker_problems if "ERR_INTERNET_DISCONNECTED" not in p] == []
        worker.context.close()
        if number == 8:  # nine workers: nothing shown yet
            hr.goto(f"{live_server}/assessments/{assessment_id}/survey")
            expect(hr.get_by_text("9 người lao động đã trả lời.")).to_be_visible()
            expect(hr.get_by_text("còn thiếu 1 người")).to_be_visible()
            expect(hr.get_by_text("Chưa khớp", exact=True)).to_have_count(0)
        if number == 9:  # ten: the results and the discrepancy
            hr.goto(f"{live_server}/assessments/{assessment_id}/survey")
            expect(hr.get_by_text("10 người lao động đã trả lời.")).to_be_visible()
            expect(hr.locator(".discrepancies")).to_contain_text("Ở nơi làm việc có phòng riêng")
            assert_fits(hr)
            screenshot(hr, "results-at-ten")

    hr.goto(f"{live_server}/assessments/{assessment_id}/survey")
    expect(hr.get_by_text("12 người lao động đã trả lời.")).to_be_visible()
    hr.goto(f"{live_server}/assessments/{assessment_id}/results#workers")
    expect(hr.locator("#workers")).to_contain_text("12 trên 12 người lao động biết việc này nói là không.")
    expect(hr.locator("#workers")).to_contain_text("Giới thiệu phòng vắt sữa với toàn bộ công nhân")
    screenshot(hr, "results-page")
    with hr.expect_download() as download:
        hr.locator("#pdf").get_by_role("link", name="Tải PDF · Tiếng Việt").click()
    plan = pdf_text(Path(download.value.path()).read_bytes())
    assert "Ý kiến của người lao động" in plan and "Giới thiệu phòng vắt sữa với toàn bộ công nhân" in plan
    assert problems == []

    reviewer, reviewer_problems = new_page(browser, WIDE)
    sign_in(reviewer, live_server, *REVIEWER)
    reviewer.goto(f"{live_server}/review/{assessment_id}")
    expect(reviewer.locator("#workers")).to_contain_text("đây là lý do để đề nghị làm rõ")
    expect(reviewer.locator(".workers-say")).to_contain_text("12 trên 12 người lao động biết việc này nói là không.")
    screenshot(reviewer, "reviewer")
    assert reviewer_problems == []
