"""The organisers' side of the workers' survey: the rounds of an assessment, opening and closing
one, its poster and code sheets, and what workers said (assessments.services.surveys)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import EVERYONE, roles_required
from app.assessment.common import get_visible_assessment_or_404, rubric_of
from app.extensions import db
from app.forms import validated
from app.labels import current_language
from app.requests import service_context
from app.service_errors import message_for, show_on_form
from app.survey import bp
from app.survey.forms import CloseRoundForm, OpenRoundForm
from app.versioned import save_versioned
from assessments.db import today_in_viet_nam
from assessments.models import Assessment, SurveyRound
from assessments.report.survey_papers import RoundPaper
from assessments.report.words import answer_text
from assessments.services import ServiceError
from assessments.services.surveys import (
    SURVEY_ROLES,
    RoundState,
    close_round,
    codes_used,
    may_run_rounds,
    open_round,
    round_state,
    round_view,
    rounds_of,
    stored_paper,
)
from assessments.text import slug as file_slug

DEFAULT_DAYS = 14


def short_url(survey_round: SurveyRound) -> str:
    """The address on the poster: the service's public base address, then /s/<code>."""
    return current_app.config["APP_BASE_URL"].rstrip("/") + url_for("survey.answer", slug=survey_round.slug)


def _round_of(assessment: Assessment, round_id: int) -> SurveyRound:
    found = db.session.get(SurveyRound, round_id)
    if found is None or found.assessment_id != assessment.id:
        abort(404)
    return found


def _organiser_assessment(assessment_id: int) -> Assessment:
    assessment = get_visible_assessment_or_404(assessment_id)
    if not may_run_rounds(current_user, assessment):
        abort(403)
    return assessment


