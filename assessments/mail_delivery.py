"""Deliver the outbox over SMTP: one message at a time, claimed, sent, marked, with retries.

Delivery is at-least-once. A message is claimed (pending -> sending, with a lease) and the claim
committed before the SMTP conversation; it is marked sent once the server accepted it. A sender
that dies between the server's "250 accepted" and that mark leaves the message "sending"; when
its lease runs out another run sends it again, with the same Message-ID, so the receiving side
can drop the copy. Nothing is ever lost, and a message is sent twice only in that window.

A refusal for good (an SMTP 5xx: no such mailbox, message refused) fails the message at once
with the server's reason; anything else (server unreachable, 4xx "try later", a timeout) is
tried again after a growing pause, up to `max_attempts`.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

from sqlalchemy import ColumnElement, and_, or_, select, update

from assessments.db import DbSession, utcnow
from assessments.models import MailStatus, OutboxMessage

Send = Callable[[EmailMessage], object]


class Transport(Protocol):
    def connect(self) -> AbstractContextManager[Send]: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    use_tls: bool = False  # STARTTLS on a plain connection (port 587)
    use_ssl: bool = False  # TLS from the first byte (port 465)
    username: str = ""
    password: str = ""
    timeout: float = 30.0


class SmtpTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    @contextmanager
    def connect(self) -> Iterator[Send]:
        s = self.settings
        client_class = smtplib.SMTP_SSL if s.use_ssl else smtplib.SMTP
        with client_class(s.host, s.port, timeout=s.timeout) as client:
            if s.use_tls and not s.use_ssl:
                client.starttls(context=ssl.create_default_context())
            if s.username:
                client.login(s.username, s.password)
            yield client.send_message


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 6
    # The pause after the 1st, 2nd, ... failed attempt: about a day of trying in all.
    backoff: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                                      timedelta(hours=2), timedelta(hours=12))
    lease: timedelta = timedelta(minutes=5)  # longer than one SMTP conversation can take
    batch: int = 100

    def pause_after(self, attempts: int) -> timedelta:
        return self.backoff[min(attempts, len(self.backoff)) - 1]


@dataclass
class DeliveryReport:
    sent: int = 0
    kept: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.kept + self.retrying + self.failed


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        # Claimed by a sender that never finished (it crashed, or was killed): its lease ran out.
        and_(OutboxMessage.status == MailStatus.SENDING, OutboxMessage.lease_until <= now),
    )


def _claim(db: DbSession, message_id: int, now: datetime, policy: DeliveryPolicy) -> bool:
    """Take one due message for this sender: one conditional UPDATE, committed before sending, so
    two senders never hold the same message at once."""
    claimed = db.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now)).values(
        status=MailStatus.SENDING, lease_until=now + policy.lease, attempts=OutboxMessage.attempts + 1))
    db.commit()
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def _finish(db: DbSession, message_id: int, **values: object) -> None:
    db.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(lease_until=None, **values))
    db.commit()


def _is_permanent(error: Exception) -> bool:
    """An SMTP 5xx refuses the message for good; everything else may pass later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def message_id_of(message: OutboxMessage, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{message.uid}@{domain}>"


def with_envelope(email: EmailMessage, message: OutboxMessage, sender: str) -> EmailMessage:
    """The headers every mail carries, the same on every attempt."""
    email["From"] = sender
    email["To"] = message.to_address
    email["Message-ID"] = message_id_of(message, sender)
    email["Date"] = format_datetime(message.created_at)
    return email


def deliver_due(db: DbSession, transport: Transport | None, compose: Callable[[OutboxMessage], EmailMessage],
                sender: str, *, policy: DeliveryPolicy | None = None, now: datetime | None = None) -> DeliveryReport:
    """Send every message that is due, up to a batch. With no transport (no MAIL_SERVER) messages
    are marked kept instead: listed on the admin's mail page, never sent later by surprise."""
    policy = policy or DeliveryPolicy()
    now = now or utcnow()
    report = DeliveryReport()
    due_ids = list(db.scalars(select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id)
                              .limit(policy.batch)))
    db.commit()
    if transport is None:
        for message_id in due_ids:
            kept = db.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
                              .values(status=MailStatus.KEPT, lease_until=None))
            report.kept += kept.rowcount  # type: ignore[attr-defined]
        db.commit()
        return report
    with _lazy_connection(transport) as connection:
        for message_id in due_ids:
            if not _claim(db, message_id, now, policy):
                continue  # another sender took it
            message = db.get(OutboxMessage, message_id, populate_existing=True)
            assert message is not None
            try:
                email = with_envelope(compose(message), message, sender)
            except Exception as error:  # a mail that cannot be worded will not word itself later
                _finish(db, message_id, status=MailStatus.FAILED, last_error=_reason(error))
                report.failed += 1
                report.errors.append(_reason(error))
                continue
            try:
                connection.send(email)
            except (smtplib.SMTPException, OSError) as error:
                report.errors.append(_reason(error))
                if _is_permanent(error) or message.attempts >= policy.max_attempts:
                    _finish(db, message_id, status=MailStatus.FAILED, last_error=_reason(error))
                    report.failed += 1
                else:
                    _finish(db, message_id, status=MailStatus.PENDING, last_error=_reason(error),
                            next_attempt_at=now + policy.pause_after(message.attempts))
                    report.retrying += 1
                if not _is_permanent(error):
                    break  # the server is down or busy: the rest waits for the next run
                continue
            _finish(db, message_id, status=MailStatus.SENT, sent_at=utcnow(), last_error="")
            report.sent += 1
    return report


class _LazyConnection:
    """Opens the SMTP connection at the first message (a run with nothing due connects to no one);
    a connection that breaks is opened again for the next message."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self._context: AbstractContextManager[Send] | None = None
        self._send: Send | None = None

    def send(self, email: EmailMessage) -> None:
        if self._send is None:
            context = self.transport.connect()
            self._send = context.__enter__()
            self._context = context
        try:
            self._send(email)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        context, self._context, self._send = self._context, None, None
        if context is not None:
            with suppress(smtplib.SMTPException, OSError):  # saying goodbye to a server that already left
                context.__exit__(None, None, None)


@contextmanager
def _lazy_connection(transport: Transport) -> Iterator[_LazyConnection]:
    connection = _LazyConnection(transport)
    try:
        yield connection
    finally:
        connection.close()


def send_again(db: DbSession, message_id: int, now: datetime | None = None) -> bool:
    """An admin puts a failed message back in line (after fixing the address or the server)."""
    changed = db.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                     OutboxMessage.status == MailStatus.FAILED)
                         .values(status=MailStatus.PENDING, attempts=0, next_attempt_at=now or utcnow()))
    db.commit()
    return changed.rowcount == 1  # type: ignore[attr-defined]
