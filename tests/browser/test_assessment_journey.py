"""An HR officer fills the whole self-assessment on a phone, leaves, comes back, attaches
evidence, submits and reads the results; pages are checked with axe-core."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.test_foundation_journey import PHONE, assert_fits_phone, new_page, sign_in, sign_out
from tests.support.files import SMALL_PDF

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Answers every visible question: the best option, except where the test wants a legal gap.
FILL = """(gaps) => {
  document.querySelectorAll("section.question:not([hidden])").forEach((q) => {
    const radios = [...q.querySelectorAll("input[type=radio]")].filter((r) => r.value !== "not_applicable");
    const name = radios.length ? radios[0].name : null;
    if (name && gaps[name]) { q.querySelector(`input[value='${gaps[name]}']`).checked = true; }
    else if (radios.length && !q.querySelector("input[type=radio]:checked")) {
      radios[radios.length - 1].checked = true;
    }
    // (The team's note and its "share" box are not answers.)
    const boxes = q.querySelectorAll("input[type=checkbox]:not([value=not_applicable]):not([name^=note_shared-])");
    if (boxes.length && !q.querySelector("input[type=checkbox]:checked")) { boxes[boxes.length - 1].checked = true; }
    q.querySelectorAll("input[type=text]").forEach((i) => { if (!i.value) { i.value = "100"; } });
    q.querySelectorAll("textarea:not([name^=note-])").forEach((t) => { if (!t.value) { t.value = "NICE, 4 buổi"; } });
  });
  document.getElementById("area-form").dispatchEvent(new Event("change"));
}"""


def accessibility_problems(page: Page) -> list[str]:
    if not AXE.exists():
        pytest.fail("axe-core is not installed (make test runs npm ci)")
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
    # Which elements, too: "color-contrast" alone does not say where to look.
    return [f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in json.loads(result) if v["impact"] in ("serious", "critical")]


@pytest.fixture
def new_hr_officer(live_app: Flask) -> tuple[str, str]:
    """An HR officer of a demo factory that has no assessment this year yet."""
    email, password = "nhansu@detmaythaibinh.vn", "thai-binh-2026"
    with live_app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from assessments.models import Organisation

        org_id = db.session.scalar(select(Organisation.id).where(Organisation.tax_code == "1000234561"))
    result = live_app.test_cli_runner().invoke(args=["users", "create", email, "--role", "hr", "--org", str(org_id),
                                                     "--password", password, "--name", "Phạm Thu Trang"])
    assert result.exit_code == 0, result.output
    return email, password


def test_fill_leave_resume_attach_submit_results(browser, live_server: str, new_hr_officer, screenshot) -> None:
    email, password = new_hr_officer
    page, problems = new_page(browser, PHONE)
    sign_in(page, live_server, email, password)
    page.goto(live_server + "/assessments/")
    page.get_by_label(re.compile("Chép câu trả lời của kỳ trước")).uncheck()
    page.get_by_role("button", name="Bắt đầu").click()

    # The profile decides what applies: 1,230 women, so a lactation room is a legal duty.
    expect(page.get_by_role("heading", name="Hồ sơ tổ chức")).to_be_visible()
    for key, value in {"workers_under_18": "0"}.items():
        page.fill(f"#{key}", value)
    for key, value in {"women_with_infants": "yes", "remote_area": "no", "night_or_overtime_work": "yes",
                       "hazardous_work": "no", "piece_rate_pay": "yes", "industrial_park": "yes",
                       "migrant_workers": "yes"}.items():
        page.check(f"input[name={key}][value={value}]")
    screenshot(page, "profile")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Area A: answer everything (paternity leave below the law), attach evidence.
    expect(page.get_by_role("heading", name=re.compile("^A\\. Nghỉ thai sản"))).to_be_visible()
    assert accessibility_problems(page) == []
    page.evaluate(FILL, {"leave__paternity": "fewer_days"})
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    page.locator("#file-leave__maternity_policy").set_input_files(
        {"name": "Nội quy lao động.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF})
    page.locator("#q-leave__maternity_policy").get_by_role("button", name="Tải lên").click()
    expect(page.get_by_text("Đã đính kèm tệp.")).to_be_visible()
    expect(page.get_by_role("link", name="Nội quy lao động.pdf")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "area-a-saved")

    # Leave, come back: the answers are still there.
    page.goto(live_server + "/")
    sign_out(page)
    sign_in(page, live_server, email, password)
    page.goto(live_server + "/assessments/")
    page.get_by_role("link", name=re.compile(r"^\d{4}$")).first.click()
    page.get_by_role("link", name=re.compile("^A\\. ")).first.click()
    expect(page.locator("input[name=leave__paternity][value=fewer_days]")).to_be_checked()

    # Area B: the room-quality question appears only once there is a room.
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    quality = page.locator("#q-breastfeeding__room_quality")
    expect(quality).to_be_hidden()
    page.check("input[name=breastfeeding__lactation_room][value=one_room]")
    expect(quality).to_be_visible()
    page.evaluate(FILL, {})
    screenshot(page, "area-b-follow-up")
    with page.expect_navigation():  # the next page must be there before it is filled in
        page.get_by_role("button", name="Lưu và tiếp tục").click()
    for _ in range(2):  # areas C and D; twice, for follow-ups the first answers open
        page.evaluate(FILL, {})
        page.evaluate(FILL, {})
        with page.expect_navigation():
            page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Review and submit; then the results.
    expect(page.get_by_role("heading", name="Xem lại và nộp")).to_be_visible()
    expect(page.get_by_text("Các điểm dưới mức tối thiểu theo luật đến lúc này")).to_be_visible()
    screenshot(page, "review")
    page.get_by_role("button", name="Nộp bản đánh giá").click()
    expect(page.get_by_role("heading", name="Xác nhận nộp bản đánh giá")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ điểm dưới mức tối thiểu theo luật"))).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "confirm-submit")
    page.get_by_role("button", name="Xác nhận và nộp").click()
    expect(page.get_by_text("Đã nộp bản đánh giá.")).to_be_visible()
    expect(page.get_by_role("heading", name="Kết quả")).to_be_visible()
    expect(page.locator(".band .figure-text")).to_have_text("Dưới mức tối thiểu theo luật")
    expect(page.get_by_text("Bắt buộc theo luật").first).to_be_visible()
    expect(page.locator("figure.chart svg")).to_be_visible()
    expect(page.get_by_text(re.compile("Trung vị của ngành"))).to_be_visible()
    assert accessibility_problems(page) == []
    assert_fits_phone(page)
    screenshot(page, "results")
    page.locator("#plan").get_by_role("button", name="Thêm vào kế hoạch của chúng tôi").first.click()
    expect(page.get_by_text("Đã thêm hành động vào kế hoạch của bạn.")).to_be_visible()

    # The PDF plan: downloaded as a file, and previewed as the same HTML.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF · Tiếng Việt").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith("-vi.pdf")
    # Just changed, the plan was made again by the worker while a page followed it: back from there.
    back = page.get_by_role("link", name="Quay lại kết quả")
    if back.count():
        back.click()
    page.get_by_role("link", name="Xem trước trên trình duyệt").click()
    expect(page.get_by_role("heading", name="Kế hoạch cải thiện nơi làm việc thân thiện với gia đình")).to_be_visible()
    expect(page.locator("figure.chart svg")).to_be_visible()
    screenshot(page, "plan-preview")
    assert problems == [], problems
