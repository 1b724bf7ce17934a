"""Moving a draft from 2026.1 to 2026.2, as 2026.2 declares: pure, then on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments.db import utcnow
from assessments.migrate import NoMigration, move_answers
from assessments.models import Answer, AreaVersion, Assessment, AuditEvent
from assessments.services import Context, ServiceError
from assessments.services.self_assessment import (
    answers_of,
    current_card,
    move_to_rubric,
    save_answers,
    save_area,
    submit,
)
from assessments.simulate import best_answers
from rubrics.loader import default_registry
from tests.conftest import COMPLETE_PROFILE, World

OLD = default_registry().get("crbp-vn", "2026.1")
NEW = default_registry().get("crbp-vn", "2026.2")
TODAY = date(2026, 12, 4)


def test_answers_carry_over_where_the_option_still_means_the_same() -> None:
    answers = best_answers(OLD) | {"leave.adoption": "per_law", "leave.miscarriage": "both_parents"}
    moved = move_answers(OLD, NEW, answers)
    assert moved.answers["leave.adoption"] == "per_law"  # same key, same option
    assert moved.answers["leave.miscarriage"] == "both_parents_paid_leave"  # renamed in the file
    assert moved.dropped == ()
    # New questions need an answer; nothing else does.
    assert moved.to_answer == ("leave.paternity_split", "workplace.new_contract_priority", "workplace.washrooms")


@pytest.mark.parametrize("key,old_option", [
    ("leave.sick_child", "not_granted"),  # "no, or it costs attendance pay": a breach or not?
    ("workplace.pregnancy_night_work", "not_protected"),  # "no, or not tracked"
    ("workplace.no_dismissal", "happened"),  # "it happened, or it is not tracked"
    ("leave.paternity", "below_law"),  # "less than the law, or cannot be split": gone
    ("workplace.minimum_age", "under_15_or_unverified"),  # gone: two facts now
    ("leave.claims_on_time", "often_late"),  # gone: late, or not tracked
])
def test_an_answer_that_said_two_things_is_asked_again(key: str, old_option: str) -> None:
    moved = move_answers(OLD, NEW, best_answers(OLD) | {key: old_option})
    assert key not in moved.answers and key in moved.to_answer and key in moved.dropped


def test_no_declared_way_back() -> None:
    with pytest.raises(NoMigration):
        move_answers(NEW, OLD, {})


def _old_draft(dbs: Session, world: World) -> Assessment:
    """Company B's 2025 draft, started on 2026.1 with one answer per area (a gap on A15)."""
    assessment = Assessment(organisation_id=world.org_b.id, cycle=2025, rubric_key=OLD.key, rubric_version=OLD.version,
                            rubric_hash=OLD.content_hash, status="draft", profile=dict(COMPLETE_PROFILE),
                            profile_confirmed_at=utcnow())
    dbs.add(assessment)
    dbs.commit()
    save_answers(dbs, Context(world.users["hr_b"]), assessment, OLD,
                 best_answers(OLD) | {"leave.sick_child": "not_granted", "leave.miscarriage": "both_parents"})
    return assessment


def test_moving_a_draft_keeps_what_it_can_and_lists_the_rest(dbs: Session, world: World) -> None:
    assessment = _old_draft(dbs, world)
    ctx = Context(world.users["hr_b"])
    leave_before = dbs.get(AreaVersion, (assessment.id, "leave")).version  # type: ignore[union-attr]
    moved = move_to_rubric(dbs, ctx, assessment, OLD, NEW, assessment.version)
    dbs.expire_all()
    stored = dbs.get(Assessment, assessment.id)
    assert stored is not None
    assert (stored.rubric_version, stored.rubric_hash) == ("2026.2", NEW.content_hash)
    assert stored.rubric_change == {"from": "2026.1", "to": "2026.2", "to_answer": list(moved.to_answer)}
    assert "leave.sick_child" in moved.to_answer and "leave.paternity_split" in moved.to_answer
    answers = answers_of(stored)
    assert answers == moved.answers and answers["leave.miscarriage"] == "both_parents_paid_leave"
    assert "leave.sick_child" not in answers
    # The stored answers are valid in 2026.2, and the questions listed are exactly what is missing.
    card = current_card(stored, NEW, TODAY)
    assert set(card.missing) == {k for k in moved.to_answer if card.result(k).status == "unanswered"}
    # A page drawn before the move cannot save into the new version.
    assert dbs.get(AreaVersion, (assessment.id, "leave")).version == leave_before + 1  # type: ignore[union-attr]
    with pytest.raises(ServiceError, match="edited_by_someone_else"):
        save_area(dbs, ctx, stored, NEW, "leave", {"leave.sick_child": "per_law"}, leave_before)
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "move_rubric")).one()
    assert event.details["from"] == "2026.1" and "leave.sick_child" in event.details["dropped"]


def test_a_stale_page_or_a_second_move_is_refused_and_changes_nothing(dbs: Session, world: World) -> None:
    assessment = _old_draft(dbs, world)
    ctx = Context(world.users["hr_b"])
    drawn = assessment.version
    answers_before = answers_of(assessment)
    with pytest.raises(ServiceError, match="edited_by_someone_else"):
        move_to_rubric(dbs, ctx, assessment, OLD, NEW, drawn + 1)
    dbs.expire_all()
    stored = dbs.get(Assessment, assessment.id)
    assert stored is not None and stored.rubric_version == "2026.1" and answers_of(stored) == answers_before
    move_to_rubric(dbs, ctx, stored, OLD, NEW, drawn)
    dbs.expire_all()
    again = dbs.get(Assessment, assessment.id)
    assert again is not None
    with pytest.raises(ServiceError, match="not_on_that_version"):
        move_to_rubric(dbs, ctx, again, OLD, NEW, again.version)


def test_a_submitted_assessment_stays_on_its_version(dbs: Session, world: World) -> None:
    assessment = _old_draft(dbs, world)
    ctx = Context(world.users["hr_b"])
    dbs.refresh(assessment)
    submit(dbs, ctx, assessment, OLD, TODAY)
    dbs.refresh(assessment)
    with pytest.raises(ServiceError, match="not_editable"):
        move_to_rubric(dbs, ctx, assessment, OLD, NEW, assessment.version)
    assert dbs.scalar(select(Assessment.rubric_version).where(Assessment.id == assessment.id)) == "2026.1"
    assert dbs.scalars(select(Answer).where(Answer.assessment_id == assessment.id)).all()
