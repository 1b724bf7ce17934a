"""Sign-in, sign-out, password change, deactivation and throttling, through real requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from assessments.models import AuditEvent, LoginAttempt
from config import load_config
from tests.conftest import PASSWORD, World, reload


def log_in(client: FlaskClient, email: str, password: str = PASSWORD, remember: bool = False,
           next_url: str | None = None):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/auth/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/dashboard").status_code == 200


def cookie(client: FlaskClient, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def test_sign_in_with_correct_password(client: FlaskClient, world: World, dbs: Session) -> None:
    response = log_in(client, "HR.A@example.vn ")  # case and spaces do not matter
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert is_signed_in(client)
    user = reload(dbs, world.users["hr_a"])
    assert user.last_login_at is not None
    assert dbs.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login", AuditEvent.actor_id == user.id)) == 1


def test_wrong_password_and_unknown_account_get_the_same_answer(client: FlaskClient, world: World) -> None:
    wrong_password = log_in(client, "hr.a@example.vn", "not-the-password")
    unknown_account = log_in(client, "nobody@example.vn", "not-the-password")
    assert wrong_password.status_code == unknown_account.status_code == 200
    message = "E-mail hoặc mật khẩu không đúng."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_account.get_data(as_text=True)
    assert not is_signed_in(client)


def test_deactivated_account_cannot_sign_in(client: FlaskClient, world: World) -> None:
    response = log_in(client, "hr.old@example.vn")
    assert response.status_code == 200
    assert "đã bị vô hiệu hóa" in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_session_cookie_replayed_after_logout_is_refused(app: Flask, client: FlaskClient, world: World) -> None:
    log_in(client, "hr.a@example.vn")
    stolen = cookie(client, "session")
    assert stolen and is_signed_in(client)

    assert client.post("/auth/logout").status_code == 302
    assert not is_signed_in(client)

    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/dashboard")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_remember_cookie_replayed_after_logout_is_refused(app: Flask, client: FlaskClient, world: World) -> None:
    log_in(client, "hr.a@example.vn", remember=True)
    remember = cookie(client, "remember_token")
    assert remember

    # The remember cookie alone signs in while it is valid...
    fresh_device = app.test_client()
    fresh_device.set_cookie("remember_token", remember)
    assert is_signed_in(fresh_device)

    client.post("/auth/logout")
    # ... and not after logout, whoever holds a copy.
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert not is_signed_in(replay)


def test_password_change_ends_other_sessions_but_keeps_this_one(app: Flask, world: World) -> None:
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, "hr.a@example.vn")
    log_in(phone, "hr.a@example.vn")

    response = laptop.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a-brand-new-secret", "confirm": "a-brand-new-secret"})
    assert response.status_code == 302

    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert log_in(app.test_client(), "hr.a@example.vn", "a-brand-new-secret").status_code == 302
    assert log_in(app.test_client(), "hr.a@example.vn", PASSWORD).status_code == 200


def test_password_change_refuses_wrong_current_password(client: FlaskClient, world: World, dbs: Session) -> None:
    log_in(client, "hr.a@example.vn")
    response = client.post("/auth/password", data={
        "current_password": "wrong-password", "new_password": "another-secret-1", "confirm": "another-secret-1"})
    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    assert reload(dbs, world.users["hr_a"]).password_hash == world.users["hr_a"].password_hash


@pytest.mark.parametrize(("new", "confirm", "message"), [
    ("short", "short", "Dùng từ 10 đến 128 ký tự."),
    ("long-enough-1", "different-one", "Hai mật khẩu không khớp nhau."),
    ("x" * 129, "x" * 129, "Dùng từ 10 đến 128 ký tự."),
])
def test_password_change_validates_new_password(client: FlaskClient, world: World, new: str, confirm: str,
                                                message: str) -> None:
    log_in(client, "hr.a@example.vn")
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": new,
                                                    "confirm": confirm})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_deactivation_ends_the_users_sessions(app: Flask, world: World, dbs: Session) -> None:
    hr = app.test_client()
    log_in(hr, "hr.a@example.vn", remember=True)
    assert is_signed_in(hr)

    admin = app.test_client()
    log_in(admin, "admin@example.vn")
    response = admin.post(f"/admin/users/{world.users['hr_a'].id}/active", data={"active": "0"})
    assert response.status_code == 302

    assert not reload(dbs, world.users["hr_a"]).active
    assert not is_signed_in(hr)


def test_failed_logins_are_throttled_per_account(client: FlaskClient, world: World, dbs: Session) -> None:
    for _ in range(5):
        assert log_in(client, "hr.a@example.vn", "wrong-password").status_code == 200
    # Even the right password is refused while the account is throttled.
    response = log_in(client, "hr.a@example.vn")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    # Another account from another address is not affected.
    other = client.application.test_client()
    response = other.post("/auth/login", data={"email": "hr.b@example.vn", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 302


def test_failed_logins_are_throttled_per_address(client: FlaskClient, world: World) -> None:
    for n in range(20):
        log_in(client, f"guess{n}@example.vn", "wrong-password")
    assert log_in(client, "hr.a@example.vn").status_code == 429


def test_old_failures_no_longer_throttle(client: FlaskClient, world: World, dbs: Session) -> None:
    for _ in range(5):
        log_in(client, "hr.a@example.vn", "wrong-password")
    for attempt in dbs.scalars(select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(minutes=16)
    dbs.commit()
    assert log_in(client, "hr.a@example.vn").status_code == 302


@pytest.mark.parametrize(("next_url", "lands_on"), [
    ("/organisations/", "/organisations/"),
    ("https://evil.example/steal", "/dashboard"),
    ("//evil.example/steal", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
    ("javascript:alert(1)", "/dashboard"),
])
def test_next_parameter_only_follows_local_paths(client: FlaskClient, world: World, next_url: str,
                                                 lands_on: str) -> None:
    response = log_in(client, "reviewer@example.vn", next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


def test_protected_page_sends_anonymous_to_sign_in_and_back(client: FlaskClient, world: World) -> None:
    response = client.get("/organisations/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    follow = log_in(client, "reviewer@example.vn", next_url="/organisations/")
    assert follow.headers["Location"] == "/organisations/"


def test_production_cookies_are_secure_httponly_and_lax(database_url: str, engine: object, world: World) -> None:
    production = load_config({"APP_ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": database_url})
    app = create_app({**production, "TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "hr.a@example.vn", "password": PASSWORD,
                                                 "remember": "y"}, base_url="https://localhost")
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "Secure" in cookies[name]
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]


def test_login_is_recorded_for_throttling_and_audit(client: FlaskClient, world: World, dbs: Session) -> None:
    log_in(client, "hr.a@example.vn", "wrong-password")
    log_in(client, "hr.a@example.vn")
    attempts = dbs.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [a.succeeded for a in attempts] == [False, True]
    actions = dbs.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login_failed", "login"]


def test_user_loader_ignores_unknown_tokens(client: FlaskClient, world: World) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = "forged-token"
    assert not is_signed_in(client)


def test_sign_in_keeps_the_chosen_language(client: FlaskClient, world: World) -> None:
    client.post("/language", data={"lang": "en"})
    log_in(client, "hr.a@example.vn")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Hello," in page
