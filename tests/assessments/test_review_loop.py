"""The review loop as a conversation, on both databases: a query stays open until the reviewer
accepts it, the company replies per question, and the reviewer sees before and after."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from assessments.models import Assessment, AssessmentStatus
from assessments.services import Context, ServiceError
from assessments.services.reviews import (
    accept_all_not_queried,
    decide_indicator,
    evidence_since,
    last_return,
    latest_decisions,
    open_queries,
    reply_to_query,
    return_to_company,
    verify,
)
from assessments.services.self_assessment import (
    add_evidence,
    answer_values,
    area_version,
    evidence_by_indicator,
    save_answers,
    save_area,
    submit,
)
from assessments.simulate import best_answers
from rubrics.loader import default_registry
from tests.conftest import World
from tests.support.files import small_pdf

RUBRIC = default_registry().latest("crbp-vn")
TODAY = date(2026, 12, 4)


def submitted(dbs: Session, world: World) -> Assessment:
    assessment = dbs.get(Assessment, world.assessment_a.id)
    assert assessment is not None
    ctx = Context(world.users["hr_a"])
    save_answers(dbs, ctx, assessment, RUBRIC, best_answers(RUBRIC) | {"leave.paternity": "fewer_days"})
    submit(dbs, ctx, assessment, RUBRIC, TODAY)
    return assessment


def query_and_return(dbs: Session, world: World, assessment: Assessment) -> Context:
    reviewer = Context(world.users["reviewer"])
    decide_indicator(dbs, reviewer, assessment, RUBRIC, "leave.paternity", "queried", "Gửi bảng chấm công")
    return_to_company(dbs, reviewer, assessment, "Vui lòng bổ sung")
    return reviewer


def test_resubmitting_without_changes_does_not_close_the_query(dbs: Session, world: World) -> None:
    assessment = submitted(dbs, world)
    reviewer = query_and_return(dbs, world, assessment)
    dbs.refresh(assessment)
    submit(dbs, Context(world.users["hr_a"]), assessment, RUBRIC, TODAY)  # nothing changed
    dbs.refresh(assessment)
    assert set(open_queries(dbs, assessment.id)) == {"leave.paternity"}
    with pytest.raises(ServiceError, match="queries_open"):
        verify(dbs, reviewer, assessment)
    dbs.refresh(assessment)
    assert assessment.status == AssessmentStatus.SUBMITTED
    decide_indicator(dbs, reviewer, assessment, RUBRIC, "leave.paternity", "accepted", "")
    verify(dbs, reviewer, assessment)
    dbs.refresh(assessment)
    assert assessment.status == AssessmentStatus.VERIFIED


def test_the_reviewer_sees_before_after_the_reply_and_the_new_evidence(dbs: Session, world: World,
                                                                      tmp_path) -> None:  # type: ignore[no-untyped-def]
    assessment = submitted(dbs, world)
    query_and_return(dbs, world, assessment)
    hr = Context(world.users["hr_a"])
    dbs.refresh(assessment)
    reply_to_query(dbs, hr, assessment, "leave.paternity", "Đã bổ sung bảng chấm công tháng 3.")
    dbs.refresh(assessment)
    save_area(dbs, hr, assessment, RUBRIC, "leave", {"leave.paternity": "per_law"},
              area_version(dbs, assessment, "leave"))
    dbs.refresh(assessment)
    add_evidence(dbs, hr, assessment, RUBRIC, "leave.paternity", "cham-cong.pdf", small_pdf())
    dbs.refresh(assessment)
    submit(dbs, hr, assessment, RUBRIC, TODAY)
    threads = open_queries(dbs, assessment.id)
    thread = threads["leave.paternity"]
    assert thread.comment == "Gửi bảng chấm công" and thread.returned
    assert thread.returned_answer == "fewer_days" and answer_values(dbs, assessment.id)["leave.paternity"] == "per_law"
    assert [r.comment for r in thread.replies] == ["Đã bổ sung bảng chấm công tháng 3."]
    since = evidence_since(evidence_by_indicator(dbs, assessment.id), threads)
    assert [e.original_name for e in since["leave.paternity"]] == ["cham-cong.pdf"]
    returned = last_return(dbs, assessment.id)
    assert returned is not None and returned.comment == "Vui lòng bổ sung"
    assert returned.answers is not None and returned.answers["leave.paternity"] == "fewer_days"


@pytest.mark.parametrize("case", ["not_returned", "not_queried", "empty"])
def test_a_reply_needs_a_returned_assessment_an_open_query_and_words(dbs: Session, world: World, case: str) -> None:
    assessment = submitted(dbs, world)
    hr = Context(world.users["hr_a"])
    if case != "not_returned":
        query_and_return(dbs, world, assessment)
    dbs.refresh(assessment)
    key, comment, error = {"not_returned": ("leave.paternity", "x", "not_returned"),
                           "not_queried": ("leave.adoption", "x", "not_queried"),
                           "empty": ("leave.paternity", "   ", "reply_required")}[case]
    with pytest.raises(ServiceError, match=error):
        reply_to_query(dbs, hr, assessment, key, comment)


def test_accept_all_not_queried_leaves_the_queries_and_earlier_decisions(dbs: Session, world: World) -> None:
    assessment = submitted(dbs, world)
    reviewer = Context(world.users["reviewer"])
    decide_indicator(dbs, reviewer, assessment, RUBRIC, "leave.paternity", "queried", "Thiếu bằng chứng")
    decide_indicator(dbs, reviewer, assessment, RUBRIC, "leave.adoption", "accepted", "Đã xem chính sách")
    answered = list(answer_values(dbs, assessment.id))
    count = accept_all_not_queried(dbs, reviewer, assessment, RUBRIC, answered)
    assert count == len(answered) - 2
    decisions = latest_decisions(dbs, assessment.id)
    assert decisions["leave.paternity"].decision == "queried"
    assert decisions["leave.adoption"].comment == "Đã xem chính sách"
    assert {k for k, d in decisions.items() if d.decision == "accepted"} == set(answered) - {"leave.paternity"}
    assert accept_all_not_queried(dbs, reviewer, assessment, RUBRIC, answered) == 0
