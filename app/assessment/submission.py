"""Review before submitting, replies to the Chamber's queries, moving to a newer rubric version,
submitting, and the results page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import EVERYONE, roles_required
from app.assessment import bp
from app.assessment.common import (
    colleague_choices,
    get_own_assessment_or_404,
    get_visible_assessment_or_404,
    journey,
    navigation_of,
    rubric_of,
)
from app.assessment.forms import MoveForm, PlanItemForm, ReplyForm
from app.extensions import db
from app.forms import with_unique_ids
from app.labels import current_language
from app.requests import service_context
from app.service_errors import message_for
from assessments.db import today_in_viet_nam
from assessments.migrate import NoMigration, migration_between
from assessments.models import Assessment, Role
from assessments.report.data import MIN_BENCHMARK_GROUP
from assessments.report.render import EDITIONS
from assessments.services import ServiceError
from assessments.services.plan_renders import render_status
from assessments.services.reports import plan_items_of, report_of
from assessments.services.reviews import open_queries, reply_to_query, returned_notice
from assessments.services.self_assessment import (
    answers_of,
    evidence_by_indicator,
    move_to_rubric,
    submit,
    unconfirmed_copies,
)
from assessments.services.teams import assignments, hr_team
from assessments.services.versions import parse_version
from rubrics.loader import Rubric, default_registry

# --- Review, submit, results -------------------------------------------------------------------


@bp.route("/<id:assessment_id>/review")
@roles_required(*EVERYONE)
def review(assessment_id: int) -> Any:
    assessment = get_visible_assessment_or_404(assessment_id)
    rubric = rubric_of(assessment)
    if assessment.profile_confirmed_at is None and assessment.editable:
        return redirect(url_for("assessment.profile", assessment_id=assessment.id))
    navigation = navigation_of(assessment, rubric)
    values = answers_of(assessment)
    change = assessment.rubric_change or {}
    to_answer = [key for key in change.get("to_answer", []) if key not in values and rubric.has_indicator(key)
                 and (navigation["card"] is None or navigation["card"].result(key).status == "unanswered")]
    newer = newer_rubric(assessment) if current_user.role == Role.HR else None
    notice = returned_notice(db.session, assessment)
    copies = unconfirmed_copies(db.session, assessment.id, navigation["card"]) if (
        assessment.editable and navigation["card"] is not None) else []
    return render_template("assessment/review.html", assessment=assessment, rubric=rubric, values=values,
                           copies=copies,
                           evidence=evidence_by_indicator(db.session, assessment.id), newer=newer,
                           move_form=MoveForm(target=newer.version if newer else "", version=assessment.version),
                           moved_from=change.get("from"), to_answer=to_answer,
                           notices=[notice] if notice else [],
                           threads=open_queries(db.session, assessment.id) if notice else {},
                           can_reply=notice is not None and current_user.role == Role.HR,
                           assigned=assignments(db.session, assessment.id),
                           team=hr_team(db.session, assessment.organisation_id)
                           if assessment.editable and current_user.role == Role.HR else [],
                           **navigation, **journey(assessment, rubric, navigation["progress"], "review"))


@bp.route("/<id:assessment_id>/replies", methods=["POST"])
@roles_required(Role.HR)
def reply(assessment_id: int) -> Response:
    """The company's reply to the Chamber's query on one question."""
    assessment = get_own_assessment_or_404(assessment_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(message_for("reply_required"), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id) + "#queries")
    rubric = rubric_of(assessment)
    key = form.indicator.data or ""
    anchor = f"#reply-{key.replace('.', '__')}" if rubric.has_indicator(key) else "#queries"
    try:
        reply_to_query(db.session, service_context(), assessment, key, form.comment.data or "")
    except ServiceError as error:
        flash(message_for(error.code), "error")
    else:
        flash(_("Reply sent to the Chamber."), "success")
    return redirect(url_for("assessment.review", assessment_id=assessment.id) + anchor)


def newer_rubric(assessment: Assessment) -> Rubric | None:
    """The latest version of the assessment's rubric when it is newer and declares how a draft
    moves to it (a draft or returned assessment only)."""
    if not assessment.editable:
        return None
    latest = default_registry().latest(assessment.rubric_key)
    if latest.version == assessment.rubric_version:
        return None
    try:
        migration_between(rubric_of(assessment), latest)
    except NoMigration:
        return None
    return latest


@bp.route("/<id:assessment_id>/move", methods=["POST"])
@roles_required(Role.HR)
def move_rubric(assessment_id: int) -> Response:
    assessment = get_own_assessment_or_404(assessment_id)
    form = MoveForm()
    target = newer_rubric(assessment)
    if not form.validate_on_submit() or target is None or form.target.data != target.version:
        flash(message_for("no_way_to_move"), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id))
    try:
        moved = move_to_rubric(db.session, service_context(), assessment, rubric_of(assessment), target,
                               parse_version(form.version.data))
    except ServiceError as error:
        # No fields to compare here: a version conflict means the page is out of date.
        flash(message_for("changed_since_opened" if error.code == "edited_by_someone_else" else error.code), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id))
    flash(_("Moved to version %(version)s of the questionnaire: %(kept)d answers kept, %(count)d questions to "
            "answer (listed below).", version=target.version, kept=len(moved.answers), count=len(moved.to_answer)),
          "success")
    return redirect(url_for("assessment.review", assessment_id=assessment.id))


@bp.route("/<id:assessment_id>/submit", methods=["POST"])
@roles_required(Role.HR)
def submit_assessment(assessment_id: int) -> Response | str:
    """Submitting locks the answers: the first post shows what will be submitted (score, band,
    legal gaps) and asks to confirm; only a post with confirm=yes submits."""
    assessment = get_own_assessment_or_404(assessment_id)
    rubric = rubric_of(assessment)
    if request.form.get("confirm") != "yes":
        if not assessment.editable:
            flash(message_for("not_editable"), "error")
            return redirect(url_for("assessment.review", assessment_id=assessment.id))
        navigation = navigation_of(assessment, rubric)
        return render_template("assessment/confirm_submit.html", assessment=assessment, rubric=rubric,
                               bands={b.key: b for b in [rubric.data.gap_band, *rubric.data.bands]},
                               **navigation, **journey(assessment, rubric, navigation["progress"], "review"))
    try:
        submit(db.session, service_context(), assessment, rubric, today_in_viet_nam())
    except ServiceError as error:
        flash(message_for(error.code), "error")
        return redirect(url_for("assessment.review", assessment_id=assessment.id))
    flash(_("Assessment submitted. Your answers are now frozen."), "success")
    return redirect(url_for("assessment.results", assessment_id=assessment.id))


def submitted_assessment(assessment_id: int) -> Assessment:
    """The assessment, once submitted. Before that it has no results and no plan: the user is
    sent to the review page (what is missing, and the submit button) with a word why."""
    assessment = get_visible_assessment_or_404(assessment_id)
    if not assessment.submitted:
        flash(_("Results and the improvement plan are ready once the assessment is submitted."), "info")
        abort(redirect(url_for("assessment.review", assessment_id=assessment.id)))
    return assessment


@bp.route("/<id:assessment_id>/results")
@roles_required(*EVERYONE)
def results(assessment_id: int) -> Any:
    return render_results(submitted_assessment(assessment_id))


def render_results(assessment: Assessment, item_form: tuple[int, PlanItemForm] | None = None) -> str:
    """The results page, drawn from the same report data as the PDF. `item_form`: one plan
    action's form as it was sent back (a conflict)."""
    rubric = rubric_of(assessment)
    plan_items = plan_items_of(db.session, assessment)
    report = report_of(db.session, assessment, rubric, every_answer=False,  # the page links to them instead
                       plan_items=plan_items)
    items = {i.indicator_key: i for i in plan_items}
    colleagues = colleague_choices(assessment.organisation_id) if current_user.role == Role.HR else []
    forms = {k: with_unique_ids(item_form[1] if item_form and item_form[0] == v.id
                                else PlanItemForm(obj=v, colleagues=colleagues), f"item-{v.id}-")
             for k, v in items.items()}
    return render_template("assessment/results.html", assessment=assessment, report=report,
                           items=items, item_forms=forms, min_group=MIN_BENCHMARK_GROUP,
                           can_edit=current_user.role == Role.HR, lang=current_language(), editions=EDITIONS,
                           plan_status=render_status(db.session, assessment.id))
