"""Background jobs on huey: the PDF plans are made and the mails sent here, never in a
person's request.

The queue only carries nudges. What must happen is a database row written in the transaction
that asked for it (assessments.services.plan_renders); after that transaction commits, the
session's requests are nudged onto the queue with a short delay (the debounce). The worker
(`flask jobs worker`) runs them, and every PLAN_RENDER_SWEEP_SECONDS nudges again whatever was
asked for but not done: a nudge lost with a broker restart, a worker killed mid-render (its
lease runs out). So nothing depends on the queue keeping a message.

Benchmarks too: a transaction that changed the scores nudges `refresh_benchmarks`, which
ranks every score again and keeps the result in the database for the pages to read.

Mail rides the same queue: a transaction that wrote an outbox row nudges `send_mail` after its
commit, and the worker also runs the mail worker's round (digests due, retries) every
MAIL_WORKER_INTERVAL seconds, so `flask jobs worker` is the one worker a deployment needs.

Storage: JOBS_BROKER_URL, a SQLite file beside the database by default (no server to run),
Redis in production, memory:// where a test runs the jobs itself.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup
from huey import Huey, MemoryHuey, PriorityRedisHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.assessment.common import rubric_of
from app.extensions import db
from app.mail_cli import mail_round
from assessments.db import DbSession
from assessments.outbox import MAIL_WRITTEN
from assessments.report.survey_papers import RoundPaper
from assessments.services.compare import SCORES_CHANGED, StoredBenchmarks, refresh_benchmarks, stored_benchmarks
from assessments.services.plan_renders import lapsed, requested_in
from assessments.services.reports import make_plan
from assessments.services.surveys import make_paper
from config import ConfigError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Higher first (huey's order): see Jobs.
PRIORITY_MAIL, PRIORITY_BENCHMARKS, PRIORITY_RENDER = 20, 10, 0
# Submissions often come in bursts (a deadline): one refresh a second after the last of them.
BENCHMARKS_DEBOUNCE_SECONDS = 1.0


def make_huey(url: str) -> Huey:
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Priorities, as the SQLite and memory queues have. Its own name: the plain queue of
        # earlier versions kept a Redis list under "ffw", and a sorted set cannot share that key.
        return PriorityRedisHuey("ffw-priority", url=url)
    if url.startswith("sqlite:///"):
        return SqliteHuey("ffw", filename=url.removeprefix("sqlite:///"))
    if url == "memory://":
        return MemoryHuey("ffw")
    raise ConfigError(f"JOBS_BROKER_URL must be sqlite:///<file>, redis://<host>:<port>/<db> or memory://, "
                      f"not {url!r}")


class Jobs:
    """The app's queue and its tasks (app.extensions["jobs"])."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = make_huey(app.config["JOBS_BROKER_URL"])
        self.debounce = timedelta(seconds=float(app.config["PLAN_RENDER_DEBOUNCE_SECONDS"]))
        self.lease = timedelta(seconds=float(app.config["PLAN_RENDER_LEASE_SECONDS"]))

        # What waits on a nudge goes first: someone waits for a mail (a password link); pages show
        # benchmarks marked out of date; a PDF render takes seconds and has a page saying so.
        @self.huey.task(name="render_plan", priority=PRIORITY_RENDER)
        def render_plan(assessment_id: int) -> str:
            return self.run_render(assessment_id)

        @self.huey.task(name="send_mail", priority=PRIORITY_MAIL)
        def send_mail() -> None:
            mail_round(self.app, digests=False)

        @self.huey.task(name="make_survey_paper", priority=PRIORITY_RENDER)
        def make_survey_paper(round_id: int, kind: str, paper: RoundPaper) -> bool:
            return self.with_session(lambda session: make_paper(session, round_id, kind, paper))

        @self.huey.task(name="refresh_benchmarks", priority=PRIORITY_BENCHMARKS)
        def refresh_benchmarks_task() -> int:
            return self.with_session(refresh_benchmarks)

        self.render_plan = render_plan
        self.refresh_benchmarks = refresh_benchmarks_task
        self.send_mail = send_mail
        self.make_survey_paper = make_survey_paper

    def with_session(self, work: Callable[[DbSession], T]) -> T:
        """Run a job's work with the app's database session, released afterwards (a worker
        thread runs many jobs, each in a session of its own)."""
        with self.app.app_context():
            try:
                return work(db.session)
            finally:
                db.session.remove()

    def run_render(self, assessment_id: int) -> str:
        outcome = self.with_session(lambda session: make_plan(session, assessment_id, rubric_of,
                                                              debounce=self.debounce, lease=self.lease))
        log.info("plan of assessment %s: %s", assessment_id, outcome)
        return outcome

    def plans_changed(self, assessment_ids: set[int]) -> None:
        """Nudge the queue to make these plans once the debounce has passed."""
        for assessment_id in sorted(assessment_ids):
            self.render_plan.schedule((assessment_id,), delay=self.debounce.total_seconds())

    def benchmarks_wanted(self) -> None:
        """Nudge the queue to make the benchmarks again (it does nothing if they are current).
        From a page that found them stale: if the broker is down, the sweep asks later."""
        try:
            self.refresh_benchmarks.schedule(delay=BENCHMARKS_DEBOUNCE_SECONDS)
        except Exception:
            log.exception("could not queue the benchmarks; the sweep will")

    def sweep(self) -> int:
        """Nudge again every request whose nudge was lost or whose worker died, and the
        benchmarks (a no-op when they are current)."""
        due = self.with_session(lapsed)
        for assessment_id in due:
            self.render_plan(assessment_id)
        self.refresh_benchmarks()
        return len(due)


