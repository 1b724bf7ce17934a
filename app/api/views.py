"""Rubrics as JSON, and scoring without saving anything."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import g, jsonify, request
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from app.access import api_token_required, can_see_organisation, public
from app.api import bp
from app.api.openapi import openapi_document
from app.compare.filters import filters_from_query
from app.extensions import db
from app.http import json_error
from app.jobs import benchmarks_to_show
from app.rubric_in_use import latest_rubric
from assessments.db import today_in_viet_nam
from assessments.models import Assessment, ParentingSession, Role
from assessments.plan import build_plan
from assessments.provinces import PROVINCES_BY_CODE
from assessments.result import AssessmentResult
from assessments.scoring import score, validate_answers, validate_date, validate_profile
from assessments.sectors import SECTORS_BY_CODE
from assessments.serialize import rubric_summary, rubric_to_dict
from assessments.services.compare import (
    GROUPINGS,
    MIN_GROUP,
    Distribution,
    ListRow,
    list_page,
    trends,
)
from assessments.services.parenting import SessionFilters, filtered
from assessments.services.reviews import history
from assessments.services.self_assessment import answer_values
from rubrics.loader import default_registry

# A full answer set is a few kilobytes; anything near this limit is not a real request.
MAX_BODY_BYTES = 256 * 1024
SCORE_FIELDS = {"rubric", "version", "profile", "answers", "date"}


@bp.before_request
def limit_body_size() -> None:
    request.max_content_length = MAX_BODY_BYTES


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.route("/rubrics")
@api_token_required()
def rubrics() -> Response:
    return jsonify({"rubrics": [rubric_summary(r) for r in default_registry().all()]})


@bp.route("/rubrics/<key>/<version>")
@api_token_required()
def rubric(key: str, version: str) -> Response:
    try:
        found = default_registry().get(key, version)
    except KeyError:
        return json_error(404, "not_found", f"No rubric {key} version {version}.")
    return jsonify(rubric_to_dict(found))


def _read_json_object() -> tuple[dict[str, Any] | None, Response | None]:
    if not request.is_json:
        return None, json_error(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.")
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return None, json_error(400, "malformed_json", "The body is not valid JSON.")
    if not isinstance(body, dict):
        return None, json_error(422, "invalid_input", "The body must be a JSON object.", {"$": "must_be_object"})
    return body, None


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if len(value) == 10 and 2000 <= parsed.year <= 2100 else None


@bp.route("/score", methods=["POST"])
@api_token_required()
def score_answers() -> Response:
    body, problem = _read_json_object()
    if problem is not None:
        return problem
    assert body is not None
    fields = _request_problems(body)
    found = None
    if "rubric" not in fields and "version" not in fields:
        try:
            found = default_registry().get(body["rubric"], body["version"])
        except KeyError:
            fields["version"] = "unknown_rubric_version"
    if found is not None and "profile" not in fields and "answers" not in fields:
        body["profile"] = _whole_numbers_as_integers(body["profile"])
        # Report every problem at once: the request's shape and its content.
        fields |= validate_profile(found, body["profile"]) | validate_answers(found, body.get("answers", {}))
    if found is not None and "date" not in fields:
        fields |= validate_date(found, _score_date(body))
    if fields or found is None:
        message = "Some fields are missing, of the wrong type or do not fit the rubric."
        if fields.get("date") == "before_legal_basis" and found is not None:
            message += (f" {found.key} {found.version} judges dates from {found.data.judges_from}: before it, "
                        "the law it cites was not in force.")
        return json_error(422, "invalid_input", message, fields)
    card = score(found, body["profile"], body.get("answers", {}), _score_date(body))
    return jsonify(AssessmentResult.of(card, build_plan(found, card), found).to_dict())


def _whole_numbers_as_integers(profile: dict[str, Any]) -> dict[str, Any]:
    """JSON has one number type: 3000.0 is the integer 3000, as JSON Schema (and the OpenAPI document) says."""
    return {key: int(value) if isinstance(value, float) and value.is_integer() else value
            for key, value in profile.items()}


def _request_problems(body: dict[str, Any]) -> dict[str, str]:
    fields = {key: "unknown_field" for key in body if key not in SCORE_FIELDS}
    for key in ("rubric", "version"):
        if not isinstance(body.get(key), str):
            fields[key] = "required_string"
    if not isinstance(body.get("profile"), dict):
        fields["profile"] = "required_object"
    if not isinstance(body.get("answers", {}), dict):
        fields["answers"] = "must_be_object"
    if "date" in body and _parse_date(body["date"]) is None:
        fields["date"] = "must_be_date_yyyy_mm_dd"
    return fields


def _score_date(body: dict[str, Any]) -> date:
    # Without a date, score under the law in force today in Viet Nam (UTC+7), not the server's day.
    given = _parse_date(body["date"]) if "date" in body else None
    return given or today_in_viet_nam()


# --- Assessments ------------------------------------------------------------------------------------

MAX_PER_PAGE = 200


def _assessment_item(row: ListRow) -> dict[str, Any]:
    return {
        "id": row.assessment_id,
        "organisation": {"id": row.organisation_id, "name": row.name, "province": row.province_code,
                         "sector": row.sector_code, "workforce": row.workforce},
        "cycle": row.cycle, "status": row.status, "percent": row.percent, "band": row.band,
        "areas": row.areas, "legal_gaps": row.gaps,
    }


@bp.route("/assessments")
@api_token_required()
def assessments() -> Response:
    filters, problems = filters_from_query(request.args, g.api_user)
    page_arg, per_page_arg = request.args.get("page", "1"), request.args.get("per_page", "50")
    if not (page_arg.isdigit() and 1 <= int(page_arg) <= 1_000_000):
        problems["page"] = "not_a_page_number"
    if not (per_page_arg.isdigit() and 1 <= int(per_page_arg) <= MAX_PER_PAGE):
        problems["per_page"] = f"from_1_to_{MAX_PER_PAGE}"
    if problems:
        return json_error(400, "invalid_query", "Some query parameters are not valid.", problems)
    rubric = latest_rubric()
    page = list_page(db.session, filters, page=int(page_arg), per_page=int(per_page_arg),
                     area_keys=[a.key for a in rubric.areas])
    return jsonify({"items": [_assessment_item(r) for r in page.rows], "page": page.page,
                    "per_page": page.per_page, "total": page.total})


@bp.route("/assessments/<id:assessment_id>")
@api_token_required()
def assessment_detail(assessment_id: int) -> Response:
    user = g.api_user
    found = db.session.get(Assessment, assessment_id)
    result = None if found is None else found.result
    if found is None or result is None or not can_see_organisation(user, found.organisation_id):
        return json_error(404, "not_found", f"No submitted assessment {assessment_id} for this token.")
    organisation = found.organisation
    return jsonify({
        "id": found.id, "cycle": found.cycle, "status": found.status, "percent": found.percent, "band": found.band,
        "organisation": {"id": organisation.id, "name": organisation.name, "province": organisation.province_code,
                         "sector": organisation.sector_code, "workforce": organisation.workforce_total},
        "rubric": {"key": found.rubric_key, "version": found.rubric_version, "content_hash": found.rubric_hash},
        "profile": found.profile, "answers": answer_values(db.session, found.id),
        **result.to_dict(),
    })


# --- What analysts asked for: benchmarks, trends, parenting sessions, review history -----------


def _distribution(found: Distribution | None) -> dict[str, Any] | None:
    """A group's scores, or None when it is too small to show (no organisation can be recognised)."""
    if found is None or not found.shown:
        return None
    return {"organisations": found.count, "q1": _rounded(found.q1), "median": _rounded(found.median),
            "q3": _rounded(found.q3)}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _grouping_problems() -> dict[str, str]:
    problems = {}
    if request.args.get("by", "sector") not in GROUPINGS:
        problems["by"] = "must_be_sector_or_province"
    cycle = request.args.get("cycle")
    if cycle is not None and not (cycle.isdigit() and 2000 <= int(cycle) <= 2100):
        problems["cycle"] = "must_be_a_year"
    return problems


