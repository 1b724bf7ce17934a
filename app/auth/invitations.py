"""Invitations: the page to invite (and resend or withdraw), and the link that opens the account.
Who may invite whom is assessments.services.invitations.may_invite."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import CHAMBER, INVITERS, public, roles_required
from app.auth import bp
from app.auth.forms import AcceptInvitationForm, InvitationForm
from app.auth.recovery import link_problem
from app.auth.views import sign_in_fresh
from app.extensions import db
from app.forms import AppForm
from app.labels import role_choices
from app.mail_compose import INVITATION_LINK
from app.requests import service_context
from app.service_errors import attempt, flash_outcome, show_on_form
from assessments.db import utcnow
from assessments.models import Invitation, Organisation, Role
from assessments.services import ServiceError
from assessments.services.access_requests import pending_requests
from assessments.services.invitations import (
    accept,
    invitation_for_link,
    invite,
    is_open,
    may_invite,
    may_manage,
    resend,
    revoke,
    visible_invitations,
)
from assessments.signed_links import BadLink, unsign
from assessments.text import vietnamese_sort_key


def _invitation_form() -> InvitationForm:
    actor = current_user._get_current_object()
    roles = [(key, name) for key, name in role_choices() if may_invite(actor, key, actor.organisation_id)]
    if actor.role == Role.HR:
        organisations: list[tuple[object, str]] = [(actor.organisation_id, actor.organisation.name)]
    else:
        rows = db.session.execute(select(Organisation.id, Organisation.name))
        organisations = [(None, _("None, or a new organisation (below)")),
                         *sorted(((row.id, row.name) for row in rows), key=lambda row: vietnamese_sort_key(row[1]))]
    return InvitationForm(roles, organisations)


@bp.route("/invitations", methods=["GET", "POST"])
@roles_required(*INVITERS)
def invitations() -> Response | str:
    form = _invitation_form()
    if form.validate_on_submit():
        ok, invitation = attempt(form, lambda: invite(
            db.session, service_context(), email=form.email.data or "", role=form.role.data or "",
            organisation_id=form.organisation_id.data, new_organisation=form.new_organisation(),
            full_name=form.full_name.data or "", locale=form.locale.data or "vi"))
        if ok and invitation is not None:
            flash(_("Invitation sent to %(email)s. The link works for 72 hours.", email=invitation.email), "success")
            return redirect(url_for("auth.invitations"))
    actor = current_user._get_current_object()
    return render_template("auth/invitations.html", form=form, invitations=visible_invitations(db.session, actor),
                           action_form=AppForm(), now=utcnow(), is_open=is_open,
                           requests=pending_requests(db.session) if actor.role in CHAMBER else [])


def _managed_invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not may_manage(current_user._get_current_object(), invitation):
        abort(404)
    return invitation


@bp.route("/invitations/<id:invitation_id>/resend", methods=["POST"])
@roles_required(*INVITERS)
def invitation_resend(invitation_id: int) -> Response:
    invitation = _managed_invitation_or_404(invitation_id)
    flash_outcome(lambda: resend(db.session, service_context(), invitation), lambda _done: _(
        "A new link was sent to %(email)s; the one sent before no longer works.", email=invitation.email))
    return redirect(url_for("auth.invitations"))


@bp.route("/invitations/<id:invitation_id>/revoke", methods=["POST"])
@roles_required(*INVITERS)
def invitation_revoke(invitation_id: int) -> Response:
    invitation = _managed_invitation_or_404(invitation_id)
    flash_outcome(lambda: revoke(db.session, service_context(), invitation), lambda _done: _(
        "The invitation to %(email)s was withdrawn: its link no longer works.", email=invitation.email))
    return redirect(url_for("auth.invitations"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str) -> Response | str | tuple[str, int]:
    """The link in the mail: choose a password, and the account opens (signed in)."""
    ask_again = _("Ask the person who invited you, or your administrator, to send a new invitation.")
    try:
        payload = unsign(current_app.config["SECRET_KEY"], INVITATION_LINK, token)
        found = invitation_for_link(db.session, payload.get("i"), payload.get("n"))
    except BadLink:
        return link_problem("link_invalid", None, ask_again)
    except ServiceError as error:
        return link_problem(error.code, None, ask_again)
    form = AcceptInvitationForm(data={"full_name": found.full_name} if not current_user.is_authenticated else None)
    if form.validate_on_submit():
        try:
            user = accept(db.session, service_context(), found, password=form.new_password.data or "",
                          full_name=form.full_name.data or "")
        except ServiceError as error:
            db.session.rollback()
            if error.code.startswith("link_") or error.code == "email_taken":
                return link_problem("link_used", url_for("auth.login"), _("Sign in"))
            show_on_form(form, error)
        else:
            sign_in_fresh(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/accept_invitation.html", form=form, invitation=found)
