"""The OpenAPI 3.1 description of /api/v1 (a test checks it names every API route)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for

from app.rubric_in_use import latest_rubric
from assessments.provinces import PROVINCES
from assessments.result import FORMAT as RESULT_FORMAT
from assessments.sectors import SECTORS
from rubrics.loader import Rubric, default_registry
from rubrics.question_types import question_type
from rubrics.schema import NOT_APPLICABLE, Indicator

ERROR = {"$ref": "#/components/schemas/Error"}
TEXT = {"$ref": "#/components/schemas/Text"}


def _error_responses(*codes: int) -> dict[str, Any]:
    reasons = {400: "Malformed JSON", 401: "Missing or invalid token", 403: "Role not allowed", 404: "Not found",
               413: "Body larger than 256 KB", 415: "Not JSON", 422: "Invalid input; `fields` names each field"}
    return {str(c): {"description": reasons[c], "content": {"application/json": {"schema": ERROR}}} for c in codes}


def _province_codes() -> list[str]:
    return [p.code for p in PROVINCES]


def _sector_codes() -> list[str]:
    return [s.code for s in SECTORS]


def _band_keys() -> list[str]:
    rubric = latest_rubric()
    return [rubric.data.gap_band.key, *(b.key for b in rubric.data.bands)]


def _profile_schema(rubric: Rubric) -> dict[str, Any]:
    """The profile a rubric version requires, field by field (the API refuses a profile missing one)."""
    properties: dict[str, Any] = {}
    for spec in rubric.data.profile:
        if spec.type == "boolean":
            properties[spec.key] = {"type": "boolean"}
        else:
            bounds = {name: value for name, value in (("minimum", spec.minimum), ("maximum", spec.maximum))
                      if value is not None}
            properties[spec.key] = {"type": "integer", **bounds}
    return {"type": "object", "description": f"Every profile field {rubric.version} declares",
            "required": [spec.key for spec in rubric.data.profile], "properties": properties,
            "additionalProperties": False}


def _answer_schema(indicator: Indicator) -> dict[str, Any]:
    """What the engine accepts as the answer to one indicator: its question type says."""
    schema = question_type(indicator.type).json_schema(indicator)
    if indicator.allow_not_applicable:
        schema = {"anyOf": [schema, {"const": NOT_APPLICABLE}]}
    return {**schema, "description": f"{indicator.code}: {indicator.text.en}"}


def _alternatives(values: range, width: int) -> str:
    return "(" + "|".join(f"{value:0{width}d}" for value in values) + ")"


def _date_pattern(judges_from: date | None) -> str:
    """ISO dates from the rubric's first judging day (else 2000) to the end of 2100, as the API reads them."""
    start = judges_from or date(2000, 1, 1)
    later_years = _alternatives(range(start.year + 1, 2101), 4) + r"-\d{2}-\d{2}"
    later_months = f"{start.year}-" + _alternatives(range(start.month + 1, 13), 2) + r"-\d{2}" \
        if start.month < 12 else None
    later_days = f"{start.year}-{start.month:02d}-" + _alternatives(range(start.day, 32), 2)
    return "^(" + "|".join(part for part in (later_days, later_months, later_years) if part) + ")$"


