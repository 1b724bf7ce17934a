"""Mail that leaves the service: what kinds there are, and writing one to the outbox.

A use case that causes a mail calls `enqueue` (or `notify`) before it commits, so the mail is
part of its transaction: rolled back with it, or kept with it. Nothing here talks to SMTP or
renders text; assessments/mail_delivery.py sends, app/mail_compose.py words the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError

from assessments.db import DbSession
from assessments.models import OutboxMessage, User

# Where a session notes that it wrote a mail, for the nudge after its commit.
MAIL_WRITTEN = "outbox_mail_written"


class MailKind(StrEnum):
    # Always sent: about an account's security, or to someone who has no account (no settings).
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    ACCESS_DECLINED = "access_declined"
    # Notifications: on by default, each can be turned off in a person's profile.
    ASSESSMENT_RETURNED = "assessment_returned"
    ASSESSMENT_RESUBMITTED = "assessment_resubmitted"
    ASSESSMENT_VERIFIED = "assessment_verified"
    ACTIONS_DIGEST = "actions_digest"
    SUBMISSIONS_DIGEST = "submissions_digest"
    CYCLE_OPEN = "cycle_open"
    ACCESS_REQUESTED = "access_requested"


SECURITY_MAILS = frozenset({MailKind.INVITATION, MailKind.PASSWORD_RESET, MailKind.ACCESS_DECLINED})
NOTIFICATIONS = tuple(kind for kind in MailKind if kind not in SECURITY_MAILS)

# The notifications each role can receive (and so sees in its profile).
NOTIFICATIONS_BY_ROLE: dict[str, tuple[MailKind, ...]] = {
    "hr": (MailKind.ASSESSMENT_RETURNED, MailKind.ASSESSMENT_VERIFIED, MailKind.ACTIONS_DIGEST, MailKind.CYCLE_OPEN),
    "reviewer": (MailKind.ASSESSMENT_RESUBMITTED, MailKind.SUBMISSIONS_DIGEST, MailKind.ACCESS_REQUESTED),
    "admin": (MailKind.ASSESSMENT_RESUBMITTED, MailKind.SUBMISSIONS_DIGEST),
    "unicef": (),
}


def wants(user: User, kind: MailKind) -> bool:
    """Whether this person receives this kind of mail: security mails always; a notification
    unless they turned it off, and only while the account is active."""
    if kind in SECURITY_MAILS:
        return True
    return user.active and kind not in (user.mail_opt_outs or [])


def enqueue(db: DbSession, kind: MailKind, to_address: str, *, locale: str | None = None,
            data: dict[str, Any] | None = None, user: User | None = None,
            dedupe_key: str | None = None) -> OutboxMessage | None:
    """Add a mail to the current transaction (the caller commits). With a `dedupe_key`, a mail
    that was already written under that key is not written again (None is returned): two
    schedulers running at once still send one digest."""
    message = OutboxMessage(kind=kind, to_address=to_address, locale=locale or "vi", data=data or {},
                            user_id=user.id if user is not None else None, dedupe_key=dedupe_key)
    db.info[MAIL_WRITTEN] = True  # after the commit the job queue is nudged to send it (app/jobs.py)
    if dedupe_key is None:
        db.add(message)
        return message
    savepoint = db.begin_nested()
    db.add(message)
    try:
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        return None
    return message


def notify(db: DbSession, people: Iterable[User], kind: MailKind, data: dict[str, Any],
           *, dedupe_key: str | None = None) -> int:
    """One mail of `kind` to each person who wants it, in their language. Returns how many."""
    written = 0
    for person in people:
        if wants(person, kind):
            key = None if dedupe_key is None else f"{dedupe_key}:{person.id}"
            if enqueue(db, kind, person.email, locale=person.locale, data=data, user=person,
                       dedupe_key=key) is not None:
                written += 1
    return written
