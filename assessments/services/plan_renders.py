"""The PDF plans are made by the job worker, never in a person's request.

A change to what a plan shows (submit, verify, return, an action adopted or edited) calls
`request_render` in its own transaction: the assessment's `PlanRender` row says "waiting" with
the time of the request. After the commit the web layer nudges the queue (app/jobs.py) to run
the render a moment later. Requests debounce: a task finding a request younger than the pause
leaves it to the task of that later request, so ten quick edits make one render.

The worker (`make_plan` in services/reports.py) claims the row (waiting, or rendering with a
lease that ran out: its worker died), renders the editions whose content changed, counts them as
it goes (the page shows progress), and finishes: the row is done only if no newer request came
meanwhile (then it stays waiting and the newer request's task renders again). A failure is kept
with its reason and tried again by the sweep; after MAX_ATTEMPTS it stays failed and the page
says so.

The row, not the queue, is the truth: `lapsed` lists the requests whose nudge was lost or whose
worker died, and the worker's periodic sweep nudges them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, or_, select, update

from assessments.db import DbSession, upsert_on, utcnow
from assessments.models import PlanRender
from assessments.report.render import EDITIONS

DEBOUNCE = timedelta(seconds=3)  # a request this young may still be followed by another edit
LEASE = timedelta(minutes=2)  # far longer than three editions take; a worker past it is taken for dead
GRACE = timedelta(seconds=30)  # a waiting request older than this has lost its nudge
MAX_ATTEMPTS = 3
WAITING, RENDERING, DONE, FAILED = "waiting", "rendering", "done", "failed"
# Where the session keeps the assessments whose render it requested, for the nudge after commit.
REQUESTED = "plan_renders_requested"


def request_render(db: DbSession, assessment_id: int, now: datetime | None = None) -> None:
    """Ask for the assessment's plan to be made again, in the caller's transaction (a rolled
    back change asks for nothing). One statement that inserts or resets the row, so two
    requests at once both land."""
    now = now or utcnow()
    values = {"state": WAITING, "requested_at": now, "lease_until": None, "editions_done": 0, "attempts": 0,
              "error": ""}
    insert = upsert_on(db.get_bind().dialect.name)
    statement = insert(PlanRender).values(assessment_id=assessment_id, **values)
    db.execute(statement.on_conflict_do_update(index_elements=[PlanRender.assessment_id], set_=values))
    db.info.setdefault(REQUESTED, set()).add(assessment_id)


def requested_in(db: DbSession) -> set[int]:
    """The assessments whose render this session's last commit asked for (and forget them)."""
    found: set[int] = db.info.pop(REQUESTED, set())
    return found


def _update(db: DbSession, assessment_id: int, claimed: datetime, **values: Any) -> bool:
    """Write to the row only while it is still the request this worker claimed."""
    result: CursorResult[Any] = db.execute(  # type: ignore[assignment]  # an UPDATE's result has a rowcount
        update(PlanRender).where(PlanRender.assessment_id == assessment_id, PlanRender.requested_at == claimed)
        .values(**values).execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)


@dataclass(frozen=True)
class Claim:
    """A worker's hold on one render request, as it stood when claimed."""

    assessment_id: int
    requested_at: datetime
    attempts: int  # this one included


def claim(db: DbSession, assessment_id: int, debounce: timedelta = DEBOUNCE, lease: timedelta = LEASE) -> Claim | str:
    """Take the assessment's render request if it is due, and commit the claim. Otherwise say
    why not: nothing (no request), debounced (a newer one will run) or taken (another worker
    has it)."""
    now = utcnow()
    row = db.execute(select(PlanRender.state, PlanRender.requested_at, PlanRender.attempts)
                     .where(PlanRender.assessment_id == assessment_id)).one_or_none()
    db.rollback()  # read only: end the transaction before the claim
    if row is None or row.state in (DONE, FAILED):
        return "nothing"
    if row.state == WAITING and row.requested_at > now - debounce + timedelta(milliseconds=50):
        return "debounced"
    result: CursorResult[Any] = db.execute(  # type: ignore[assignment]  # an UPDATE's result has a rowcount
        update(PlanRender).where(
            PlanRender.assessment_id == assessment_id, PlanRender.requested_at == row.requested_at,
            or_(PlanRender.state == WAITING, and_(PlanRender.state == RENDERING, PlanRender.lease_until < now)))
        .values(state=RENDERING, lease_until=now + lease, attempts=PlanRender.attempts + 1, editions_done=0)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.rollback()
        return "taken"
    db.commit()
    return Claim(assessment_id, row.requested_at, row.attempts + 1)


def progress(db: DbSession, held: Claim, editions_done: int) -> None:
    _update(db, held.assessment_id, held.requested_at, editions_done=editions_done)
    db.commit()


def finish(db: DbSession, held: Claim) -> None:
    """Done, unless a newer request came meanwhile: then it stays waiting for its own task."""
    _update(db, held.assessment_id, held.requested_at, state=DONE, lease_until=None, error="")
    db.commit()


def fail(db: DbSession, held: Claim, error: BaseException) -> None:
    """Kept with its reason and tried again by the sweep, until MAX_ATTEMPTS."""
    db.rollback()
    _update(db, held.assessment_id, held.requested_at, state=FAILED if held.attempts >= MAX_ATTEMPTS else WAITING,
            lease_until=None, error=f"{type(error).__name__}: {error}"[:500])
    db.commit()


def lapsed(db: DbSession, grace: timedelta = GRACE) -> list[int]:
    """Requests to nudge again: waiting longer than any nudge takes, or rendering by a worker
    whose lease ran out."""
    now = utcnow()
    return list(db.scalars(select(PlanRender.assessment_id).where(or_(
        and_(PlanRender.state == WAITING, PlanRender.requested_at < now - grace),
        and_(PlanRender.state == RENDERING, PlanRender.lease_until < now)))
        .order_by(PlanRender.requested_at)))


@dataclass(frozen=True)
class RenderStatus:
    state: str  # waiting, rendering, done, failed
    editions_done: int
    editions: int
    error: str

    @property
    def busy(self) -> bool:
        return self.state in (WAITING, RENDERING)


def render_status(db: DbSession, assessment_id: int) -> RenderStatus | None:
    row = db.execute(select(PlanRender.state, PlanRender.editions_done, PlanRender.error)
                     .where(PlanRender.assessment_id == assessment_id)).one_or_none()
    return None if row is None else RenderStatus(row.state, row.editions_done, len(EDITIONS), row.error)
