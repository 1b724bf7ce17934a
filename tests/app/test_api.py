"""The JSON API: tokens, rubrics, scoring, and errors that name the field (never a 500)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from assessments.models import ApiToken, AuditEvent, Role
from assessments.services import Context
from assessments.services.accounts import set_active
from assessments.services.api_tokens import create_api_token, revoke_api_token, user_for_token
from tests.assessments.test_scoring import PROFILE
from tests.conftest import World, app_config, sign_in

SCORE = {"rubric": "crbp-vn", "version": "2026.1", "date": "2026-11-24", "profile": PROFILE,
         "answers": {"leave.paternity": "below_law", "breastfeeding.lactation_room": "none"}}


def token_for(dbs: Session, world: World, identity: str) -> str:
    return create_api_token(dbs, Context(None), world.users[identity], "test")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_score(client: FlaskClient, token: str, body: Any) -> Any:
    return client.post("/api/v1/score", json=body, headers=auth(token))


@pytest.mark.parametrize("identity", ["hr_a", "reviewer", "unicef", "admin"])
def test_every_role_can_read_rubrics_and_score(client: FlaskClient, dbs: Session, world: World,
                                               identity: str) -> None:
    token = token_for(dbs, world, identity)
    listing = client.get("/api/v1/rubrics", headers=auth(token)).get_json()
    assert [(r["key"], r["version"], r["indicators"]) for r in listing["rubrics"]] == [
        ("crbp-vn", "2026.1", 53), ("crbp-vn", "2026.2", 56)]
    assert post_score(client, token, SCORE).status_code == 200


def test_rubric_in_full(client: FlaskClient, dbs: Session, world: World) -> None:
    token = token_for(dbs, world, "reviewer")
    response = client.get("/api/v1/rubrics/crbp-vn/2026.1", headers=auth(token))
    body = response.get_json()
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert len(body["content_hash"]) == 64
    a8 = next(i for a in body["areas"] for i in a["indicators"] if i["code"] == "A8")
    assert a8["legal"] == ["lc2019_139_5", "si2014_34_2", "si2024_53_2"]
    assert body["legal_references"]["si2014_34_2"]["effective_to"] == "2025-06-30"
    assert "Nghỉ" in response.get_data(as_text=True)  # UTF-8, not \\u escapes
    missing = client.get("/api/v1/rubrics/crbp-vn/1999.9", headers=auth(token))
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_score_returns_card_and_plan_and_saves_nothing(client: FlaskClient, dbs: Session, world: World) -> None:
    token = token_for(dbs, world, "hr_a")
    events_before = len(dbs.scalars(select(AuditEvent)).all())
    body = post_score(client, token, SCORE).get_json()
    card, plan = body["scorecard"], body["plan"]
    assert card["band"] is None  # two answers: an incomplete card is not banded, its gaps still show
    assert card["legal_basis"] == {"law_in_force_on": "2026-11-24", "fines_for": "individual"}  # 2026.1's fines
    assert [g["code"] for g in card["legal_gaps"]] == ["A8", "B5"]
    a8 = card["legal_gaps"][0]
    assert {(r["article"], r["clause"]) for r in a8["references"]} == {("139", "5"), ("53", "2")}
    assert not card["complete"] and "leave.maternity_policy" in card["missing"]
    assert [a["code"] for a in plan["actions"][:2]] == ["A8", "B5"]
    assert plan["actions"][0]["kind"] == "legal" and plan["actions"][0]["text"]["en"]
    dbs.expire_all()
    assert len(dbs.scalars(select(AuditEvent)).all()) == events_before


def test_date_decides_which_law_applies(client: FlaskClient, dbs: Session, world: World) -> None:
    token = token_for(dbs, world, "hr_a")
    old = post_score(client, token, {**SCORE, "date": "2025-06-30"}).get_json()["scorecard"]["legal_gaps"][0]
    assert {(r["article"], r["clause"]) for r in old["references"]} == {("139", "5"), ("34", "2")}


@pytest.mark.parametrize(("change", "fields"), [
    ({"answers": {"leave.nonsense": "x"}}, {"answers.leave.nonsense": "unknown_indicator"}),
    ({"answers": {"leave.paternity": "maybe"}}, {"answers.leave.paternity": "unknown_option"}),
    ({"answers": {"leave.paternity": 5}}, {"answers.leave.paternity": "must_be_option_key"}),
    ({"answers": {"leave.social_insurance_enrolment": 250}},
     {"answers.leave.social_insurance_enrolment": "out_of_range"}),
    ({"answers": {"leave.social_insurance_enrolment": "1e309"}},
     {"answers.leave.social_insurance_enrolment": "must_be_number"}),
    ({"profile": {**PROFILE, "workforce_women": "many"}}, {"profile.workforce_women": "must_be_integer"}),
    ({"profile": {}}, {f"profile.{k}": "required" for k in PROFILE}),
    ({"profile": None}, {"profile": "required_object"}),
    ({"answers": []}, {"answers": "must_be_object"}),
    ({"date": "2024-02-30"}, {"date": "must_be_date_yyyy_mm_dd"}),
    ({"date": "24/11/2026"}, {"date": "must_be_date_yyyy_mm_dd"}),
    ({"version": "9.9"}, {"version": "unknown_rubric_version"}),
    ({"rubric": 7}, {"rubric": "required_string"}),
    ({"score": 100, "answers": {"leave.paternity": "maybe"}},
     {"score": "unknown_field", "answers.leave.paternity": "unknown_option"}),
])
def test_invalid_input_is_422_naming_every_field(client: FlaskClient, dbs: Session, world: World,
                                                 change: dict[str, Any], fields: dict[str, str]) -> None:
    response = post_score(client, token_for(dbs, world, "hr_a"), {**SCORE, **change})
    assert response.status_code == 422
    assert response.get_json()["fields"] == fields


@pytest.mark.parametrize(("data", "content_type", "status", "error"), [
    ("{bad json", "application/json", 400, "malformed_json"),
    ("[" * 100_000 + "]" * 100_000, "application/json", 400, "malformed_json"),
    ("[1, 2]", "application/json", 422, "invalid_input"),
    ("rubric=crbp-vn", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ('{"answers": "' + "x" * 300_000 + '"}', "application/json", 413, "request_entity_too_large"),
])
def test_malformed_bodies_get_a_json_error(client: FlaskClient, dbs: Session, world: World, data: str,
                                           content_type: str, status: int, error: str) -> None:
    response = client.post("/api/v1/score", data=data, content_type=content_type,
                           headers=auth(token_for(dbs, world, "hr_a")))
    assert response.status_code == status
    assert response.get_json()["error"] == error


def test_missing_wrong_revoked_and_deactivated_tokens_are_401(client: FlaskClient, dbs: Session,
                                                              world: World) -> None:
    token = token_for(dbs, world, "hr_a")
    assert client.get("/api/v1/rubrics", headers=auth(token)).status_code == 200
    for headers in ({}, auth("ffw_not-a-real-token"), {"Authorization": f"Basic {token}"}, auth(token + "x")):
        response = client.get("/api/v1/rubrics", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    stored = dbs.scalar(select(ApiToken))
    revoke_api_token(dbs, Context(world.users["admin"]), stored)
    assert client.get("/api/v1/rubrics", headers=auth(token)).status_code == 401

    other = token_for(dbs, world, "reviewer")
    set_active(dbs, Context(world.users["admin"]), world.users["reviewer"], False)
    assert client.get("/api/v1/rubrics", headers=auth(other)).status_code == 401


def test_a_signed_in_browser_session_does_not_open_the_api(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["admin"])
    assert client.get("/dashboard").status_code == 200
    assert client.get("/api/v1/rubrics").status_code == 401
    assert client.post("/api/v1/score", json=SCORE).status_code == 401


def test_only_the_tokens_hash_is_stored_and_use_is_recorded(dbs: Session, world: World) -> None:
    token = token_for(dbs, world, "unicef")
    stored = dbs.scalar(select(ApiToken))
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert user_for_token(dbs, token).id == world.users["unicef"].id
    first_use = stored.last_used_at
    assert first_use is not None
    user_for_token(dbs, token, now=first_use + timedelta(seconds=10))
    assert stored.last_used_at == first_use  # not a write per request
    user_for_token(dbs, token, now=first_use + timedelta(minutes=2))
    assert stored.last_used_at > first_use


def test_unknown_api_path_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_openapi_describes_every_api_route(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    described = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == described
    for _path, operations in document["paths"].items():
        for operation in operations.values():
            for response in operation["responses"].values():
                ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
                if ref:
                    assert ref.rsplit("/", 1)[1] in document["components"]["schemas"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
), merge=st.booleans())
def test_any_json_body_gets_an_answer_never_a_500(database_url: str, engine: object, clean_db: None,
                                                   body: Any, merge: bool) -> None:
    app = _fuzz_app(database_url)
    if merge and isinstance(body, dict):
        body = {**SCORE, **body}
    response = app.test_client().post("/api/v1/score", data=json.dumps(body), content_type="application/json",
                                      headers=auth(_FUZZ["token"]))
    assert response.status_code in (200, 400, 422), (body, response.get_data(as_text=True))


_FUZZ: dict[str, Any] = {}


def _fuzz_app(database_url: str) -> Flask:
    """One app and token per database for the whole fuzz run (Hypothesis calls the test many times)."""
    if _FUZZ.get("url") != database_url:
        app = create_app(app_config(database_url))
        from app.extensions import db
        from tests.conftest import add_user, delete_all_rows

        with app.app_context():
            delete_all_rows(db.engine)
            user = add_user(db.session, "fuzz@example.vn", Role.REVIEWER)
            db.session.commit()
            token = create_api_token(db.session, Context(None), user, "fuzz")
        _FUZZ.update(url=database_url, app=app, token=token)
    return _FUZZ["app"]


def test_assessments_list_and_detail_by_role(client: FlaskClient, dbs: Session, world: World) -> None:
    from assessments.simulate import best_answers
    from tests.app.test_assessment import RUBRIC, complete_and_submit
    from tests.conftest import add_assessment, add_organisation

    mine = complete_and_submit(dbs, world, best_answers(RUBRIC))
    other_org = add_organisation(dbs, "Công ty Hải Phòng", "0311111111", province="hai-phong", sector="seafood")
    other = add_assessment(dbs, other_org, mine.cycle)
    from assessments.services import Context
    from assessments.services.self_assessment import save_answers, submit

    save_answers(dbs, Context(world.users["admin"]), other, RUBRIC, best_answers(RUBRIC))
    submit(dbs, Context(world.users["admin"]), other, RUBRIC, mine.submitted_at.date())
    reviewer = auth(token_for(dbs, world, "reviewer"))
    listing = client.get("/api/v1/assessments?per_page=1", headers=reviewer).get_json()
    assert (listing["total"], listing["per_page"], len(listing["items"])) == (2, 1, 1)
    seafood = client.get("/api/v1/assessments?sector=seafood", headers=reviewer).get_json()
    assert [i["organisation"]["name"] for i in seafood["items"]] == ["Công ty Hải Phòng"]
    assert set(seafood["items"][0]["areas"]) == {a.key for a in RUBRIC.areas}
    bad = client.get("/api/v1/assessments?sector=nowhere&per_page=500&cycle=abc", headers=reviewer)
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"sector", "per_page", "cycle"}
    detail = client.get(f"/api/v1/assessments/{other.id}", headers=reviewer).get_json()
    assert detail["scorecard"]["percent"] == 100 and detail["answers"]["leave.paternity"]

    hr = auth(token_for(dbs, world, "hr_a"))
    own = client.get("/api/v1/assessments", headers=hr).get_json()
    assert [i["id"] for i in own["items"]] == [mine.id]
    assert client.get("/api/v1/assessments?sector=seafood", headers=hr).get_json()["items"] == []
    assert client.get(f"/api/v1/assessments/{other.id}", headers=hr).status_code == 404
    assert client.get(f"/api/v1/assessments/{mine.id}", headers=hr).status_code == 200
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/assessments", "/assessments/{assessment_id}"} <= set(paths)


@pytest.mark.parametrize(("date", "status"), [("2020-12-31", 422), ("2021-01-01", 200)])
def test_a_date_before_the_rubrics_legal_basis_is_refused_with_a_reason(client: FlaskClient, dbs: Session,
                                                                        world: World, date: str, status: int) -> None:
    """2026.2 judges from 1 January 2021 (the Labour Code 2019): an earlier date has no law to judge by."""
    token = token_for(dbs, world, "hr_a")
    body = {**SCORE, "version": "2026.2", "date": date, "answers": {"leave.paternity": "fewer_days"}}
    response = post_score(client, token, body)
    assert response.status_code == status
    if status == 422:
        assert response.get_json()["fields"] == {"date": "before_legal_basis"}
        assert "judges dates from 2021-01-01" in response.get_json()["message"]


def test_a_wrong_method_names_the_allowed_ones(client: FlaskClient, dbs: Session, world: World) -> None:
    """Issue 14 item 19: a 405 without `Allow` leaves a client guessing (RFC 9110 requires it)."""
    token = token_for(dbs, world, "hr_a")
    response = client.delete("/api/v1/score", headers=auth(token))
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert response.get_json()["error"] == "method_not_allowed"


def test_the_openapi_document_declares_what_the_api_checks(client: FlaskClient, dbs: Session, world: World) -> None:
    """Issue 14 item 19: allowed values as enums, the profile's fields as required."""
    from rubrics.loader import default_registry

    token = token_for(dbs, world, "hr_a")
    document = client.get("/api/v1/openapi.json", headers=auth(token)).get_json()
    rubric = default_registry().latest("crbp-vn")
    band = next(p for p in document["paths"]["/assessments"]["get"]["parameters"] if p["name"] == "band")
    assert set(band["schema"]["enum"]) == {rubric.data.gap_band.key, *(b.key for b in rubric.data.bands)}
    requests = document["components"]["schemas"]["ScoreRequest"]["oneOf"]
    assert [(r["properties"]["rubric"]["const"], r["properties"]["version"]["const"]) for r in requests] == [
        (found.key, found.version) for found in default_registry().all()]
    latest = next(r for r in requests if r["properties"]["version"]["const"] == rubric.version)
    profile = latest["properties"]["profile"]
    assert set(profile["required"]) == {f.key for f in rubric.data.profile}
    assert profile["properties"]["remote_area"] == {"type": "boolean"}
    assert profile["properties"]["workforce_women"]["type"] == "integer"
    # Each indicator's answer, as the engine accepts it (issue 14 item 19: POST /score is fuzzed too).
    answers = latest["properties"]["answers"]
    assert set(answers["properties"]) == {ind.key for ind in rubric.indicators()}
    assert answers["additionalProperties"] is False
    multi = next(ind for ind in rubric.indicators() if ind.type == "multi_choice"
                 and any(o.exclusive for o in ind.options))
    assert answers["properties"][multi.key]["items"] == {"enum": [o.key for o in multi.options]}
    assert answers["properties"][multi.key]["anyOf"][1] == {"not": {"contains": {"enum": [
        o.key for o in multi.options if o.exclusive]}}}
    assert latest["properties"]["date"]["pattern"].startswith(f"^({rubric.data.judges_from:%Y-%m}-")


