"""The page workers answer on, from the poster's QR code or short address: no account, a small
page with no assets from elsewhere, each answer sent as it is given (static/js/survey.js keeps
unsent answers in the phone and sends them when the connection is back), in Vietnamese first.

Limits against stuffing (README, "The workers' survey"): one response per browser (a cookie holds
the secret that lets it go on with its own answers), responses begun per network address
(SURVEY_BEGIN_LIMIT_PER_ADDRESS), at most as many responses as the company has workers, and,
in a round that uses them, a one-time code to begin. Nothing identifying is stored or logged
with an answer: see assessments/services/surveys.py.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache

from flask import abort, current_app, jsonify, make_response, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from app.access import public
from app.assessment.common import rubric_of
from app.assessment.question_widgets import Labels, StaticQuestion, widget
from app.extensions import db
from app.labels import current_language
from app.rate_limits import hashed_address, take
from app.service_errors import message_for
from app.survey import bp
from assessments.db import VIET_NAM, today_in_viet_nam
from assessments.models import SurveyRound
from assessments.services import ServiceError
from assessments.services.surveys import (
    RoundState,
    answers_given,
    begin_response,
    last_day,
    response_for,
    round_by_slug,
    round_state,
    save_answers,
)
from rubrics.loader import Rubric
from rubrics.schema import Survey

COOKIE = "ffw_survey_"
_NO_LABELS = Labels(*[""] * 15)  # a choice of one draws none of the area page's words


def _round(slug: str) -> SurveyRound:
    try:
        return round_by_slug(db.session, slug)
    except ServiceError:
        abort(404)


def _survey(survey_round: SurveyRound) -> Survey:
    survey = rubric_of(survey_round.assessment).data.survey
    if survey is None:
        abort(404)
    return survey


@lru_cache(maxsize=64)
def _questions_html(rubric: Rubric, lang: str) -> tuple[tuple[str, str, Markup], ...]:
    """Each question's key, text and inputs (without a chosen answer), drawn by the question
    type's own widget (the same registry as the self-assessment), for the round's language."""
    survey = rubric.data.survey
    assert survey is not None  # _survey() let only such a round through
    options = tuple((str(escape(a.key)), str(escape(a.label.get(lang)))) for a in survey.answers)
    drawn = []
    for question in survey.questions:
        static = StaticQuestion(name=question.key, heading=str(escape(question.text.get(lang))), help_html="",
                                options=options, unit="", asked_when="", kind=survey.type, allow_not_applicable=False)
        drawn.append((question.key, static.heading, Markup(widget(survey.type).html(static, None, "", _NO_LABELS))))
    for demographic in survey.demographics:
        static = StaticQuestion(
            name=demographic.key, heading=str(escape(demographic.text.get(lang))), help_html="",
            options=tuple((str(escape(o.key)), str(escape(o.label.get(lang)))) for o in demographic.options),
            unit="", asked_when="", kind=survey.type, allow_not_applicable=False)
        drawn.append((demographic.key, static.heading, Markup(widget(survey.type).html(static, None, "", _NO_LABELS))))
    return tuple(drawn)


def _with_answers(html: Markup, key: str, given: dict[str, str]) -> Markup:
    """Tick the worker's saved answer (a value the service checked, so safe to look for)."""
    value = given.get(key)
    if not value:
        return html
    # On the plain text: Markup.replace would escape the quotes of what it looks for.
    return Markup(str(html).replace(f'name="{key}" value="{value}">', f'name="{key}" value="{value}" checked>', 1))


def _secret(survey_round: SurveyRound) -> str | None:
    return request.cookies.get(COOKIE + survey_round.slug)


