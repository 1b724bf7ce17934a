"""Programmes and their topics and DHIS2 identifiers (admins)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import roles_required
from app.extensions import db
from app.forms import with_unique_ids
from app.parenting import bp
from app.parenting.common import programme_list
from app.parenting.forms import DeleteForm, ProgrammeForm, ProgrammeRulesForm
from app.requests import service_context
from app.service_errors import attempt, message_for
from app.versioned import save_versioned
from assessments.models import Programme, Role
from assessments.services import ServiceError
from assessments.services.parenting import add_topic, create_programme, set_programme_active, set_programme_rules

# --- Programmes (admins) -----------------------------------------------------------------------


@bp.route("/programmes", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def programmes() -> Any:
    form = ProgrammeForm()
    if form.validate_on_submit():
        ok, _unused = attempt(form, lambda: create_programme(db.session, service_context(), form.name_vi.data or "",
                                                             form.name_en.data or ""))
        if ok:
            flash(_("Programme added."), "success")
            return redirect(url_for("parenting.programmes"))
    return _programmes_page(form)


def _programmes_page(form: ProgrammeForm, rules_form: tuple[int, ProgrammeRulesForm] | None = None) -> str:
    programmes = programme_list()
    rules_forms = {p.id: with_unique_ids(rules_form[1] if rules_form and rules_form[0] == p.id
                                         else ProgrammeRulesForm.for_programme(p), f"rules-{p.id}-")
                   for p in programmes}
    # One form per programme, each with ids of its own (the labels of one programme's topic form
    # must not point at another's fields).
    topic_forms = {p.id: with_unique_ids(ProgrammeForm(formdata=None), f"topic-{p.id}-") for p in programmes}
    toggle_forms = {p.id: with_unique_ids(DeleteForm(), f"toggle-{p.id}-") for p in programmes}
    return render_template("parenting/programmes.html", form=form, programmes=programmes,
                           topic_forms=topic_forms, toggle_forms=toggle_forms, rules_forms=rules_forms)


@bp.route("/programmes/<id:programme_id>/rules", methods=["POST"])
@roles_required(Role.ADMIN)
def programme_rules(programme_id: int) -> Any:
    programme = db.get_or_404(Programme, programme_id)
    form = ProgrammeRulesForm.for_programme(programme, request.form)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: set_programme_rules(
            db.session, service_context(), programme, form.dhis2_data_element.data or "",
            form.sessions_to_complete.data, form.expected_version()),
            lambda: _saved_programme(programme_id))
        if status is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("parenting.programmes") + f"#programme-{programme_id}")
    return _programmes_page(ProgrammeForm(formdata=None), (programme_id, form)), status or 200


def _saved_programme(programme_id: int) -> tuple[Programme, int, dict[str, Any]]:
    programme = db.get_or_404(Programme, programme_id)
    db.session.refresh(programme)
    return programme, programme.version, {}


@bp.route("/programmes/<id:programme_id>/topics", methods=["POST"])
@roles_required(Role.ADMIN)
def programme_topic(programme_id: int) -> Any:
    programme = db.get_or_404(Programme, programme_id)
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            add_topic(db.session, service_context(), programme, form.name_vi.data or "", form.name_en.data or "")
        except ServiceError as error:
            db.session.rollback()
            flash(message_for(error.code), "error")
        else:
            flash(_("Topic added."), "success")
    else:
        flash(_("Give the topic a name in Vietnamese and in English."), "error")
    return redirect(url_for("parenting.programmes"))


@bp.route("/programmes/<id:programme_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def programme_active(programme_id: int) -> Any:
    programme = db.get_or_404(Programme, programme_id)
    set_programme_active(db.session, service_context(), programme, request.form.get("active") == "1")
    return redirect(url_for("parenting.programmes"))
