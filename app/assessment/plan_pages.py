"""The improvement plan: the PDF download and its preview, adopting actions and editing them."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import EVERYONE, public, roles_required
from app.assessment import bp
from app.assessment.common import colleague_choices, get_own_assessment_or_404, rubric_of
from app.assessment.forms import PlanItemForm
from app.assessment.submission import render_results, submitted_assessment
from app.extensions import db
from app.labels import current_language
from app.requests import service_context
from app.service_errors import message_for
from app.versioned import save_versioned
from assessments.models import PlanItem, Role
from assessments.report.render import ASSETS, EDITIONS, PreviewBar, render_html
from assessments.services import ServiceError
from assessments.services.plan_renders import FAILED, render_status, request_render
from assessments.services.reports import report_of, stored_edition
from assessments.services.self_assessment import adopt_action, update_plan_item
from assessments.text import slug

# --- The PDF improvement plan ---------------------------------------------------------------------


def _edition() -> str:
    edition = request.args.get("edition") or current_language()
    if edition not in EDITIONS:
        abort(404)
    return edition


@bp.route("/<id:assessment_id>/plan.pdf")
@roles_required(*EVERYONE)
def plan_download(assessment_id: int) -> Any:
    """The stored PDF, when it shows what the plan shows now; otherwise a page that asks the job
    worker for it and follows its progress (202). This request never renders: a PDF takes
    seconds, and two at once would hold the server for everyone."""
    assessment = submitted_assessment(assessment_id)
    edition = _edition()
    stored = stored_edition(db.session, assessment, rubric_of(assessment), edition)
    if stored is not None and (stored.current or request.args.get("previous")):
        if request.args.get("wait"):  # the waiting page's last look: say it is ready, then fetch it
            page = make_response(render_template("assessment/plan_ready.html", assessment=assessment,
                                                 edition=edition))
            page.headers["Refresh"] = "0; url=" + url_for("assessment.plan_download", assessment_id=assessment.id,
                                                          edition=edition)
            return page
        stem = _("improvement-plan")  # outside the f-string, where pybabel can find it
        name = f"{stem}-{slug(assessment.organisation.name)}-{assessment.cycle}-{edition}.pdf"
        response = send_file(io.BytesIO(stored.content), mimetype="application/pdf", as_attachment=True,
                             download_name=name, max_age=0)
        response.headers["X-Plan-Current"] = "1" if stored.current else "0"
        return response
    status = render_status(db.session, assessment.id)
    if status is None or (not status.busy and (status.state != FAILED or request.args.get("retry"))):
        # Outdated without anyone's edit (a new sector median, workers' answers) or never made.
        request_render(db.session, assessment.id)
        db.session.commit()
        status = render_status(db.session, assessment.id)
    page = make_response(render_template("assessment/plan_preparing.html", assessment=assessment, edition=edition,
                                         status=status, previous=stored is not None), 202)
    if status is None or status.busy:  # look again shortly (the Refresh header: no script needed)
        page.headers["Refresh"] = "2; url=" + url_for("assessment.plan_download", assessment_id=assessment.id,
                                                      edition=edition, wait=1)
    return page


@bp.route("/<id:assessment_id>/plan/preview")
@roles_required(*EVERYONE)
def plan_preview(assessment_id: int) -> Any:
    """The same HTML the PDF is made from, in the browser."""
    assessment = submitted_assessment(assessment_id)
    edition = _edition()
    report = report_of(db.session, assessment, rubric_of(assessment))
    bar = PreviewBar(back_url=url_for("assessment.results", assessment_id=assessment.id), back=_("Back to the results"),
                     print_label=_("Print"), pdf=_("Download PDF"),
                     pdf_url=url_for("assessment.plan_download", assessment_id=assessment.id, edition=edition))
    return render_html(report, edition, url_for("assessment.report_asset", filename=""),
                       icon_url=url_for("static", filename="favicon.svg"), preview=bar)


@bp.route("/report-assets/<path:filename>")
@public
def report_asset(filename: str) -> Response:
    """The report's stylesheet and fonts, for the preview page (nothing secret)."""
    return send_from_directory(ASSETS, filename, max_age=86400)


@bp.route("/<id:assessment_id>/plan", methods=["POST"])
@roles_required(Role.HR)
def plan_adopt(assessment_id: int) -> Response:
    assessment = get_own_assessment_or_404(assessment_id)
    try:
        adopt_action(db.session, service_context(), assessment, request.form.get("indicator", ""),
                     current_language())
    except ServiceError as error:
        flash(message_for(error.code), "error")
    else:
        flash(_("Action added to your plan."), "success")
    return redirect(url_for("assessment.results", assessment_id=assessment.id) + "#plan")


@bp.route("/<id:assessment_id>/plan/<id:item_id>", methods=["POST"])
@roles_required(Role.HR)
def plan_item(assessment_id: int, item_id: int) -> Response | tuple[str, int]:
    assessment = get_own_assessment_or_404(assessment_id)
    item = db.session.get(PlanItem, item_id)
    if item is None or item.assessment_id != assessment.id:
        abort(404)
    form = PlanItemForm(colleagues=colleague_choices(assessment.organisation_id))
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("assessment.results", assessment_id=assessment.id) + "#plan")
    status = save_versioned(form, lambda: update_plan_item(
        db.session, service_context(), item, assessment.organisation_id, text=form.text.data or "",
        owner=form.owner.data or "", owner_user_id=form.owner_user_id.data, due_date=form.due_date.data,
        status=form.status.data or "",
        expected_version=form.expected_version()), lambda: _saved_plan_item(assessment.id, item_id))
    if status == 409:
        # Someone changed this action since the page was drawn: the page again, with this
        # action's form showing what is saved and what was typed.
        return render_results(assessment, (item_id, form)), 409
    if status is None:
        flash(_("Plan updated."), "success")
    else:
        flash(" ".join(form.form_errors + [str(e) for f in form for e in f.errors]), "error")
    return redirect(url_for("assessment.results", assessment_id=assessment.id) + "#plan")


def _saved_plan_item(assessment_id: int, item_id: int) -> tuple[PlanItem, int, dict[str, Any]]:
    item = db.session.get(PlanItem, item_id)
    if item is None or item.assessment_id != assessment_id:
        abort(404)
    db.session.refresh(item)
    return item, item.version, {}
