"""Bad input gets a clear 4xx, never a 500 (issue 12, item 7), on both databases.

First the cases an outside test found, one by one; then every hostile value of
tests/data/bad_inputs.json sent to every form field, every query parameter and every API field
the service has, asserting that nothing answers 5xx."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from assessments.db import today_in_viet_nam
from assessments.models import Assessment, AuditEvent, ReviewNote
from assessments.services import Context
from assessments.services.self_assessment import save_answers, submit
from assessments.simulate import best_answers
from rubrics.loader import default_registry
from tests.conftest import World, sign_in

RUBRIC = default_registry().latest("crbp-vn")
BAD_INPUTS: list[str] = json.loads((Path(__file__).parent.parent / "data" / "bad_inputs.json").read_text())
HUGE = "9223372036854775808"


def submitted(dbs: Session, world: World) -> Assessment:
    assessment = dbs.get(Assessment, world.assessment_a.id)
    ctx = Context(world.users["hr_a"])
    save_answers(dbs, ctx, assessment, RUBRIC, best_answers(RUBRIC))
    submit(dbs, ctx, assessment, RUBRIC, today_in_viet_nam())
    return assessment


@pytest.mark.parametrize("url", ["/organisations/", "/parenting/sessions", "/admin/users", "/admin/audit"])
@pytest.mark.parametrize("page", [HUGE, "100001", "-1", "0", "abc", "1e9", "١", ""])
def test_a_page_number_out_of_range_is_a_400(client: FlaskClient, world: World, url: str, page: str) -> None:
    """Pages are whole numbers from 1 to 100,000 (ASCII digits); a page past the last is empty."""
    sign_in(client, world.users["admin"])
    refused = client.get(f"{url}?page={page}")
    assert refused.status_code == 400 and "Các trang được đánh số từ 1 đến 100.000." in refused.get_data(as_text=True)
    assert client.get(f"{url}?page=2").status_code == 200
    assert client.get(f"{url}?page=100000").status_code == 200


def test_an_area_save_with_a_huge_version_is_a_conflict(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["hr_a"])
    response = client.post(f"/assessments/{world.assessment_a.id}/areas/leave",
                           data={"version": HUGE, "leave__paternity": "per_law"})
    assert response.status_code == 409


def test_a_review_decision_with_a_line_break_in_the_question_is_refused(client: FlaskClient, world: World,
                                                                       dbs: Session) -> None:
    assessment = submitted(dbs, world)
    sign_in(client, world.users["reviewer"])
    response = client.post(f"/review/{assessment.id}/indicator", data={
        "indicator": "leave.paternity\r\nSet-Cookie: x=1", "decision": "accepted", "comment": ""})
    assert response.status_code == 302 and "\n" not in response.headers["Location"]
    assert "x=1" not in response.headers.get("Set-Cookie", "")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không rõ câu hỏi." in page


def test_the_api_refuses_a_number_too_large_to_score(app: Flask, world: World, dbs: Session) -> None:
    from assessments.services.api_tokens import create_api_token

    token = create_api_token(dbs, Context(world.users["hr_a"]), world.users["hr_a"], "test")
    body = ('{"rubric": "crbp-vn", "version": "2026.1", "profile": {}, "answers": {"leave.paternity_uptake": '
            + "1" + "0" * 400 + "}}")
    response = app.test_client().post("/api/v1/score", data=body, content_type="application/json",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["fields"]["answers.leave.paternity_uptake"] == "out_of_range"


@pytest.mark.parametrize("url", ["/organisations/?q=a%00b", "/admin/audit?action=a%00b", "/admin/users?q=a%00b",
                                 "/parenting/sessions?commune=a%00b", "/compare/?q=a%00b"])
def test_a_nul_byte_in_a_query_parameter_is_not_an_error(client: FlaskClient, world: World, url: str) -> None:
    sign_in(client, world.users["admin"])
    assert client.get(url).status_code == 200


def test_control_characters_in_typed_text_are_dropped_everywhere(client: FlaskClient, world: World,
                                                                dbs: Session) -> None:
    """Decided once, for every text input: NUL and the other control characters (except tab and
    line breaks) are removed before any view sees the text."""
    assessment = submitted(dbs, world)
    sign_in(client, world.users["reviewer"])
    response = client.post(f"/review/{assessment.id}/indicator", data={
        "indicator": "leave.paternity", "decision": "queried", "comment": "Thiếu\x00 bằng\x07 chứng\r\ndòng 2"})
    assert response.status_code == 302
    dbs.expire_all()
    note = dbs.query(ReviewNote).filter_by(indicator_key="leave.paternity").one()
    assert note.comment == "Thiếu bằng chứng\r\ndòng 2"
    assert dbs.query(AuditEvent).filter_by(action="review_queried").count() == 1


class _Forms(HTMLParser):
    """The forms of a page: action, method and the names of their fields with a value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "fields": {}})
        elif tag in ("input", "textarea", "select") and self.forms and a.get("name"):
            if a.get("type") in ("submit", "file"):
                return
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value") or "")