@bp.route("/benchmarks")
@api_token_required()
def benchmarks_api() -> Response:
    """Per sector or province: quartiles of the overall and each area's score, and the share of
    organisations with each legal gap; groups under the minimum size are left out."""
    problems = _grouping_problems()
    if problems:
        return json_error(400, "invalid_query", "Some query parameters are not valid.", problems)
    by = request.args.get("by", "sector")
    shown = benchmarks_to_show(by, int(request.args["cycle"]) if "cycle" in request.args else None)
    result, cycle = shown.result, shown.result.cycle
    rubric = latest_rubric()
    groups = []
    for group in sorted(result.groups):
        overall = _distribution(result.areas.get((group, "")))
        if overall is None:
            continue
        groups.append({"group": group, "overall": overall,
                       "areas": {a.key: _distribution(result.areas.get((group, a.key))) for a in rubric.areas},
                       "legal_gap_shares": {k: round(v, 3) for (g_, k), v in result.gap_shares.items() if g_ == group}})
    return jsonify({"by": by, "cycle": cycle, "min_group": MIN_GROUP, "groups": groups,
                    "as_of": shown.made_at.isoformat() if shown.made_at else None,
                    "updating": shown.refresh and shown.made_at is not None})


@bp.route("/trends")
@api_token_required()
def trends_api() -> Response:
    """The overall score of one sector or province, cycle by cycle."""
    problems = _grouping_problems()
    by, value = request.args.get("by", "sector"), request.args.get("value", "")
    if value not in SECTORS_BY_CODE and value not in PROVINCES_BY_CODE:
        problems["value"] = "unknown_sector_or_province"
    if problems:
        return json_error(400, "invalid_query", "Some query parameters are not valid.", problems)
    known = SECTORS_BY_CODE if by == "sector" else PROVINCES_BY_CODE
    # A code of the other kind (a province with by=sector) names no group of this kind: no cycles.
    found = trends(db.session, by, value).items() if value in known else []
    cycles = [{"cycle": cycle, "overall": _distribution(scores)} for cycle, scores in found]
    return jsonify({"by": by, "value": value, "min_group": MIN_GROUP, "cycles": cycles})


