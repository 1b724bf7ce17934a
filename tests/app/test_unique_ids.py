"""Every id on every page is unique: a label tapped belongs to its own field (issue 14 item 6).

Crawls every GET page of the app as each identity the access matrix lets in (the world's
objects fill the URLs), plus the pages that repeat a form: a results page with two adopted plan
actions, and the programmes page with several programmes."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.app.authz_matrix import MATRIX, OK
from tests.conftest import World, sign_in
from tests.support.routes import url_for_rule

ID = re.compile(r"""\sid=["']([^"']+)["']""")


def duplicate_ids(html: str) -> list[str]:
    return sorted(id_ for id_, count in Counter(ID.findall(html)).items() if count > 1)


PAGES = sorted((endpoint, identity) for (endpoint, method), by_identity in MATRIX.items() if method == "GET"
               for identity, expected in by_identity.items() if expected == OK and identity != "anonymous")


@pytest.mark.parametrize(("endpoint", "identity"), PAGES, ids=[f"{e}-{i}" for e, i in PAGES])
def test_no_page_repeats_an_id(app: Flask, client: FlaskClient, world: World, endpoint: str, identity: str) -> None:
    sign_in(client, world.users.get(identity))
    response = client.get(url_for_rule(app, endpoint, world))
    if response.status_code != 200 or response.mimetype != "text/html":
        pytest.skip(f"{response.status_code} {response.mimetype}: not an HTML page")
    assert duplicate_ids(response.get_data(as_text=True)) == []


def test_two_adopted_actions_have_their_own_fields(client: FlaskClient, world: World, dbs: Session) -> None:
    from assessments.simulate import best_answers
    from tests.app.test_assessment import RUBRIC, complete_and_submit

    assessment = complete_and_submit(dbs, world, best_answers(RUBRIC) | {"leave.paternity": "fewer_days",
                                                                        "childcare.support": "occasional"})
    sign_in(client, world.users["hr_a"])
    base = f"/assessments/{assessment.id}"
    for key in ("leave.paternity", "childcare.support"):
        client.post(f"{base}/plan", data={"indicator": key})
    page = client.get(f"{base}/results").get_data(as_text=True)
    assert page.count("Người phụ trách") >= 2
    assert duplicate_ids(page) == []


def test_the_programmes_page_with_several_programmes(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["admin"])
    page = client.get("/parenting/programmes").get_data(as_text=True)
    assert page.count('name="name_vi"') >= 3  # two programmes' topic forms and the new-programme form
    assert duplicate_ids(page) == []
