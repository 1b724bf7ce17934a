"""The review loop as its people meet it: the reviewer queries and returns on a wide screen; the
HR officer sees the message on the dashboard on a phone, replies and submits again; the reviewer
sees the reply and the answer then and now, cannot verify until the query is accepted."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.test_foundation_journey import PHONE, assert_fits_phone, new_page, sign_in, sign_out
from tests.browser.test_nothing_lost import HR, demo_draft

pytestmark = pytest.mark.browser
WIDE = {"width": 1366, "height": 900}
REVIEWER = ("reviewer@demo.vn", "demo-reviewer-2026")


def submit_demo_draft(live_app: Flask) -> int:
    assessment_id = demo_draft(live_app)
    with live_app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from assessments.db import today_in_viet_nam
        from assessments.models import Assessment, User
        from assessments.services import Context
        from assessments.services.self_assessment import save_answers, submit
        from assessments.simulate import best_answers
        from rubrics.loader import default_registry

        rubric = default_registry().latest("crbp-vn")
        hr = db.session.scalar(select(User).where(User.email == HR[0]))
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        save_answers(db.session, Context(hr), assessment, rubric, best_answers(rubric))
        submit(db.session, Context(hr), assessment, rubric, today_in_viet_nam())
    return assessment_id


def test_query_reply_resubmit_and_accept(browser, live_app: Flask, live_server: str, screenshot) -> None:
    assessment_id = submit_demo_draft(live_app)
    review_url = f"{live_server}/review/{assessment_id}"

    reviewer, problems = new_page(browser, WIDE)
    sign_in(reviewer, live_server, *REVIEWER)
    reviewer.goto(review_url)
    question = reviewer.locator("#q-leave__paternity")
    question.get_by_label("Nhận xét (bắt buộc khi yêu cầu làm rõ)").fill("Gửi bảng chấm công của lao động nam.")
    question.get_by_role("button", name="Yêu cầu làm rõ").click()
    expect(reviewer.get_by_text("Đã lưu quyết định.")).to_be_visible()
    reviewer.get_by_role("button", name=re.compile("Chấp nhận \\d+ câu chưa bị yêu cầu làm rõ")).click()
    expect(reviewer.get_by_text(re.compile("Đã chấp nhận \\d+ câu hỏi."))).to_be_visible()
    reviewer.get_by_label("Lời nhắn cho doanh nghiệp").fill("Vui lòng bổ sung bằng chứng cho câu A8.")
    reviewer.get_by_role("button", name="Trả lại doanh nghiệp").click()
    expect(reviewer.get_by_text("Đã trả lại bản đánh giá cho doanh nghiệp cùng nhận xét của bạn.")).to_be_visible()

    hr, hr_problems = new_page(browser, PHONE)
    sign_in(hr, live_server, *HR)
    notice = hr.locator("section.returned")
    expect(notice.get_by_role("heading", name=re.compile("được Phòng Thương mại trả về ngày"))).to_be_visible()
    expect(notice.get_by_text("Vui lòng bổ sung bằng chứng cho câu A8.")).to_be_visible()
    assert_fits_phone(hr)
    screenshot(hr, "hr-dashboard-returned")
    notice.get_by_role("link", name="Xem các yêu cầu làm rõ, trả lời và nộp lại").click()
    thread = hr.locator("#reply-leave__paternity")
    expect(thread.get_by_text("Gửi bảng chấm công của lao động nam.")).to_be_visible()
    thread.get_by_label("Câu trả lời của bạn").fill("Bảng chấm công tháng 3 đã được tải lên.")
    thread.get_by_role("button", name="Gửi câu trả lời").click()
    expect(hr.get_by_text("Đã gửi câu trả lời cho Phòng Thương mại.")).to_be_visible()
    expect(hr.locator("#reply-leave__paternity").get_by_text("Bảng chấm công tháng 3 đã được tải lên.")).to_be_visible()
    assert_fits_phone(hr)
    screenshot(hr, "hr-reply")
    hr.get_by_role("button", name="Nộp bản đánh giá").click()
    hr.get_by_role("button", name="Xác nhận và nộp").click()
    expect(hr.get_by_text("Đã nộp bản đánh giá")).to_be_visible()

    reviewer.goto(review_url + "?show=queried")
    expect(reviewer.get_by_role("heading", name="Yêu cầu làm rõ đang mở (1)")).to_be_visible()
    thread = reviewer.locator("#q-leave__paternity")
    expect(thread.get_by_text(re.compile("Bảng chấm công tháng 3 đã được tải lên."))).to_be_visible()
    expect(thread.get_by_text(re.compile("Câu trả lời khi trả về"))).to_be_visible()
    expect(reviewer.get_by_role("button", name="Xác nhận bản đánh giá")).to_be_disabled()
    screenshot(reviewer, "reviewer-thread")
    thread.get_by_role("button", name="Chấp nhận", exact=True).click()
    expect(reviewer.get_by_text("Đã lưu quyết định.")).to_be_visible()
    reviewer.get_by_role("button", name="Xác nhận bản đánh giá").click()
    expect(reviewer.get_by_text(re.compile("Đã xác nhận bản đánh giá: điểm số"))).to_be_visible()
    sign_out(hr)
    assert problems == [] and hr_problems == []
