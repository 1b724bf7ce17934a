"""Self-service sign-up (SELF_SIGNUP): a company asks for access; Chamber reviewers approve or
decline on the invitations page (assessments.services.access_requests)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import CHAMBER, public, roles_required
from app.auth import bp
from app.auth.forms import AccessRequestForm
from app.extensions import db
from app.labels import current_language
from app.rate_limits import address_key, limiter
from app.requests import service_context
from app.service_errors import attempt, flash_outcome
from assessments.models import AccessRequest
from assessments.services.access_requests import approve, decline, request_access


@bp.route("/request-access", methods=["GET", "POST"])
@public
@limiter.limit(lambda: str(current_app.config["SIGNUP_LIMIT_PER_ADDRESS"]), key_func=address_key,
               methods=["POST"], scope="signup-address")
def request_access_view() -> Response | str:
    if not current_app.config["SELF_SIGNUP"]:
        abort(404)
    form = AccessRequestForm()
    if form.validate_on_submit():
        ok, _done = attempt(form, lambda: request_access(
            db.session, service_context(), email=form.email.data or "", full_name=form.full_name.data or "",
            organisation=form.organisation(), locale=current_language()))
        if ok:
            return render_template("auth/access_requested.html", email=form.email.data)
    return render_template("auth/request_access.html", form=form)


def _pending_or_404(request_id: int) -> AccessRequest:
    found = db.session.get(AccessRequest, request_id)
    if found is None:
        abort(404)
    return found


@bp.route("/access-requests/<id:request_id>/approve", methods=["POST"])
@roles_required(*CHAMBER)
def access_request_approve(request_id: int) -> Response:
    found = _pending_or_404(request_id)
    flash_outcome(lambda: approve(db.session, service_context(), found), lambda invitation: _(
        "Approved: %(email)s is invited to %(organisation)s.", email=invitation.email,
        organisation=invitation.organisation.name if invitation.organisation else ""))
    return redirect(url_for("auth.invitations") + "#requests")


@bp.route("/access-requests/<id:request_id>/decline", methods=["POST"])
@roles_required(*CHAMBER)
def access_request_decline(request_id: int) -> Response:
    found = _pending_or_404(request_id)
    flash_outcome(lambda: decline(db.session, service_context(), found, reason=request.form.get("reason", "")),
                  lambda _done: _("Declined: %(email)s is told by mail.", email=found.email))
    return redirect(url_for("auth.invitations") + "#requests")
