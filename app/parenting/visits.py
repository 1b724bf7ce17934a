"""Supportive supervision visits (UNICEF officers and admins): record one with the programme's
checklist, list them, and change one (assessments.services.supervision)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.access import PARENTING_EDITORS, roles_required
from app.extensions import db
from app.forms import as_choices
from app.labels import current_language
from app.parenting import bp
from app.parenting.common import current_filters, fill_place_choices, names_by_id, programme_choices, programme_list
from app.parenting.forms import VENUE_LABELS, VisitForm
from app.requests import service_context
from app.service_errors import attempt
from app.versioned import save_versioned
from assessments.db import today_in_viet_nam
from assessments.models import Facilitator, SupervisionVisit
from assessments.services.supervision import record_visit, update_visit, visits
from assessments.supervision import SCORES, load_checklists


def _form(visit: SupervisionVisit | None = None) -> VisitForm:
    form = VisitForm(obj=visit)
    form.programme_id.choices = programme_choices(visit.programme_id if visit else None)
    facilitators = [f for f in db.session.scalars(select(Facilitator).order_by(Facilitator.full_name))
                    if f.active or (visit and f.id == visit.facilitator_id)]
    form.facilitator_id.choices = as_choices([(None, _("None")), *((f.id, f.full_name) for f in facilitators)])
    fill_place_choices(form, visit.venue_id if visit is not None else None)
    if request.method == "GET" and visit is None:
        form.venue_id.data = request.args.get("venue_id", type=int)
    if visit is not None and request.method == "GET":
        form.version.data = str(visit.version)
    return form


def _posted_scores() -> dict[str, int]:
    """The checklist's scores as posted: a value other than 1-4 is kept as 0, so the service
    refuses it with its reason rather than it being dropped unseen."""
    scores = {}
    for name, value in request.form.items():
        if name.startswith("score-") and value:
            scores[name[len("score-"):][:60]] = int(value) if value in {str(s) for s in SCORES} else 0
    return scores


def _page(form: VisitForm, visit: SupervisionVisit | None, scores: dict[str, int], status: int) -> tuple[str, int]:
    checklists = load_checklists()
    return render_template("parenting/visit_form.html", form=form, visit=visit, scores=scores,
                           programmes=programme_list(), checklists=checklists, lang=current_language(),
                           scale=SCORES), status


@bp.route("/visits")
@roles_required(*PARENTING_EDITORS)
def visit_list() -> str:
    filters = current_filters()
    return render_template("parenting/visits.html", listed=visits(
        db.session, facilitator_id=filters.facilitator_id, province_code=filters.province_code,
        programme_id=filters.programme_id), names=names_by_id(), venues=VENUE_LABELS)


@bp.route("/visits/new", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def visit_new() -> Any:
    form = _form()
    if request.method == "GET":
        form.visit_date.data = today_in_viet_nam()
        form.facilitator_id.data = request.args.get("facilitator", type=int)
    scores = _posted_scores() if request.method == "POST" else {}
    if form.validate_on_submit():
        ok, visit = attempt(form, lambda: record_visit(db.session, service_context(), form.to_data(scores),
                                                       today_in_viet_nam()))
        if ok and visit is not None:
            flash(_("Visit recorded."), "success")
            return redirect(url_for("parenting.facilitator_detail", facilitator_id=visit.facilitator_id)
                            if visit.facilitator_id else url_for("parenting.visit_list"))
    return _page(form, None, scores, 422 if request.method == "POST" else 200)


@bp.route("/visits/<id:visit_id>", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def visit_edit(visit_id: int) -> Any:
    visit = db.session.get(SupervisionVisit, visit_id)
    if visit is None:
        abort(404)
    form = _form(visit)
    scores = _posted_scores() if request.method == "POST" else dict(visit.scores)
    status = 200
    if form.validate_on_submit():
        result = save_versioned(form, lambda: update_visit(db.session, service_context(), visit, form.to_data(scores),
                                                           expected_version=form.expected_version(),
                                                           today=today_in_viet_nam()),
                                lambda: (visit, visit.version, {}))
        if result is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("parenting.visit_list"))
        status = result
        if result == 409:
            scores = dict(visit.scores)
    elif request.method == "POST":
        status = 422
    return _page(form, visit, scores, status)
