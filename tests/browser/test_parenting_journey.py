"""A UNICEF officer records a session, imports a field team's list, and sees the reach."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_foundation_journey import PHONE, assert_fits_phone, new_page, open_menu_item, sign_in

pytestmark = pytest.mark.browser

HEADER = ("date,programme,topics,duration_minutes,venue_type,workplace_tax_code,province,commune,facilitator,"
          "participants_total,participants_female,participants_male,ethnic_minority,internal_migrants,notes")
GOOD = "01/11/2026,em-thrive,breastfeeding,60,commune_health_station,,Bình Thuận,Mũi Né,Hồng,18,12,6,0,0,"
BAD = "02/11/2026,em-thrive,breastfeeding,60,commune_health_station,,Bình Thuận,Hàm Tiến,Hồng,18,12,5,0,0,"


def csv_payload(*rows: str) -> dict[str, object]:
    text = "\n".join([HEADER, *rows]) + "\n"
    return {"name": "field-team.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_record_import_and_see_reach(browser, live_server: str, screenshot) -> None:
    page, problems = new_page(browser, PHONE)
    sign_in(page, live_server, "unicef@demo.vn", "demo-unicef-2026")
    open_menu_item(page, "Buổi sinh hoạt làm cha mẹ")
    expect(page.get_by_role("heading", name="Buổi sinh hoạt làm cha mẹ")).to_be_visible()
    sessions_before = int(page.locator(".stats .card").first.locator(".figure").inner_text())

    # Record a session; a total that does not add up is caught first.
    page.get_by_role("link", name="Ghi nhận buổi sinh hoạt").click()
    page.get_by_label("Chương trình").select_option("1")  # NICE, as the migration seeds it
    page.get_by_label(re.compile("Học qua chơi")).first.check()
    page.get_by_label("Ngày", exact=True).fill("2026-11-10")
    page.get_by_label("Địa điểm", exact=True).select_option("workplace")
    page.get_by_label("Nơi làm việc (nếu tổ chức tại đó)").select_option(label="Công ty CP Thủy Sản Mekong")
    page.get_by_label("Thời lượng (phút)").fill("90")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Cần Thơ")
    page.get_by_label("Xã, phường").fill("Trà Nóc")
    page.get_by_label("Người hướng dẫn").fill("Lê Thu Hà")
    page.get_by_label("Nữ", exact=True).fill("20")
    page.get_by_label("Nam", exact=True).fill("7")
    page.get_by_label("Tổng số người tham gia").fill("26")
    page.get_by_label("Người dân tộc thiểu số").fill("0")
    page.get_by_label("Người di cư trong nước").fill("12")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#participants_total-error")).to_have_text("Số nữ và số nam cộng lại không bằng tổng số.")
    assert_fits_phone(page)
    screenshot(page, "session-error")
    page.get_by_label("Tổng số người tham gia").fill("27")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã ghi nhận buổi sinh hoạt.")).to_be_visible()
    screenshot(page, "session-recorded")

    # Import a field team's list: a bad row blocks the import and says why.
    page.goto(live_server + "/parenting/import")
    page.get_by_label("Tệp CSV hoặc Excel").set_input_files(csv_payload(GOOD, BAD))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_text("Chấp nhận 1 trên 2 dòng.")).to_be_visible()
    expect(page.get_by_text("Số nữ và số nam cộng lại không bằng tổng số.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Nhập .* buổi"))).to_have_count(0)
    screenshot(page, "import-refused")

    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    page.get_by_label("Tệp CSV hoặc Excel").set_input_files(csv_payload(GOOD, BAD.replace(",12,5,", ",12,6,")))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_text("Chấp nhận 2 trên 2 dòng.")).to_be_visible()
    page.get_by_role("button", name="Nhập 2 buổi sinh hoạt").click()
    expect(page.get_by_text("Đã nhập 2 buổi sinh hoạt.")).to_be_visible()

    # The dashboard counts them; the old province name landed in Lâm Đồng.
    page.goto(live_server + "/parenting/?province=lam-dong")
    screenshot(page, "dashboard-lam-dong")
    page.goto(live_server + "/parenting/")
    sessions_after = int(page.locator(".stats .card").first.locator(".figure").inner_text())
    assert sessions_after == sessions_before + 3
    expect(page.locator("figure.chart svg").first).to_be_visible()
    screenshot(page, "dashboard")
    assert problems == [], problems