def forms_on(page: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


PAGES = {  # who looks at which pages, and the forms on them
    "anonymous": ["/auth/login", "/auth/password/forgot", "/auth/request-access"],
    "hr_a": ["/assessments/", "/assessments/{a}/profile", "/assessments/{a}/areas/leave",
             "/assessments/{a}/areas/workplace", "/assessments/{a}/review", "/auth/password", "/auth/profile",
             "/auth/invitations", "/compare/benchmarks", "/parenting/sessions"],
    "reviewer": ["/organisations/", "/organisations/new", "/organisations/{o}/edit", "/review/", "/compare/",
                 "/compare/benchmarks", "/compare/trends", "/parenting/sessions", "/parenting/", "/auth/invitations"],
    "unicef": ["/parenting/", "/parenting/sessions", "/parenting/sessions/new", "/parenting/sessions/{s}/edit",
               "/parenting/import", "/auth/profile"],
    "admin": ["/admin/users", "/admin/users/new", "/admin/users/{u}/edit", "/admin/audit", "/admin/mail",
              "/auth/invitations", "/parenting/programmes", "/organisations/"],
}


@pytest.fixture
def signup_on(app: Flask) -> Iterator[None]:
    """The self-service sign-up form is on, so that its fields are tried too."""
    app.config["SELF_SIGNUP"] = True
    yield
    app.config["SELF_SIGNUP"] = False


@pytest.mark.parametrize("who", sorted(PAGES))
def test_hostile_values_in_every_field_and_parameter_never_give_a_5xx(app: Flask, world: World, who: str,
                                                                      signup_on: None) -> None:
    """Each form on each page is sent once per hostile value, with that value in every field it
    has (hidden ones too), and each page is asked for with the value in each of its query
    parameters and in its form's field names as query parameters."""
    client = sign_in(app.test_client(), world.users.get(who))
    ids = {"a": world.assessment_a.id, "o": world.org_a.id, "s": world.session_a.id, "u": world.users["hr_b"].id}
    failures = []
    for template in PAGES[who]:
        url = template.format(**ids)
        page = client.get(url)
        assert page.status_code < 500, url
        for form in forms_on(page.get_data(as_text=True)):
            target = form["action"] or url
            if "logout" in target or "/active" in target or "/delete" in target:
                continue  # these change who is signed in or what exists, whatever is posted
            names = [n for n in form["fields"] if n != "csrf_token"]
            for value in BAD_INPUTS:
                data = dict.fromkeys(names, value)
                if form["method"] == "post":
                    response = client.post(target, data=data)
                else:
                    response = client.get(target, query_string=data)
                if response.status_code >= 500:
                    failures.append((form["method"], target, value[:40]))
        for value in BAD_INPUTS[::3]:  # every third: each kind of hostile value, at a third of the cost
            for name in ("page", "q", "sort", "order", "edition", "next", "lang", "cycle", "status"):
                response = client.get(url, query_string={name: value})
                if response.status_code >= 500:
                    failures.append(("get", url, name, value[:40]))
    assert failures == []


def _api_token(app: Flask, world: World) -> str:
    from app.extensions import db
    from assessments.services.api_tokens import create_api_token

    with app.app_context():
        user = db.session.merge(world.users["reviewer"])
        return create_api_token(db.session, Context(user), user, "fuzz")


def test_hostile_values_in_every_api_field_never_give_a_5xx(app: Flask, world: World) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {_api_token(app, world)}"}
    base = {"rubric": "crbp-vn", "version": "2026.1", "date": "2026-11-24",
            "profile": {"workforce_total": 100, "workforce_women": 50}, "answers": {"leave.paternity": "per_law"}}
    failures = []
    hostile: list[Any] = [*BAD_INPUTS, 10**400, -(10**400), 1e308, float("-0"), [], {}, None, True, [[[[]]]]]
    for value in hostile:
        candidates = [
            {**base, "rubric": value}, {**base, "version": value}, {**base, "date": value},
            {**base, "profile": value}, {**base, "answers": value},
            {**base, "profile": {**base["profile"], "workforce_total": value}},
            {**base, "answers": {"leave.paternity": value}}, {**base, "answers": {"leave.paternity_uptake": value}},
            {**base, "answers": {str(value)[:100]: "x"}}, {**base, str(value)[:100]: 1},
        ]
        for body in candidates:
            response = client.post("/api/v1/score", data=json.dumps(body), content_type="application/json",
                                   headers=headers)
            if response.status_code >= 500:
                failures.append(("score", repr(value)[:40]))
        for name in ("province", "sector", "size", "cycle", "status", "band", "page", "per_page"):
            response = client.get("/api/v1/assessments", query_string={name: str(value)}, headers=headers)
            if response.status_code >= 500:
                failures.append(("assessments", name, repr(value)[:40]))
        for path in ("/api/v1/rubrics/" + re.sub(r"[/?#]", "", str(value))[:50] + "/2026.1",):
            if client.get(path, headers=headers).status_code >= 500:
                failures.append(("rubrics", repr(value)[:40]))
    assert failures == []
