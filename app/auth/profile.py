"""A person's own settings: which notifications they receive by mail, and in which language."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import any_signed_in_user
from app.auth import bp
from app.auth.forms import ProfileForm
from app.extensions import db
from app.requests import service_context
from app.versioned import save_versioned
from assessments.models import User
from assessments.outbox import NOTIFICATIONS_BY_ROLE, MailKind
from assessments.services.accounts import set_mail_preferences

NOTIFICATION_NAMES = {
    MailKind.ASSESSMENT_RETURNED: _l("The Chamber returns our self-assessment with questions"),
    MailKind.ASSESSMENT_VERIFIED: _l("The Chamber verifies our self-assessment"),
    MailKind.ACTIONS_DIGEST: _l("Weekly: improvement actions overdue or due within 7 days"),
    MailKind.CYCLE_OPEN: _l("A new year's self-assessment opens"),
    MailKind.ASSESSMENT_RESUBMITTED: _l("A company answers my queries and submits again"),
    MailKind.SUBMISSIONS_DIGEST: _l("Daily: new self-assessments submitted for review"),
    MailKind.ACCESS_REQUESTED: _l("A company asks for access"),
}


@bp.route("/profile", methods=["GET", "POST"])
@any_signed_in_user
def profile() -> Response | tuple[str, int]:
    user = current_user._get_current_object()
    choices = [(kind.value, str(NOTIFICATION_NAMES[kind])) for kind in NOTIFICATIONS_BY_ROLE.get(user.role, ())]
    form = ProfileForm(choices, data=_settings_of(user))
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: set_mail_preferences(
            db.session, service_context(), user, receive=set(form.notifications.data or []),
            locale=form.locale.data or "vi", expected_version=form.expected_version()), lambda: _saved(user))
        if status is None:
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, has_notifications=bool(choices)), status or 200


def _settings_of(user: User) -> dict[str, Any]:
    """The form's values as stored: the notifications received (those of the role not turned off)."""
    offered = NOTIFICATIONS_BY_ROLE.get(user.role, ())
    return {"notifications": [kind.value for kind in offered if kind.value not in (user.mail_opt_outs or [])],
            "locale": user.locale or "vi", "version": str(user.version)}


def _saved(user: User) -> tuple[User, int, dict[str, Any]]:
    db.session.refresh(user)
    settings = _settings_of(user)
    return user, user.version, {"notifications": settings["notifications"], "locale": settings["locale"]}
