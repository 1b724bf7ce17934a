"""Yearly targets per province and programme: UNICEF officers and admins set them; the page
shows each province's progress, furthest behind first (assessments.services.targets)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.access import PARENTING_EDITORS, roles_required
from app.extensions import db
from app.labels import current_language
from app.parenting import bp
from app.parenting.common import programme_list, register_form
from app.parenting.forms import DeleteForm, TargetForm
from app.requests import service_context
from app.versioned import save_versioned
from assessments.db import today_in_viet_nam
from assessments.models import ParentingTarget
from assessments.services import ServiceError
from assessments.services.parenting import SessionFilters
from assessments.services.targets import remove_target, save_target, targets_of, year_progress
from assessments.services.versions import parse_version
from assessments.targets import YEARS_AROUND


def _form(record: ParentingTarget | None) -> TargetForm:
    return register_form(TargetForm(obj=record), record)


def _stored(form: TargetForm) -> tuple[ParentingTarget, int, dict[str, Any]]:
    """The target saved meanwhile for the same year, province and programme (a conflict)."""
    record = db.session.scalar(select(ParentingTarget).where(
        ParentingTarget.year == form.year.data, ParentingTarget.province_code == form.province_code.data,
        ParentingTarget.programme_id == form.programme_id.data))
    assert record is not None  # a conflict means it exists
    return record, record.version, {}


@bp.route("/targets", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def targets() -> Any:
    today = today_in_viet_nam()
    year = request.args.get("year", type=int) or today.year
    if abs(year - today.year) > YEARS_AROUND:
        year = today.year
    editing = db.session.get(ParentingTarget, request.args.get("edit", type=int) or 0)
    form = _form(editing)
    if request.method == "GET" and editing is None:
        form.year.data = year
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: save_target(db.session, service_context(), form.to_data(),
                                                          form.expected_version(), today), lambda: _stored(form))
        if status is None:
            flash(_("Target saved."), "success")
            return redirect(url_for("parenting.targets", year=form.year.data))
    elif request.method == "POST":
        status = 422
    return render_template("parenting/targets.html", form=form, editing=editing, year=year, today=today,
                           listed=targets_of(db.session, year), years_around=YEARS_AROUND, remove_form=DeleteForm(),
                           progress=year_progress(db.session, SessionFilters(), year, today),
                           names={p.id: p.name(current_language()) for p in programme_list()}), status or 200


@bp.route("/targets/<id:target_id>/remove", methods=["POST"])
@roles_required(*PARENTING_EDITORS)
def target_remove(target_id: int) -> Any:
    target = db.session.get(ParentingTarget, target_id)
    if target is None:
        abort(404)
    year = target.year
    if DeleteForm().validate_on_submit():
        try:
            remove_target(db.session, service_context(), target, parse_version(request.form.get("version")))
        except ServiceError:
            flash(_("Someone changed this target after you opened it: check what is saved now, then remove it "
                    "if you still want to."), "error")
            return redirect(url_for("parenting.targets", year=year, edit=target_id) + "#target-form")
        flash(_("Target removed."), "success")
    return redirect(url_for("parenting.targets", year=year))