SESSION_PAGE = 200
MAX_ID = 2**31 - 1  # ids are INTEGER columns: a larger number is no id (PostgreSQL would refuse it)


def _any_date(value: str) -> date | None:
    """A filter's date: any valid YYYY-MM-DD (a far date simply matches nothing)."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


@bp.route("/parenting/sessions")
@api_token_required()
def parenting_sessions_api() -> Response:
    """Parenting sessions, newest first; an HR token sees its own workplace's only."""
    args, problems = request.args, {}
    user = g.api_user
    province = args.get("province", "")
    if province and province not in PROVINCES_BY_CODE:
        problems["province"] = "unknown_province"
    dates = {name: _any_date(args[name]) for name in ("from", "to") if name in args}
    problems |= {name: "must_be_date_yyyy_mm_dd" for name, value in dates.items() if value is None}
    programme = args.get("programme", "")
    if programme and not (programme.isdigit() and 1 <= int(programme) <= MAX_ID):  # an INTEGER column
        problems["programme"] = "must_be_a_number"
    page_arg = args.get("page", "1")
    if not (page_arg.isdigit() and 1 <= int(page_arg) <= 100_000):
        problems["page"] = "not_a_page_number"
    if problems:
        return json_error(400, "invalid_query", "Some query parameters are not valid.", problems)
    filters = SessionFilters(province_code=province or None, programme_id=int(programme) if programme else None,
                             organisation_id=user.organisation_id if user.role == Role.HR else None,
                             date_from=dates.get("from"), date_to=dates.get("to"))
    query = filtered(filters).options(selectinload(ParentingSession.programme), selectinload(ParentingSession.topics))
    page = int(page_arg)
    records = db.session.scalars(query.order_by(ParentingSession.session_date.desc(), ParentingSession.id.desc())
                                 .limit(SESSION_PAGE).offset((page - 1) * SESSION_PAGE)).all()
    return jsonify({"page": page, "per_page": SESSION_PAGE, "items": [{
        "id": s.id, "date": s.session_date.isoformat(), "programme": s.programme.key,
        "topics": [t.key for t in s.topics], "duration_minutes": s.duration_minutes, "venue_type": s.venue_type,
        "organisation_id": s.organisation_id, "province": s.province_code, "commune": s.commune, "shift": s.shift,
        "participants": {"total": s.participants_total, "female": s.participants_female,
                         "male": s.participants_male, "ethnic_minority": s.ethnic_minority,
                         "internal_migrants": s.internal_migrants}} for s in records]})


@bp.route("/assessments/<id:assessment_id>/reviews")
@api_token_required()
def assessment_reviews(assessment_id: int) -> Response:
    """Every decision of the review loop on a submitted assessment, oldest first."""
    user = g.api_user
    found = db.session.get(Assessment, assessment_id)
    if found is None or found.status == "draft" or not can_see_organisation(user, found.organisation_id):
        return json_error(404, "not_found", f"No submitted assessment {assessment_id} for this token.")
    return jsonify({"assessment": found.id, "status": found.status, "history": [{
        "at": note.at.isoformat(), "decision": note.decision, "indicator": note.indicator_key, "comment": note.comment,
        "by_role": note.author.role if note.author else None} for note in history(db.session, found.id)]})
