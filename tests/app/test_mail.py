"""Accounts that run themselves (issue 16): invitations, password reset by mail, notifications and
digests, delivered to a real SMTP server on loopback, on both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.mail_compose import compose, deliver
from assessments.models import (
    Invitation,
    MailStatus,
    Organisation,
    OutboxMessage,
    PlanItem,
    Role,
    User,
)
from assessments.outbox import MailKind
from assessments.services.notifications import queue_digests
from tests.app.test_auth import is_signed_in, log_in
from tests.app.test_review_compare import submitted
from tests.conftest import World, add_assessment, add_user, reload, sign_in
from tests.support.smtp import SmtpServer, html_of, text_of
from tests.support.statements import statements_run

BASE = "https://ffw.example.vn"
LINK = re.compile(re.escape(BASE) + r"(/\S+)")


@pytest.fixture
def mailing(app: Flask, smtp_server: SmtpServer) -> Iterator[SmtpServer]:
    """The app sends through the loopback SMTP server, with links to BASE."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "APP_BASE_URL")}
    app.config.update(smtp_server.settings(), APP_BASE_URL=BASE)
    yield smtp_server
    app.config.update(saved)


def send(app: Flask) -> None:
    """What the mail worker does between requests."""
    with app.app_context():
        deliver(app)


def one_mail_to(server: SmtpServer, address: str) -> EmailMessage:
    mails = server.to(address)
    assert len(mails) == 1, [m["Subject"] for m in mails]
    return mails[0]


def link_in(mail: EmailMessage) -> str:
    """The first link of the mail, as a path, checked to be the same in the text and HTML parts."""
    found = LINK.search(text_of(mail))
    assert found is not None, text_of(mail)
    assert found.group(0) in html_of(mail)
    return found.group(1)


def pages_linked(client: FlaskClient, mail: EmailMessage) -> list[str]:
    """Where the mail's links to pages lead (each is a signed link that redirects there)."""
    found = []
    for path in LINK.findall(text_of(mail)):
        response = client.get(path)
        assert response.status_code == 302, path
        found.append(response.headers["Location"])
    return found


