"""Answers copied from last cycle (issue 14 item 8): only those of questions that applied, marked
until the officer saves their part, and no submission while a copy is unconfirmed. A question
that becomes applicable when the profile changes is unanswered until answered."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments.models import Answer, Assessment
from assessments.services import Context, ServiceError
from assessments.services.self_assessment import (
    answers_of,
    area_version,
    current_card,
    save_answers,
    save_area,
    save_profile,
    start_assessment,
    submit,
    unconfirmed_copies,
)
from assessments.simulate import best_answers
from rubrics.loader import default_registry
from tests.conftest import COMPLETE_PROFILE, World

RUBRIC = default_registry().latest("crbp-vn")
TODAY = date(2026, 12, 4)
NIGHT_WORK = "workplace.pregnancy_night_work"


def last_cycle(dbs: Session, world: World) -> Assessment:
    """Company B's 2025 assessment, submitted, without night work: D1a did not apply (but an
    answer was stored for it)."""
    ctx = Context(world.users["hr_b"])
    previous = start_assessment(dbs, ctx, world.org_b, 2025, RUBRIC)
    save_profile(dbs, ctx, previous, RUBRIC, {**COMPLETE_PROFILE, "night_or_overtime_work": False}, previous.version)
    save_answers(dbs, ctx, previous, RUBRIC, best_answers(RUBRIC))
    submit(dbs, ctx, previous, RUBRIC, date(2025, 11, 1))
    return previous


def copied_keys(dbs: Session, assessment_id: int) -> set[str]:
    return set(dbs.scalars(select(Answer.indicator_key).where(Answer.assessment_id == assessment_id,
                                                              Answer.copied.is_(True))))


def test_copies_are_marked_only_applicable_ones_and_confirmed_by_saving(dbs: Session, world: World) -> None:
    previous = last_cycle(dbs, world)
    ctx = Context(world.users["hr_b"])
    current = start_assessment(dbs, ctx, world.org_b, 2026, RUBRIC, copy_from=previous)
    assert NIGHT_WORK in answers_of(previous) and NIGHT_WORK not in answers_of(current)  # did not apply
    assert copied_keys(dbs, current.id) == set(answers_of(current))
    # Night work now happens: D1a applies and is unanswered, not answered by an unseen copy.
    save_profile(dbs, ctx, current, RUBRIC, {**COMPLETE_PROFILE, "night_or_overtime_work": True}, current.version)
    dbs.refresh(current)
    card = current_card(current, RUBRIC, TODAY)
    assert {NIGHT_WORK, "workplace.infant_consent"} <= set(card.missing)
    save_area(dbs, ctx, current, RUBRIC, "workplace", {NIGHT_WORK: "protected", "workplace.infant_consent": "consent"},
              area_version(dbs, current, "workplace"))
    dbs.refresh(current)
    card = current_card(current, RUBRIC, TODAY)
    pending = unconfirmed_copies(dbs, current.id, card)
    assert card.complete and pending
    assert all(RUBRIC.area_of(k).key != "workplace" for k in pending)  # the saved part is confirmed
    with pytest.raises(ServiceError, match="copies_unconfirmed"):
        submit(dbs, ctx, current, RUBRIC, TODAY)
    for area in ("leave", "breastfeeding", "childcare"):
        dbs.refresh(current)
        save_area(dbs, ctx, current, RUBRIC, area, {}, area_version(dbs, current, area))
    dbs.refresh(current)
    assert copied_keys(dbs, current.id) == set()
    submit(dbs, ctx, current, RUBRIC, TODAY)
