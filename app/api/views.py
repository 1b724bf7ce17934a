"""Rubrics as JSON, and scoring without saving anything."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import g, jsonify, request
from werkzeug.wrappers import Response

from app.access import api_token_required, public
from app.api import bp
from app.api.openapi import openapi_document
from app.compare.filters import filters_from_query
from app.extensions import db
from app.http import json_error
from assessments.db import today_in_viet_nam
from assessments.models import Assessment, Role
from assessments.plan import build_plan
from assessments.scoring import score, validate_answers, validate_date, validate_profile
from assessments.serialize import plan_to_dict, rubric_summary, rubric_to_dict, scorecard_to_dict
from assessments.services.compare import ListRow, list_page
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
    return jsonify({"scorecard": scorecard_to_dict(card, found), "plan": plan_to_dict(build_plan(found, card))})


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
    return _parse_date(body["date"]) if "date" in body else today_in_viet_nam()  # type: ignore[return-value]


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
    rubric = default_registry().latest("crbp-vn")
    page = list_page(db.session, filters, page=int(page_arg), per_page=int(per_page_arg),
                     area_keys=[a.key for a in rubric.areas])
    return jsonify({"items": [_assessment_item(r) for r in page.rows], "page": page.page,
                    "per_page": page.per_page, "total": page.total})


@bp.route("/assessments/<id:assessment_id>")
@api_token_required()
def assessment_detail(assessment_id: int) -> Response:
    user = g.api_user
    found = db.session.get(Assessment, assessment_id)
    if found is None or found.result is None or (user.role == Role.HR
                                                 and found.organisation_id != user.organisation_id):
        return json_error(404, "not_found", f"No submitted assessment {assessment_id} for this token.")
    organisation = found.organisation
    return jsonify({
        "id": found.id, "cycle": found.cycle, "status": found.status, "percent": found.percent, "band": found.band,
        "organisation": {"id": organisation.id, "name": organisation.name, "province": organisation.province_code,
                         "sector": organisation.sector_code, "workforce": organisation.workforce_total},
        "rubric": {"key": found.rubric_key, "version": found.rubric_version, "content_hash": found.rubric_hash},
        "profile": found.profile, "answers": answer_values(db.session, found.id),
        "scorecard": found.result["scorecard"], "plan": found.result["plan"],
    })
