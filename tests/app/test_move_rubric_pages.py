"""An HR officer moves a 2026.1 draft to 2026.2 from the review page and sees what to answer."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from assessments.models import Assessment
from tests.assessments.test_move_rubric import _old_draft
from tests.conftest import World, sign_in


def _review(client: FlaskClient, assessment: Assessment) -> str:
    return client.get(f"/assessments/{assessment.id}/review").get_data(as_text=True)


def test_review_offers_the_move_and_then_lists_what_to_answer(client: FlaskClient, dbs: Session, world: World) -> None:
    assessment = _old_draft(dbs, world)
    sign_in(client, world.users["hr_b"])
    page = _review(client, assessment)
    assert "Bộ câu hỏi có phiên bản mới: 2026.2" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version is not None
    moved = client.post(f"/assessments/{assessment.id}/move", data={"target": "2026.2", "version": version.group(1)})
    assert moved.status_code == 302
    page = _review(client, assessment)
    assert "Đã chuyển sang phiên bản 2026.2 của bộ câu hỏi" in page
    assert "Bộ câu hỏi có phiên bản mới" not in page
    listed = page[page.index('id="to-answer"'):page.index("</section>", page.index('id="to-answer"'))]
    assert "A15" in listed and "A8b" in listed and "D3b" in listed  # asked again, and the new questions
    assert "A1<" not in listed  # kept answers are not listed
    assert "Còn phải trả lời" not in page  # every missing question is in the list above, not twice
    assert f"/assessments/{assessment.id}/areas/leave#q-leave__sick_child" in listed
    dbs.expire_all()
    assert dbs.get(Assessment, assessment.id).rubric_version == "2026.2"  # type: ignore[union-attr]


def test_a_move_to_a_version_the_page_did_not_offer_is_refused(client: FlaskClient, dbs: Session,
                                                               world: World) -> None:
    assessment = _old_draft(dbs, world)
    sign_in(client, world.users["hr_b"])
    for data, message in (
            ({"target": "2026.1", "version": str(assessment.version)}, "không thể chuyển sang phiên bản đó"),
            ({"target": "2026.2", "version": str(assessment.version + 5)}, "đã thay đổi sau khi trang được mở")):
        response = client.post(f"/assessments/{assessment.id}/move", data=data, follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
        dbs.expire_all()
        assert dbs.get(Assessment, assessment.id).rubric_version == "2026.1"  # type: ignore[union-attr]


def test_an_assessment_on_the_latest_version_is_not_offered_a_move(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["hr_a"])
    page = client.get(f"/assessments/{world.assessment_a.id}/review").get_data(as_text=True)
    assert "Bộ câu hỏi có phiên bản mới" not in page
