"""`flask mail send|digests|worker`: the sender of the outbox and the digest schedule."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
from app.mail_compose import deliver
from assessments.mail_delivery import DeliveryReport
from assessments.services.notifications import queue_digests

mail_cli = AppGroup("mail", help="Send the outbox; queue digests.")
log = logging.getLogger("ffw.mail")


def _describe(report: DeliveryReport) -> str:
    return (f"sent {report.sent}, kept {report.kept}, to retry {report.retrying}, failed {report.failed}"
            + (f" ({report.errors[-1]})" if report.errors else ""))


@mail_cli.command("send")
def send_command() -> None:
    """Send every mail that is due, once (with no MAIL_SERVER: mark it kept)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(_describe(deliver(app)))


@mail_cli.command("digests")
def digests_command() -> None:
    """Write the digests that are due (weekly actions, daily submissions, a new cycle)."""
    run = queue_digests(db.session)
    click.echo(f"action digests {run.actions}, submission digests {run.submissions}, new cycle {run.cycle_open}")


def mail_round(app: Flask, digests: bool = True) -> None:
    """Write the digests that are due (unless told not to) and send what is due, in an app
    context of its own; a failure is logged, never raised: the next round tries again."""
    with app.app_context():
        try:
            if digests:
                queue_digests(db.session)
            report = deliver(app)
            if report.handled:
                log.info("mail: %s", _describe(report))
        except Exception:  # a database restart must not end a worker
            log.exception("mail round failed")
            db.session.rollback()
        finally:
            db.session.remove()


@mail_cli.command("worker")
@click.option("--once", is_flag=True, help="One round, then stop (for cron or a test).")
def worker_command(once: bool) -> None:
    """Run until stopped: every MAIL_WORKER_INTERVAL seconds queue due digests and send the outbox.
    Several workers may run at once: a message is claimed before it is sent, a digest written once.
    (`flask jobs worker` does the same, and sends a new mail as soon as its transaction commits.)"""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    interval = float(app.config["MAIL_WORKER_INTERVAL"])
    stopping = False

    def stop(_signal: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("mail worker: %s, every %.0f s", app.config["MAIL_SERVER"] or "no MAIL_SERVER, mails kept", interval)
    while not stopping:
        mail_round(app)
        if once:
            break
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, interval))
