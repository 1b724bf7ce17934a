"""Programme monitoring in chromium (issue 18, done-when): an admin adds a programme with its
DHIS2 data element; a UNICEF officer, on a phone, adds a commune health station and a
facilitator, records two sessions there and a supervision visit, sets a target for the province,
and sees the progress bar, the trend and the map change; the DHIS2 export includes the programme."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_foundation_journey import PHONE, assert_fits_phone, new_page, sign_in
from tests.browser.test_review_conversation_journey import WIDE

pytestmark = pytest.mark.browser
ADMIN = ("admin@demo.vn", "demo-admin-2026")
UNICEF = ("unicef@demo.vn", "demo-unicef-2026")
ELEMENT = "Pd5e6f7g8h9"
GREY, ON_TRACK = "#e6ece9", "#0b6e4f"


def tile_fill(page: Page, province: str) -> str:
    fill = page.locator(f'.tile-map a[href*="province={province}"] rect').get_attribute("fill")
    assert fill is not None
    return fill


def record_session(page: Page, base: str, programme: str, shift: str, women: int, men: int) -> None:
    page.goto(base + "/parenting/sessions/new")
    page.get_by_label("Chương trình", exact=True).select_option(programme)
    page.get_by_label(re.compile(r"· Chơi cùng con$")).check()
    page.get_by_label("Ngày", exact=True).fill(date.today().isoformat())
    page.get_by_label("Địa điểm", exact=True).select_option("commune_health_station")
    page.get_by_label("Địa điểm đã đăng ký (nếu tổ chức tại đó)").select_option(
        label="Trạm y tế xã Mường Phăng · Điện Biên")
    page.get_by_label("Thời lượng (phút)").fill("60")
    page.get_by_label(re.compile("Ca hoặc giờ")).fill(shift)
    page.get_by_label("Lò Thị Xuân · Điện Biên").check()
    page.get_by_label("Nữ", exact=True).fill(str(women))
    page.get_by_label("Nam", exact=True).fill(str(men))
    page.get_by_label("Tổng số người tham gia").fill(str(women + men))
    page.get_by_label("Người dân tộc thiểu số").fill(str(women))
    page.get_by_label("Người di cư trong nước").fill("0")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã ghi nhận buổi sinh hoạt.")).to_be_visible()


def test_a_unicef_officer_monitors_a_new_programme_from_venue_to_map_and_dhis2(
        browser, live_server: str, screenshot) -> None:
    admin, admin_problems = new_page(browser, WIDE)
    sign_in(admin, live_server, *ADMIN)
    admin.goto(live_server + "/parenting/programmes")
    new = admin.locator("section.panel").filter(has=admin.get_by_role("heading", name="Chương trình mới"))
    new.get_by_label("Tên tiếng Việt").fill("Cha mẹ đồng hành")
    new.get_by_label("Tên tiếng Anh").fill("Parents together")
    new.get_by_role("button", name="Thêm chương trình").click()
    expect(admin.get_by_text("Đã thêm chương trình.")).to_be_visible()
    section = admin.locator("section[id^=programme-]").filter(has_text="Cha mẹ đồng hành")
    programme = (section.get_attribute("id") or "").removeprefix("programme-")
    section.get_by_label("Tên tiếng Việt").fill("Chơi cùng con")
    section.get_by_label("Tên tiếng Anh").fill("Play together")
    section.get_by_role("button", name="Thêm chủ đề").click()
    section = admin.locator(f"#programme-{programme}")
    section.get_by_label("Phần tử dữ liệu DHIS2").fill(ELEMENT)
    section.get_by_label("Số buổi cần tham dự để hoàn thành một khóa học").fill("6")
    section.get_by_role("button", name="Lưu", exact=True).click()
    expect(admin.get_by_text("Đã lưu thay đổi.")).to_be_visible()
    expect(admin.locator(f"#programme-{programme}").get_by_label("Phần tử dữ liệu DHIS2")).to_have_value(ELEMENT)
    assert admin_problems == []

    page, problems = new_page(browser, PHONE)
    sign_in(page, live_server, *UNICEF)
    page.goto(live_server + "/parenting/venues")
    page.get_by_label("Loại địa điểm").select_option("commune_health_station")
    page.get_by_label("Tên", exact=True).fill("Trạm y tế xã Mường Phăng")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Điện Biên")
    page.get_by_label("Xã, phường").fill("Mường Phăng")
    page.get_by_role("button", name="Thêm địa điểm").click()
    expect(page.get_by_text("Đã thêm địa điểm.")).to_be_visible()

    page.goto(live_server + "/parenting/facilitators")
    add = page.locator("#add")
    add.get_by_label("Họ và tên").fill("Lò Thị Xuân")
    add.get_by_label("Nơi công tác").fill("Trạm y tế xã Mường Phăng")
    add.get_by_label("Chương trình", exact=True).select_option(programme)
    add.get_by_label("Tỉnh, thành phố", exact=True).select_option(label="Điện Biên")
    add.get_by_label("Ngày tập huấn").fill("2026-03-02")
    add.get_by_role("button", name="Thêm người hướng dẫn").click()
    expect(page.get_by_text("Đã thêm người hướng dẫn.")).to_be_visible()
    facilitator_url = page.url

    dashboard = f"{live_server}/parenting/?programme={programme}"
    page.goto(dashboard)
    assert tile_fill(page, "dien-bien") == GREY  # nothing planned, nothing held

    record_session(page, live_server, programme, "Ca sáng", 15, 5)
    record_session(page, live_server, programme, "Ca chiều", 14, 6)
    assert_fits_phone(page)
    screenshot(page, "session-at-the-station")

    page.goto(facilitator_url)
    page.get_by_role("link", name="Ghi một lần giám sát hỗ trợ").click()
    page.get_by_label("Chương trình", exact=True).select_option(programme)
    page.get_by_label("Địa điểm đã đăng ký (nếu tổ chức tại đó)").select_option(
        label="Trạm y tế xã Mường Phăng · Điện Biên")
    page.get_by_label("Người giám sát").fill("Lê Thu Hà")
    page.locator(".score-row:not([hidden])").first.locator("input[value=\"3\"]").check()
    page.get_by_label("Việc cần làm tiếp").fill("Chuẩn bị thêm đồ chơi tự làm.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã ghi lần giám sát.")).to_be_visible()
    expect(page.locator("#visits table")).to_contain_text("3,0")  # the trend of the checklist
    expect(page.locator("#visits")).to_contain_text("Chuẩn bị thêm đồ chơi tự làm.")
    screenshot(page, "facilitator-with-visit")

    page.goto(live_server + "/parenting/targets")
    target = page.locator("#target-form")
    target.get_by_label("Tỉnh, thành phố", exact=True).select_option(label="Điện Biên")
    target.get_by_label("Chương trình", exact=True).select_option(programme)
    target.get_by_label("Số buổi", exact=True).fill("2")
    target.get_by_label("Người tham gia", exact=True).fill("45")
    target.get_by_role("button", name="Lưu chỉ tiêu").click()
    expect(page.get_by_text("Đã lưu chỉ tiêu.")).to_be_visible()

    page.goto(dashboard)
    progress = page.locator("#progress")
    expect(progress).to_contain_text("Người tham gia: 40 / 45")
    expect(progress.locator("progress").first).to_have_attribute("value", "89")
    assert tile_fill(page, "dien-bien") == ON_TRACK  # 40 of 45 now, more by the year's end
    expect(page.locator("figure.chart").filter(has_text="Người tham gia theo tháng, nữ và nam")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "dashboard-with-target")

    exported = page.request.get(live_server + f"/parenting/export/dhis2.json?programme={programme}")
    assert exported.ok, exported.text()
    values = exported.json()["dataValues"]
    assert {v["dataElement"] for v in values} == {ELEMENT}
    assert sorted(int(v["value"]) for v in values) == [11, 29]  # men and women this month
    assert problems == []
