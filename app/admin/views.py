"""Administration: accounts and the audit trail."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from app.access import roles_required
from app.admin import bp
from app.admin.forms import ActivationForm, PasswordResetForm, UserCreateForm, UserEditForm
from app.extensions import db
from app.paging import paginate
from app.requests import service_context
from app.service_errors import attempt
from app.versioned import save_versioned
from assessments.models import AuditEvent, Organisation, Role, User
from assessments.services import ServiceError
from assessments.services.accounts import create_user, reset_password, set_active, update_user
from assessments.text import vietnamese_sort_key

PAGE_SIZE = 50


def _organisation_choices() -> list[tuple[object, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name))
    return sorted(((row.id, row.name) for row in rows), key=lambda row: vietnamese_sort_key(row[1]))


def _get_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users")
@roles_required(Role.ADMIN)
def users() -> str:
    query = select(User).options(selectinload(User.organisation)).order_by(User.email)
    page = paginate(query, PAGE_SIZE)
    return render_template("admin/users.html", page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new() -> Response | str:
    form = UserCreateForm(_organisation_choices())
    if form.validate_on_submit():
        ok, user = attempt(form, lambda: create_user(
            db.session, service_context(), email=form.email.data or "", password=form.password.data or "",
            role=form.role.data or "", organisation_id=form.organisation_id.data, full_name=form.full_name.data or "",
        ))
        if ok and user is not None:
            flash(_("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int) -> Response | tuple[str, int]:
    user = _get_user_or_404(user_id)
    form = UserEditForm(_organisation_choices(), obj=user)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: update_user(
            db.session, service_context(), user, full_name=form.full_name.data or "", role=form.role.data or "",
            organisation_id=form.organisation_id.data, expected_version=form.expected_version()),
            lambda: _saved_user(user_id))
        if status is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=PasswordResetForm(formdata=None),
                           activation_form=ActivationForm()), status or 200


def _saved_user(user_id: int) -> tuple[User, int, dict[str, object]]:
    user = _get_user_or_404(user_id)
    db.session.refresh(user)
    return user, user.version, {}


@bp.route("/users/<id:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def user_password(user_id: int) -> Response | str:
    user = _get_user_or_404(user_id)
    reset_form = PasswordResetForm()
    if reset_form.validate_on_submit():
        reset_password(db.session, service_context(), user, new=reset_form.password.data or "")
        flash(_("Password changed. The user has been signed out everywhere."), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    form = UserEditForm(_organisation_choices(), obj=user, formdata=None)
    return render_template("admin/user_form.html", form=form, user=user,
                           reset_form=reset_form, activation_form=ActivationForm())


@bp.route("/users/<id:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def user_active(user_id: int) -> Response:
    user = _get_user_or_404(user_id)
    # CSRFProtect has already checked the token of this button-only form.
    active = request.form.get("active") == "1"
    try:
        set_active(db.session, service_context(), user, active)
    except ServiceError:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        flash(_("Account activated.") if active else _("Account deactivated; its sessions have ended."), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit() -> str:
    query = select(AuditEvent).options(selectinload(AuditEvent.actor), selectinload(AuditEvent.organisation))
    action = request.args.get("action", "").strip()[:40]
    if action:
        query = query.where(AuditEvent.action == action)
    page = paginate(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), PAGE_SIZE)
    return render_template("admin/audit.html", page=page, action=action)
