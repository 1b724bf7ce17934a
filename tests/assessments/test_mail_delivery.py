"""The outbox and its sender, against a real SMTP server on loopback (aiosmtpd), on both databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.db import utcnow
from assessments.mail_delivery import DeliveryPolicy, SmtpSettings, SmtpTransport, deliver_due, send_again
from assessments.models import MailStatus, OutboxMessage
from assessments.outbox import MailKind, enqueue
from tests.support.smtp import SmtpServer, free_port, text_of

SENDER = "Doanh nghiệp thân thiện gia đình <no-reply@ffw.example.vn>"
ROOT = Path(__file__).resolve().parents[2]


def plain(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = f"Thư số {message.id}"
    email.set_content(f"Xin chào {message.to_address}")
    return email


def transport_for(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(SmtpSettings(host="127.0.0.1", port=server.port, timeout=5))


def write(dbs: Session, count: int) -> list[OutboxMessage]:
    messages = [enqueue(dbs, MailKind.CYCLE_OPEN, f"hr{i}@example.vn", data={"cycle": 2027}) for i in range(count)]
    dbs.commit()
    return [m for m in messages if m is not None]


def statuses(dbs: Session) -> list[str]:
    dbs.expire_all()
    return list(dbs.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_an_accepted_mail_is_marked_sent_with_a_message_id_and_the_vietnamese_text_intact(
        dbs: Session, smtp_server: SmtpServer) -> None:
    [message] = write(dbs, 1)
    report = deliver_due(dbs, transport_for(smtp_server), plain, SENDER)
    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    [received] = smtp_server.messages
    assert received["Subject"] == f"Thư số {message.id}"
    assert received["Message-ID"] == f"<{message.uid}@ffw.example.vn>"
    assert received["To"] == "hr0@example.vn"
    assert text_of(received).strip() == "Xin chào hr0@example.vn"
    assert statuses(dbs) == [MailStatus.SENT]


def test_a_rolled_back_transaction_leaves_no_mail(dbs: Session) -> None:
    enqueue(dbs, MailKind.CYCLE_OPEN, "hr@example.vn", data={"cycle": 2027})
    dbs.rollback()
    assert dbs.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_temporary_refusal_is_tried_again_after_a_pause_and_then_sent(dbs: Session, smtp_server: SmtpServer) -> None:
    write(dbs, 1)
    smtp_server.answer = "451 4.3.0 Try again later"
    now = utcnow()
    report = deliver_due(dbs, transport_for(smtp_server), plain, SENDER, now=now)
    assert report.retrying == 1
    dbs.expire_all()
    message = dbs.scalars(select(OutboxMessage)).one()
    assert (message.status, message.attempts) == (MailStatus.PENDING, 1)
    assert "451" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=1)
    # Not due yet: nothing happens.
    smtp_server.answer = "250 OK"
    assert deliver_due(dbs, transport_for(smtp_server), plain, SENDER, now=now + timedelta(seconds=30)).handled == 0
    report = deliver_due(dbs, transport_for(smtp_server), plain, SENDER, now=now + timedelta(minutes=1))
    assert report.sent == 1 and len(smtp_server.messages) == 1
    assert statuses(dbs) == [MailStatus.SENT]


def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(dbs: Session, smtp_server: SmtpServer) -> None:
    write(dbs, 2)
    smtp_server.answer = lambda m: "550 5.1.1 No such mailbox" if m["To"] == "hr0@example.vn" else "250 OK"
    report = deliver_due(dbs, transport_for(smtp_server), plain, SENDER)
    assert (report.failed, report.sent) == (1, 1)  # one bad address does not hold up the others
    dbs.expire_all()
    failed = dbs.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "hr0@example.vn")).one()
    assert failed.status == MailStatus.FAILED and "No such mailbox" in failed.last_error
    # An admin fixes the cause and puts it back in line.
    smtp_server.answer = "250 OK"
    assert send_again(dbs, failed.id)
    assert deliver_due(dbs, transport_for(smtp_server), plain, SENDER).sent == 1
    assert statuses(dbs) == [MailStatus.SENT, MailStatus.SENT]


def test_an_unreachable_server_keeps_mail_waiting_and_gives_up_after_the_last_attempt(dbs: Session) -> None:
    write(dbs, 2)
    nobody = SmtpTransport(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2))
    policy = DeliveryPolicy(max_attempts=3)
    now = utcnow()
    for attempt in range(1, 4):
        report = deliver_due(dbs, nobody, plain, SENDER, policy=policy, now=now)
        # The server is down: the first message is tried, the second waits for the next run.
        assert report.handled == 1
        dbs.expire_all()
        first = dbs.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert first is not None and first.attempts == attempt
        now = first.next_attempt_at if first.status == MailStatus.PENDING else now
    assert statuses(dbs)[0] == MailStatus.FAILED
    assert "ConnectionRefusedError" in (dbs.scalars(select(OutboxMessage.last_error).order_by(OutboxMessage.id)).first()
                                        or "")


def test_without_a_mail_server_mail_is_kept_and_never_sent_later(dbs: Session, smtp_server: SmtpServer) -> None:
    write(dbs, 2)
    assert deliver_due(dbs, None, plain, SENDER).kept == 2
    assert deliver_due(dbs, transport_for(smtp_server), plain, SENDER).handled == 0
    assert statuses(dbs) == [MailStatus.KEPT, MailStatus.KEPT] and smtp_server.messages == []


def test_a_mail_that_cannot_be_worded_fails_with_the_reason_and_the_rest_go(dbs: Session,
                                                                           smtp_server: SmtpServer) -> None:
    write(dbs, 2)

    def compose(message: OutboxMessage) -> EmailMessage:
        if message.to_address == "hr0@example.vn":
            raise KeyError("nonce")
        return plain(message)

    report = deliver_due(dbs, transport_for(smtp_server), compose, SENDER)
    assert (report.failed, report.sent) == (1, 1)
    assert statuses(dbs) == [MailStatus.FAILED, MailStatus.SENT]


def test_a_digest_key_is_written_once(dbs: Session) -> None:
    assert enqueue(dbs, MailKind.ACTIONS_DIGEST, "hr@example.vn", dedupe_key="actions:2026-W49:1") is not None
    assert enqueue(dbs, MailKind.ACTIONS_DIGEST, "hr@example.vn", dedupe_key="actions:2026-W49:1") is None
    assert enqueue(dbs, MailKind.ACTIONS_DIGEST, "hr@example.vn", dedupe_key="actions:2026-W50:1") is not None
    dbs.commit()
    assert dbs.scalar(select(func.count(OutboxMessage.id))) == 2


def _sender(database_url: str, server: SmtpServer) -> subprocess.Popen[bytes]:
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(server.port), "MAIL_LEASE_SECONDS": "1", "FLASK_APP": "wsgi",
           "MAIL_DEFAULT_SENDER": SENDER}
    return subprocess.Popen([sys.executable, "-m", "flask", "mail", "send"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_sender_killed_mid_delivery_loses_nothing_and_repeats_only_the_message_in_flight(
        dbs: Session, smtp_server: SmtpServer, database_url: str) -> None:
    """At-least-once: the server accepted the third message, and the sender died before it could
    mark it sent. The next run sends it again, with the same Message-ID; nothing else twice."""
    messages = write(dbs, 5)
    sender: dict[str, subprocess.Popen[bytes]] = {}

    def kill_on_third(message: EmailMessage) -> str:
        if message["To"] == "hr2@example.vn":
            # Accepted here (the server keeps it), but the reply never reaches the sender.
            os.kill(sender["process"].pid, signal.SIGKILL)
            sender["process"].wait(timeout=10)
        return "250 OK"

    smtp_server.answer = kill_on_third
    sender["process"] = _sender(database_url, smtp_server)
    assert sender["process"].wait(timeout=60) == -signal.SIGKILL
    assert statuses(dbs) == [MailStatus.SENT, MailStatus.SENT, MailStatus.SENDING, MailStatus.PENDING,
                             MailStatus.PENDING]

    time.sleep(1.2)  # the dead sender's lease runs out
    smtp_server.answer = "250 OK"
    again = _sender(database_url, smtp_server)
    _out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err.decode()
    assert statuses(dbs) == [MailStatus.SENT] * 5

    received = [m["Message-ID"] for m in smtp_server.messages]
    expected = [f"<{m.uid}@ffw.example.vn>" for m in messages]
    assert sorted(set(received)) == sorted(expected)  # every message arrived
    assert len(received) == 6 and received.count(expected[2]) == 2  # only the one in flight twice


def test_two_senders_at_once_send_each_message_once(dbs: Session, smtp_server: SmtpServer, database_url: str) -> None:
    write(dbs, 12)
    processes = [_sender(database_url, smtp_server) for _ in range(2)]
    for process in processes:
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    received = [m["Message-ID"] for m in smtp_server.messages]
    assert len(received) == 12 and len(set(received)) == 12
    assert statuses(dbs) == [MailStatus.SENT] * 12
