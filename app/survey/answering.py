"""The page workers answer on, from the poster's QR code or short address: no account, a small
page with no assets from elsewhere, each answer sent as it is given (static/js/survey.js keeps
unsent answers in the phone and sends them when the connection is back), in Vietnamese first.

Limits against stuffing (README, "The workers' survey"): one response per browser (a cookie holds
the secret that lets it go on with its own answers), responses begun per network address
(SURVEY_BEGIN_LIMIT_PER_ADDRESS), at most as many responses as the company has workers, and,
in a round that uses them, a one-time code to begin. Nothing identifying is stored or logged
with an answer: see assessments/services/surveys.py.

A whole factory shift may open the page within minutes (benchmarks/survey.py), so the page is
drawn once per round, state and language, with slots for the CSRF token, and the phone's own
answers are ticked in that text; the round comes in one SQL statement.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask import abort, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from app.access import public
from app.assessment.question_widgets import Labels, StaticQuestion, widget
from app.extensions import db
from app.labels import current_language
from app.rate_limits import hashed_address, take
from app.service_errors import message_for
from app.survey import bp
from assessments.db import VIET_NAM, today_in_viet_nam
from assessments.services import ServiceError
from assessments.services.surveys import (
    PublicRound,
    RoundState,
    answers_given,
    begin_response,
    last_day,
    response_for,
    round_by_slug,
    round_state,
    save_answers,
)
from rubrics.loader import Rubric, default_registry
from rubrics.schema import Survey

COOKIE = "ffw_survey_"
_NO_LABELS = Labels(*[""] * 15)  # a choice of one draws none of the area page's words
_TOKEN_SLOT = f"csrf-{secrets.token_hex(8)}"  # where each request's CSRF token goes in a drawn page


def _round(slug: str) -> PublicRound:
    try:
        return round_by_slug(db.session, slug)
    except ServiceError:
        abort(404)


def _rubric(found: PublicRound) -> Rubric:
    return default_registry().get(found.rubric_key, found.rubric_version, found.rubric_hash)


def _survey(found: PublicRound) -> Survey:
    survey = _rubric(found).data.survey
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
    asked = [(q.key, q.text.get(lang), options) for q in survey.questions] + [
        (d.key, d.text.get(lang), tuple((str(escape(o.key)), str(escape(o.label.get(lang)))) for o in d.options))
        for d in survey.demographics]
    drawn = []
    for key, text, choices in asked:
        static = StaticQuestion(name=key, heading=str(escape(text)), help_html="", options=choices, unit="",
                                asked_when="", kind=survey.type, allow_not_applicable=False)
        drawn.append((key, static.heading, Markup(widget(survey.type).html(static, None, "", _NO_LABELS))))
    return tuple(drawn)


@lru_cache(maxsize=256)
def _drawn_page(rubric: Rubric, lang: str, slug: str, organisation: str, state: RoundState, opens_on: date,
                last: date, needs_code: bool, done: bool) -> str:
    """The page as every phone in this state sees it, before its own token and answers."""
    survey = rubric.data.survey
    assert survey is not None
    return render_template(
        "survey/answer.html", slug=slug, organisation=organisation, state=state, states=RoundState,
        questions=_questions_html(rubric, lang), asked=len(survey.questions), needs_code=needs_code, error=None,
        done=done, lang=lang, opens_on=opens_on, last_day=last, min_responses=survey.min_responses,
        csrf=_TOKEN_SLOT)


def _with_answers(page: str, given: dict[str, str]) -> str:
    """Tick the phone's saved answers (keys and values the service checked, so safe to look for)."""
    for key, value in given.items():
        page = page.replace(f'name="{key}" value="{value}">', f'name="{key}" value="{value}" checked>', 1)
    return page


def _secret(survey_round: PublicRound) -> str | None:
    return request.cookies.get(COOKIE + survey_round.survey_round.slug)


