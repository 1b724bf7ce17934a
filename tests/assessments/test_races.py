"""Two requests at the same moment, on real databases: exactly one wins, and what is stored is
always consistent (issue 12, items 1 and 9)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assessments.models import AreaScoreRow, Assessment, AssessmentStatus, LegalGapRow, ReviewDecision
from assessments.result import ScoreRecord
from assessments.scoring import score
from assessments.services import Context, ServiceError
from assessments.services.accounts import LoginOutcome, ThrottlePolicy, authenticate
from assessments.services.reviews import decide_indicator, open_queries, verify
from assessments.services.self_assessment import answers_of, area_version, save_answers, save_area, submit
from assessments.simulate import best_answers
from rubrics.loader import default_registry
from tests.conftest import PASSWORD, World, add_assessment

RUBRIC = default_registry().latest("crbp-vn")
TODAY = date(2026, 11, 24)
ROUNDS = 12


def run_together(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released at the same instant; each result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except Exception as error:  # the loser's refusal is a result too
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_submit_racing_a_save_never_freezes_a_score_of_other_answers(engine: Engine, dbs: Session,
                                                                      world: World) -> None:
    ctx = Context(world.users["hr_b"])
    outcomes = set()
    for round_ in range(ROUNDS):
        assessment = add_assessment(dbs, world.org_b, 2000 + round_)
        dbs.commit()
        save_answers(dbs, ctx, assessment, RUBRIC, best_answers(RUBRIC))
        version = area_version(dbs, assessment, "leave")

        def do_submit(assessment_id: int = assessment.id) -> object:
            with Session(engine, expire_on_commit=False) as session:
                return submit(session, ctx, session.get(Assessment, assessment_id), RUBRIC, TODAY)

        def do_save(assessment_id: int = assessment.id, version: int = version) -> object:
            with Session(engine, expire_on_commit=False) as session:
                return save_area(session, ctx, session.get(Assessment, assessment_id), RUBRIC, "leave",
                                 {"leave.paternity": "fewer_days"}, version)

        submitted, saved = run_together(do_submit, do_save)
        for result in (submitted, saved):
            assert not isinstance(result, Exception) or isinstance(result, ServiceError), repr(result)
        # The submit always goes through (the answers are complete). The save either came first
        # (and is part of the score) or is refused because the answers are frozen.
        assert not isinstance(submitted, Exception), submitted
        assert not isinstance(saved, Exception) or saved.code == "not_editable", saved
        outcomes.add("save refused" if isinstance(saved, ServiceError) else "save first")

        dbs.expire_all()
        stored = dbs.get(Assessment, assessment.id)
        assert (answers_of(stored)["leave.paternity"] == "fewer_days") == (not isinstance(saved, Exception))
        fresh = score(RUBRIC, stored.profile, answers_of(stored), TODAY)
        assert stored.result is not None and stored.result.scorecard == ScoreRecord.of(fresh, RUBRIC)
        assert stored.percent == fresh.percent and stored.band == fresh.band
        assert sorted(dbs.scalars(select(LegalGapRow.indicator_key).where(
            LegalGapRow.assessment_id == stored.id))) == sorted(g.indicator for g in fresh.legal_gaps)
        assert {r.area_key: r.percent for r in dbs.scalars(select(AreaScoreRow).where(
            AreaScoreRow.assessment_id == stored.id))} == {a.key: a.percent for a in fresh.areas}


def test_verify_racing_a_query_never_verifies_an_assessment_with_an_open_query(engine: Engine, dbs: Session,
                                                                               world: World) -> None:
    hr, reviewer = Context(world.users["hr_b"]), Context(world.users["reviewer"])
    for round_ in range(ROUNDS):
        assessment = add_assessment(dbs, world.org_b, 2000 + round_)
        dbs.commit()
        save_answers(dbs, hr, assessment, RUBRIC, best_answers(RUBRIC))
        submit(dbs, hr, assessment, RUBRIC, TODAY)

        def do_query(assessment_id: int = assessment.id) -> object:
            with Session(engine, expire_on_commit=False) as session:
                return decide_indicator(session, reviewer, session.get(Assessment, assessment_id), RUBRIC,
                                        "leave.paternity", ReviewDecision.QUERIED, "Thiếu bằng chứng")

        def do_verify(assessment_id: int = assessment.id) -> object:
            with Session(engine, expire_on_commit=False) as session:
                return verify(session, reviewer, session.get(Assessment, assessment_id))

        queried, verified = run_together(do_query, do_verify)
        for result in (queried, verified):
            assert not isinstance(result, Exception) or isinstance(result, ServiceError), repr(result)
        dbs.expire_all()
        stored = dbs.get(Assessment, assessment.id)
        still_open = open_queries(dbs, stored.id)
        # Verified with a query nobody answered is the one outcome that must never happen.
        assert not (stored.status == AssessmentStatus.VERIFIED and still_open), (queried, verified)
        assert isinstance(queried, ServiceError) or isinstance(verified, ServiceError)


POLICY = ThrottlePolicy(max_failures_per_account=5, max_failures_per_address=20, window=timedelta(minutes=15))


def test_thirty_parallel_wrong_passwords_let_at_most_five_through(engine: Engine, dbs: Session,
                                                                  world: World) -> None:
    """Issue 12.9: the check and the record of an attempt are one step, so parallel attempts
    cannot all read the count before any of them is written."""

    def attempt() -> LoginOutcome:
        with Session(engine, expire_on_commit=False) as session:
            return authenticate(session, email="hr.a@example.vn", password="wrong-password",
                                ip_address="203.0.113.9", policy=POLICY).outcome

    outcomes = run_together(*[attempt] * 30)
    assert all(isinstance(o, LoginOutcome) for o in outcomes), outcomes
    evaluated = [o for o in outcomes if o is not LoginOutcome.THROTTLED]
    assert len(evaluated) <= 5, outcomes
    assert outcomes.count(LoginOutcome.THROTTLED) >= 25


def test_failures_from_elsewhere_do_not_lock_the_owner_out(dbs: Session, world: World) -> None:
    """Throttling counts failures per account *and* address: five wrong passwords from an
    attacker's address throttle that address for that account, not the owner at theirs."""
    for _ in range(5):
        assert authenticate(dbs, email="hr.a@example.vn", password="wrong", ip_address="198.51.100.1",
                            policy=POLICY).outcome is LoginOutcome.INVALID
    assert authenticate(dbs, email="hr.a@example.vn", password=PASSWORD, ip_address="198.51.100.1",
                        policy=POLICY).outcome is LoginOutcome.THROTTLED
    assert authenticate(dbs, email="hr.a@example.vn", password=PASSWORD, ip_address="192.0.2.44",
                        policy=POLICY).outcome is LoginOutcome.OK
