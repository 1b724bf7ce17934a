"""An HR officer whose draft was started on 2026.1 moves it to 2026.2 on a phone, sees exactly
which questions need a new answer, answers one, and sees the list shrink."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.test_foundation_journey import PHONE, assert_fits_phone, new_page, sign_in
from tests.browser.test_nothing_lost import HR, demo_draft

pytestmark = pytest.mark.browser


def put_draft_on_2026_1(live_app: Flask) -> int:
    """The demo draft as it stood when it was started on 2026.1: one answer per question, and
    "No, or it costs attendance pay" on sick-child leave (which 2026.2 asks again)."""
    assessment_id = demo_draft(live_app)
    with live_app.app_context():
        from sqlalchemy import delete, select

        from app.extensions import db
        from assessments.models import Answer, AreaVersion, Assessment, User
        from assessments.services import Context
        from assessments.services.self_assessment import save_answers
        from assessments.simulate import best_answers
        from rubrics.loader import default_registry

        old = default_registry().get("crbp-vn", "2026.1")
        db.session.execute(delete(Answer).where(Answer.assessment_id == assessment_id))
        db.session.execute(delete(AreaVersion).where(AreaVersion.assessment_id == assessment_id))
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        assessment.rubric_version, assessment.rubric_hash = old.version, old.content_hash
        db.session.commit()
        hr = db.session.scalar(select(User).where(User.email == HR[0]))
        save_answers(db.session, Context(hr), assessment, old, best_answers(old) | {"leave.sick_child": "not_granted"})
    return assessment_id


def test_move_a_draft_to_the_new_version_and_answer_what_changed(browser, live_app: Flask, live_server: str,
                                                                 screenshot) -> None:
    assessment_id = put_draft_on_2026_1(live_app)
    page, problems = new_page(browser, PHONE)
    sign_in(page, live_server, *HR)
    page.goto(f"{live_server}/assessments/{assessment_id}/review")
    expect(page.get_by_role("heading", name="Bộ câu hỏi có phiên bản mới: 2026.2")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "move-offered")

    page.get_by_role("button", name="Chuyển sang phiên bản 2026.2").click()
    expect(page.get_by_text(re.compile("Đã chuyển sang phiên bản 2026.2 của bộ câu hỏi"))).to_be_visible()
    listed = page.locator("#to-answer")
    expect(listed.get_by_role("heading", name=re.compile("Cần trả lời sau khi chuyển từ phiên bản 2026.1"))
           ).to_be_visible()
    for code in ("A8b", "A15", "D3b"):
        expect(listed.get_by_role("link", name=code, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Chuyển sang phiên bản 2026.2")).to_have_count(0)
    assert_fits_phone(page)
    screenshot(page, "move-done-list")

    # Follow A15 to its question, answer it, and come back: it is no longer listed.
    listed.get_by_role("link", name="A15", exact=True).click()
    question = page.locator("#q-leave__sick_child")
    expect(question).to_be_visible()
    question.get_by_label("Đúng luật").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu")).to_be_visible()
    page.goto(f"{live_server}/assessments/{assessment_id}/review")
    expect(page.locator("#to-answer").get_by_role("link", name="A8b", exact=True)).to_be_visible()
    expect(page.locator("#to-answer").get_by_role("link", name="A15", exact=True)).to_have_count(0)
    screenshot(page, "move-list-shrinks")
    assert problems == []
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    expect(page.locator("#to-answer")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "move-list-wide")
