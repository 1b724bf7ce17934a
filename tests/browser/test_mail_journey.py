"""Accounts that run themselves, in chromium, with a real SMTP server on loopback: an admin invites
an HR officer who opens the account from the mail; a forgotten password is reset by mail; a
return's mail names the queried question; an overdue action makes one weekly digest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time
from email.message import EmailMessage
from time import monotonic, sleep

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, or_, select

from app.extensions import db
from assessments.db import utcnow
from assessments.models import MailStatus, OutboxMessage
from tests.browser.test_foundation_journey import PHONE, assert_fits_phone, new_page, open_menu_item, sign_in
from tests.browser.test_nothing_lost import HR
from tests.browser.test_review_conversation_journey import REVIEWER, WIDE, submit_demo_draft
from tests.support.smtp import SmtpServer, html_of, text_of

pytestmark = pytest.mark.browser
ADMIN = ("admin@demo.vn", "demo-admin-2026")


@pytest.fixture
def mailing(live_app: Flask, live_server: str, smtp_server: SmtpServer) -> Iterator[SmtpServer]:
    live_app.config.update(smtp_server.settings(), APP_BASE_URL=live_server)
    yield smtp_server


def run_worker(live_app: Flask) -> None:
    """One round of the mail worker (`flask mail worker --once`): digests due, then the outbox;
    and the end of whatever the live job worker is sending meanwhile (a new mail's commit nudges
    it: it may hold a message this round then leaves alone)."""
    result = live_app.test_cli_runner().invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 0, result.output
    deadline = monotonic() + 20
    with live_app.app_context():
        while db.session.scalar(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status.in_((MailStatus.PENDING, MailStatus.SENDING)),
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= utcnow()))):
            db.session.rollback()
            assert monotonic() < deadline, "the job worker did not send the mail"
            sleep(0.05)
        db.session.remove()


def link_to(live_server: str, mail: EmailMessage) -> str:
    found = re.search(re.escape(live_server) + r"/\S+", text_of(mail))
    assert found is not None, text_of(mail)
    assert found.group(0) in html_of(mail)
    return found.group(0)


def set_password(page: Page, password: str) -> None:
    page.get_by_label("Mật khẩu mới", exact=True).fill(password)
    page.get_by_label("Nhập lại mật khẩu mới").fill(password)


def test_an_admin_invites_an_hr_officer_who_opens_the_account_from_the_mail(
        browser, live_app: Flask, live_server: str, mailing: SmtpServer, screenshot) -> None:
    admin, problems = new_page(browser, WIDE)
    sign_in(admin, live_server, *ADMIN)
    open_menu_item(admin, "Lời mời")
    admin.get_by_label("E-mail").fill("lan.tran@songhong.vn")
    admin.get_by_label("Họ và tên").fill("Trần Thị Lan")
    admin.get_by_label("Tổ chức").select_option(label="Công ty TNHH May Mặc Sông Hồng")
    screenshot(admin, "admin-invites")
    admin.get_by_role("button", name="Gửi lời mời").click()
    expect(admin.get_by_text("Đã gửi lời mời tới lan.tran@songhong.vn.")).to_be_visible()
    expect(admin.locator("table").get_by_text("lan.tran@songhong.vn")).to_be_visible()
    # The request only wrote the outbox; its commit nudged the job worker, which sends it.

    run_worker(live_app)
    [mail] = mailing.to("lan.tran@songhong.vn")
    assert "Công ty TNHH May Mặc Sông Hồng" in text_of(mail)
    newcomer, newcomer_problems = new_page(browser, PHONE)
    newcomer.goto(link_to(live_server, mail))
    expect(newcomer.get_by_role("heading", name="Mở tài khoản của bạn")).to_be_visible()
    expect(newcomer.get_by_label("Họ và tên của bạn")).to_have_value("Trần Thị Lan")
    set_password(newcomer, "ao-dai-xanh-2026")
    assert_fits_phone(newcomer)
    screenshot(newcomer, "newcomer-sets-password")
    newcomer.get_by_role("button", name="Mở tài khoản").click()
    expect(newcomer.get_by_text("Chào mừng bạn! Tài khoản của bạn đã sẵn sàng.")).to_be_visible()
    expect(newcomer.locator(".whoami")).to_contain_text("Trần Thị Lan")
    # The link worked once.
    newcomer.goto(link_to(live_server, mail))
    expect(newcomer.get_by_role("heading", name="Không thể dùng đường dẫn này")).to_be_visible()
    assert problems == [] and [p for p in newcomer_problems if "410 (GONE)" not in p] == []  # that page is a 410


def test_a_forgotten_password_is_reset_by_mail(browser, live_app: Flask, live_server: str, mailing: SmtpServer,
                                               screenshot) -> None:
    page, problems = new_page(browser, PHONE)
    page.goto(live_server + "/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("E-mail").fill(HR[0])
    page.get_by_role("button", name="Gửi đường dẫn").click()
    expect(page.get_by_role("heading", name="Hãy kiểm tra hộp thư")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "reset-asked")
    run_worker(live_app)
    # (The worker may also have written this week's digest of the demo's overdue action.)
    [mail] = [m for m in mailing.to(HR[0]) if m["Subject"] == "Đặt mật khẩu mới"]
    page.goto(link_to(live_server, mail))
    set_password(page, "mat-khau-moi-cua-lan-2026")
    screenshot(page, "reset-new-password")
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_text("Đã đặt mật khẩu mới.")).to_be_visible()
    other, _ = new_page(browser, PHONE)
    sign_in(other, live_server, HR[0], HR[1])  # the old password no longer opens the account
    expect(other.get_by_text("E-mail hoặc mật khẩu không đúng.")).to_be_visible()
    sign_in(other, live_server, HR[0], "mat-khau-moi-cua-lan-2026")
    expect(other.locator(".whoami")).to_be_visible()
    assert problems == []


def test_a_return_mail_names_the_queried_question_and_an_overdue_action_makes_one_weekly_digest(
        browser, live_app: Flask, live_server: str, mailing: SmtpServer, screenshot) -> None:
    assessment_id = submit_demo_draft(live_app)
    reviewer, _ = new_page(browser, WIDE)
    sign_in(reviewer, live_server, *REVIEWER)
    reviewer.goto(f"{live_server}/review/{assessment_id}")
    question = reviewer.locator("#q-leave__paternity")
    question.get_by_label("Nhận xét (bắt buộc khi yêu cầu làm rõ)").fill("Gửi bảng chấm công của lao động nam.")
    question.get_by_role("button", name="Yêu cầu làm rõ").click()
    reviewer.get_by_label("Lời nhắn cho doanh nghiệp").fill("Vui lòng bổ sung bằng chứng cho câu A8.")
    reviewer.get_by_role("button", name="Trả lại doanh nghiệp").click()
    expect(reviewer.get_by_text("Đã trả lại bản đánh giá cho doanh nghiệp cùng nhận xét của bạn.")).to_be_visible()

    run_worker(live_app)
    [returned] = [m for m in mailing.to(HR[0]) if "trả về" in m["Subject"]]
    text = text_of(returned)
    assert "A8" in text and "Gửi bảng chấm công của lao động nam." in text
    assert "Vui lòng bổ sung bằng chứng cho câu A8." in text
    hr, problems = new_page(browser, PHONE)
    sign_in(hr, live_server, *HR)
    hr.goto(link_to(live_server, returned))  # the mail's link opens the questions to answer
    expect(hr.locator("#reply-leave__paternity").get_by_text("Gửi bảng chấm công của lao động nam.")).to_be_visible()

    # The demo plan has an action 20 days overdue: the weekly digest names it, once however
    # often the worker runs that week.
    with live_app.app_context():
        from app.extensions import db
        from assessments.db import VIET_NAM, today_in_viet_nam
        from assessments.services.notifications import queue_digests

        this_morning = datetime.combine(today_in_viet_nam(), time(8), VIET_NAM)
        queue_digests(db.session, this_morning)  # (the worker above may have written it already)
        assert queue_digests(db.session, this_morning).actions == 0
    run_worker(live_app)
    run_worker(live_app)
    [digest] = [m for m in mailing.to(HR[0]) if m["Subject"] == "Các hành động cải thiện đến hạn tuần này"]
    assert "Quá hạn từ" in text_of(digest)
    hr.goto(link_to(live_server, digest))
    expect(hr.locator("#plan")).to_be_visible()
    assert_fits_phone(hr)
    screenshot(hr, "digest-link-opens-the-plan")
    assert problems == []
