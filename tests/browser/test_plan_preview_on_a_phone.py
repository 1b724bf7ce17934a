"""The PDF plan's preview on a phone (issue 14 item 13): readable at phone width, with a way back
and a print button; downloading says the PDF is being prepared while it is made."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.test_foundation_journey import PHONE, assert_fits_phone, sign_in
from tests.browser.test_nothing_lost import HR
from tests.browser.test_review_conversation_journey import submit_demo_draft

pytestmark = pytest.mark.browser


def test_the_preview_reads_on_a_phone_and_the_download_says_it_is_being_prepared(
        browser, live_app: Flask, live_server: str, screenshot) -> None:
    assessment_id = submit_demo_draft(live_app)
    # A phone for real (is_mobile): without a viewport declaration the page is laid out 980 px wide.
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server, *HR)
    page.goto(f"{live_server}/assessments/{assessment_id}/results")
    page.get_by_role("link", name="Xem trước trên trình duyệt").click()
    expect(page.get_by_role("heading", name="Kế hoạch cải thiện nơi làm việc thân thiện với gia đình")).to_be_visible()
    assert_fits_phone(page)
    expect(page.get_by_role("button", name="In")).to_be_visible()
    screenshot(page, "preview-phone")
    page.get_by_role("link", name="Quay lại kết quả").click()
    expect(page.get_by_role("heading", name="Kết quả")).to_be_visible()
    with page.expect_download():
        page.get_by_role("link", name="Tải PDF · Tiếng Việt").click()
        expect(page.get_by_text("Đang chuẩn bị tệp PDF")).to_be_visible()
    assert problems == []
