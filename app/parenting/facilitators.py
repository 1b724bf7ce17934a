"""The register of facilitators (UNICEF officers and admins): who delivers sessions, trained when
and by whom, and what each has delivered, month by month (assessments.services.facilitators)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _

from app.access import PARENTING_EDITORS, roles_required
from app.extensions import db
from app.labels import current_language
from app.parenting import bp
from app.parenting.common import current_filters, names_by_id, programme_list, register_form
from app.parenting.forms import VENUE_LABELS, FacilitatorForm
from app.requests import service_context
from app.service_errors import add_from_form
from app.versioned import save_versioned
from assessments.models import Facilitator
from assessments.report.chart import stacked_bar_chart_svg
from assessments.services.facilitators import (
    create_facilitator,
    facilitator_list,
    sessions_of,
    update_facilitator,
)
from assessments.services.parenting import by_month, reach
from assessments.services.supervision import checklist_of, trend, visits


def _form(record: Facilitator | None = None) -> FacilitatorForm:
    return register_form(FacilitatorForm(obj=record), record)


@bp.route("/facilitators", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def facilitators() -> Any:
    form = _form()
    added, status = add_from_form(
        form, lambda: create_facilitator(db.session, service_context(), form.to_data()), _("Facilitator added."),
        lambda f: url_for("parenting.facilitator_detail", facilitator_id=f.id))
    if added is not None:
        return added
    filters = current_filters()
    return render_template("parenting/facilitators.html", form=form, filters=filters,
                           listed=facilitator_list(db.session, filters), names=names_by_id(),
                           all_programmes=programme_list(), venues=VENUE_LABELS), status


@bp.route("/facilitators/<id:facilitator_id>", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def facilitator_detail(facilitator_id: int) -> Any:
    record = db.session.get(Facilitator, facilitator_id)
    if record is None:
        abort(404)
    form = _form(record)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: update_facilitator(
            db.session, service_context(), record, form.to_data(), active=bool(form.active.data),
            expected_version=form.expected_version()), lambda: (record, record.version, {}))
        if status is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("parenting.facilitator_detail", facilitator_id=record.id))
    elif request.method == "POST":
        status = 422
    filters = replace(current_filters(), facilitator_id=record.id, organisation_id=None)
    months = by_month(db.session, filters)
    chart = stacked_bar_chart_svg([(row.key, (row.participants - row.male, row.male)) for row in months],
                                  (_("Women"), _("Men")), _("Participants by month, women and men"), format_number)
    visited = visits(db.session, facilitator_id=record.id)
    return render_template("parenting/facilitator.html", record=record, form=form, reach=reach(db.session, filters),
                           chart=chart, sessions=sessions_of(db.session, record.id), names=names_by_id(),
                           venues=VENUE_LABELS, visit_list=visited, lang=current_language(),
                           trend=trend(checklist_of(db.session, record.programme_id), visited)), status or 200