def _keep_secret(response: Response, found: PublicRound, secret: str) -> Response:
    """The browser keeps the secret until the day after the round's last day, for this round only."""
    slug = found.survey_round.slug
    expires = datetime.combine(last_day(found.survey_round) + timedelta(days=1), time(23, 59), VIET_NAM)
    response.set_cookie(COOKIE + slug, secret, expires=expires, path=f"/s/{slug}", httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _begin(found: PublicRound, code: str | None) -> str:
    if not take(current_app.config["SURVEY_BEGIN_LIMIT_PER_ADDRESS"], "survey-begin", hashed_address()):
        raise ServiceError("too_many_responses_here")
    return begin_response(db.session, found.survey_round, code, today_in_viet_nam())


def _page(found: PublicRound, *, error: str | None = None, status: int = 200, done: bool = False) -> Response:
    survey_round = found.survey_round
    response = response_for(db.session, survey_round, _secret(found))
    given = answers_given(db.session, response) if response is not None else {}
    lang = current_language()
    if error is None:
        page = _drawn_page(_rubric(found), lang, survey_round.slug, found.organisation,
                           round_state(survey_round, today_in_viet_nam()), survey_round.opens_on,
                           last_day(survey_round), survey_round.uses_codes and response is None, done)
    else:  # a refusal's message: drawn for this request alone
        survey = _survey(found)
        page = render_template(
            "survey/answer.html", slug=survey_round.slug, organisation=found.organisation,
            state=round_state(survey_round, today_in_viet_nam()), states=RoundState,
            questions=_questions_html(_rubric(found), lang), asked=len(survey.questions),
            needs_code=survey_round.uses_codes and response is None, error=error, done=False, lang=lang,
            opens_on=survey_round.opens_on, last_day=last_day(survey_round), min_responses=survey.min_responses,
            csrf=_TOKEN_SLOT)
    out = make_response(_with_answers(page, given).replace(_TOKEN_SLOT, generate_csrf()), status)
    out.headers["Cache-Control"] = "no-store"  # a shared phone's back button must not show another's answers
    return out


@bp.route("/s/<slug>")
@public
def answer(slug: str) -> Response:
    found = _round(slug)
    _survey(found)
    return _page(found, done=request.args.get("done") == "1")


@bp.route("/s/<slug>/start", methods=["POST"])
@public
def start(slug: str) -> Response:
    """A round with codes: the worker types the code from their slip."""
    found = _round(slug)
    _survey(found)
    if response_for(db.session, found.survey_round, _secret(found)) is not None:
        return redirect(url_for("survey.answer", slug=slug))
    try:
        secret = _begin(found, request.form.get("code", ""))
    except ServiceError as error:
        db.session.rollback()
        return _page(found, error=message_for(error.code), status=_status(error))
    return _keep_secret(redirect(url_for("survey.answer", slug=found.survey_round.slug)), found, secret)


def _posted_answers(survey: Survey) -> dict[str, str]:
    keys = [q.key for q in survey.questions] + [d.key for d in survey.demographics]
    return {key: request.form.get(key, "")[:80] for key in keys if key in request.form}


def _status(error: ServiceError) -> int:
    return {"survey_closed": 410, "survey_full": 409, "too_many_responses_here": 429}.get(error.code, 422)


def _save(found: PublicRound) -> str | None:
    """Save what was posted, beginning this browser's response first when it has none (a round
    without codes). Returns the new secret when one was made."""
    survey = _survey(found)
    secret = _secret(found)
    made = None
    if response_for(db.session, found.survey_round, secret) is None:
        if found.survey_round.uses_codes:
            raise ServiceError("code_needed")
        secret = made = _begin(found, None)
    save_answers(db.session, survey, found.survey_round, secret, _posted_answers(survey), today_in_viet_nam())
    return made


@bp.route("/s/<slug>/answer", methods=["POST"])
@public
def save_one(slug: str) -> Response:
    """One answer as it is given (the page's script): JSON, so the page can say it is saved."""
    found = _round(slug)
    return _saved(found, lambda: make_response(jsonify(saved=True)),
                  lambda error: make_response(jsonify(saved=False, code=error.code, message=message_for(error.code)),
                                              _status(error)))


@bp.route("/s/<slug>", methods=["POST"])
@public
def send(slug: str) -> Response:
    """The whole page at once: the button at the end, and the way without the script."""
    found = _round(slug)
    return _saved(found, lambda: redirect(url_for("survey.answer", slug=found.survey_round.slug, done=1)),
                  lambda error: _page(found, error=message_for(error.code), status=_status(error)))


def _saved(found: PublicRound, answer: Callable[[], Response],
           refused: Callable[[ServiceError], Response]) -> Response:
    """Save what was posted and answer; a new response's secret goes with the answer."""
    try:
        made = _save(found)
    except ServiceError as error:
        db.session.rollback()
        return refused(error)
    out = answer()
    return _keep_secret(out, found, made) if made else out
