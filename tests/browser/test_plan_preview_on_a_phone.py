"""The PDF plan's preview on a phone (issue 14 item 13): readable at phone width, with a way back
and a print button; downloading says the PDF is being prepared while it is made."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import delete, update

from app.extensions import db
from assessments.db import utcnow
from assessments.models import PlanDocument, PlanRender
from assessments.services.plan_renders import render_status
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
    # The worker made the plan after the submission; then it is busy with it again (its stored
    # copies gone, its request claimed): the download is a page that follows the progress.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with live_app.app_context():
            status = render_status(db.session, assessment_id)
            db.session.remove()
        if status is not None and not status.busy:
            break
        time.sleep(0.2)
    with live_app.app_context():
        db.session.execute(delete(PlanDocument).where(PlanDocument.assessment_id == assessment_id))
        db.session.execute(update(PlanRender).where(PlanRender.assessment_id == assessment_id).values(
            state="rendering", requested_at=utcnow() - timedelta(seconds=5), lease_until=utcnow() + timedelta(hours=1),
            editions_done=0))
        db.session.commit()
    page.goto(f"{live_server}/assessments/{assessment_id}/plan.pdf?edition=vi")
    expect(page.get_by_role("heading", name="Đang chuẩn bị bản PDF kế hoạch")).to_be_visible()
    expect(page.get_by_text("Đang tạo bản PDF: xong 0 trên 3 bản ngôn ngữ")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "pdf-being-made-phone")
    # The worker gets to it: the page looks again and the download starts by itself.
    with page.expect_download(timeout=60_000) as download:
        with live_app.app_context():
            db.session.execute(update(PlanRender).where(PlanRender.assessment_id == assessment_id).values(
                state="waiting", lease_until=None))
            db.session.commit()
        live_app.extensions["jobs"].plans_changed({assessment_id})
    assert download.value.suggested_filename.endswith("-vi.pdf")
    assert problems == []
