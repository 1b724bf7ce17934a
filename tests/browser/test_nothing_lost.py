"""Nothing typed is lost, nothing is forged, in a real browser (issue 12, items 3, 5 and 8)."""

from __future__ import annotations

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
