"""The admin's mail page: every mail the service wrote, its state, and what it says. With no
MAIL_SERVER (development) mails are kept here instead of sent, so a newcomer can follow an
invitation link."""

from __future__ import annotations

import re

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import roles_required
from app.admin import bp
from app.auth.profile import NOTIFICATION_NAMES
from app.extensions import db
from app.forms import AppForm
from app.mail_compose import compose
from app.paging import paginate
from assessments.mail_delivery import send_again
from assessments.models import MailStatus, OutboxMessage, Role
from assessments.outbox import SECURITY_MAILS, MailKind

PAGE_SIZE = 50
LINK = re.compile(r"https?://\S+")


@bp.route("/mail")
@roles_required(Role.ADMIN)
def mail() -> str:
    query = select(OutboxMessage)
    status = request.args.get("status", "")
    if status in {s.value for s in MailStatus}:
        query = query.where(OutboxMessage.status == status)
    page = paginate(query.order_by(OutboxMessage.id.desc()), PAGE_SIZE)
    return render_template("admin/mail.html", page=page, status=status, server=current_app.config["MAIL_SERVER"],
                           status_names=_status_names(), kind_names=_kind_names())


def _status_names() -> dict[str, str]:
    return {MailStatus.PENDING: _("Waiting"), MailStatus.SENDING: _("Being sent"), MailStatus.SENT: _("Sent"),
            MailStatus.FAILED: _("Failed"), MailStatus.KEPT: _("Kept (not sent)")}


def _kind_names() -> dict[str, str]:
    return {MailKind.INVITATION: _("Invitation"), MailKind.PASSWORD_RESET: _("Password link"),
            MailKind.ACCESS_DECLINED: _("Request for access declined"),
            **{kind: str(name) for kind, name in NOTIFICATION_NAMES.items()}}


@bp.route("/mail/<id:message_id>")
@roles_required(Role.ADMIN)
def mail_message(message_id: int) -> str:
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        email = compose(current_app._get_current_object(), message)  # type: ignore[attr-defined]
    except Exception as error:  # show why it cannot be worded, as the sender would record it
        current_app.logger.warning("mail %s cannot be composed: %s", message_id, error)
        return render_template("admin/mail_message.html", message=message, subject="", text="", links=[],
                               problem=str(error), form=AppForm(), status_names=_status_names())
    body = email.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    if current_app.config["MAIL_SERVER"] and message.kind in SECURITY_MAILS:
        # Mails really go out: an account's access link is for its owner's mailbox alone.
        text = LINK.sub(_("[link shown only to the recipient]"), text)
    return render_template("admin/mail_message.html", message=message, subject=email["Subject"], text=text,
                           links=LINK.findall(text), problem=None, form=AppForm(), status_names=_status_names())


@bp.route("/mail/<id:message_id>/send-again", methods=["POST"])
@roles_required(Role.ADMIN)
def mail_send_again(message_id: int) -> Response:
    db.get_or_404(OutboxMessage, message_id)
    if AppForm().validate_on_submit():
        if send_again(db.session, message_id):
            flash(_("The mail is back in line: the sender tries it again within a minute."), "success")
        else:
            flash(_("Only a mail that failed can be sent again."), "error")
    return redirect(url_for("admin.mail_message", message_id=message_id))
