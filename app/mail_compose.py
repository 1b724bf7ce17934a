"""Words a mail from its outbox row, and hands the outbox to the sender.

Each kind of mail (assessments.outbox.MailKind) has a subject here and two templates,
`mail/<kind>.txt` (plain text) and `mail/<kind>.html`, drawn in the recipient's language with
links made absolute from APP_BASE_URL. Composing happens in the sender (the mail worker or
`flask mail send`), never in a person's request, and again for the admin's mail page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import Flask, current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.labels import role_name
from assessments.mail_delivery import (
    DeliveryPolicy,
    DeliveryReport,
    SmtpSettings,
    SmtpTransport,
    deliver_due,
)
from assessments.models import OutboxMessage
from assessments.outbox import NOTIFICATIONS, MailKind
from assessments.signed_links import sign
from rubrics.loader import default_registry

INVITATION_LINK = "invitation"
RESET_LINK = "password-reset"
PAGE_LINK = "page"
PAGE_LINK_VALID = timedelta(days=30)  # a notification's links to pages of the service


def link_token(purpose: str, payload: dict[str, Any]) -> str:
    return sign(current_app.config["SECRET_KEY"], purpose, payload)


def _subject(kind: str, data: dict[str, Any]) -> str:
    subjects: dict[str, Callable[[], str]] = {
        MailKind.INVITATION: lambda: _("You are invited to the family-friendly workplace assessment"),
        MailKind.PASSWORD_RESET: lambda: _("Set a new password"),
        MailKind.ASSESSMENT_RETURNED: lambda: _("Your %(cycle)s self-assessment was returned with questions",
                                                cycle=data.get("cycle", "")),
        MailKind.ASSESSMENT_RESUBMITTED: lambda: _("%(organisation)s submitted its %(cycle)s self-assessment again",
                                                   organisation=data.get("organisation", ""),
                                                   cycle=data.get("cycle", "")),
        MailKind.ASSESSMENT_VERIFIED: lambda: _("Your %(cycle)s self-assessment is verified",
                                                cycle=data.get("cycle", "")),
        MailKind.ACTIONS_DIGEST: lambda: _("Improvement actions due this week"),
        MailKind.SUBMISSIONS_DIGEST: lambda: _("New self-assessments to review"),
        MailKind.CYCLE_OPEN: lambda: _("The %(cycle)s self-assessment is open", cycle=data.get("cycle", "")),
        MailKind.ACCESS_REQUESTED: lambda: _("%(organisation)s asks for access",
                                             organisation=data.get("organisation", "")),
        MailKind.ACCESS_DECLINED: lambda: _("Your request for access"),
    }
    return subjects[kind]()


def _question(data: dict[str, Any], indicator_key: str, locale: str) -> tuple[str, str]:
    """A question's code and text in the recipient's language, from the rubric the assessment is on."""
    try:
        rubric = default_registry().get(*data["rubric"])
        indicator = rubric.indicator(indicator_key)
    except (KeyError, TypeError, ValueError):
        return indicator_key, ""
    return indicator.code, indicator.text.get(locale)


def _page_link(message: OutboxMessage, endpoint: str, anchor: str = "", **values: Any) -> str:
    """A link to a page of the service, signed and valid for PAGE_LINK_VALID from when the mail was
    written (the same link on every attempt). It grants nothing: the page still asks who is there."""
    written = message.created_at or datetime.now(UTC)
    token = link_token(PAGE_LINK, {"p": url_for(endpoint, **values) + anchor,
                                   "x": int((written + PAGE_LINK_VALID).timestamp())})  # short: it is in the URL
    return url_for("auth.mail_link", token=token, _external=True)


def _context(message: OutboxMessage) -> dict[str, Any]:
    """What the templates of this kind show, links included: every link is signed and expires."""
    data, kind = message.data, message.kind
    context: dict[str, Any] = {"data": data}
    if kind == MailKind.INVITATION:
        token = link_token(INVITATION_LINK, {"i": data["invitation_id"], "n": data["nonce"]})
        context["link"] = url_for("auth.invitation", token=token, _external=True)
        context["role"] = role_name(data.get("role", ""))
        context["expires_at"] = datetime.fromisoformat(data["expires_at"])
    elif kind == MailKind.PASSWORD_RESET:
        token = link_token(RESET_LINK, {"u": data["user_id"], "f": data["fingerprint"], "x": data["expires_at"]})
        context["link"] = url_for("auth.reset_password", token=token, _external=True)
        context["expires_at"] = datetime.fromisoformat(data["expires_at"])
    elif kind in (MailKind.ASSESSMENT_RETURNED, MailKind.ASSESSMENT_VERIFIED, MailKind.ASSESSMENT_RESUBMITTED):
        endpoint = {MailKind.ASSESSMENT_RETURNED: "assessment.review",
                    MailKind.ASSESSMENT_VERIFIED: "assessment.results",
                    MailKind.ASSESSMENT_RESUBMITTED: "review.assessment"}[MailKind(kind)]
        context["link"] = _page_link(message, endpoint, assessment_id=data["assessment_id"])
        context["queries"] = [(*_question(data, key, message.locale), comment)
                              for key, comment in (data.get("queries") or {}).items()]
        if kind == MailKind.ASSESSMENT_VERIFIED:
            context["pdf_link"] = _page_link(message, "assessment.plan_download", assessment_id=data["assessment_id"])
    elif kind == MailKind.ACTIONS_DIGEST:
        context["due_actions"] = [{**action, "due": date.fromisoformat(action["due"]),
                                   "link": _page_link(message, "assessment.results", "#plan",
                                                      assessment_id=action["assessment_id"])}
                                  for action in data.get("items", [])]
    elif kind == MailKind.SUBMISSIONS_DIGEST:
        context["link"] = _page_link(message, "review.queue")
        context["new"] = [{**item, "link": _page_link(message, "review.assessment",
                                                      assessment_id=item["assessment_id"])}
                          for item in data.get("new", [])]
    elif kind == MailKind.CYCLE_OPEN:
        context["link"] = _page_link(message, "assessment.index")
    elif kind == MailKind.ACCESS_REQUESTED:
        context["link"] = _page_link(message, "auth.invitations", "#requests")
    context["profile_link"] = _page_link(message, "auth.profile")
    return context


def compose(app: Flask, message: OutboxMessage) -> EmailMessage:
    """The mail in the recipient's language: subject, plain text, and the same as HTML."""
    with app.test_request_context(base_url=app.config["APP_BASE_URL"]), force_locale(message.locale or "vi"):
        context = _context(message)
        subject = _subject(message.kind, message.data)
        context.update(subject=subject, kind=message.kind, locale=message.locale,
                       security=message.kind in (MailKind.INVITATION, MailKind.PASSWORD_RESET),
                       notification=message.kind in NOTIFICATIONS)
        text = render_template(f"mail/{message.kind}.txt", **context)
        html = render_template(f"mail/{message.kind}.html", **context)
    email = EmailMessage()
    email["Subject"] = subject
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    email["Content-Language"] = message.locale or "vi"  # after the content, which clears Content-* headers
    return email


def transport(app: Flask) -> SmtpTransport | None:
    config = app.config
    if not config["MAIL_SERVER"]:
        return None
    return SmtpTransport(SmtpSettings(
        host=config["MAIL_SERVER"], port=config["MAIL_PORT"], use_tls=config["MAIL_USE_TLS"],
        use_ssl=config["MAIL_USE_SSL"], username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"]))


def deliver(app: Flask) -> DeliveryReport:
    """Send (or, with no MAIL_SERVER, keep) every mail that is due. Needs an app context."""
    policy = DeliveryPolicy(lease=timedelta(seconds=app.config["MAIL_LEASE_SECONDS"]))
    return deliver_due(db.session, transport(app), lambda message: compose(app, message),
                       app.config["MAIL_DEFAULT_SENDER"], policy=policy)
