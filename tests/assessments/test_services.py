"""The account and organisation services on a real database (no Flask)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments.db import utcnow
from assessments.models import AuditEvent, Organisation, Role
from assessments.services import Context, ServiceError
from assessments.services.accounts import (
    LoginOutcome,
    ThrottlePolicy,
    authenticate,
    create_user,
    logout,
    set_active,
)
from assessments.services.organisations import OrganisationData, create_organisation, update_organisation

POLICY = ThrottlePolicy(max_failures_per_account=3, max_failures_per_address=10, window=timedelta(minutes=15))
DATA = OrganisationData("Xưởng May", "0101234567", "ha-noi", "garment-textile", 100, 60, "Hà Nội")


def test_create_organisation_and_audit(dbs: Session) -> None:
    org = create_organisation(dbs, Context(None, "127.0.0.1"), DATA)
    assert org.id and org.tax_code == "0101234567"
    event = dbs.scalar(select(AuditEvent))
    assert (event.action, event.object_type, event.object_id, event.ip_address) == (
        "create", "organisation", str(org.id), "127.0.0.1")
    assert event.at.tzinfo is not None and utcnow() - event.at < timedelta(minutes=1)


@pytest.mark.parametrize(("changes", "code"), [
    ({"tax_code": "12"}, "tax_code_invalid"),
    ({"province_code": "binh-thuan"}, "province_unknown"),
    ({"sector_code": "mining"}, "sector_unknown"),
    ({"workforce_total": -1}, "workforce_out_of_range"),
    ({"workforce_total": 3_000_000_000}, "workforce_out_of_range"),
    ({"workforce_women": 101}, "women_exceed_total"),
    ({"name": "  "}, "name_required"),
])
def test_organisation_rules(dbs: Session, changes: dict[str, object], code: str) -> None:
    data = OrganisationData(**{**DATA.__dict__, **changes})
    with pytest.raises(ServiceError) as error:
        create_organisation(dbs, Context(None), data)
    assert error.value.code == code
    assert dbs.scalar(select(Organisation)) is None


@pytest.mark.parametrize(("province", "former", "stored"), [
    ("ha-noi", "", "Hà Nội"),  # an unchanged unit: its name before 1 July 2025 is the same, filled in
    ("hue", "", "Thừa Thiên Huế"),  # renamed, not merged: still only one former unit
    ("ninh-binh", "Nam Định", "Nam Định"),  # merged from three: the one the workplace was in
    ("ninh-binh", "", ""),  # merged, and not said which: not guessed
])
def test_the_province_before_the_2025_merger_is_kept(dbs: Session, province: str, former: str, stored: str) -> None:
    """Issue 14 item 18: older reports use the 63 former units, so each organisation keeps its own."""
    org = create_organisation(dbs, Context(None), OrganisationData(
        **{**DATA.__dict__, "province_code": province, "former_province": former}))
    assert dbs.get(Organisation, org.id).former_province == stored


def test_a_former_province_must_be_one_the_province_absorbed(dbs: Session) -> None:
    with pytest.raises(ServiceError) as error:
        create_organisation(dbs, Context(None), OrganisationData(
            **{**DATA.__dict__, "province_code": "ninh-binh", "former_province": "Thái Bình"}))
    assert (error.value.code, error.value.field) == ("former_province_not_in_province", "former_province")


def test_update_without_changes_writes_no_audit(dbs: Session) -> None:
    org = create_organisation(dbs, Context(None), DATA)
    update_organisation(dbs, Context(None), org, DATA, org.version)
    assert len(dbs.scalars(select(AuditEvent)).all()) == 1


def test_hr_user_needs_exactly_one_organisation(dbs: Session) -> None:
    org = create_organisation(dbs, Context(None), DATA)
    with pytest.raises(ServiceError, match="hr_needs_organisation"):
        create_user(dbs, Context(None), email="a@x.vn", password="long-password", role=Role.HR)
    with pytest.raises(ServiceError, match="only_hr_has_organisation"):
        create_user(dbs, Context(None), email="a@x.vn", password="long-password", role=Role.ADMIN,
                    organisation_id=org.id)
    user = create_user(dbs, Context(None), email="A@X.vn", password="long-password", role=Role.HR,
                       organisation_id=org.id)
    assert user.email == "a@x.vn"
    with pytest.raises(ServiceError, match="email_taken"):
        create_user(dbs, Context(None), email="a@x.VN ", password="long-password", role=Role.UNICEF)


def test_throttling_counts_failures_in_the_window_only(dbs: Session) -> None:
    create_user(dbs, Context(None), email="u@x.vn", password="long-password", role=Role.UNICEF)
    start = utcnow()
    for minute in range(3):
        result = authenticate(dbs, email="u@x.vn", password="wrong", ip_address="1.1.1.1", policy=POLICY,
                              now=start + timedelta(minutes=minute))
        assert result.outcome is LoginOutcome.INVALID
    assert authenticate(dbs, email="u@x.vn", password="long-password", ip_address="1.1.1.1", policy=POLICY,
                        now=start + timedelta(minutes=5)).outcome is LoginOutcome.THROTTLED
    later = start + timedelta(minutes=17)
    assert authenticate(dbs, email="u@x.vn", password="long-password", ip_address="1.1.1.1", policy=POLICY,
                        now=later).outcome is LoginOutcome.OK


def test_logout_and_deactivation_rotate_the_session_token(dbs: Session) -> None:
    admin = create_user(dbs, Context(None), email="admin@x.vn", password="long-password", role=Role.ADMIN)
    user = create_user(dbs, Context(None), email="u@x.vn", password="long-password", role=Role.UNICEF)
    first = user.get_id()
    logout(dbs, Context(user), user)
    second = user.get_id()
    set_active(dbs, Context(admin), user, False)
    assert len({first, second, user.get_id()}) == 3
    assert not user.is_authenticated
    with pytest.raises(ServiceError, match="cannot_deactivate_self"):
        set_active(dbs, Context(admin), admin, False)
