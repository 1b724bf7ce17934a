"""The self-assessment services on a real database (no Flask)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.evidence import safe_download_name, sniff
from assessments.models import Answer, Assessment, Evidence, EvidenceContent, PlanItem
from assessments.services import Context, ServiceError
from assessments.services.common import InvalidAnswers
from assessments.services.self_assessment import (
    add_evidence,
    adopt_action,
    answers_of,
    delete_evidence,
    evidence_content,
    save_answers,
    save_area,
    save_profile,
    start_assessment,
    submit,
    update_plan_item,
)
from assessments.simulate import best_answers
from rubrics.loader import default_registry
from tests.conftest import COMPLETE_PROFILE, World, recorded
from tests.support.files import office_package, small_image, small_pdf

RUBRIC = default_registry().latest("crbp-vn")
TODAY = date(2026, 11, 24)


def test_a_new_cycle_is_pinned_to_the_rubric_and_copies_forward(dbs: Session, world: World) -> None:
    ctx = Context(world.users["hr_b"])
    first = start_assessment(dbs, ctx, world.org_b, 2025, RUBRIC)
    assert (first.rubric_key, first.rubric_version, first.rubric_hash) == (RUBRIC.key, RUBRIC.version,
                                                                           RUBRIC.content_hash)
    assert first.profile == {"workforce_total": 500, "workforce_women": 300}
    save_profile(dbs, ctx, first, RUBRIC, COMPLETE_PROFILE, first.version)
    save_area(dbs, ctx, first, RUBRIC, "leave", {"leave.paternity": "extra_days"}, 0)
    second = start_assessment(dbs, ctx, world.org_b, 2026, RUBRIC, copy_from=first)
    assert answers_of(second) == {"leave.paternity": "extra_days"}
    assert second.profile == COMPLETE_PROFILE
    with pytest.raises(ServiceError, match="cycle_exists"):
        start_assessment(dbs, ctx, world.org_b, 2026, RUBRIC)


def test_two_saves_from_the_same_version_cannot_both_win(dbs: Session, world: World) -> None:
    ctx = Context(world.users["hr_a"])
    assessment = world.assessment_a
    assert save_area(dbs, ctx, assessment, RUBRIC, "breastfeeding", {"breastfeeding.nursing_break": "per_law"}, 0) == 1
    with pytest.raises(ServiceError, match="edited_by_someone_else"):
        save_area(dbs, ctx, assessment, RUBRIC, "breastfeeding", {"breastfeeding.nursing_break": "not_granted"}, 0)
    dbs.expire_all()
    assert answers_of(dbs.get(Assessment, assessment.id))["breastfeeding.nursing_break"] == "per_law"
    assert save_area(dbs, ctx, assessment, RUBRIC, "breastfeeding", {"breastfeeding.nursing_break": None}, 1) == 2
    dbs.expire_all()
    assert "breastfeeding.nursing_break" not in answers_of(dbs.get(Assessment, assessment.id))


def test_an_invalid_answer_saves_nothing_of_the_area(dbs: Session, world: World) -> None:
    ctx = Context(world.users["hr_a"])
    with pytest.raises(ServiceError, match="unknown_option"):
        save_area(dbs, ctx, world.assessment_a, RUBRIC, "leave",
                  {"leave.paternity": "per_law", "leave.maternity_pay": "lots"}, 0)
    dbs.expire_all()
    assert dbs.scalar(select(Answer.value).where(Answer.indicator_key == "leave.paternity")) is None
    with pytest.raises(ServiceError, match="unknown_indicator"):
        save_area(dbs, ctx, world.assessment_a, RUBRIC, "leave", {"childcare.support": "none"}, 0)


def test_the_service_names_every_invalid_answer_of_an_area_at_once(dbs: Session, world: World) -> None:
    """Issue 15 item 3: one validation, used by the page and the API alike, returns every error of
    an area (the page no longer validates a second time to find them all)."""
    ctx = Context(world.users["hr_a"])
    with pytest.raises(InvalidAnswers) as refused:
        save_area(dbs, ctx, world.assessment_a, RUBRIC, "leave",
                  {"leave.paternity": "often", "leave.maternity_pay": "lots", "leave.prenatal_visits": "per_law"}, 0)
    assert refused.value.errors == {"leave.paternity": "unknown_option", "leave.maternity_pay": "unknown_option"}
    assert (refused.value.code, refused.value.field) == ("unknown_option", "leave.paternity")


def test_submission_needs_every_answer_then_freezes_them(dbs: Session, world: World) -> None:
    ctx = Context(world.users["hr_a"])
    assessment = world.assessment_a
    with pytest.raises(ServiceError, match="incomplete"):
        submit(dbs, ctx, assessment, RUBRIC, TODAY)
    save_answers(dbs, ctx, assessment, RUBRIC, best_answers(RUBRIC))
    card = submit(dbs, ctx, assessment, RUBRIC, TODAY)
    assert card.percent == pytest.approx(100) and assessment.status == "submitted"
    assert assessment.band == "leading" and (band := recorded(assessment).band) is not None and band.key == "leading"
    with pytest.raises(ServiceError, match="not_editable"):
        save_area(dbs, ctx, assessment, RUBRIC, "leave", {"leave.paternity": "fewer_days"}, 1)
    with pytest.raises(ServiceError, match="not_editable"):
        save_profile(dbs, ctx, assessment, RUBRIC, COMPLETE_PROFILE, assessment.version)


def test_the_adopted_plan_is_the_teams_own(dbs: Session, world: World) -> None:
    ctx = Context(world.users["hr_a"])
    assessment = world.assessment_a
    answers = best_answers(RUBRIC) | {"childcare.support": "none"}
    save_answers(dbs, ctx, assessment, RUBRIC, answers)
    submit(dbs, ctx, assessment, RUBRIC, TODAY)
    item = adopt_action(dbs, ctx, assessment, "childcare.support", "vi")
    assert item.code == "C1" and "chăm sóc trẻ" in item.text
    with pytest.raises(ServiceError, match="already_adopted"):
        adopt_action(dbs, ctx, assessment, "childcare.support", "vi")
    with pytest.raises(ServiceError, match="unknown_action"):
        adopt_action(dbs, ctx, assessment, "leave.maternity_policy", "vi")  # at the top level: no action
    update_plan_item(dbs, ctx, item, assessment.organisation_id, text="Sửa quy chế nghỉ của cha", owner="Lan",
                     due_date=date(2027, 1, 31), status="in_progress", expected_version=item.version)
    assert (item.text, item.owner, item.status) == ("Sửa quy chế nghỉ của cha", "Lan", "in_progress")
    with pytest.raises(ServiceError, match="unknown_status"):
        update_plan_item(dbs, ctx, item, assessment.organisation_id, text="x", owner="", due_date=None,
                         status="forgotten", expected_version=item.version)


PDF, PNG, JPEG = small_pdf(), small_image("PNG"), small_image("JPEG")


@pytest.mark.parametrize(("content", "kind"), [
    (PDF, "pdf"), (JPEG, "jpeg"), (PNG, "png"), (office_package("docx"), "docx"), (office_package("xlsx"), "xlsx"),
    (b"<html><script>alert(1)</script>", None), (b"MZ\x90\x00 executable", None),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', None), (b"", None),
    (b"PK\x03\x04 truncated zip", None),
    (office_package("docx", {"word/media/huge.bin": b"\0" * (250 * 1024 * 1024)}), None),
    # Issue 12.11: a right first few bytes are not a file of that type.
    (b"%PDF-", None), (b"%PDF-1.4\n<html><script>alert(1)</script></html>", None), (PDF[: len(PDF) // 2], None),
    (b"\xff\xd8\xff\xe0JFIF<html>", None), (b"\x89PNG\r\n\x1a\n<script>", None), (PNG[:40], None),
    (office_package("docx", {"word/document.xml": b"<not xml"}), None),
    (office_package("docx").replace(b"word/document.xml", b"word/documenX.xml"), None),
])
def test_the_file_type_comes_from_the_content(content: bytes, kind: str | None) -> None:
    """A file is accepted only when it opens as the type it claims: a PDF parses, an image
    decodes, a Word or Excel file is a valid package with its main part."""
    assert sniff(content) == kind


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "passwd"), ("..\\..\\x.pdf", "x.pdf"), ("chính sách.pdf", "chính sách.pdf"),
    ('a";b.pdf', "a;b.pdf"), ("x.pdf\x00.exe", "x.pdf.exe"), ("...", "evidence"), ("政策.pdf", "政策.pdf"),
])
def test_download_names_are_safe(name: str, expected: str) -> None:
    assert safe_download_name(name) == expected


def test_evidence_is_stored_in_the_database_with_its_row_and_deleted_with_it(dbs: Session, world: World) -> None:
    """Issue 19, item 2: every app server reads the file, and row and bytes are one transaction."""
    ctx = Context(world.users["hr_a"])
    evidence = add_evidence(dbs, ctx, world.assessment_a, RUBRIC, "leave.paternity", "../Quy chế.pdf", PDF)
    assert evidence_content(dbs, evidence.id) == PDF
    assert evidence.original_name == "Quy chế.pdf" and evidence.content_type == "application/pdf"
    delete_evidence(dbs, ctx, world.assessment_a, evidence)
    assert evidence_content(dbs, evidence.id) is None and dbs.get(Evidence, evidence.id) is None
    assert dbs.scalar(select(func.count()).select_from(EvidenceContent)) == 1  # the world's own file


def test_a_refused_upload_leaves_no_file(dbs: Session, world: World) -> None:
    ctx = Context(world.users["hr_a"])
    for content in (b"<html>", b"MZ"):
        with pytest.raises(ServiceError, match="file_type_not_allowed"):
            add_evidence(dbs, ctx, world.assessment_a, RUBRIC, "leave.paternity", "x.pdf", content)
    with pytest.raises(ServiceError, match="unknown_indicator"):
        add_evidence(dbs, ctx, world.assessment_a, RUBRIC, "nope", "x.pdf", PDF)
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(EvidenceContent)) == 1  # the world's own file
    assert dbs.scalar(select(PlanItem).where(PlanItem.indicator_key == "nope")) is None
