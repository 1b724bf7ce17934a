"""Survey rounds on real databases (issue 17, items 2-5): who opens a round and when, the limits
against stuffing (the cap at the workforce, one-time codes, both taken by conditional UPDATEs),
each answer saved as it is given, anonymity by what is stored, and what a round shows."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assessments.models import (
    Answer,
    AuditEvent,
    Organisation,
    SurveyAnswer,
    SurveyCode,
    SurveyResponse,
    SurveyRound,
)
from assessments.services import Context, ServiceError
from assessments.services.surveys import (
    RoundState,
    begin_response,
    close_round,
    codes_of,
    latest_voices,
    open_round,
    round_state,
    round_view,
    save_answers,
    voice_of_round,
)
from rubrics.loader import default_registry
from tests.assessments.test_races import run_together
from tests.conftest import World, add_assessment
from tests.support.statements import statements_run

RUBRIC = default_registry().get("crbp-vn", "2026.2")
SURVEY = RUBRIC.data.survey
assert SURVEY is not None
TODAY = date(2026, 12, 5)


def opened(dbs: Session, world: World, *, codes: int | None = None, days: int = 14) -> SurveyRound:
    assert world.assessment_a is not None
    world.assessment_a.cycle = TODAY.year
    dbs.commit()
    return open_round(dbs, Context(world.users["hr_a"]), world.assessment_a, RUBRIC, opens_on=TODAY,
                      closes_on=TODAY + timedelta(days=days - 1), codes=codes, today=TODAY)


def worker(dbs: Session, survey_round: SurveyRound, answers: dict[str, str], code: str | None = None) -> str:
    secret = begin_response(dbs, survey_round, code, TODAY)
    save_answers(dbs, SURVEY, survey_round, secret, answers, TODAY)
    return secret


def begin_at_once(engine: Engine, round_id: int, code: str | None, phones: int) -> list[object]:
    """`phones` workers begin a response at the same instant, each in its own session."""
    def one() -> str:
        with Session(engine, expire_on_commit=False) as session:
            found = session.get(SurveyRound, round_id)
            assert found is not None
            return begin_response(session, found, code, TODAY)

    return run_together(*[one] * phones)


def refusal(action: object) -> str:
    with pytest.raises(ServiceError) as refused:
        action()  # type: ignore[operator]
    return refused.value.code


# Opening and closing.

def test_hr_opens_a_round_for_the_current_cycle_with_a_short_link_and_a_cap_at_the_workforce(
        dbs: Session, world: World) -> None:
    survey_round = opened(dbs, world)
    assert len(survey_round.slug) == 7 and survey_round.cap == 500 and not survey_round.uses_codes
    assert round_state(survey_round, TODAY) == RoundState.OPEN
    assert round_state(survey_round, TODAY + timedelta(days=14)) == RoundState.CLOSED
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "survey_round_opened"))
    assert event is not None and event.actor_id == world.users["hr_a"].id


@pytest.mark.parametrize(("who", "opens", "closes", "codes", "expected"), [
    ("hr_b", 0, 13, None, "forbidden"),  # another company's officer
    ("unicef", 0, 13, None, "forbidden"),
    ("hr_a", -1, 13, None, "opens_in_the_past"),
    ("hr_a", 3, 2, None, "closes_before_it_opens"),
    ("hr_a", 0, 62, None, "round_too_long"),  # 63 days
    ("hr_a", 0, 13, 0, "codes_out_of_range"),
    ("hr_a", 0, 13, 501, "codes_out_of_range"),  # more codes than workers
])
def test_a_round_is_refused_with_its_reason(dbs: Session, world: World, who: str, opens: int, closes: int,
                                            codes: int | None, expected: str) -> None:
    assert world.assessment_a is not None
    world.assessment_a.cycle = TODAY.year
    dbs.commit()
    assert refusal(lambda: open_round(
        dbs, Context(world.users[who]), world.assessment_a, RUBRIC, opens_on=TODAY + timedelta(days=opens),
        closes_on=TODAY + timedelta(days=closes), codes=codes, today=TODAY)) == expected
    assert dbs.scalar(select(func.count(SurveyRound.id))) == 0


def test_a_reviewer_may_open_a_round_but_only_one_runs_at_a_time(dbs: Session, world: World) -> None:
    first = opened(dbs, world)
    assert world.assessment_a is not None
    assert refusal(lambda: open_round(dbs, Context(world.users["reviewer"]), world.assessment_a, RUBRIC,
                                      opens_on=TODAY + timedelta(days=20), closes_on=TODAY + timedelta(days=30),
                                      codes=None, today=TODAY)) == "round_already_running"
    close_round(dbs, Context(world.users["hr_a"]), first, first.version, TODAY)
    assert round_state(first, TODAY) == RoundState.CLOSED
    again = open_round(dbs, Context(world.users["reviewer"]), world.assessment_a, RUBRIC,
                       opens_on=TODAY, closes_on=TODAY + timedelta(days=6), codes=None, today=TODAY)
    assert again.opened_by_id == world.users["reviewer"].id


def test_closing_with_a_stale_page_is_refused(dbs: Session, world: World) -> None:
    survey_round = opened(dbs, world)
    stale = survey_round.version
    close_round(dbs, Context(world.users["hr_a"]), survey_round, stale, TODAY)
    assert refusal(lambda: close_round(dbs, Context(world.users["hr_a"]), survey_round, stale, TODAY)) == "round_closed"


def test_last_years_assessment_and_a_tiny_workforce_get_no_round(dbs: Session, world: World) -> None:
    last_year = add_assessment(dbs, world.org_a, TODAY.year - 1)
    assert refusal(lambda: open_round(dbs, Context(world.users["hr_a"]), last_year, RUBRIC, opens_on=TODAY,
                                      closes_on=TODAY, codes=None, today=TODAY)) == "not_current_cycle"
    world.org_a.workforce_total, world.org_a.workforce_women = 9, 5
    dbs.commit()
    assert refusal(lambda: opened(dbs, world)) == "workforce_too_small"


# Limits against stuffing.

def test_no_more_responses_begin_than_the_company_has_workers(dbs: Session, world: World) -> None:
    world.org_a.workforce_total, world.org_a.workforce_women = 12, 6
    dbs.commit()
    survey_round = opened(dbs, world)
    for _ in range(12):
        begin_response(dbs, survey_round, None, TODAY)
    assert refusal(lambda: begin_response(dbs, survey_round, None, TODAY)) == "survey_full"
    assert dbs.scalar(select(func.count(SurveyResponse.id))) == 12


def test_twenty_workers_at_once_never_pass_a_cap_of_twelve(engine: Engine, dbs: Session, world: World) -> None:
    world.org_a.workforce_total, world.org_a.workforce_women = 12, 6
    dbs.commit()
    results = begin_at_once(engine, opened(dbs, world).id, None, 20)
    begun = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(begun) == 12 and len(refused) == 8 and {r.code for r in refused} == {"survey_full"}, results
    dbs.expire_all()
    assert dbs.scalar(select(func.count(SurveyResponse.id))) == 12


def test_a_round_with_codes_begins_a_response_only_with_an_unused_code(dbs: Session, world: World) -> None:
    survey_round = opened(dbs, world, codes=30)
    codes = codes_of(dbs, survey_round)
    assert len(codes) == 30 == len(set(codes)) and survey_round.cap == 30
    assert refusal(lambda: begin_response(dbs, survey_round, None, TODAY)) == "code_not_valid"
    assert refusal(lambda: begin_response(dbs, survey_round, "ZZZZZZ", TODAY)) == "code_not_valid"
    # Typed as read from paper: lower case, a space in the middle.
    begin_response(dbs, survey_round, f" {codes[0][:3].lower()} {codes[0][3:]}", TODAY)
    assert refusal(lambda: begin_response(dbs, survey_round, codes[0], TODAY)) == "code_not_valid"
    assert dbs.scalar(select(func.count()).where(SurveyCode.used.is_(True))) == 1


def test_one_code_typed_on_two_phones_at_once_begins_one_response(engine: Engine, dbs: Session,
                                                                   world: World) -> None:
    survey_round = opened(dbs, world, codes=5)
    round_id = survey_round.id
    results = begin_at_once(engine, round_id, codes_of(dbs, survey_round)[0], 6)
    assert sum(isinstance(r, str) for r in results) == 1, results
    dbs.expire_all()
    assert dbs.scalar(select(func.count(SurveyResponse.id))) == 1
    assert dbs.scalar(select(SurveyRound.started).where(SurveyRound.id == round_id)) == 1


def test_nobody_answers_before_the_round_opens_or_after_it_closes(dbs: Session, world: World) -> None:
    survey_round = opened(dbs, world, days=7)
    secret = begin_response(dbs, survey_round, None, TODAY)
    assert refusal(lambda: begin_response(dbs, survey_round, None, TODAY - timedelta(days=1))) == "survey_not_open_yet"
    later = TODAY + timedelta(days=7)
    assert refusal(lambda: begin_response(dbs, survey_round, None, later)) == "survey_closed"
    assert refusal(lambda: save_answers(dbs, SURVEY, survey_round, secret, {"lactation_room": "no"},
                                        later)) == "survey_closed"


# Answers.

def test_each_answer_is_saved_as_given_changed_and_cleared_and_bad_ones_save_nothing(dbs: Session,
                                                                                    world: World) -> None:
    survey_round = opened(dbs, world)
    secret = begin_response(dbs, survey_round, None, TODAY)
    save_answers(dbs, SURVEY, survey_round, secret, {"lactation_room": "yes"}, TODAY)
    save_answers(dbs, SURVEY, survey_round, secret, {"lactation_room": "no", "sex": "woman"}, TODAY)
    save_answers(dbs, SURVEY, survey_round, secret, {"sex": ""}, TODAY)  # a demographic is optional
    assert refusal(lambda: save_answers(dbs, SURVEY, survey_round, secret, {"nursing_break": "yes",
                                                                            "lactation_room": "maybe"},
                                        TODAY)) == "not_a_survey_answer"
    assert refusal(lambda: save_answers(dbs, SURVEY, survey_round, secret, {"name": "Lan"},
                                        TODAY)) == "not_a_survey_question"
    assert refusal(lambda: save_answers(dbs, SURVEY, survey_round, "forged", {"lactation_room": "yes"},
                                        TODAY)) == "no_response"
    stored = dict(dbs.execute(select(SurveyAnswer.key, SurveyAnswer.value)).all())
    assert stored == {"lactation_room": "no"}


# Anonymity by design.

def test_a_response_holds_nothing_that_joins_it_to_a_person_a_time_or_a_request(dbs: Session, world: World) -> None:
    columns = {table: {c["name"] for c in inspect(dbs.get_bind()).get_columns(table)}
               for table in ("survey_responses", "survey_answers", "survey_codes")}
    assert columns == {"survey_responses": {"id", "round_id", "day", "resume_hash"},
                       "survey_answers": {"response_id", "key", "value"},
                       "survey_codes": {"round_id", "code", "used"}}  # no link from a code to a response
    survey_round = opened(dbs, world, codes=20)
    events_before = dbs.scalar(select(func.count(AuditEvent.id)))
    secrets_given = [worker(dbs, survey_round, {"lactation_room": "yes"}, code)
                     for code in codes_of(dbs, survey_round)[:15]]
    assert dbs.scalar(select(func.count(AuditEvent.id))) == events_before  # no audit row: it has time and address
    rows = {r.resume_hash: r for r in dbs.scalars(select(SurveyResponse))}
    assert {r.day for r in rows.values()} == {TODAY} and len(rows) == 15
    # The ids are random, so their order says nothing about who answered first (the chance of 15
    # random ids falling in the order of arrival is 1 in 15!).
    in_order_of_arrival = [rows[hashlib.sha256(s.encode()).hexdigest()].id for s in secrets_given]
    assert in_order_of_arrival != sorted(in_order_of_arrival)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in in_order_of_arrival)
    # The secret itself is stored nowhere: only its hash.
    assert not set(secrets_given) & set(rows)


# What a round shows.

def claim_lactation_room(dbs: Session, world: World) -> None:
    assert world.assessment_a is not None
    dbs.add(Answer(assessment_id=world.assessment_a.id, indicator_key="breastfeeding.lactation_room",
                   value="one_room"))
    dbs.commit()


def test_results_stay_hidden_below_ten_and_show_the_discrepancy_at_ten(dbs: Session, world: World) -> None:
    claim_lactation_room(dbs, world)
    survey_round = opened(dbs, world)
    for _ in range(9):
        worker(dbs, survey_round, {"lactation_room": "no", "sex": "woman"})
    begin_response(dbs, survey_round, None, TODAY)  # begun, nothing answered: not counted
    hidden = voice_of_round(dbs, SURVEY, survey_round)
    assert (hidden.responses, hidden.shown, hidden.checks) == (9, False, ())
    worker(dbs, survey_round, {"lactation_room": "no", "sex": "man"})
    shown = voice_of_round(dbs, SURVEY, survey_round)
    assert shown.shown and shown.responses == 10
    assert [c.indicator for c in shown.discrepancies] == ["breastfeeding.lactation_room"]
    # Split by sex: 9 women are fewer than 10, 1 man too: neither group is shown.
    view = round_view(dbs, RUBRIC, survey_round, TODAY, split="sex")
    assert [(g.option, g.responses, g.voice) for g in view.groups] == [("woman", 9, None), ("man", 1, None)]


def test_a_group_of_ten_is_shown_and_the_change_since_last_cycle_is_given(dbs: Session, world: World) -> None:
    claim_lactation_room(dbs, world)
    last_year = add_assessment(dbs, world.org_a, TODAY.year - 1)
    earlier = SurveyRound(assessment_id=last_year.id, slug="earlier", opens_on=date(2025, 10, 1),
                          closes_on=date(2025, 10, 14), cap=500)
    dbs.add(earlier)
    dbs.commit()
    for n in range(10):  # last year: 2 of 10 said there is a room
        response = SurveyResponse(id=f"{n:032d}", round_id=earlier.id, day=date(2025, 10, 2), resume_hash=f"{n:064d}")
        dbs.add(response)
        dbs.flush()
        dbs.add(SurveyAnswer(response_id=response.id, key="lactation_room", value="yes" if n < 2 else "no"))
    dbs.commit()
    survey_round = opened(dbs, world)
    for n in range(12):  # this year: 9 of 12 say there is one
        worker(dbs, survey_round, {"lactation_room": "yes" if n < 9 else "no", "sex": "woman" if n < 10 else "man"})
    view = round_view(dbs, RUBRIC, survey_round, TODAY, split="sex")
    assert view.change == {"lactation_room": 55.0}  # 20 % -> 75 %
    women = next(g for g in view.groups if g.option == "woman")
    assert women.responses == 10 and women.voice is not None
    assert next(g for g in view.groups if g.option == "man").voice is None
    assert not view.voice.discrepancies
    assert isinstance(world.org_a, Organisation)


def test_an_assessment_without_rounds_costs_one_statement(dbs: Session, world: World) -> None:
    """The results, review and benchmark pages ask for workers' voices on every view; most
    assessments have no survey round, and then nothing past the rounds is read."""
    assert world.assessment_a is not None
    with statements_run(dbs.get_bind()) as statements:  # type: ignore[arg-type]
        assert latest_voices(dbs, {world.assessment_a.id: SURVEY}) == {}
    assert len(statements) == 1, statements


def test_an_assessment_with_a_round_costs_three_statements_and_reads_only_the_checked_answers(
        dbs: Session, world: World) -> None:
    """Its rounds, what workers answered in them (those who answered and the counts, together) and
    the HR answers the survey checks: each statement is a round trip, on every results page and
    every PDF download of a company that asked its workers."""
    assert world.assessment_a is not None
    claim_lactation_room(dbs, world)
    dbs.add(Answer(assessment_id=world.assessment_a.id, indicator_key="leave.maternity_pay", value="full"))
    dbs.commit()
    survey_round = opened(dbs, world)
    for n in range(10):
        worker(dbs, survey_round, {"lactation_room": "no", "sex": "woman" if n % 2 else "man"})
    begin_response(dbs, survey_round, None, TODAY)  # begun, nothing answered: not counted
    with statements_run(dbs.get_bind()) as statements:  # type: ignore[arg-type]
        heard = latest_voices(dbs, {world.assessment_a.id: SURVEY})[world.assessment_a.id]
    assert len(statements) == 3, statements
    assert heard.voice.responses == 10
    assert [c.indicator for c in heard.voice.discrepancies] == ["breastfeeding.lactation_room"]
    assert heard.hr_answers == {"breastfeeding.lactation_room": "one_room"}  # no question checks maternity pay