def _keep_secret(response: Response, survey_round: SurveyRound, secret: str) -> Response:
    """The browser keeps the secret until the day after the round's last day, for this round only."""
    expires = datetime.combine(last_day(survey_round) + timedelta(days=1), time(23, 59), VIET_NAM)
    response.set_cookie(COOKIE + survey_round.slug, secret, expires=expires, path=f"/s/{survey_round.slug}",
                        httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _begin(survey_round: SurveyRound, code: str | None) -> str:
    if not take(current_app.config["SURVEY_BEGIN_LIMIT_PER_ADDRESS"], "survey-begin", hashed_address()):
        raise ServiceError("too_many_responses_here")
    return begin_response(db.session, survey_round, code, today_in_viet_nam())


def _page(survey_round: SurveyRound, survey: Survey, *, error: str | None = None, status: int = 200,
          done: bool = False) -> Response:
    state = round_state(survey_round, today_in_viet_nam())
    response = response_for(db.session, survey_round, _secret(survey_round))
    given = answers_given(db.session, response) if response is not None else {}
    lang = current_language()
    questions = [(key, heading, _with_answers(html, key, given))
                 for key, heading, html in _questions_html(rubric_of(survey_round.assessment), lang)]
    page = render_template(
        "survey/answer.html", survey_round=survey_round, organisation=survey_round.assessment.organisation.name,
        state=state, states=RoundState, questions=questions, asked=len(survey.questions),
        needs_code=survey_round.uses_codes and response is None, error=error, done=done, lang=lang,
        last_day=last_day(survey_round), min_responses=survey.min_responses)
    out = make_response(page, status)
    out.headers["Cache-Control"] = "no-store"  # a shared phone's back button must not show another's answers
    return out


@bp.route("/s/<slug>")
@public
def answer(slug: str) -> Response:
    survey_round = _round(slug)
    return _page(survey_round, _survey(survey_round), done=request.args.get("done") == "1")


@bp.route("/s/<slug>/start", methods=["POST"])
@public
def start(slug: str) -> Response:
    """A round with codes: the worker types the code from their slip."""
    survey_round = _round(slug)
    survey = _survey(survey_round)
    if response_for(db.session, survey_round, _secret(survey_round)) is not None:
        return redirect(url_for("survey.answer", slug=survey_round.slug))
    try:
        secret = _begin(survey_round, request.form.get("code", ""))
    except ServiceError as error:
        db.session.rollback()
        return _page(survey_round, survey, error=message_for(error.code), status=_status(error))
    return _keep_secret(redirect(url_for("survey.answer", slug=survey_round.slug)), survey_round, secret)


def _posted_answers(survey: Survey) -> dict[str, str]:
    keys = [q.key for q in survey.questions] + [d.key for d in survey.demographics]
    return {key: request.form.get(key, "")[:80] for key in keys if key in request.form}


def _status(error: ServiceError) -> int:
    return {"survey_closed": 410, "survey_full": 409, "too_many_responses_here": 429}.get(error.code, 422)


def _save(survey_round: SurveyRound, survey: Survey) -> str | None:
    """Save what was posted, beginning this browser's response first when it has none (a round
    without codes). Returns the new secret when one was made."""
    secret = _secret(survey_round)
    made = None
    if response_for(db.session, survey_round, secret) is None:
        if survey_round.uses_codes:
            raise ServiceError("code_needed")
        secret = made = _begin(survey_round, None)
    save_answers(db.session, survey, survey_round, secret, _posted_answers(survey), today_in_viet_nam())
    return made


@bp.route("/s/<slug>/answer", methods=["POST"])
@public
def save_one(slug: str) -> Response:
    """One answer as it is given (the page's script): JSON, so the page can say it is saved."""
    survey_round = _round(slug)
    survey = _survey(survey_round)
    try:
        made = _save(survey_round, survey)
    except ServiceError as error:
        db.session.rollback()
        return make_response(jsonify(saved=False, code=error.code, message=message_for(error.code)), _status(error))
    out = make_response(jsonify(saved=True))
    return _keep_secret(out, survey_round, made) if made else out


@bp.route("/s/<slug>", methods=["POST"])
@public
def send(slug: str) -> Response:
    """The whole page at once: the button at the end, and the way without the script."""
    survey_round = _round(slug)
    survey = _survey(survey_round)
    try:
        made = _save(survey_round, survey)
    except ServiceError as error:
        db.session.rollback()
        return _page(survey_round, survey, error=message_for(error.code), status=_status(error))
    out = redirect(url_for("survey.answer", slug=survey_round.slug, done=1))
    return _keep_secret(out, survey_round, made) if made else out


