"""A Chamber reviewer works the verification queue, queries a question and returns the
assessment; then compares organisations, opens two side by side and reads the benchmarks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_assessment_journey import accessibility_problems
from tests.browser.test_foundation_journey import new_page, open_menu_item, sign_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 900}


def test_verify_compare_and_benchmark(browser, live_server: str, screenshot) -> None:
    page, problems = new_page(browser, LAPTOP)
    sign_in(page, live_server, "reviewer@demo.vn", "demo-reviewer-2026")
    open_menu_item(page, "Thẩm định")
    expect(page.get_by_role("heading", name="Đang chờ thẩm định")).to_be_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "queue")

    # The first assessment waiting: query A2 (a comment is needed), then return it.
    waiting = page.locator("section", has=page.get_by_role("heading", name="Đang chờ thẩm định"))
    waiting.get_by_role("link").first.click()
    question = page.locator("#q-leave__paternity")
    question.get_by_role("button", name="Yêu cầu làm rõ").click()
    expect(page.get_by_text("Hãy nói rõ cần sửa gì")).to_be_visible()
    question = page.locator("#q-leave__paternity")
    question.get_by_label("Nhận xét (bắt buộc khi yêu cầu làm rõ)").fill("Gửi quyết định nghỉ của lao động nam")
    question.get_by_role("button", name="Yêu cầu làm rõ").click()
    expect(page.locator("#q-leave__paternity .decision-queried")).to_contain_text("Gửi quyết định nghỉ")
    # An open query: the page says so and does not offer to verify (the server refuses anyway).
    expect(page.get_by_role("button", name="Xác nhận bản đánh giá")).to_be_disabled()
    expect(page.get_by_text("Hãy chấp nhận hoặc tiếp tục yêu cầu làm rõ các yêu cầu đang mở trước.")).to_be_visible()
    page.get_by_label("Lời nhắn cho doanh nghiệp").fill("Vui lòng bổ sung bằng chứng.")
    page.get_by_role("button", name="Trả lại doanh nghiệp").click()
    expect(page.get_by_text("Đã trả lại bản đánh giá cho doanh nghiệp")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("Trả lại doanh nghiệp")
    assert accessibility_problems(page) == []
    screenshot(page, "returned")

    # Compare: sort by area C, pick two, side by side.
    open_menu_item(page, "So sánh")
    expect(page.get_by_role("heading", name="Tổ chức và điểm số")).to_be_visible()
    page.get_by_role("link", name="C", exact=True).click()
    boxes = page.locator('input[name="ids"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert accessibility_problems(page) == []
    page.get_by_role("button", name=re.compile("So sánh các tổ chức đã chọn")).click()
    expect(page.get_by_role("heading", name="So sánh song song")).to_be_visible()
    expect(page.locator(".side-by-side .card")).to_have_count(2)
    screenshot(page, "side-by-side")

    page.get_by_role("link", name="So sánh theo ngành").click()
    cycle = page.get_by_label("Kỳ", exact=True)
    cycle.fill(str(int(cycle.input_value()) - 1))
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_text("Trung vị").first).to_be_visible()  # five garment factories last year
    expect(page.get_by_text("Dưới 5 tổ chức: không hiển thị.").first).to_be_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "benchmarks")
    assert problems == [], problems
