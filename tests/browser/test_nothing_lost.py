"""Nothing typed is lost, nothing is forged, in a real browser (issue 12, items 3, 5 and 8)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.test_foundation_journey import PHONE, new_page, sign_in
from tests.support.files import SMALL_PDF

pytestmark = pytest.mark.browser

HR = ("hr@demo.vn", "demo-hr-2026")


def demo_draft(live_app: Flask) -> int:
    """The demo HR company's assessment of this year: a draft with its profile confirmed."""
    with live_app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from assessments.models import Assessment, User

        hr = db.session.scalar(select(User).where(User.email == HR[0]))
        return db.session.scalar(select(Assessment.id).where(  # type: ignore[return-value]
            Assessment.organisation_id == hr.organisation_id, Assessment.status == "draft"))


def stored_answer(live_app: Flask, assessment_id: int, key: str) -> object:
    with live_app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from assessments.models import Answer

        return db.session.scalar(select(Answer.value).where(Answer.assessment_id == assessment_id,
                                                            Answer.indicator_key == key))


class AttackerSite:
    """Another site (localhost, while the service is on 127.0.0.1: another origin and another
    site) whose page posts a form to the service as soon as it opens."""

    def __init__(self, target: str, fields: dict[str, str]) -> None:
        inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
        page = (f'<!doctype html><html><body><form id="f" method="post" action="{target}">{inputs}</form>'
                '<script>document.getElementById("f").submit()</script></body></html>').encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def attacker(live_app: Flask, live_server: str) -> Iterator[tuple[AttackerSite, int]]:
    assessment_id = demo_draft(live_app)
    planted = "per_law" if stored_answer(live_app, assessment_id, "leave.paternity") != "per_law" else "fewer_days"
    site = AttackerSite(f"{live_server}/assessments/{assessment_id}/areas/leave",
                        {"leave__paternity": planted, "version": "0"})
    yield site, assessment_id
    site.close()


@pytest.mark.parametrize("remember", [False, True])
def test_a_cross_site_post_plants_nothing_and_signs_nobody_out(
        browser, live_app: Flask, live_server: str, attacker: tuple[AttackerSite, int], remember: bool,
        screenshot) -> None:
    site, assessment_id = attacker
    page, _problems = new_page(browser, PHONE)
    page.goto(live_server + "/")
    page.get_by_label("E-mail").fill(HR[0])
    page.get_by_label("Mật khẩu", exact=True).fill(HR[1])
    if remember:
        page.get_by_label("Duy trì đăng nhập trên thiết bị này").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    area = f"{live_server}/assessments/{assessment_id}/areas/leave"
    page.goto(area)
    saved = page.locator("input[name=leave__paternity]:checked").get_attribute("value")

    page.goto(site.url)  # the victim opens the other site's page; it posts at once
    page.wait_for_load_state()
    screenshot(page, "after-cross-site-post")
    kept = page.get_by_text("Câu trả lời của bạn đã được giữ lại")
    expect(kept).to_have_count(0)  # nothing is presented as the victim's own typing

    page.goto(area)
    assert page.url == area, "the victim was signed out"
    expect(kept).to_have_count(0)
    assert page.locator("input[name=leave__paternity]:checked").get_attribute("value") == saved
    assert stored_answer(live_app, assessment_id, "leave.paternity") == saved


def test_attaching_or_removing_evidence_keeps_the_answers_typed_on_the_page(
        browser, live_app: Flask, live_server: str, screenshot) -> None:
    assessment_id = demo_draft(live_app)
    page, problems = new_page(browser, PHONE)
    sign_in(page, live_server, *HR)
    page.goto(f"{live_server}/assessments/{assessment_id}/areas/leave")

    # Typed, not saved, then a file attached: the typed answer is saved first.
    page.check("input[name=leave__paternity][value=four_weeks]")
    page.locator("#file-leave__paternity").set_input_files(
        {"name": "Quy chế nghỉ của cha.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF})
    page.locator("#q-leave__paternity").get_by_role("button", name="Tải lên").click()
    expect(page.get_by_text("Đã đính kèm tệp.")).to_be_visible()
    expect(page.locator("input[name=leave__paternity][value=four_weeks]")).to_be_checked()
    assert stored_answer(live_app, assessment_id, "leave.paternity") == "four_weeks"
    screenshot(page, "attached-and-saved")

    # Typed again, then the file removed: the typed answer is saved first.
    page.check("input[name=leave__paternity][value=per_law]")
    page.locator("#q-leave__paternity").get_by_role("button", name="Gỡ", exact=True).click()
    expect(page.get_by_text("Đã gỡ tệp.")).to_be_visible()
    expect(page.get_by_role("link", name="Quy chế nghỉ của cha.pdf")).to_have_count(0)
    expect(page.locator("input[name=leave__paternity][value=per_law]")).to_be_checked()
    assert stored_answer(live_app, assessment_id, "leave.paternity") == "per_law"
    assert problems == []


@pytest.mark.parametrize("role, label, organisation", [
    ("reviewer", "Cán bộ thẩm định VCCI", None),
    ("unicef", "Cán bộ UNICEF", None),
    ("admin", "Quản trị viên", None),
    ("hr", "Cán bộ nhân sự", "Công ty TNHH May Mặc Sông Hồng"),
])
def test_an_admin_creates_an_account_of_each_role_through_the_form(
        browser, live_app: Flask, live_server: str, role: str, label: str, organisation: str | None,
        screenshot) -> None:
    """Issue 12.8: the form's own "none" organisation used to be refused for every role but HR."""
    page, problems = new_page(browser, PHONE)
    sign_in(page, live_server, "admin@demo.vn", "demo-admin-2026")
    page.goto(live_server + "/admin/users/new")
    email = f"new-{role}@example.vn"
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Họ và tên").fill(f"Người dùng {role}")
    page.get_by_label("Vai trò").select_option(label=label)
    if organisation:
        page.get_by_label("Tổ chức (chỉ dành cho cán bộ nhân sự)").select_option(label=organisation)
    page.get_by_label("Mật khẩu").fill("mot-mat-khau-dai")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text(f"Đã tạo tài khoản cho {email}.")).to_be_visible()
    screenshot(page, f"created-{role}")
    with live_app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from assessments.models import User

        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None and user.role == role and (user.organisation_id is None) == (organisation is None)
    # Editing the account keeps working with the same "none" organisation.
    page.get_by_label("Họ và tên").fill(f"Người dùng {role} (đã sửa)")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu thay đổi.")).to_be_visible()
    assert problems == []
