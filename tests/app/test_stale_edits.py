"""Two tabs open on the same record: the older tab's save is refused with a 409 page that shows
what is saved and what this person typed; nothing is overwritten (issue 12, item 2).

Every editable record goes through the same mechanism (assessments.services.versions and
app.versioned): organisations, the assessment profile, plan actions and parenting sessions."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from assessments.models import Assessment, Organisation, ParentingSession, PlanItem, User
from tests.app.test_parenting import form as session_form
from tests.conftest import COMPLETE_PROFILE, World, reload, sign_in


def version_in(page: str) -> str:
    found = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    assert found, "the form carries no version"
    return found.group(1) or found.group(2)


def test_organisation_older_tab_is_refused_and_shown_both(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["reviewer"])
    url = f"/organisations/{world.org_a.id}/edit"
    version = version_in(client.get(url).get_data(as_text=True))
    base = {"name": world.org_a.name, "tax_code": world.org_a.tax_code, "province_code": "hung-yen",
            "sector_code": "garment-textile", "workforce_total": "500", "workforce_women": "300", "address": ""}
    first = client.post(url, data={**base, "version": version, "address": "Khu công nghiệp Phố Nối A"})
    assert first.status_code == 302
    second = client.post(url, data={**base, "version": version, "workforce_total": "650"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Khu công nghiệp Phố Nối A" in page  # what is saved
    assert "Bạn đã nhập" in page and "650" in page  # what this tab typed
    saved = reload(dbs, world.org_a)
    assert isinstance(saved, Organisation)
    assert (saved.address, saved.workforce_total) == ("Khu công nghiệp Phố Nối A", 500)
    assert f'value="{saved.version}"' in page  # saving again from this page is possible


def test_profile_older_tab_is_refused_and_shown_both(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["hr_a"])
    url = f"/assessments/{world.assessment_a.id}/profile"
    version = version_in(client.get(url).get_data(as_text=True))
    typed = {k: ("yes" if v else "no") if isinstance(v, bool) else str(v) for k, v in COMPLETE_PROFILE.items()}
    assert client.post(url, data={**typed, "version": version, "workers_under_18": "12"}).status_code == 302
    second = client.post(url, data={**typed, "version": version, "remote_area": "yes"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409 and "Bạn đã nhập" in page
    saved = reload(dbs, world.assessment_a)
    assert isinstance(saved, Assessment)
    assert (saved.profile["workers_under_18"], saved.profile["remote_area"]) == (12, False)
    assert 'value="12"' in page


def test_plan_action_older_tab_is_refused_and_shown_both(client: FlaskClient, world: World, dbs: Session) -> None:
    from assessments.simulate import best_answers
    from rubrics.loader import default_registry
    from tests.app.test_assessment import complete_and_submit

    answers = best_answers(default_registry().latest("crbp-vn")) | {"childcare.support": "occasional"}
    assessment = complete_and_submit(dbs, world, answers)
    sign_in(client, world.users["hr_a"])
    base = f"/assessments/{assessment.id}"
    client.post(f"{base}/plan", data={"indicator": "childcare.support"})
    item = dbs.query(PlanItem).filter_by(assessment_id=assessment.id, indicator_key="childcare.support").one()
    results = client.get(f"{base}/results").get_data(as_text=True)
    version = version_in(results[results.index(f"/plan/{item.id}"):])
    fields = {"text": item.text, "owner": "", "due_date": "", "status": "planned", "version": version}
    assert client.post(f"{base}/plan/{item.id}", data={**fields, "owner": "Chị Lan"}).status_code == 302
    second = client.post(f"{base}/plan/{item.id}", data={**fields, "status": "done"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409 and "Bạn đã nhập" in page and "Chị Lan" in page
    saved = reload(dbs, item)
    assert isinstance(saved, PlanItem)
    assert (saved.owner, saved.status) == ("Chị Lan", "planned")


def test_parenting_session_conflict_shows_what_was_typed(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["unicef"])
    url = f"/parenting/sessions/{world.session_a.id}/edit"
    version = version_in(client.get(url).get_data(as_text=True))
    assert client.post(url, data=session_form(world, session_date="2026-10-01", version=version,
                                              notes="first")).status_code == 302
    second = client.post(url, data=session_form(world, session_date="2026-10-01", version=version,
                                                notes="typed in the older tab"))
    page = second.get_data(as_text=True)
    assert second.status_code == 409 and "Bạn đã nhập" in page and "typed in the older tab" in page
    saved = reload(dbs, world.session_a)
    assert isinstance(saved, ParentingSession) and saved.notes == "first"


def test_a_forged_or_huge_version_is_a_conflict_never_an_error(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["reviewer"])
    url = f"/organisations/{world.org_a.id}/edit"
    base = {"name": world.org_a.name, "tax_code": world.org_a.tax_code, "province_code": "hung-yen",
            "sector_code": "garment-textile", "workforce_total": "500", "workforce_women": "300", "address": "x"}
    for version in ("", "abc", "-1", "9223372036854775808", "١"):
        assert client.post(url, data={**base, "version": version}).status_code == 409, version
    assert client.post(url, data=base).status_code == 409  # no version at all


def test_account_older_tab_is_refused_and_shown_both(client: FlaskClient, world: World, dbs: Session) -> None:
    sign_in(client, world.users["admin"])
    user = world.users["hr_b"]
    url = f"/admin/users/{user.id}"
    version = version_in(client.get(url).get_data(as_text=True))
    base = {"full_name": "Hoa", "role": "hr", "organisation_id": str(world.org_b.id), "version": version}
    assert client.post(url, data={**base, "full_name": "Nguyễn Thị Hoa"}).status_code == 302
    second = client.post(url, data={**base, "role": "reviewer", "organisation_id": ""})
    page = second.get_data(as_text=True)
    assert second.status_code == 409 and "Bạn đã nhập" in page and "Nguyễn Thị Hoa" in page
    saved = reload(dbs, user)
    assert isinstance(saved, User) and (saved.full_name, saved.role) == ("Nguyễn Thị Hoa", "hr")