@bp.route("/assessments/<id:assessment_id>/survey", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def rounds(assessment_id: int) -> Any:
    assessment = get_visible_assessment_or_404(assessment_id)
    rubric = rubric_of(assessment)
    today = today_in_viet_nam()
    form = OpenRoundForm(data={"opens_on": today, "closes_on": today + timedelta(days=DEFAULT_DAYS - 1)}
                         if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if not may_run_rounds(current_user, assessment):
            abort(403)
        if form.validate_on_submit():
            try:
                opened = open_round(db.session, service_context(), assessment, rubric,
                                    opens_on=validated(form.opens_on.data), closes_on=validated(form.closes_on.data),
                                    codes=form.codes_wanted(), today=today)
            except ServiceError as error:
                db.session.rollback()
                show_on_form(form, error)
                status = 422
            else:
                make_papers(assessment, opened)
                flash(_("The survey round is open: print the poster and put it up where workers pass."), "success")
                return redirect(url_for("survey.rounds", assessment_id=assessment.id, round=opened.id) + "#round")
        else:
            status = 422
    return _draw(assessment, rubric, form, status=status)


def _hr_labels(values: dict[str, Any], rubric: Any) -> dict[str, str]:
    """HR's answer to each indicator the survey checks, as words in the page's language."""
    lang = current_language()
    survey = rubric.data.survey
    return {q.checks: answer_text(rubric.indicator(q.checks), values.get(q.checks), lang) for q in survey.questions}


def _draw(assessment: Assessment, rubric: Any, form: OpenRoundForm, *, status: int = 200,
          close_form: CloseRoundForm | None = None) -> tuple[str, int]:
    today = today_in_viet_nam()
    survey = rubric.data.survey
    listed = rounds_of(db.session, assessment.id)
    chosen_id = request.args.get("round", type=int)
    chosen = next((r for r in listed if r.id == chosen_id), listed[0] if listed else None)
    split = request.args.get("split") or None
    if survey is not None and split not in {d.key for d in survey.demographics}:
        split = None
    view = round_view(db.session, rubric, chosen, today, split) if chosen is not None and survey else None
    running = any(round_state(r, today) != RoundState.CLOSED for r in listed)
    can_run = may_run_rounds(current_user, assessment)
    return render_template(
        "survey/rounds.html", assessment=assessment, rubric=rubric, survey=survey, rounds=listed, chosen=chosen,
        view=view, split=split, form=form, today=today, states={r.id: round_state(r, today) for r in listed},
        can_open=can_run and not running and assessment.cycle == today.year and survey is not None,
        can_run=can_run, running=running, close_form=close_form or CloseRoundForm(
            data={"version": chosen.version} if chosen else None),
        short_url=short_url, codes_used=codes_used(db.session, chosen) if chosen and chosen.uses_codes else 0,
        hr_labels=_hr_labels(view.hr_answers, rubric) if view else {}, lang=current_language(),
    ), status


@bp.route("/assessments/<id:assessment_id>/survey/<id:round_id>/close", methods=["POST"])
@roles_required(*SURVEY_ROLES)
def close(assessment_id: int, round_id: int) -> Any:
    assessment = _organiser_assessment(assessment_id)
    survey_round = _round_of(assessment, round_id)
    form = CloseRoundForm()
    status = save_versioned(form, lambda: close_round(db.session, service_context(), survey_round,
                                                      form.expected_version(), today_in_viet_nam()),
                            lambda: (survey_round, survey_round.version, {}))
    if status is None:
        flash(_("The round is closed: no one can begin or change an answer any more."), "success")
        return redirect(url_for("survey.rounds", assessment_id=assessment.id, round=survey_round.id))
    db.session.expire_all()
    return _draw(assessment, rubric_of(assessment), OpenRoundForm(formdata=None), status=status,
                 close_form=form)


def _paper(assessment: Assessment, survey_round: SurveyRound) -> RoundPaper:
    survey = rubric_of(assessment).data.survey
    return RoundPaper(organisation=assessment.organisation.name, url=short_url(survey_round),
                      opens_on=survey_round.opens_on, closes_on=survey_round.closes_on,
                      questions=len(survey.questions) if survey else 0, uses_codes=survey_round.uses_codes)


def _paper_download(assessment: Assessment, survey_round: SurveyRound, kind: str, name: str) -> Any:
    """The stored paper; until the job worker has made it, a page that looks again shortly (and
    nudges the worker again: a lost nudge costs a few seconds, never the paper)."""
    content = stored_paper(db.session, survey_round.id, kind)
    if content is not None:
        return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True, download_name=name,
                         max_age=0)
    current_app.extensions["jobs"].make_survey_paper(survey_round.id, kind, _paper(assessment, survey_round))
    page = make_response(render_template("survey/paper_preparing.html", assessment=assessment,
                                         survey_round=survey_round, kind=kind), 202)
    page.headers["Refresh"] = "2"
    return page


def make_papers(assessment: Assessment, survey_round: SurveyRound) -> None:
    """Ask the job worker for the round's papers as soon as it opens."""
    paper = _paper(assessment, survey_round)
    for kind in ("poster", "codes") if survey_round.uses_codes else ("poster",):
        current_app.extensions["jobs"].make_survey_paper(survey_round.id, kind, paper)


@bp.route("/assessments/<id:assessment_id>/survey/<id:round_id>/poster.pdf")
@roles_required(*SURVEY_ROLES)
def poster(assessment_id: int, round_id: int) -> Any:
    assessment = _organiser_assessment(assessment_id)
    survey_round = _round_of(assessment, round_id)
    return _paper_download(assessment, survey_round, "poster",
                           f"khao-sat-{file_slug(assessment.organisation.name)}-{survey_round.slug}.pdf")


@bp.route("/assessments/<id:assessment_id>/survey/<id:round_id>/codes.pdf")
@roles_required(*SURVEY_ROLES)
def codes(assessment_id: int, round_id: int) -> Any:
    assessment = _organiser_assessment(assessment_id)
    survey_round = _round_of(assessment, round_id)
    if not survey_round.uses_codes:
        flash(message_for("round_without_codes"), "error")
        return redirect(url_for("survey.rounds", assessment_id=assessment.id, round=survey_round.id))
    return _paper_download(assessment, survey_round, "codes", f"ma-khao-sat-{survey_round.slug}.pdf")