def benchmarks_to_show(by: str, cycle: int | None) -> StoredBenchmarks:
    """The benchmarks a page or the API shows; if they are stale, the worker is asked for new ones."""
    shown = stored_benchmarks(db.session, by, cycle)
    if shown.refresh:
        current_app.extensions["jobs"].benchmarks_wanted()
    return shown


def _nudge_after_commit(session: Session) -> None:
    if not has_app_context():  # a session of the domain's own (a script, a test): it nudges nothing
        return
    requested = requested_in(session)
    mail = session.info.pop(MAIL_WRITTEN, False)
    scores = session.info.pop(SCORES_CHANGED, False)
    if not requested and not mail and not scores:
        return
    jobs: Jobs = current_app.extensions["jobs"]
    try:
        if requested:
            jobs.plans_changed(requested)
        if mail:
            jobs.send_mail()
        if scores:
            jobs.benchmarks_wanted()
    except Exception:  # the broker is down: the change is saved, the sweep does it later
        log.exception("could not queue plans %s, mail or benchmarks; the sweep will", sorted(requested))


def _forget_after_rollback(session: Session) -> None:
    requested_in(session)  # a rolled-back request asked for nothing, a rolled-back mail is no mail
    session.info.pop(MAIL_WRITTEN, None)
    session.info.pop(SCORES_CHANGED, None)


def init_jobs(app: Flask) -> None:
    app.extensions["jobs"] = Jobs(app)
    for name, listener in (("after_commit", _nudge_after_commit), ("after_rollback", _forget_after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.cli.add_command(jobs_cli)


jobs_cli = AppGroup("jobs", help="The background job worker.")


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Jobs run at once (threads).")
@click.option("--nice", default=10, show_default=True,
              help="How much to lower this worker's CPU priority (0: not at all).")
def worker_command(workers: int, nice: int) -> None:
    """Run jobs until stopped (SIGINT or SIGTERM), and sweep for lost ones."""
    # A PDF render holds a core for seconds. Where the worker shares a machine with app servers
    # (make run, a small deployment), the lower priority lets people's requests go first:
    # benchmarks/load.py measured /healthz p99 under load with and without it.
    if nice > 0:
        os.nice(nice)
    jobs: Jobs = current_app.extensions["jobs"]
    app = jobs.app
    stopping = threading.Event()

    def every(seconds: float, work: Callable[[], object]) -> None:
        while not stopping.wait(seconds):
            work()

    def sweep() -> None:
        try:
            if found := jobs.sweep():
                log.info("sweep: %s plan(s) nudged again", found)
        except Exception:  # a database restart must not end the sweeps; the next one tries again
            log.exception("sweep failed")

    sweep()  # what was left when the last worker stopped
    # Mail that was due while no one sent it, retries, and the digests' schedule: the mail
    # worker's round, in this worker (new mails are sent at once by their nudge).
    for seconds, work in ((float(app.config["PLAN_RENDER_SWEEP_SECONDS"]), sweep),
                          (float(app.config["MAIL_WORKER_INTERVAL"]), lambda: mail_round(app))):
        threading.Thread(target=every, args=(seconds, work), daemon=True).start()
    consumer: Any = Consumer(jobs.huey, workers=workers, worker_type="thread", periodic=False)
    log.info("job worker: %s, %s thread(s)", current_app.config["JOBS_BROKER_URL"], workers)
    try:
        consumer.run()
    finally:
        stopping.set()
