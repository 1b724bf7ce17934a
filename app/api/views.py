"""Rubrics as JSON, and scoring without saving anything."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import jsonify, request
from werkzeug.wrappers import Response

from app.access import api_token_required, public
from app.api import bp
from app.api.openapi import openapi_document
from app.http import json_error
from assessments.db import today_in_viet_nam
from assessments.plan import build_plan
from assessments.scoring import score, validate_answers, validate_profile
from assessments.serialize import plan_to_dict, rubric_summary, rubric_to_dict, scorecard_to_dict
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
    if fields or found is None:
        return json_error(422, "invalid_input", "Some fields are missing, of the wrong type or do not fit the "
                          "rubric.", fields)
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
