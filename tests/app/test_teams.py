"""An HR team shares an assessment (issue 16, item 4): areas assigned to colleagues, who last
changed each answer, the team's notes (shown to the reviewer only when shared), and colleagues
as owners of plan actions. On both databases."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import AnswerNote, AreaAssignment, PlanItem, Role
from tests.app.test_assessment import area_url, version_on
from tests.app.test_review_compare import submitted
from tests.conftest import World, add_user, reload, sign_in


def colleague(dbs: Session, world: World, email: str = "minh@anhduong.vn", name: str = "Trần Văn Minh",
              active: bool = True):  # type: ignore[no-untyped-def]
    user = add_user(dbs, email, Role.HR, world.org_a, active=active)
    user.full_name = name
    dbs.commit()
    return user


def test_an_hr_officer_assigns_areas_and_the_colleague_sees_them_as_assigned_to_me(
        app: Flask, world: World, dbs: Session) -> None:
    minh = colleague(dbs, world)
    lan = sign_in(app.test_client(), world.users["hr_a"])
    base = f"/assessments/{world.assessment_a.id}"
    page = lan.get(f"{base}/review").get_data(as_text=True)
    assert 'id="team"' in page and "Trần Văn Minh" in page
    assert lan.post(f"{base}/team", data={"area-leave": str(minh.id), "area-breastfeeding": str(minh.id),
                                          "area-workplace": ""}).status_code == 302
    assert {a.user_id for a in dbs.scalars(select(AreaAssignment))} == {minh.id}
    dashboard = sign_in(app.test_client(), minh).get("/dashboard").get_data(as_text=True)
    assert "Được giao cho tôi" in dashboard
    # In the questionnaire's order: A (leave) before B (breastfeeding).
    assert 0 < dashboard.index(f'href="{base}/areas/leave"') < dashboard.index(f'href="{base}/areas/breastfeeding"')
    assert "Trả lời bởi Trần Văn Minh" in lan.get(f"{base}/review").get_data(as_text=True)
    # Unassigned again: gone from the colleague's dashboard.
    lan.post(f"{base}/team", data={"area-leave": "", "area-breastfeeding": ""})
    assert dbs.scalar(select(func.count()).select_from(AreaAssignment)) == 0


def test_areas_go_only_to_active_colleagues_of_the_same_organisation(app: Flask, world: World,
                                                                       dbs: Session) -> None:
    lan = sign_in(app.test_client(), world.users["hr_a"])
    base = f"/assessments/{world.assessment_a.id}"
    for someone in (world.users["hr_b"].id, world.users["hr_inactive"].id, world.users["reviewer"].id, "abc",
                    "99999"):
        refused = lan.post(f"{base}/team", data={"area-leave": str(someone)}, follow_redirects=True)
        assert "Hãy chọn một đồng nghiệp" in refused.get_data(as_text=True), someone
    assert dbs.scalar(select(func.count()).select_from(AreaAssignment)) == 0
    # Company B's officer cannot touch company A's assessment at all.
    other = sign_in(app.test_client(), world.users["hr_b"])
    assert other.post(f"{base}/team", data={"area-leave": str(world.users["hr_b"].id)}).status_code == 404


def test_notes_are_saved_with_the_area_and_the_reviewer_reads_only_shared_ones(app: Flask, world: World,
                                                                              dbs: Session) -> None:
    minh = colleague(dbs, world)
    lan = sign_in(app.test_client(), world.users["hr_a"])
    version = version_on(lan.get(area_url(world)).get_data(as_text=True))
    saved = lan.post(area_url(world), data={
        "version": version, "leave__paternity": "per_law",
        "note-leave__paternity": "Chị Hoa bên kế toán giữ bảng chấm công.",
        "note-leave__maternity_policy": "Bản quy chế mới có chữ ký giám đốc",
        "note_shared-leave__maternity_policy": "y"})
    assert saved.status_code == 302
    notes = {n.indicator_key: (n.text, n.shared) for n in dbs.scalars(select(AnswerNote))}
    assert notes == {"leave.paternity": ("Chị Hoa bên kế toán giữ bảng chấm công.", False),
                     "leave.maternity_policy": ("Bản quy chế mới có chữ ký giám đốc", True)}
    # The colleague reads both notes and who changed the answer.
    page = sign_in(app.test_client(), minh).get(area_url(world)).get_data(as_text=True)
    assert "Chị Hoa bên kế toán giữ bảng chấm công." in page and "Bản quy chế mới có chữ ký giám đốc" in page
    assert "Sửa lần cuối bởi hr.a" in page
    # Submitted: the reviewer sees the shared note only.
    submitted(dbs, world)
    review = sign_in(app.test_client(), world.users["reviewer"]).get(
        f"/review/{world.assessment_a.id}").get_data(as_text=True)
    assert "Bản quy chế mới có chữ ký giám đốc" in review
    assert "Chị Hoa bên kế toán" not in review


def test_an_empty_note_removes_it_and_a_long_one_is_refused_with_nothing_saved(app: Flask, world: World,
                                                                               dbs: Session) -> None:
    lan = sign_in(app.test_client(), world.users["hr_a"])
    version = version_on(lan.get(area_url(world)).get_data(as_text=True))
    lan.post(area_url(world), data={"version": version, "note-leave__paternity": "Ghi chú"})
    version = version_on(lan.get(area_url(world)).get_data(as_text=True))
    long = lan.post(area_url(world), data={"version": version, "leave__paternity": "per_law",
                                           "note-leave__paternity": "x" * 1001})
    assert long.status_code == 422 and "tối đa 1.000 ký tự" in long.get_data(as_text=True)
    assert "x" * 1001 in long.get_data(as_text=True)  # what was typed is shown again, not lost
    assert dbs.scalars(select(AnswerNote.text)).one() == "Ghi chú"
    lan.post(area_url(world), data={"version": version, "note-leave__paternity": "  "})
    assert dbs.scalar(select(func.count()).select_from(AnswerNote)) == 0


def test_a_conflict_keeps_the_note_that_was_typed(app: Flask, world: World, dbs: Session) -> None:
    lan, minh = sign_in(app.test_client(), world.users["hr_a"]), sign_in(app.test_client(), world.users["hr_a"])
    version = version_on(lan.get(area_url(world)).get_data(as_text=True))
    lan.post(area_url(world), data={"version": version, "leave__paternity": "extra_days"})
    late = minh.post(area_url(world), data={"version": version, "note-leave__paternity": "Ghi chú của Minh"})
    assert late.status_code == 409 and "Ghi chú của Minh" in late.get_data(as_text=True)
    assert dbs.scalar(select(func.count()).select_from(AnswerNote)) == 0


def test_a_plan_action_is_owned_by_a_colleague_with_an_account(app: Flask, world: World, dbs: Session) -> None:
    minh = colleague(dbs, world)
    assessment = submitted(dbs, world)
    item = dbs.scalars(select(PlanItem).where(PlanItem.assessment_id == assessment.id)).first()
    assert item is not None
    lan = sign_in(app.test_client(), world.users["hr_a"])
    results = lan.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    assert f'<option value="{minh.id}">Trần Văn Minh</option>' in results
    url = f"/assessments/{assessment.id}/plan/{item.id}"
    form = {"version": str(item.version), "text": item.text, "owner": "", "status": "planned"}
    assert lan.post(url, data={**form, "owner_user_id": str(minh.id)}).status_code == 302
    saved = reload(dbs, item)
    assert (saved.owner_user_id, saved.owner) == (minh.id, "Trần Văn Minh")  # type: ignore[attr-defined]
    # Someone of another company is not a choice, and is refused if sent anyway.
    refused = lan.post(url, data={**form, "version": str(saved.version),  # type: ignore[attr-defined]
                                  "owner_user_id": str(world.users["hr_b"].id)}, follow_redirects=True)
    assert "Lựa chọn không hợp lệ." in refused.get_data(as_text=True)
    assert reload(dbs, item).owner_user_id == minh.id  # type: ignore[attr-defined]
    # A name without an account still works.
    lan.post(url, data={**form, "version": str(reload(dbs, item).version), "owner": "Bà Tư (bếp ăn)"})  # type: ignore[attr-defined]
    saved = reload(dbs, item)
    assert (saved.owner_user_id, saved.owner) == (None, "Bà Tư (bếp ăn)")  # type: ignore[attr-defined]
