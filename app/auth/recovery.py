"""A forgotten password, set again through a link sent by mail (assessments.services.accounts)."""

from __future__ import annotations

import hashlib

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import public
from app.auth import bp
from app.auth.forms import ForgotPasswordForm, NewPasswordForm
from app.auth.views import sign_in_fresh
from app.extensions import db
from app.mail_compose import PAGE_LINK, RESET_LINK
from app.rate_limits import address_key, limiter
from app.requests import safe_next_url, service_context
from app.service_errors import message_for, show_on_form
from assessments.db import utcnow
from assessments.services import ServiceError
from assessments.services.accounts import (
    normalise_email,
    request_password_reset,
    reset_password_by_link,
    user_for_reset_link,
)
from assessments.signed_links import BadLink, unsign


def _account_key() -> str:
    """The address asked about, hashed: its own limit, so nobody floods one person's mailbox."""
    email = normalise_email(request.form.get("email", ""))
    return "reset-account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: str(current_app.config["PASSWORD_RESET_LIMIT_PER_ACCOUNT"]), key_func=_account_key,
               methods=["POST"], scope="reset-account")
@limiter.limit(lambda: str(current_app.config["PASSWORD_RESET_LIMIT_PER_ADDRESS"]), key_func=address_key,
               methods=["POST"], scope="reset-address")
def forgot_password() -> Response | str:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(db.session, service_context(), form.email.data or "")
        # The same answer whether or not the address has an account.
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form)


def link_problem(code: str, again_url: str | None, again_label: str) -> tuple[str, int]:
    """A used, expired or broken link: say which, and how to get a new one."""
    return render_template("auth/link_problem.html", message=message_for(code), again_url=again_url,
                           again_label=again_label), 410 if code in GONE else 400


GONE = {"link_used", "link_expired", "page_link_expired"}


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Response | str | tuple[str, int]:
    again = url_for("auth.forgot_password")
    try:
        payload = unsign(current_app.config["SECRET_KEY"], RESET_LINK, token)
        user = user_for_reset_link(db.session, payload.get("u"), payload.get("f"), payload.get("x"))
    except BadLink:
        return link_problem("link_invalid", again, _("Ask for a new link"))
    except ServiceError as error:
        return link_problem(error.code, again, _("Ask for a new link"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password_by_link(db.session, service_context(), user, new=form.new_password.data or "")
        except ServiceError as error:
            if error.code.startswith("link_"):  # the other tab was quicker
                return link_problem(error.code, again, _("Ask for a new link"))
            show_on_form(form, error)
        else:
            sign_in_fresh(user)
            flash(_("Your password has been set. Every other device signed in to your account was signed out."),
                  "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/reset.html", form=form, email=user.email)


@bp.route("/m/<token>")
@public
def mail_link(token: str) -> Response | tuple[str, int]:
    """A link to a page, from a notification mail: signed (nobody can make one up to lead people
    elsewhere) and valid for PAGE_LINK_VALID. It opens the page, which still asks who is there."""
    try:
        payload = unsign(current_app.config["SECRET_KEY"], PAGE_LINK, token)
    except BadLink:
        return link_problem("link_invalid", url_for("main.dashboard"), _("Open the service"))
    target = safe_next_url(payload.get("p") if isinstance(payload.get("p"), str) else None)
    expires = payload.get("x")
    if target is None or not isinstance(expires, int):
        return link_problem("link_invalid", url_for("main.dashboard"), _("Open the service"))
    if expires <= utcnow().timestamp():
        return link_problem("page_link_expired", url_for("main.dashboard"), _("Open the service"))
    return redirect(target)
