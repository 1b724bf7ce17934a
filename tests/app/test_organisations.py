"""Organisations: validation next to the field, tenant isolation, search, audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assessments.models import AuditEvent, Organisation
from tests.conftest import MARKER_B, World, add_organisation, database_fingerprint, reload, sign_in

BAD_INPUTS = json.loads((Path(__file__).parent.parent / "data" / "bad_inputs.json").read_text())

VALID = {
    "name": "Công ty TNHH Hạnh Phúc",
    "tax_code": "0312345678",
    "province_code": "lam-dong",
    "sector_code": "seafood",
    "workforce_total": "1.250",
    "workforce_women": "900",
    "address": "Phan Thiết, Lâm Đồng",
    "former_province": "",
}


def post_new(client: FlaskClient, **changes: str):
    return client.post("/organisations/new", data={**VALID, **changes})


def test_reviewer_creates_an_organisation(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["reviewer"])
    response = post_new(client)
    assert response.status_code == 302
    org = dbs.scalar(select(Organisation).where(Organisation.tax_code == "0312345678"))
    assert org is not None
    assert (org.name, org.workforce_total, org.workforce_women) == ("Công ty TNHH Hạnh Phúc", 1250, 900)
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.object_type == "organisation",
                                                AuditEvent.action == "create"))
    assert event.actor_id == world.users["reviewer"].id
    assert event.organisation_id == org.id
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Công ty TNHH Hạnh Phúc" in detail and "Lâm Đồng" in detail and "1.250" in detail


def test_the_province_before_the_merger_is_chosen_among_those_absorbed(client: FlaskClient, world: World,
                                                                       dbs: Session) -> None:
    """Issue 14 item 18: Phan Thiết was in Bình Thuận, now part of Lâm Đồng; the form groups the former
    provinces under the merged one, refuses one the province did not absorb, and the page shows it."""
    sign_in(client, world.users["reviewer"])
    form = client.get("/organisations/new").get_data(as_text=True)
    assert '<optgroup label="Lâm Đồng">' in form and '<option value="Bình Thuận">Bình Thuận</option>' in form
    refused = post_new(client, former_province="Hải Dương")
    assert refused.status_code == 200
    assert "Tỉnh cũ này không thuộc tỉnh/thành đã chọn." in refused.get_data(as_text=True)
    assert post_new(client, former_province="Bình Thuận").status_code == 302
    org = dbs.scalar(select(Organisation).where(Organisation.tax_code == "0312345678"))
    assert org is not None and org.former_province == "Bình Thuận"
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Tỉnh/thành trước 1/7/2025</dt><dd>Bình Thuận</dd>" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tax_code", "012345678", "Mã số thuế gồm 10 chữ số"),
    ("tax_code", "01234567AB", "Mã số thuế gồm 10 chữ số"),
    ("tax_code", "０１２３４５６７８９", "Mã số thuế gồm 10 chữ số"),
    ("workforce_women", "2000", "Số lao động nữ không thể lớn hơn tổng số lao động."),
    ("workforce_total", "-1", "Nhập một số nguyên từ 0 đến 2.000.000."),
    ("workforce_total", "12.5", "Nhập một số nguyên từ 0 đến 2.000.000."),
    ("workforce_total", "١٢٣", "Nhập một số nguyên từ 0 đến 2.000.000."),
    ("workforce_total", "", "Trường này là bắt buộc."),
    ("name", "   ", "Trường này là bắt buộc."),
    ("name", "x" * 201, "Tối đa 200 ký tự."),
    ("province_code", "atlantis", "Lựa chọn không hợp lệ."),
    ("sector_code", "", "Trường này là bắt buộc."),
    ("former_province", "Hải Dương", "Tỉnh cũ này không thuộc tỉnh/thành đã chọn."),
])
def test_invalid_input_comes_back_next_to_the_field(client: FlaskClient, world: World, engine: Engine,
                                                    field: str, value: str, message: str) -> None:
    sign_in(client, world.users["admin"])
    before = database_fingerprint(engine)
    response = post_new(client, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert message in page
    assert 'value="Công ty TNHH Hạnh Phúc"' in page or field == "name"  # what was typed is kept
    assert database_fingerprint(engine) == before


def test_branch_tax_code_with_dash_is_accepted_and_stored_as_digits(client: FlaskClient, world: World,
                                                                    dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    assert post_new(client, tax_code="0312345678-001").status_code == 302
    assert dbs.scalar(select(Organisation.tax_code).where(Organisation.name == VALID["name"])) == "0312345678001"


def test_duplicate_tax_code_is_refused(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["admin"])
    response = post_new(client, tax_code="0100000001")
    assert response.status_code == 200
    assert "Một tổ chức khác đã dùng mã số thuế này." in response.get_data(as_text=True)


def test_edit_records_what_changed(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["reviewer"])
    url = f"/organisations/{world.org_a.id}/edit"
    assert "0100000001" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={**VALID, "tax_code": "0100000001", "name": "Công ty May Mới", "version": "1"})
    assert response.status_code == 302
    assert reload(dbs, world.org_a).name == "Công ty May Mới"
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "edit"))
    assert event.details["name"] == ["Công ty May Ánh Dương", "Công ty May Mới"]


def test_hr_sees_only_its_own_organisation(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["hr_a"])
    for url in ("/organisations/", "/organisations/?q=Company", "/organisations/?q=MARKER",
                "/organisations/?province=da-nang", f"/organisations/{world.org_a.id}", "/dashboard"):
        page = client.get(url).get_data(as_text=True)
        assert MARKER_B not in page, url
    assert client.get(f"/organisations/{world.org_b.id}").status_code == 404
    assert "Ánh Dương" in client.get("/organisations/").get_data(as_text=True)


def test_hr_cannot_edit_even_its_own_organisation(client: FlaskClient, world: World, engine: Engine) -> None:
    sign_in(client, world.users["hr_a"])
    before = database_fingerprint(engine)
    assert client.post(f"/organisations/{world.org_a.id}/edit", data=VALID).status_code == 403
    assert database_fingerprint(engine) == before


@pytest.mark.parametrize("organisation_id", ["0", "-1", str(2**31), str(2**63), "abc", "999999"])
def test_impossible_ids_are_404(client: FlaskClient, world: World, organisation_id: str) -> None:
    sign_in(client, world.users["admin"])
    assert client.get(f"/organisations/{organisation_id}").status_code == 404
    assert client.post(f"/organisations/{organisation_id}/edit", data=VALID).status_code == 404


def test_search_treats_like_wildcards_literally(client: FlaskClient, world: World, dbs: Session) -> None:
    add_organisation(dbs, "Công ty 100% Vốn Ngoại", "0900000009")
    dbs.commit()
    sign_in(client, world.users["reviewer"])
    assert "100% Vốn" in client.get("/organisations/?q=100%25").get_data(as_text=True)
    page = client.get("/organisations/?q=%25").get_data(as_text=True)
    assert "Ánh Dương" not in page and "100% Vốn" in page
    assert "Ánh Dương" not in client.get("/organisations/?q=_").get_data(as_text=True)


def test_search_by_tax_code_and_filters(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["unicef"])
    assert "Ánh Dương" in client.get("/organisations/?q=0100000001").get_data(as_text=True)
    page = client.get("/organisations/?province=da-nang&sector=electronics").get_data(as_text=True)
    assert MARKER_B in page and "Ánh Dương" not in page


def test_list_is_paginated(client: FlaskClient, world: World, dbs: Session) -> None:
    for n in range(30):
        add_organisation(dbs, f"Xưởng {n:02d}", f"07{n:08d}")
    dbs.commit()
    sign_in(client, world.users["reviewer"])
    first = client.get("/organisations/").get_data(as_text=True)
    second = client.get("/organisations/?page=2").get_data(as_text=True)
    assert "Trang 1 / 2" in first and "Xưởng 29" in second
    assert client.get("/organisations/?page=abc").status_code == 400  # not a page number: a clear 400 (issue 12.7)
    assert client.get("/organisations/?page=999").status_code == 200


@pytest.mark.parametrize("field", ["name", "tax_code", "address", "workforce_total", "workforce_women",
                                   "province_code"])
def test_bad_input_corpus_never_breaks_the_form(client: FlaskClient, world: World, dbs: Session,
                                                field: str) -> None:
    sign_in(client, world.users["admin"])
    for n, value in enumerate(BAD_INPUTS):
        # Each accepted value needs its own tax code, or the next one is a duplicate.
        data = {**VALID, "tax_code": f"05{n:08d}", field: value}
        response = client.post("/organisations/new", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 302), (field, value, response.status_code)
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x onerror" not in page
        if value == "{{7*7}}" and response.status_code == 200 and field != "province_code":
            assert "{{7*7}}" in page  # template syntax comes back literally, never evaluated
        if response.status_code == 302:
            org = dbs.get(Organisation, int(response.headers["Location"].rsplit("/", 1)[1]))
            assert "\x00" not in org.name + org.address
            shown = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "<script>alert(1)</script>" not in shown
    count = dbs.scalar(select(func.count(Organisation.id)))
    assert count >= 2


def test_invalid_utf8_is_replaced_not_a_500(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    body = "&".join(f"{k}={v}" for k, v in {**VALID, "name": "Xưởng", "workforce_total": "100",
                                             "workforce_women": "50"}.items() if k != "address")
    body = body.encode() + b"&address=%ED%A0%80%FF"
    response = client.post("/organisations/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    address = dbs.scalar(select(Organisation.address).where(Organisation.name == "Xưởng"))
    address.encode("utf-8")  # storable and printable text, whatever the client sent
    assert address  # kept (Werkzeug leaves undecodable escapes as they were typed)