def test_a_whole_number_written_with_a_decimal_point_is_an_integer(client: FlaskClient, dbs: Session,
                                                                    world: World) -> None:
    """JSON has one number type: the fuzzer's 3000.0 for an integer field fits the document, so it is scored."""
    body: dict[str, Any] = {**SCORE, "profile": {**PROFILE, "workforce_total": 3000.0, "workforce_women": 1200.0}}
    response = client.post("/api/v1/score", json=body, headers=auth(token_for(dbs, world, "hr_a")))
    assert response.status_code == 200, response.get_json()
    body["profile"]["workforce_women"] = 1200.5
    response = client.post("/api/v1/score", json=body, headers=auth(token_for(dbs, world, "hr_a")))
    assert response.get_json()["fields"] == {"profile.workforce_women": "must_be_integer"}


def test_the_endpoints_analysts_asked_for(client: FlaskClient, dbs: Session, world: World) -> None:
    """Issue 14 item 19: benchmarks, trends, parenting sessions, and the review history."""
    from assessments.services import Context
    from assessments.services.reviews import decide_indicator, return_to_company
    from rubrics.loader import default_registry
    from tests.app.test_review_compare import submitted

    assessment = submitted(dbs, world)
    analyst, hr, other = (token_for(dbs, world, who) for who in ("reviewer", "hr_a", "hr_b"))
    bench = client.get("/api/v1/benchmarks?by=sector", headers=auth(analyst)).get_json()
    assert bench["by"] == "sector" and bench["groups"] == []  # one company: too small to show
    assert client.get("/api/v1/benchmarks?by=colour", headers=auth(analyst)).get_json()["fields"] == {
        "by": "must_be_sector_or_province"}
    trend = client.get(f"/api/v1/trends?by=sector&value={world.org_a.sector_code}", headers=auth(analyst)).get_json()
    assert [c["overall"] for c in trend["cycles"]] == [None]  # suppressed under the minimum group
    assert client.get("/api/v1/trends?by=sector&value=nowhere", headers=auth(analyst)).status_code == 400
    reviewer = Context(world.users["reviewer"])
    decide_indicator(dbs, reviewer, assessment, default_registry().latest("crbp-vn"), "leave.paternity", "queried",
                     "Gửi bảng chấm công")
    return_to_company(dbs, reviewer, assessment, "Vui lòng bổ sung")
    history = client.get(f"/api/v1/assessments/{assessment.id}/reviews", headers=auth(hr)).get_json()
    assert [n["decision"] for n in history["history"]] == ["queried", "returned"]
    assert history["history"][0]["comment"] == "Gửi bảng chấm công" and history["history"][0]["by_role"] == "reviewer"
    assert client.get(f"/api/v1/assessments/{assessment.id}/reviews", headers=auth(other)).status_code == 404
    sessions = client.get("/api/v1/parenting/sessions", headers=auth(analyst)).get_json()["items"]
    assert {s["id"] for s in sessions} >= {world.session_a.id}
    own = client.get("/api/v1/parenting/sessions", headers=auth(other)).get_json()["items"]
    assert all(s["organisation_id"] == world.org_b.id for s in own)
    assert client.get("/api/v1/parenting/sessions?from=2026-13-01", headers=auth(analyst)).status_code == 400


def test_an_id_too_large_for_the_database_is_a_400_not_a_500(client: FlaskClient, dbs: Session, world: World) -> None:
    """Found by the OpenAPI fuzzer on PostgreSQL: an INTEGER column refuses 9213981172."""
    token = token_for(dbs, world, "reviewer")
    response = client.get("/api/v1/parenting/sessions?programme=9213981172", headers=auth(token))
    assert response.status_code == 400 and response.get_json()["fields"] == {"programme": "must_be_a_number"}