def _score_request_schema(rubric: Rubric) -> dict[str, Any]:
    """One rubric version's request: its profile, its indicators' answers and its dates."""
    judges_from = rubric.data.judges_from
    return {
        "type": "object", "title": f"{rubric.key} {rubric.version}", "required": ["rubric", "version", "profile"],
        "additionalProperties": False,
        "properties": {
            "rubric": {"const": rubric.key},
            "version": {"const": rubric.version},
            "profile": _profile_schema(rubric),
            "answers": {
                "type": "object", "additionalProperties": False,
                "description": "Indicator key to answer. Questions that do not apply or are not asked are "
                               "ignored; unanswered required questions make the card incomplete.",
                "properties": {ind.key: _answer_schema(ind) for area in rubric.areas for ind in area.indicators}},
            "date": {"type": "string", "format": "date", "pattern": _date_pattern(judges_from),
                     "description": "The law in force on this day applies; default today in Viet Nam"
                                    + (f". From {judges_from}: before it, the law the rubric cites was not in force"
                                       if judges_from else "")},
        }}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Family-friendly workplaces API",
            "version": "1",
            "description": "Rubrics and scoring for Viet Nam's family-friendly workplace assessment. Authenticate "
                           "with a personal token (`flask users token EMAIL`) as `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": url_for("api.openapi", _external=True).rsplit("/openapi.json", 1)[0]}],
        "security": [{"bearer": []}],
        "paths": {
            "/rubrics": {"get": {
                "summary": "Published rubrics",
                "responses": {"200": {"description": "Every published rubric version", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "rubrics": {"type": "array", "items": {"$ref": "#/components/schemas/RubricSummary"}}}}}}},
                    **_error_responses(401, 403)},
            }},
            "/rubrics/{key}/{version}": {"get": {
                "summary": "One rubric in full: areas, indicators, options, thresholds, legal references",
                "parameters": [
                    {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "The rubric file as JSON, with its content hash",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              **_error_responses(401, 403, 404)},
            }},
            "/score": {"post": {
                "summary": "Score answers and build the improvement plan, without saving anything",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ScoreRequest"}}}},
                "responses": {"200": {"description": "Score card and plan", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ScoreResponse"}}}},
                    **_error_responses(400, 401, 403, 413, 415, 422)},
            }},
            "/assessments": {"get": {
                "summary": "Submitted and verified assessments: each organisation's latest (or a chosen cycle)",
                "description": "Reviewer, UNICEF and admin tokens see every organisation; HR tokens only "
                               "their own. Sorted by overall score, best first.",
                "parameters": [
                    {"name": "province", "in": "query", "schema": {"enum": _province_codes()},
                     "description": "Province code (2025 map), e.g. ha-noi"},
                    {"name": "sector", "in": "query", "schema": {"enum": _sector_codes()},
                     "description": "Sector code"},
                    {"name": "size", "in": "query", "schema": {"enum": ["lt200", "200-999", "1000-4999", "5000+"]}},
                    {"name": "cycle", "in": "query", "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
                    {"name": "status", "in": "query", "schema": {"enum": ["submitted", "verified"]}},
                    {"name": "band", "in": "query", "schema": {"enum": _band_keys()}},
                    {"name": "page", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}},
                    {"name": "per_page", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
                ],
                "responses": {"200": {"description": "One page of assessments", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/AssessmentItem"}},
                        "page": {"type": "integer"}, "per_page": {"type": "integer"},
                        "total": {"type": "integer"}}}}}},
                    **_error_responses(400, 401)},
            }},
            "/assessments/{assessment_id}": {"get": {
                "summary": "One submitted assessment: profile, answers, score card and plan",
                "parameters": [{"name": "assessment_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "The assessment", "content": {"application/json": {
                    "schema": {"type": "object"}}}}, **_error_responses(401, 404)},
            }},
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/benchmarks": {"get": {
                "summary": "Quartiles of the overall and area scores, and legal-gap shares, per sector or province",
                "parameters": [{"name": "by", "in": "query", "schema": {"enum": ["sector", "province"]}},
                               {"name": "cycle", "in": "query",
                                "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}],
                "responses": {"200": {"description": "Groups large enough to show (`min_group`). The figures are "
                                                     "made in the background when scores change: `as_of` says "
                                                     "when, and `updating` is true while newer ones are made"},
                              **_error_responses(400, 401)},
            }},
            "/trends": {"get": {
                "summary": "The overall score of one sector or province, cycle by cycle",
                "parameters": [{"name": "by", "in": "query", "schema": {"enum": ["sector", "province"]}},
                               {"name": "value", "in": "query", "required": True,
                                "schema": {"enum": [*_sector_codes(), *_province_codes()]},
                                "description": "Sector or province code (a code of the other kind has no cycles)"}],
                "responses": {"200": {"description": "One entry per cycle; `overall` is null under `min_group`"},
                              **_error_responses(400, 401)},
            }},
            "/parenting/sessions": {"get": {
                "summary": "Parenting sessions, newest first (an HR token: its own workplace's)",
                "parameters": [{"name": "province", "in": "query", "schema": {"enum": _province_codes()}},
                               {"name": "programme", "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}},
                               {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                               {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
                               {"name": "page", "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": 100000}}],
                "responses": {"200": {"description": "Up to 200 sessions per page"}, **_error_responses(400, 401)},
            }},
            "/assessments/{assessment_id}/reviews": {"get": {
                "summary": "The review history of a submitted assessment, oldest first",
                "parameters": [{"name": "assessment_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": {"description": "Every decision: query, accept, reply, return, verify"},
                              **_error_responses(401, 404)},
            }},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "AssessmentItem": {"type": "object", "properties": {
                    "id": {"type": "integer"},
                    "organisation": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"}, "province": {"type": "string"},
                        "sector": {"type": "string"}, "workforce": {"type": "integer"}}},
                    "cycle": {"type": "integer"}, "status": {"enum": ["submitted", "verified"]},
                    "percent": {"type": ["number", "null"]}, "band": {"type": ["string", "null"]},
                    "areas": {"type": "object", "additionalProperties": {"type": ["number", "null"]}},
                    "legal_gaps": {"type": "integer"}}},
                "Text": {"type": "object", "required": ["vi", "en"],
                         "properties": {"vi": {"type": "string"}, "en": {"type": "string"}}},
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"},
                               "description": "Field path (e.g. answers.leave.paternity) to reason code"}}},
                "RubricSummary": {"type": "object", "properties": {
                    "key": {"type": "string"}, "version": {"type": "string"}, "content_hash": {"type": "string"},
                    "published": {"type": "string", "format": "date"}, "title": TEXT,
                    "indicators": {"type": "integer"}}},
                "ScoreRequest": {
                    "description": "One published rubric version and answers to its indicators",
                    "oneOf": [_score_request_schema(rubric) for rubric in default_registry().all()]},
                "ScoreResponse": {"type": "object", "required": ["format", "scorecard", "plan"], "properties": {
                    "format": {"type": "integer", "const": RESULT_FORMAT,
                               "description": "The shape of this result; a later one raises it (submitted "
                                              "assessments carry the result as recorded, in the same shape)"},
                    "scorecard": {"$ref": "#/components/schemas/ScoreCard"},
                    "plan": {"type": "object", "properties": {"actions": {"type": "array", "items": {
                        "$ref": "#/components/schemas/PlanAction"}}}}}},
                "ScoreCard": {"type": "object", "required": [
                    "rubric", "date", "percent", "band", "complete", "missing", "unknowns", "legal_gaps", "areas",
                    "indicators"], "properties": {
                    "date": {"type": "string", "format": "date"},
                    "percent": {"type": ["number", "null"], "description": "null while nothing is answered"},
                    "band": {"description": "null until the card is complete",
                             "oneOf": [{"type": "null"}, {"type": "object", "required": ["key", "label"],
                                                          "properties": {"key": {"enum": _band_keys()},
                                                                         "label": TEXT}}]},
                    "complete": {"type": "boolean"},
                    "missing": {"type": "array", "items": {"type": "string"},
                                "description": "Keys of required questions still to answer"},
                    "unknowns": {"type": "array", "items": {"type": "string"},
                                 "description": "Keys of questions answered 'we do not know': to find out"},
                    "legal_gaps": {"type": "array", "items": {"type": "object", "required": [
                        "indicator", "code", "area", "references"]}},
                    "areas": {"type": "array", "items": {"type": "object", "required": [
                        "key", "percent", "answered", "applicable", "missing", "legal_gaps"], "properties": {
                        "key": {"type": "string"}, "percent": {"type": ["number", "null"]},
                        "answered": {"type": "integer"}, "applicable": {"type": "integer"},
                        "missing": {"type": "integer"}, "legal_gaps": {"type": "integer"}}}},
                    "indicators": {"type": "array", "items": {"type": "object", "required": [
                        "key", "area", "status", "level", "max_level", "legal_gap"]}}}},
                "PlanAction": {"type": "object", "properties": {
                    "priority": {"type": "integer"}, "kind": {"enum": ["legal", "check", "next_step"]},
                    "code": {"type": "string"}, "text": TEXT, "owner": {"type": "string"},
                    "time_frame": {"type": "string"}, "effort": {"type": "integer"},
                    "expected_gain": {"type": "number"}}},
            },
        },
    }
