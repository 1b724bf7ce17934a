"""PDF plans made by the job worker (issue 19, item 1): what asks for a render, how requests
debounce, what a worker that dies or fails leaves behind, and that two workers never both make
the same request, on both databases. The renders here are stand-ins that count their calls
(what a real render gives is tests/app/test_plan_pdf.py's)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assessments.db import utcnow
from assessments.models import Assessment, PlanDocument, PlanRender
from assessments.report.data import Report
from assessments.report.render import EDITIONS, RenderedPdf
from assessments.services import Context
from assessments.services.plan_renders import MAX_ATTEMPTS, lapsed, render_status, request_render, requested_in
from assessments.services.reports import make_plan
from assessments.services.self_assessment import adopt_action
from assessments.simulate import best_answers
from tests.app.test_assessment import RUBRIC, complete_and_submit
from tests.assessments.test_races import run_together
from tests.conftest import World

NO_PAUSE = timedelta(0)


class CountingRender:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[str] = []
        self.fail = fail

    def __call__(self, report: Report, edition: str) -> RenderedPdf:
        self.calls.append(edition)
        if self.fail:
            raise RuntimeError("fonts missing")
        return RenderedPdf(content=b"%PDF-1.7 " + edition.encode(), pages=1)


def rubric_of(_: Assessment) -> object:
    return RUBRIC


def row(dbs: Session, assessment_id: int) -> PlanRender:
    dbs.expire_all()
    found = dbs.get(PlanRender, assessment_id)
    assert found is not None
    return found


def test_submitting_asks_for_the_plan_once_the_transaction_commits(dbs: Session, world: World) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))
    assert requested_in(dbs) == {assessment.id}  # what the web layer nudges the queue with, after commit
    assert row(dbs, assessment.id).state == "waiting"
    # A request in a transaction that is rolled back asks for nothing.
    dbs.execute(update(PlanRender).values(state="done"))
    dbs.commit()
    request_render(dbs, assessment.id)
    dbs.rollback()
    assert row(dbs, assessment.id).state == "done"


def test_a_young_request_waits_for_more_edits_and_then_every_edition_is_made_once(dbs: Session,
                                                                                  world: World) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC) | {"childcare.support": "occasional"})
    render = CountingRender()
    # Ten quick edits: each task finds a request younger than the pause and leaves it to the last.
    for _ in range(10):
        request_render(dbs, assessment.id)
        dbs.commit()
        assert make_plan(dbs, assessment.id, rubric_of, render, debounce=timedelta(minutes=1)) == "debounced"
    assert render.calls == []
    assert make_plan(dbs, assessment.id, rubric_of, render, debounce=NO_PAUSE) == "rendered"
    assert sorted(render.calls) == sorted(EDITIONS)
    status = render_status(dbs, assessment.id)
    assert status is not None and (status.state, status.editions_done, status.busy) == ("done", 3, False)
    assert make_plan(dbs, assessment.id, rubric_of, render, debounce=NO_PAUSE) == "nothing"
    # Asked again with nothing changed: the stored editions are still current, none is rendered.
    request_render(dbs, assessment.id)
    dbs.commit()
    assert make_plan(dbs, assessment.id, rubric_of, render, debounce=NO_PAUSE) == "rendered"
    assert len(render.calls) == 3
    # An action adopted changes what the plan shows: asked for, and every edition made again.
    adopt_action(dbs, Context(world.users["hr_a"]), assessment, "childcare.support", "vi")
    assert make_plan(dbs, assessment.id, rubric_of, render, debounce=NO_PAUSE) == "rendered"
    assert len(render.calls) == 6 and len(list(dbs.scalars(select(PlanDocument.id)))) == 3


def test_an_edit_while_the_plan_is_being_made_is_made_too(dbs: Session, engine: Engine, world: World) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))

    class EditMeanwhile(CountingRender):
        def __call__(self, report: Report, edition: str) -> RenderedPdf:
            if not self.calls:  # someone edits the plan while the first edition renders
                with Session(engine) as other:
                    request_render(other, assessment.id, now=utcnow() + timedelta(seconds=1))
                    other.commit()
            return super().__call__(report, edition)

    assert make_plan(dbs, assessment.id, rubric_of, EditMeanwhile(), debounce=NO_PAUSE) == "rendered"
    assert row(dbs, assessment.id).state == "waiting"  # not marked done: the newer request's task runs


def test_a_worker_that_died_mid_render_is_replaced_when_its_lease_runs_out(dbs: Session, world: World) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))
    dbs.execute(update(PlanRender).values(state="rendering", lease_until=utcnow() + timedelta(minutes=1),
                                          requested_at=utcnow() - timedelta(minutes=5), attempts=1))
    dbs.commit()
    render = CountingRender()
    assert lapsed(dbs) == [] and make_plan(dbs, assessment.id, rubric_of, render, debounce=NO_PAUSE) == "taken"
    dbs.execute(update(PlanRender).values(lease_until=utcnow() - timedelta(seconds=1)))  # the lease ran out
    dbs.commit()
    assert lapsed(dbs) == [assessment.id]  # the sweep nudges it again
    assert make_plan(dbs, assessment.id, rubric_of, render, debounce=NO_PAUSE) == "rendered"
    assert len(render.calls) == 3 and row(dbs, assessment.id).state == "done"


def test_a_lost_nudge_is_swept_up(dbs: Session, world: World) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))
    assert lapsed(dbs) == []  # just asked: its own nudge is on its way
    dbs.execute(update(PlanRender).values(requested_at=utcnow() - timedelta(minutes=2)))
    dbs.commit()
    assert lapsed(dbs) == [assessment.id]


def test_a_failing_render_is_kept_with_its_reason_and_tried_again_until_it_gives_up(dbs: Session,
                                                                                   world: World) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))
    broken = CountingRender(fail=True)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        dbs.execute(update(PlanRender).values(requested_at=utcnow() - timedelta(minutes=2)))
        dbs.commit()
        assert make_plan(dbs, assessment.id, rubric_of, broken, debounce=NO_PAUSE) == "failed"
        stored = row(dbs, assessment.id)
        assert stored.attempts == attempt and stored.error == "RuntimeError: fonts missing"
        assert stored.state == ("failed" if attempt == MAX_ATTEMPTS else "waiting")
    assert lapsed(dbs) == []  # given up: the page says so and offers to try again
    request_render(dbs, assessment.id)  # "try again"
    dbs.commit()
    assert make_plan(dbs, assessment.id, rubric_of, CountingRender(), debounce=NO_PAUSE) == "rendered"


def test_two_workers_never_make_the_same_request(engine: Engine, dbs: Session, world: World) -> None:
    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC))
    render = CountingRender()

    def worker() -> str:
        with Session(engine) as session:
            return make_plan(session, assessment.id, rubric_of, render, debounce=NO_PAUSE)

    outcomes = run_together(worker, worker)
    assert sorted(map(str, outcomes)) == ["rendered", "taken"], outcomes
    assert len(render.calls) == 3
