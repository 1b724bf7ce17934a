"""Administration of accounts and the audit trail."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assessments.models import AuditEvent, User
from tests.conftest import World, database_fingerprint, reload, sign_in


def new_user(client: FlaskClient, **changes: object):
    data = {"email": "new.hr@example.vn", "full_name": "Phạm Thị Hoa", "role": "hr", "organisation_id": "",
            "password": "a-long-password"}
    data.update(changes)
    return client.post("/admin/users/new", data=data)


def test_admin_creates_an_hr_account_bound_to_an_organisation(client: FlaskClient, world: World,
                                                               dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    response = new_user(client, organisation_id=str(world.org_a.id), email="New.HR@Example.vn")
    assert response.status_code == 302
    user = dbs.scalar(select(User).where(User.email == "new.hr@example.vn"))
    assert (user.role, user.organisation_id, user.full_name) == ("hr", world.org_a.id, "Phạm Thị Hoa")
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.object_type == "user"))
    assert event.actor_id == world.users["admin"].id and event.object_id == str(user.id)


@pytest.mark.parametrize(("changes", "message"), [
    ({"organisation_id": ""}, "Cán bộ nhân sự phải thuộc về một tổ chức."),
    ({"role": "reviewer", "organisation_id": "ORG_A"}, "Chỉ cán bộ nhân sự mới thuộc về một tổ chức"),
    ({"email": "hr.a@example.vn", "organisation_id": "ORG_A"}, "Đã có tài khoản dùng e-mail này."),
    ({"email": "not-an-email"}, "Địa chỉ e-mail không hợp lệ."),
    ({"password": "short"}, "Dùng từ 10 đến 128 ký tự."),
    ({"role": "superuser"}, "Lựa chọn không hợp lệ."),
    ({"organisation_id": "99999"}, "Lựa chọn không hợp lệ."),
    ({"organisation_id": "abc"}, "Lựa chọn không hợp lệ."),
])
def test_account_form_explains_what_is_wrong(client: FlaskClient, world: World, engine: Engine,
                                            changes: dict[str, str], message: str) -> None:
    sign_in(client, world.users["admin"])
    changes = dict(changes)  # the parameter is shared by both database runs
    if changes.get("organisation_id") == "ORG_A":
        changes["organisation_id"] = str(world.org_a.id)
    before = database_fingerprint(engine)
    response = new_user(client, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert database_fingerprint(engine) == before


def test_edit_ignores_fields_the_form_does_not_have(client: FlaskClient, world: World, dbs: Session) -> None:
    """Mass assignment: extra fields posted to the edit form change nothing."""
    sign_in(client, world.users["admin"])
    hr = world.users["hr_a"]
    old_token = hr.session_token
    response = client.post(f"/admin/users/{hr.id}", data={
        "full_name": "Renamed", "role": "hr", "organisation_id": str(world.org_a.id),
        "email": "attacker@example.vn", "active": "0", "password_hash": "x", "session_token": "chosen",
        "version": "1",
    })
    assert response.status_code == 302
    user = reload(dbs, hr)
    assert (user.full_name, user.email, user.active) == ("Renamed", "hr.a@example.vn", True)
    assert user.session_token == old_token  # same access: no need to sign out


def test_role_change_signs_the_user_out(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    reviewer = world.users["reviewer"]
    old_token = reviewer.session_token
    client.post(f"/admin/users/{reviewer.id}", data={"full_name": "R", "role": "unicef", "organisation_id": "",
                                                     "version": "1"})
    user = reload(dbs, reviewer)
    assert user.role == "unicef" and user.session_token != old_token


def test_hr_password_change_form_ignores_role_field(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["hr_a"])
    client.post("/auth/password", data={"current_password": "x", "new_password": "y", "confirm": "y",
                                        "role": "admin", "organisation_id": str(world.org_b.id)})
    user = reload(dbs, world.users["hr_a"])
    assert (user.role, user.organisation_id) == ("hr", world.org_a.id)


def test_admin_cannot_deactivate_or_demote_itself(client: FlaskClient, world: World, dbs: Session) -> None:
    admin = world.users["admin"]
    sign_in(client, admin)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Bạn không thể vô hiệu hóa tài khoản của chính mình." in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}", data={"full_name": "A", "role": "hr",
                                                             "organisation_id": str(world.org_a.id)})
    assert "Bạn không thể thay đổi vai trò của chính mình." in response.get_data(as_text=True)
    assert reload(dbs, admin).active and reload(dbs, admin).role == "admin"


def test_reactivation_lets_the_user_sign_in_again(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    inactive = world.users["hr_inactive"]
    client.post(f"/admin/users/{inactive.id}/active", data={"active": "1"})
    assert reload(dbs, inactive).active
    actions = dbs.scalars(select(AuditEvent.action)).all()
    assert "activate" in actions


def test_admin_resets_a_password(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    hr = world.users["hr_a"]
    old_hash, old_token = hr.password_hash, hr.session_token
    assert client.post(f"/admin/users/{hr.id}/password", data={"password": "short"}).status_code == 200
    assert reload(dbs, hr).password_hash == old_hash
    assert client.post(f"/admin/users/{hr.id}/password", data={"password": "new-password-99"}).status_code == 302
    user = reload(dbs, hr)
    assert user.password_hash != old_hash and user.session_token != old_token


def test_audit_trail_lists_events_newest_first(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["admin"])
    client.post(f"/admin/users/{world.users['hr_b'].id}/active", data={"active": "0"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "deactivate" in page and "admin@example.vn" in page
    filtered = client.get("/admin/audit?action=login").get_data(as_text=True)
    assert "<code>deactivate</code>" not in filtered


def test_user_list_shows_roles_and_status(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["admin"])
    page = client.get("/admin/users").get_data(as_text=True)
    assert "hr.old@example.vn" in page and "Đã vô hiệu hóa" in page and "Cán bộ thẩm định VCCI" in page