def outbox(dbs: Session) -> list[OutboxMessage]:
    dbs.expire_all()
    return list(dbs.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# --- Invitations -----------------------------------------------------------------------------------


def invite(client: FlaskClient, email: str, role: str = "hr", organisation_id: object = "", **extra: str):
    return client.post("/auth/invitations", data={"email": email, "role": role, "organisation_id": organisation_id,
                                                  "locale": "vi", **extra})


def test_an_admin_invites_an_hr_officer_who_sets_a_password_and_is_signed_in(
        app: Flask, client: FlaskClient, world: World, dbs: Session, mailing: SmtpServer) -> None:
    admin = sign_in(client, world.users["admin"])
    assert invite(admin, "Lan.Nguyen@AnhDuong.vn", organisation_id=world.org_a.id,
                  full_name="Nguyễn Thị Lan").status_code == 302
    # Nothing is sent inside the request: the mail waits in the outbox for the sender.
    assert mailing.messages == [] and [m.status for m in outbox(dbs)] == [MailStatus.PENDING]
    assert dbs.scalar(select(User).where(User.email == "lan.nguyen@anhduong.vn")) is None  # no account yet
    send(app)
    mail = one_mail_to(mailing, "lan.nguyen@anhduong.vn")
    assert mail["Subject"] == "Bạn được mời tham gia đánh giá nơi làm việc thân thiện với gia đình"
    assert world.org_a.name in text_of(mail) and "72" not in mail["Subject"]
    path = link_in(mail)
    newcomer = app.test_client()
    page = newcomer.get(path).get_data(as_text=True)
    assert "Mở tài khoản của bạn" in page and "lan.nguyen@anhduong.vn" in page and "Nguyễn Thị Lan" in page
    # The password rules of the service hold here too.
    short = newcomer.post(path, data={"full_name": "Lan", "new_password": "ngan", "confirm": "ngan"})
    assert short.status_code == 200 and dbs.scalar(select(func.count(User.id)).where(
        User.email == "lan.nguyen@anhduong.vn")) == 0
    opened = newcomer.post(path, data={"full_name": "Nguyễn Thị Lan", "new_password": "mat-khau-du-dai-2026",
                                       "confirm": "mat-khau-du-dai-2026"})
    assert opened.status_code == 302 and is_signed_in(newcomer)
    user = dbs.scalars(select(User).where(User.email == "lan.nguyen@anhduong.vn")).one()
    assert (user.role, user.organisation_id, user.full_name) == (Role.HR, world.org_a.id, "Nguyễn Thị Lan")
    # Used once: the same link now says so, and says what to do.
    again = app.test_client().get(path)
    assert again.status_code == 410 and "đã được dùng" in again.get_data(as_text=True)
    assert log_in(app.test_client(), "lan.nguyen@anhduong.vn", "mat-khau-du-dai-2026").status_code == 302


def test_an_expired_or_withdrawn_invitation_link_gives_a_clear_page_and_a_resend_replaces_the_link(
        app: Flask, client: FlaskClient, world: World, dbs: Session, mailing: SmtpServer) -> None:
    admin = sign_in(client, world.users["admin"])
    invite(admin, "new.reviewer@vcci.vn", role="reviewer")
    send(app)
    first = link_in(one_mail_to(mailing, "new.reviewer@vcci.vn"))
    invitation = dbs.scalars(select(Invitation)).one()
    dbs.execute(update(Invitation).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    dbs.commit()
    expired = app.test_client().get(first)
    assert expired.status_code == 410 and "đã hết hạn" in expired.get_data(as_text=True)
    # Sent again: a new link for another 72 hours; the first one stays dead.
    assert admin.post(f"/auth/invitations/{invitation.id}/resend").status_code == 302
    send(app)
    second = link_in(mailing.to("new.reviewer@vcci.vn")[-1])
    assert second != first
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200
    assert admin.post(f"/auth/invitations/{invitation.id}/revoke").status_code == 302
    withdrawn = app.test_client().get(second)
    assert withdrawn.status_code == 400 and "đã được thu hồi" in withdrawn.get_data(as_text=True)
    tampered = app.test_client().get(second[:-3] + "abc")
    assert tampered.status_code == 400 and "không hợp lệ" in tampered.get_data(as_text=True)


def test_who_may_invite_whom(client: FlaskClient, world: World, dbs: Session) -> None:
    hr = sign_in(client, world.users["hr_a"])
    assert invite(hr, "dong.nghiep@anhduong.vn", organisation_id=world.org_a.id).status_code == 302
    # Not into another company, and not as a reviewer or admin: the choice is not even offered.
    for role, organisation in (("hr", world.org_b.id), ("reviewer", ""), ("admin", "")):
        refused = invite(hr, f"{role}@x.vn", role=role, organisation_id=organisation)
        assert refused.status_code == 200, role
    page = hr.get("/auth/invitations").get_data(as_text=True)
    assert world.org_b.name not in page and 'value="admin"' not in page
    reviewer = sign_in(client.application.test_client(), world.users["reviewer"])
    assert invite(reviewer, "unicef2@x.vn", role="unicef").status_code == 200
    assert [i.email for i in dbs.scalars(select(Invitation))] == ["dong.nghiep@anhduong.vn"]
    # HR sees its own organisation's invitations only; HR-B cannot touch HR-A's.
    invitation = dbs.scalars(select(Invitation)).one()
    other = sign_in(client.application.test_client(), world.users["hr_b"])
    assert "dong.nghiep@anhduong.vn" not in other.get("/auth/invitations").get_data(as_text=True)
    assert other.post(f"/auth/invitations/{invitation.id}/revoke").status_code == 404
    assert reload(dbs, invitation).revoked_at is None  # type: ignore[attr-defined]


def test_an_address_with_an_account_or_an_open_invitation_is_not_invited_twice(
        client: FlaskClient, world: World, dbs: Session) -> None:
    admin = sign_in(client, world.users["admin"])
    taken = invite(admin, world.users["hr_b"].email, organisation_id=world.org_b.id).get_data(as_text=True)
    assert "đã có tài khoản" in taken.lower() or "already exists" in taken
    assert invite(admin, "moi@x.vn", role="unicef").status_code == 302
    twice = invite(admin, "MOI@x.vn", role="unicef").get_data(as_text=True)
    assert "lời mời đang mở" in twice
    assert dbs.scalar(select(func.count(Invitation.id))) == 1


def test_a_reviewer_registers_the_company_with_the_invitation_matched_by_tax_code(
        client: FlaskClient, world: World, dbs: Session) -> None:
    reviewer = sign_in(client, world.users["reviewer"])
    new_company = {"new_name": "Công ty Giày Bình Minh", "new_tax_code": "0312345678",
                   "new_province_code": "ho-chi-minh", "new_sector_code": "footwear-leather",
                   "new_workforce_total": "1.200", "new_workforce_women": "800"}
    assert invite(reviewer, "hr@binhminh.vn", **new_company).status_code == 302
    company = dbs.scalars(select(Organisation).where(Organisation.tax_code == "0312345678")).one()
    assert (company.name, company.workforce_total) == ("Công ty Giày Bình Minh", 1200)
    assert dbs.scalars(select(Invitation)).one().organisation_id == company.id
    # A tax code already registered invites to that organisation: never a second one.
    assert invite(reviewer, "hr2@anhduong.vn", **{**new_company, "new_tax_code": world.org_a.tax_code,
                                                  "new_name": "Ánh Dương (gõ lại)"}).status_code == 302
    assert dbs.scalar(select(func.count(Organisation.id))) == 3
    assert dbs.scalars(select(Invitation).where(Invitation.email == "hr2@anhduong.vn")).one().organisation_id \
        == world.org_a.id
    # A bad new organisation is refused whole: no organisation, no invitation.
    bad = invite(reviewer, "hr3@x.vn", **{**new_company, "new_tax_code": "0399999999", "new_province_code": "xx"})
    assert bad.status_code == 200 and dbs.scalar(select(func.count(Invitation.id))) == 2
    assert dbs.scalar(select(func.count(Organisation.id))) == 3


# --- Password reset --------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_by_mail_and_every_session_ends(
        app: Flask, client: FlaskClient, world: World, dbs: Session, mailing: SmtpServer) -> None:
    hr = world.users["hr_a"]
    elsewhere = sign_in(app.test_client(), hr)  # signed in on another device
    assert is_signed_in(elsewhere)
    asked = app.test_client().post("/auth/password/forgot", data={"email": "HR.A@example.vn"})
    unknown = app.test_client().post("/auth/password/forgot", data={"email": "nobody@example.vn"})
    # The same page for an address with and without an account.
    assert asked.status_code == unknown.status_code == 200
    def page(response: object, email: str) -> str:
        text = response.get_data(as_text=True).replace(email, "X")  # type: ignore[attr-defined]
        return re.sub(r'name="csrf_token" value="[^"]*"', "", text)  # each visitor has a token of their own

    assert page(asked, "HR.A@example.vn") == page(unknown, "nobody@example.vn")
    send(app)
    assert [m["To"] for m in mailing.messages] == ["hr.a@example.vn"]
    path = link_in(mailing.messages[0])
    device = app.test_client()
    assert "hr.a@example.vn" in device.get(path).get_data(as_text=True)
    done = device.post(path, data={"new_password": "mat-khau-moi-2026", "confirm": "mat-khau-moi-2026"})
    assert done.status_code == 302 and is_signed_in(device)
    assert not is_signed_in(elsewhere)  # every other session ended
    assert device.get(path).status_code == 410  # used once
    assert log_in(app.test_client(), hr.email, "mat-khau-moi-2026").status_code == 302


def test_an_expired_reset_link_says_so_and_offers_a_new_one(app: Flask, world: World, dbs: Session,
                                                             mailing: SmtpServer) -> None:
    app.test_client().post("/auth/password/forgot", data={"email": "hr.a@example.vn"})
    message = outbox(dbs)[0]
    message.data = {**message.data, "expires_at": (datetime.now(UTC) - timedelta(seconds=1)).isoformat()}
    dbs.commit()
    send(app)
    page = app.test_client().get(link_in(mailing.messages[0]))
    assert page.status_code == 410 and "hết hạn" in page.get_data(as_text=True)
    assert 'href="/auth/password/forgot"' in page.get_data(as_text=True)


def test_reset_requests_are_throttled_per_address_asked_about(app: Flask, world: World, dbs: Session) -> None:
    visitor = app.test_client()
    answers = [visitor.post("/auth/password/forgot", data={"email": "hr.a@example.vn"}).status_code
               for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert len(outbox(dbs)) == 5
    # Another address is not held up by that one.
    assert visitor.post("/auth/password/forgot", data={"email": "hr.b@example.vn"}).status_code == 200


def test_a_deactivated_account_gets_no_reset_mail(app: Flask, world: World, dbs: Session) -> None:
    assert app.test_client().post("/auth/password/forgot", data={"email": "hr.old@example.vn"}).status_code == 200
    assert outbox(dbs) == []


# --- Notifications ---------------------------------------------------------------------------------


def test_a_return_mails_the_hr_team_the_reviewers_message_and_the_queried_questions(
        app: Flask, client: FlaskClient, world: World, dbs: Session, mailing: SmtpServer) -> None:
    colleague = add_user(dbs, "hr.colleague@example.vn", Role.HR, world.org_a)
    colleague.mail_opt_outs = ["assessment_returned"]
    dbs.commit()
    assessment = submitted(dbs, world)
    reviewer = sign_in(client, world.users["reviewer"])
    base = f"/review/{assessment.id}"
    reviewer.post(f"{base}/indicator", data={"indicator": "leave.paternity", "decision": "queried",
                                             "comment": "Gửi bảng chấm công tháng 3"})
    reviewer.post(f"{base}/return", data={"comment": "Cần bổ sung bằng chứng."})
    send(app)
    # HR-A hears it; the colleague who turned it off, the deactivated account and company B do not.
    assert [m["To"] for m in mailing.messages] == ["hr.a@example.vn"]
    mail = mailing.messages[0]
    text = text_of(mail)
    assert "A8" in text and "Gửi bảng chấm công tháng 3" in text and "Cần bổ sung bằng chứng." in text
    assert "A8" in html_of(mail) and f"/assessments/{assessment.id}/review" in pages_linked(client, mail)
    # HR answers and submits again: the reviewer who returned it hears it.
    hr = sign_in(app.test_client(), world.users["hr_a"])
    hr.post(f"/assessments/{assessment.id}/submit", data={"confirm": "yes"})
    send(app)
    resubmitted = one_mail_to(mailing, "reviewer@example.vn")
    assert world.org_a.name in resubmitted["Subject"]
    assert f"/review/{assessment.id}" in pages_linked(client, resubmitted)


def test_a_verification_mails_the_hr_team_the_pdf_link(app: Flask, client: FlaskClient, world: World,
                                                       dbs: Session, mailing: SmtpServer) -> None:
    assessment = submitted(dbs, world)
    reviewer = sign_in(client, world.users["reviewer"])
    reviewer.post(f"/review/{assessment.id}/verify", data={"comment": "Tốt"})
    assert reload(dbs, assessment).status == "verified"  # type: ignore[attr-defined]
    send(app)
    mail = one_mail_to(mailing, "hr.a@example.vn")
    assert f"/assessments/{assessment.id}/plan.pdf" in pages_linked(client, mail)


def test_a_refused_review_step_mails_nobody(client: FlaskClient, world: World, dbs: Session) -> None:
    assessment = submitted(dbs, world)
    reviewer = sign_in(client, world.users["reviewer"])
    reviewer.post(f"/review/{assessment.id}/return", data={"comment": ""})  # nothing to return: refused
    assert reload(dbs, assessment).status == "submitted"  # type: ignore[attr-defined]
    assert outbox(dbs) == []


def test_turning_a_notification_off_in_the_profile(client: FlaskClient, world: World, dbs: Session) -> None:
    hr = sign_in(client, world.users["hr_a"])
    page = hr.get("/auth/profile").get_data(as_text=True)
    assert page.count('type="checkbox"') == 4 and page.count("checked") == 4
    version = str(world.users["hr_a"].version)
    hr.post("/auth/profile", data={"version": version, "notifications": ["assessment_verified", "cycle_open"],
                                   "locale": "en"})
    user = reload(dbs, world.users["hr_a"])
    assert user.mail_opt_outs == ["actions_digest", "assessment_returned"]  # type: ignore[attr-defined]
    assert user.locale == "en"  # type: ignore[attr-defined]
    # Not a notification of this role: refused, nothing changed.
    assert hr.post("/auth/profile", data={"version": str(user.version),  # type: ignore[attr-defined]
                                          "notifications": ["submissions_digest"], "locale": "vi"}).status_code == 200
    assert reload(dbs, world.users["hr_a"]).locale == "en"  # type: ignore[attr-defined]


# --- Digests ---------------------------------------------------------------------------------------

MONDAY_8AM = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 08:00 in Viet Nam


def test_overdue_and_due_actions_make_one_weekly_digest_per_person(app: Flask, world: World, dbs: Session,
                                                                    mailing: SmtpServer) -> None:
    item = world.plan_item_a
    assert item is not None
    item.due_date = date(2026, 12, 1)  # overdue
    dbs.add(PlanItem(assessment_id=item.assessment_id, indicator_key="leave.nursing_breaks", code="B2", to_level=2,
                     text="Bố trí giờ cho con bú", due_date=date(2026, 12, 10), status="in_progress"))
    dbs.add(PlanItem(assessment_id=item.assessment_id, indicator_key="leave.adoption", code="A9", to_level=2,
                     text="Xa hạn", due_date=date(2027, 3, 1)))  # not due within a week: not in the digest
    dbs.commit()
    with app.app_context():
        from app.extensions import db

        assert queue_digests(db.session, MONDAY_8AM).actions == 1
        assert queue_digests(db.session, MONDAY_8AM + timedelta(hours=5)).actions == 0  # once a week
        send(app)
        mail = one_mail_to(mailing, "hr.a@example.vn")
        text = text_of(mail)
        assert "A8" in text and "01/12/2026" in text and "B2" in text and "10/12/2026" in text
        assert "A9" not in text
        assert queue_digests(db.session, MONDAY_8AM + timedelta(days=7)).actions == 1  # the next week
    # Before 07:00 in Viet Nam nothing is written yet.
    with app.app_context():
        from app.extensions import db

        assert queue_digests(db.session, datetime(2026, 12, 21, 23, 0, tzinfo=UTC)).actions == 0


def test_reviewers_get_a_daily_digest_of_new_submissions(app: Flask, world: World, dbs: Session) -> None:
    assessment = submitted(dbs, world)
    assessment.submitted_at = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    dbs.commit()
    with app.app_context():
        from app.extensions import db

        assert queue_digests(db.session, MONDAY_8AM).submissions == 1
        assert queue_digests(db.session, MONDAY_8AM).submissions == 0
        assert queue_digests(db.session, MONDAY_8AM + timedelta(days=1)).submissions == 0  # nothing new
    [mail] = [m for m in outbox(dbs) if m.kind == "submissions_digest"]
    assert mail.to_address == "reviewer@example.vn" and mail.data["new"][0]["organisation"] == world.org_a.name


def test_a_new_cycle_is_announced_in_january_to_companies_that_assessed_before(app: Flask, world: World,
                                                                                dbs: Session) -> None:
    add_assessment(dbs, world.org_b, 2026)
    dbs.commit()
    with app.app_context():
        from app.extensions import db

        assert queue_digests(db.session, datetime(2027, 1, 5, 2, 0, tzinfo=UTC)).cycle_open == 2
        assert queue_digests(db.session, datetime(2027, 1, 6, 2, 0, tzinfo=UTC)).cycle_open == 0
        assert queue_digests(db.session, datetime(2027, 2, 5, 2, 0, tzinfo=UTC)).cycle_open == 0
    assert sorted(m.to_address for m in outbox(dbs)) == ["hr.a@example.vn", "hr.b@example.vn"]


# --- The admin's mail page -------------------------------------------------------------------------


def test_without_a_mail_server_the_admin_reads_kept_mail_and_follows_its_link(
        app: Flask, client: FlaskClient, world: World, dbs: Session) -> None:
    assert not app.config["MAIL_SERVER"]
    admin = sign_in(client, world.users["admin"])
    invite(admin, "kept@example.vn", role="unicef")
    send(app)
    assert [m.status for m in outbox(dbs)] == [MailStatus.KEPT]
    listing = admin.get("/admin/mail").get_data(as_text=True)
    assert "kept@example.vn" in listing and "MAIL_SERVER" in listing
    message = admin.get(f"/admin/mail/{outbox(dbs)[0].id}").get_data(as_text=True)
    link = re.search(r'<a href="http://127\.0\.0\.1:\d+(/auth/invitation/[^"]+)"', message)
    assert link is not None
    assert "Mở tài khoản của bạn" in app.test_client().get(link.group(1)).get_data(as_text=True)


def test_with_a_mail_server_the_admin_page_hides_access_links(app: Flask, client: FlaskClient, world: World,
                                                               dbs: Session, mailing: SmtpServer) -> None:
    app.test_client().post("/auth/password/forgot", data={"email": "hr.b@example.vn"})
    send(app)
    admin = sign_in(client, world.users["admin"])
    page = admin.get(f"/admin/mail/{outbox(dbs)[0].id}").get_data(as_text=True)
    assert "/auth/password/reset/" not in page


# --- Every kind of mail, in both languages ---------------------------------------------------------

SAMPLE_DATA = {
    "invitation": {"invitation_id": 1, "nonce": "n", "inviter": "Lan", "organisation": "Ánh Dương", "role": "hr",
                   "expires_at": "2026-12-08T03:00:00+00:00"},
    "password_reset": {"user_id": 1, "fingerprint": "f", "expires_at": "2026-12-05T04:00:00+00:00"},
    "access_declined": {"organisation": "Bình Minh", "reason": "Sai mã số thuế"},
    "assessment_returned": {"assessment_id": 1, "cycle": 2026, "organisation": "Ánh Dương", "reviewer": "Minh",
                            "comment": "Bổ sung", "queries": {"leave.paternity": "Gửi bảng chấm công"},
                            "rubric": ["crbp-vn", "2026.2"]},
    "assessment_resubmitted": {"assessment_id": 1, "cycle": 2026, "organisation": "Ánh Dương"},
    "assessment_verified": {"assessment_id": 1, "cycle": 2026, "organisation": "Ánh Dương", "comment": ""},
    "actions_digest": {"week": "2026-W49", "day": "2026-12-07",
                       "items": [{"assessment_id": 1, "cycle": 2026, "code": "A8", "text": "Nghỉ", "owner": "Lan",
                                  "due": "2026-12-01", "overdue": True}]},
    "submissions_digest": {"day": "2026-12-07", "waiting": 3,
                           "new": [{"assessment_id": 1, "cycle": 2026, "organisation": "Ánh Dương"}]},
    "cycle_open": {"cycle": 2027},
    "access_requested": {"request_id": 1, "organisation": "Bình Minh", "tax_code": "0312345678", "registered": False},
}
NOT_TRANSLATED = ("Hello", "Reviewer", "Due ", "The link works")


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("kind", [kind.value for kind in MailKind])
def test_every_mail_is_worded_in_its_recipients_language_with_absolute_links(app: Flask, kind: str,
                                                                             locale: str) -> None:
    app.config["APP_BASE_URL"] = BASE
    try:
        with app.app_context():
            email = compose(app, OutboxMessage(kind=kind, to_address="x@example.vn", locale=locale,
                                               data=SAMPLE_DATA[kind], uid="u"))
    finally:
        app.config["APP_BASE_URL"] = "http://127.0.0.1:5000"
    text, html = text_of(email), html_of(email)
    assert email["Subject"] and text.strip() and "<html" in html and email["Content-Language"] == locale
    assert "%(" not in text + html + email["Subject"]
    links = re.findall(r"https?://\S+", text)
    assert (links or kind == "access_declined") and all(link.startswith(BASE + "/") for link in links)
    if locale == "vi":
        assert not any(word in text for word in NOT_TRANSLATED), text
        assert re.search("[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", text.lower())


def test_a_link_to_a_page_in_a_mail_is_signed_and_expires(app: Flask, client: FlaskClient, world: World,
                                                         dbs: Session, mailing: SmtpServer) -> None:
    assessment = submitted(dbs, world)
    sign_in(client, world.users["reviewer"]).post(f"/review/{assessment.id}/verify")
    send(app)
    mail = one_mail_to(mailing, "hr.a@example.vn")
    assert all(path.startswith("/auth/m/") for path in LINK.findall(text_of(mail)))
    visitor = app.test_client()  # the page behind the link still asks who is there
    first = LINK.findall(text_of(mail))[0]
    landing = visitor.get(first)
    assert landing.status_code == 302 and landing.headers["Location"].startswith("/assessments/")
    assert "/auth/login" in visitor.get(landing.headers["Location"]).headers["Location"]
    tampered = visitor.get(first[:-4] + "AAAA")
    assert tampered.status_code == 400 and "không hợp lệ" in tampered.get_data(as_text=True)
    # Thirty days after the mail was written, its links have expired.
    message = outbox(dbs)[0]
    message.created_at = datetime.now(UTC) - timedelta(days=31)
    with app.app_context():
        old = compose(app, message)
    expired = visitor.get(LINK.findall(text_of(old))[0])
    assert expired.status_code == 410 and "đã hết hạn" in expired.get_data(as_text=True)
    # A link signed with another key (made up) to another site is refused, not followed.
    from assessments.signed_links import sign

    forged = sign("another-key", "page", {"p": "https://evil.example", "x": 32503680000})
    assert visitor.get(f"/auth/m/{forged}").status_code == 400
    with app.app_context():
        off_site = sign(app.config["SECRET_KEY"], "page", {"p": "//evil.example/x", "x": 32503680000})
    assert visitor.get(f"/auth/m/{off_site}").status_code == 400


def test_a_digest_already_written_for_its_period_is_not_looked_for_again(app: Flask, world: World,
                                                                          dbs: Session) -> None:
    """The worker asks every few seconds: after the first round of a period, a round reads the
    digests' markers, not every plan and every person again."""
    assert world.plan_item_a is not None
    world.plan_item_a.due_date = date(2026, 12, 1)
    dbs.commit()
    with app.app_context():
        from app.extensions import db

        assert queue_digests(db.session, MONDAY_8AM).actions == 1
        with statements_run(db.engine) as statements:
            assert queue_digests(db.session, MONDAY_8AM + timedelta(hours=1)).actions == 0
    assert len(statements) <= 3, statements
    assert not any("plan_items" in s or "FROM users" in s for s in statements)


def test_two_tabs_on_the_settings_page_the_second_save_is_told(app: Flask, world: World, dbs: Session) -> None:
    """The settings are an editable record like any other: a save drawn before another one was
    saved is refused (409) with what is saved and what was typed, not written over it."""
    first, second = (sign_in(app.test_client(), world.users["hr_a"]) for _ in range(2))
    version = re.search(r'name="version"[^>]*value="(\d+)"', first.get("/auth/profile").get_data(as_text=True))
    assert version is not None
    assert second.get("/auth/profile").status_code == 200
    assert first.post("/auth/profile", data={"version": version.group(1), "notifications": ["cycle_open"],
                                             "locale": "en"}).status_code == 302
    late = second.post("/auth/profile", data={"version": version.group(1), "notifications": [], "locale": "vi"})
    assert late.status_code == 409
    assert late.get_data(as_text=True).count('class="yours"') == 2  # what was typed, beside both fields
    user = reload(dbs, world.users["hr_a"])
    assert user.locale == "en" and "cycle_open" not in user.mail_opt_outs  # type: ignore[attr-defined]
