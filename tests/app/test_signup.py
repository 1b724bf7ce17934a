"""Self-service sign-up (issue 16, item 6): off by default; when a Chamber turns it on, a company
asks for access, a reviewer approves (the organisation matched by tax code, never duplicated)
or declines, and every step mails whom it concerns. On both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import AccessRequest, Invitation, Organisation, OutboxMessage
from tests.conftest import World, sign_in

REQUEST = {"full_name": "Phạm Thu Hà", "email": "ha.pham@giaybinhminh.vn", "name": "Công ty Giày Bình Minh",
           "tax_code": "0312345678", "province_code": "ho-chi-minh", "sector_code": "footwear-leather",
           "workforce_total": "1.200", "workforce_women": "800"}


@pytest.fixture
def signup_on(app: Flask) -> Iterator[None]:
    app.config["SELF_SIGNUP"] = True
    yield
    app.config["SELF_SIGNUP"] = False


def mails(dbs: Session, kind: str) -> list[OutboxMessage]:
    dbs.expire_all()
    return list(dbs.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_sign_up_is_off_unless_a_chamber_turns_it_on(client: FlaskClient, world: World) -> None:
    assert client.get("/auth/request-access").status_code == 404
    assert client.post("/auth/request-access", data=REQUEST).status_code == 404
    assert "/auth/request-access" not in client.get("/auth/login").get_data(as_text=True)


def test_a_company_asks_and_a_reviewer_approves_which_registers_it_and_invites_the_requester(
        app: Flask, client: FlaskClient, world: World, dbs: Session, signup_on: None) -> None:
    assert 'href="/auth/request-access"' in client.get("/auth/login").get_data(as_text=True)
    answer = client.post("/auth/request-access", data=REQUEST)
    assert answer.status_code == 200 and "Đã nhận yêu cầu" in answer.get_data(as_text=True)
    request = dbs.scalars(select(AccessRequest)).one()
    assert (request.tax_code, request.workforce_total, request.status) == ("0312345678", 1200, "pending")
    assert [m.to_address for m in mails(dbs, "access_requested")] == ["reviewer@example.vn"]
    reviewer = sign_in(app.test_client(), world.users["reviewer"])
    page = reviewer.get("/auth/invitations").get_data(as_text=True)
    assert "Công ty Giày Bình Minh" in page and "ha.pham@giaybinhminh.vn" in page
    assert reviewer.post(f"/auth/access-requests/{request.id}/approve").status_code == 302
    company = dbs.scalars(select(Organisation).where(Organisation.tax_code == "0312345678")).one()
    invitation = dbs.scalars(select(Invitation)).one()
    assert (invitation.email, invitation.organisation_id, invitation.role) == (REQUEST["email"], company.id, "hr")
    assert [m.to_address for m in mails(dbs, "invitation")] == [REQUEST["email"]]
    # Decided once: a second reviewer's click (or a double click) changes nothing.
    again = reviewer.post(f"/auth/access-requests/{request.id}/approve", follow_redirects=True)
    assert "đã quyết định" in again.get_data(as_text=True)
    assert dbs.scalar(select(func.count(Invitation.id))) == 1


def test_a_registered_tax_code_is_matched_never_duplicated(app: Flask, client: FlaskClient, world: World,
                                                             dbs: Session, signup_on: None) -> None:
    client.post("/auth/request-access", data={**REQUEST, "tax_code": world.org_a.tax_code, "name": "Ánh Dương"})
    request = dbs.scalars(select(AccessRequest)).one()
    assert mails(dbs, "access_requested")[0].data["registered"] is True
    reviewer = sign_in(app.test_client(), world.users["reviewer"])
    reviewer.post(f"/auth/access-requests/{request.id}/approve")
    assert dbs.scalars(select(Invitation)).one().organisation_id == world.org_a.id
    assert dbs.scalar(select(func.count(Organisation.id))) == 2


def test_a_declined_request_is_told_by_mail_with_the_reason(app: Flask, client: FlaskClient, world: World,
                                                             dbs: Session, signup_on: None) -> None:
    client.post("/auth/request-access", data=REQUEST)
    request = dbs.scalars(select(AccessRequest)).one()
    admin = sign_in(app.test_client(), world.users["admin"])
    admin.post(f"/auth/access-requests/{request.id}/decline", data={"reason": "Mã số thuế không khớp tên."})
    dbs.expire_all()
    assert dbs.get(AccessRequest, request.id).status == "declined"  # type: ignore[union-attr]
    [declined] = mails(dbs, "access_declined")
    assert declined.to_address == REQUEST["email"] and declined.data["reason"] == "Mã số thuế không khớp tên."
    assert dbs.scalar(select(func.count(Organisation.id))) == 2 and dbs.scalar(select(func.count(Invitation.id))) == 0


def test_the_same_answer_for_an_address_with_an_account_and_nothing_written(
        client: FlaskClient, world: World, dbs: Session, signup_on: None) -> None:
    answer = client.post("/auth/request-access", data={**REQUEST, "email": world.users["hr_b"].email})
    assert answer.status_code == 200 and "Đã nhận yêu cầu" in answer.get_data(as_text=True)
    client.post("/auth/request-access", data=REQUEST)
    client.post("/auth/request-access", data=REQUEST)  # asked twice: one request waits
    assert dbs.scalar(select(func.count(AccessRequest.id))) == 1


def test_bad_input_is_refused_with_a_message(client: FlaskClient, world: World, dbs: Session,
                                             signup_on: None) -> None:
    for field, value in (("tax_code", "12345"), ("email", "not-an-address"), ("workforce_women", "5000"),
                         ("province_code", "atlantis")):
        answer = client.post("/auth/request-access", data={**REQUEST, field: value})
        assert answer.status_code == 200 and 'class="error"' in answer.get_data(as_text=True), field
    assert dbs.scalar(select(func.count(AccessRequest.id))) == 0


def test_requests_are_limited_per_client_address(app: Flask, world: World, dbs: Session, signup_on: None) -> None:
    visitor = app.test_client()
    answers = [visitor.post("/auth/request-access", data={**REQUEST, "email": f"a{i}@x.vn"}).status_code
               for i in range(6)]
    assert answers == [200] * 5 + [429]
