"""Demo data for `make run`: organisations in several provinces and sectors, one user per role,
and parenting sessions at workplaces and commune health stations.

Loaded through the services (so the audit trail shows it) and only into an empty database.
The passwords are fixed and printed because this data is for trying the service locally.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select

from assessments.db import DbSession
from assessments.models import (
    Answer,
    Assessment,
    Organisation,
    ParentingSession,
    Programme,
    ReviewDecision,
    Role,
    User,
)
from assessments.parenting import CourseData, FacilitatorData, SessionData, VenueData
from assessments.services.accounts import create_user
from assessments.services.common import Context
from assessments.services.courses import create_course
from assessments.services.facilitators import create_facilitator
from assessments.services.organisations import OrganisationData, create_organisation
from assessments.services.parenting import create_session
from assessments.services.reviews import decide_indicator, return_to_company, verify
from assessments.services.self_assessment import (
    adopt_action,
    default_profile,
    save_answers,
    save_profile,
    start_assessment,
    submit,
    update_plan_item,
)
from assessments.services.supervision import record_visit
from assessments.services.surveys import begin_response, open_round
from assessments.services.surveys import save_answers as save_survey_answers
from assessments.services.targets import save_target
from assessments.services.teams import assign_areas
from assessments.services.venues import create_venue
from assessments.simulate import random_answers, random_profile
from assessments.supervision import VisitData
from assessments.targets import TargetData
from rubrics.loader import Rubric

DEMO_ORGANISATIONS = (
    OrganisationData("Công ty TNHH May Mặc Sông Hồng", "0100112233", "hung-yen", "garment-textile", 2400, 1950,
                     "KCN Phố Nối A, Hưng Yên", "Hưng Yên"),
    OrganisationData("Công ty CP Giày Da Bình Dương", "3700112244", "ho-chi-minh", "footwear-leather", 6800, 5100,
                     "KCN Sóng Thần, Dĩ An, TP. Hồ Chí Minh", "Bình Dương"),
    OrganisationData("Công ty TNHH Điện Tử Bắc Ninh", "2300334455", "bac-ninh", "electronics", 1200, 840,
                     "KCN Yên Phong, Bắc Ninh", "Bắc Ninh"),
    OrganisationData("Công ty CP Thủy Sản Mekong", "1800556677", "can-tho", "seafood", 650, 410,
                     "KCN Trà Nóc, Cần Thơ", "Cần Thơ"),
    OrganisationData("Công ty TNHH Gỗ Nội Thất Đồng Nai", "3600778899", "dong-nai", "wood-furniture", 180, 60,
                     "KCN Biên Hòa 2, Đồng Nai", "Đồng Nai"),
    OrganisationData("Công ty CP Thực Phẩm Đà Nẵng", "0400990011", "da-nang", "food-processing", 320, 190,
                     "KCN Hòa Khánh, Đà Nẵng", "Đà Nẵng"),
    # More garment factories, so the sector benchmark (shown from 5 organisations) has data.
    OrganisationData("Công ty TNHH May Xuất Khẩu Nam Định", "0600123450", "ninh-binh", "garment-textile", 3100, 2600,
                     "KCN Hòa Xá, Ninh Bình", "Nam Định"),
    OrganisationData("Công ty CP Dệt May Thái Bình", "1000234561", "hung-yen", "garment-textile", 1500, 1230,
                     "KCN Phúc Khánh, Hưng Yên", "Thái Bình"),
    OrganisationData("Công ty TNHH May Mặc Long An", "1100345672", "tay-ninh", "garment-textile", 900, 740,
                     "KCN Đức Hòa, Tây Ninh", "Long An"),
    OrganisationData("Công ty CP May Quảng Nam", "4000456783", "da-nang", "garment-textile", 2200, 1800,
                     "KCN Điện Nam – Điện Ngọc, Đà Nẵng", "Quảng Nam"),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    full_name: str
    organisation_index: int | None = None


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.vn", "demo-admin-2026", Role.ADMIN, "Quản trị viên"),
    DemoAccount("hr@demo.vn", "demo-hr-2026", Role.HR, "Nguyễn Thị Lan", 0),
    DemoAccount("hr2@demo.vn", "demo-hr2-2026", Role.HR, "Phạm Văn Hùng", 0),  # Lan's colleague (teams)
    DemoAccount("reviewer@demo.vn", "demo-reviewer-2026", Role.REVIEWER, "Trần Văn Minh"),
    DemoAccount("unicef@demo.vn", "demo-unicef-2026", Role.UNICEF, "Lê Thu Hà"),
)


def load_demo_data(db: DbSession, today: date, rubric: Rubric) -> bool:
    """Seed an empty database; return False (and change nothing) when it already has users."""
    if db.scalar(select(func.count(User.id))):
        return False
    ctx = Context(actor=None, ip_address=None)
    organisations = [create_organisation(db, ctx, data) for data in DEMO_ORGANISATIONS]
    for account in DEMO_ACCOUNTS:
        org_id = organisations[account.organisation_index].id if account.organisation_index is not None else None
        create_user(db, ctx, email=account.email, password=account.password, role=account.role,
                    organisation_id=org_id, full_name=account.full_name)
    _load_demo_sessions(db, ctx, organisations, today)
    _load_demo_targets(db, ctx, today)
    _load_demo_assessments(db, organisations, today, rubric)
    _load_demo_reviews(db, organisations, rubric)
    _load_demo_survey(db, organisations[0], today, rubric)
    return True


def _load_demo_reviews(db: DbSession, organisations: list[Organisation], rubric: Rubric) -> None:
    """The Chamber has verified two of last year's assessments and queried one of this year's;
    the rest wait in the reviewer's queue."""
    reviewer = db.scalar(select(User).where(User.role == Role.REVIEWER))
    ctx = Context(actor=reviewer)
    by_org = {(a.organisation_id, a.cycle): a for a in db.scalars(select(Assessment))}
    this_year = max(cycle for _org, cycle in by_org)
    for index in (6, 8):
        assessment = by_org[(organisations[index].id, this_year - 1)]
        for key in ("leave.maternity_policy", "breastfeeding.lactation_room"):
            decide_indicator(db, ctx, assessment, rubric, key, ReviewDecision.ACCEPTED, "")
        verify(db, ctx, assessment, "Hồ sơ đầy đủ, đã đối chiếu bảng chấm công.")
    queried = by_org[(organisations[2].id, this_year)]
    decide_indicator(db, ctx, queried, rubric, "leave.paternity", ReviewDecision.QUERIED,
                     "Vui lòng gửi bảng chấm công và quyết định nghỉ của lao động nam có vợ sinh con năm nay.")
    return_to_company(db, ctx, queried, "Cần bổ sung bằng chứng cho câu A2 trước khi xác nhận.")


# (organisation index, cycles back from this year, quality 0-1): a spread of bands, and earlier
# cycles for a few organisations so plans and trends have a previous cycle to compare with.
DEMO_ASSESSMENTS = ((0, 1, 0.45), (6, 1, 0.7), (7, 1, 0.3), (8, 1, 0.85), (9, 1, 0.55),
                    (1, 0, 0.8), (2, 0, 0.35), (3, 0, 0.6), (4, 0, 0.15), (5, 0, 0.9),
                    (0, 2, 0.3), (1, 1, 0.6), (2, 1, 0.25), (3, 1, 0.5))


def _load_demo_assessments(db: DbSession, organisations: list[Organisation], today: date, rubric: Rubric) -> None:
    hr = db.scalar(select(User).where(User.email == "hr@demo.vn"))
    ctx = Context(actor=hr)
    rng = random.Random(2026)
    for index, cycles_back, quality in DEMO_ASSESSMENTS:
        organisation = organisations[index]
        assessment = start_assessment(db, ctx, organisation, today.year - cycles_back, rubric)
        _answer_everything(db, ctx, assessment, rubric, organisation, quality, rng)
        submit(db, ctx, assessment, rubric, today - timedelta(days=365 * cycles_back))
    # The demo HR company: last year's plan is under way (one action overdue), and this year's
    # assessment is a draft, copied forward and half answered.
    last_year = db.scalar(select(Assessment).where(Assessment.organisation_id == organisations[0].id,
                                                   Assessment.cycle == today.year - 1))
    result = None if last_year is None else last_year.result
    actions = result.plan.actions if result is not None else ()
    colleague = db.scalar(select(User).where(User.email == "hr2@demo.vn"))
    for number, action in enumerate(actions[:3]):
        assert last_year is not None  # there are actions only when there is last year's plan
        item = adopt_action(db, ctx, last_year, action.indicator, "vi")
        update_plan_item(db, ctx, item, organisations[0].id, text=item.text, owner="Nguyễn Thị Lan",
                         owner_user_id=colleague.id if colleague is not None and number == 1 else None,
                         due_date=today + timedelta(days=(-20 if number == 1 else 60)),
                         status=("done" if number == 0 else "in_progress"), expected_version=item.version)
    draft = start_assessment(db, ctx, organisations[0], today.year, rubric, copy_from=last_year)
    save_profile(db, ctx, draft, rubric, draft.profile, draft.version)
    if colleague is not None:  # Lan answers leave and breastfeeding, Hùng childcare and the workplace
        assign_areas(db, ctx, draft, rubric, {"leave": hr.id if hr else None, "breastfeeding": hr.id if hr else None,
                                              "childcare": colleague.id, "workplace": colleague.id})


def _load_demo_survey(db: DbSession, organisation: Organisation, today: date, rubric: Rubric) -> None:
    """The demo HR company asked its workers twice. Last year's round is closed with 120
    answers, and on one question they contradict HR's answer (a discrepancy). This year's round
    opened three days ago and has 14 answers so far, so the change since last cycle shows."""
    survey = rubric.data.survey
    hr = db.scalar(select(User).where(User.email == "hr@demo.vn"))
    if survey is None or hr is None:
        return
    ctx = Context(actor=hr)
    rng = random.Random(17)
    by_cycle = {a.cycle: a for a in db.scalars(select(Assessment).where(Assessment.organisation_id == organisation.id))}
    answers = {a.indicator_key: a.value for a in db.scalars(select(Answer).where(
        Answer.assessment_id == by_cycle[today.year - 1].id))}
    claimed = [q.key for q in survey.questions if answers.get(q.checks) in q.claimed_by]
    contradicted = claimed[:1]  # exactly one discrepancy: workers say the first practice HR claims is not there
    for cycle, opened, responses, improved in ((today.year - 1, date(today.year - 1, 10, 6), 120, False),
                                               (today.year, today - timedelta(days=3), 14, True)):
        survey_round = open_round(db, ctx, by_cycle[cycle], rubric, opens_on=opened, closes_on=opened + timedelta(
            days=13), codes=None, today=opened)
        for number in range(responses):
            day = opened + timedelta(days=number % 3)
            given = {q.key: _demo_worker_answer(rng, q.key in contradicted and not improved) for q in survey.questions}
            given |= {"sex": "woman" if rng.random() < 0.78 else "man",
                      "young_child": "yes" if rng.random() < 0.45 else "no",
                      "department": rng.choice(("production", "production", "production", "office", "other"))}
            if rng.random() < 0.2:  # the demographic questions are optional
                given.pop("department")
            save_survey_answers(db, survey, survey_round, begin_response(db, survey_round, None, day), given, day)


def _demo_worker_answer(rng: random.Random, contradicted: bool) -> str:
    roll = rng.random()
    if contradicted:  # about two in three of those who know say no
        return "no" if roll < 0.55 else "yes" if roll < 0.82 else "dont_know"
    return "yes" if roll < 0.7 else "no" if roll < 0.8 else "dont_know" if roll < 0.92 else "not_concerned"


def _answer_everything(db: DbSession, ctx: Context, assessment: Assessment, rubric: Rubric,
                       organisation: Organisation, quality: float, rng: random.Random) -> None:
    profile = random_profile(rubric, rng) | default_profile(rubric, organisation)
    save_profile(db, ctx, assessment, rubric, profile, assessment.version)
    save_answers(db, ctx, assessment, rubric, random_answers(rubric, quality, rng))


# (programme key, days ago, organisation index or None, venue, province, commune, women, men, topics)
DEMO_SESSIONS = (
    ("nice", 12, 0, "workplace", "hung-yen", "Phố Nối", 34, 9, 2),
    ("nice", 40, 0, "workplace", "hung-yen", "Phố Nối", 28, 11, 2),
    ("nice", 75, 1, "workplace", "ho-chi-minh", "Dĩ An", 52, 14, 3),
    ("pdep", 20, 1, "workplace", "ho-chi-minh", "Dĩ An", 25, 12, 2),
    ("pdep", 95, 2, "workplace", "bac-ninh", "Yên Phong", 18, 6, 1),
    ("em-thrive", 8, None, "commune_health_station", "lam-dong", "Phú Thủy", 21, 4, 2),
    ("em-thrive", 38, None, "commune_health_station", "lam-dong", "Phú Thủy", 19, 6, 2),
    ("em-thrive", 130, None, "commune_health_station", "lam-dong", "Hàm Tiến", 23, 2, 1),
    ("nice", 55, 3, "workplace", "can-tho", "Trà Nóc", 16, 3, 1),
    ("nice", 150, None, "community", "dien-bien", "Mường Phăng", 27, 5, 2),
    ("pdep", 60, None, "online", "ha-noi", "Cầu Giấy", 44, 21, 2),
)


# (programme key, province, sessions, participants, fathers' share %, workplaces or None)
DEMO_TARGETS = (
    ("nice", "hung-yen", 3, 85, 20, 1), ("nice", "ho-chi-minh", 3, 100, 25, 2), ("nice", "can-tho", 3, 60, 20, 2),
    ("pdep", "ho-chi-minh", 2, 40, 35, 1), ("pdep", "bac-ninh", 2, 30, 30, 2),
    ("em-thrive", "lam-dong", 3, 70, 15, None),
)


def _load_demo_targets(db: DbSession, ctx: Context, today: date) -> None:
    """This year's targets where the demo sessions are: on track in Hưng Yên and Lâm Đồng, short of
    it in Ho Chi Minh City and Bắc Ninh, far behind in Cần Thơ (with the demo sessions of the last
    150 days, later than May)."""
    programmes = {p.key: p.id for p in db.scalars(select(Programme))}
    for key, province, sessions, participants, fathers, workplaces in DEMO_TARGETS:
        if key in programmes:
            save_target(db, ctx, TargetData(today.year, province, programmes[key], sessions, participants, fathers,
                                             workplaces), 0, today)


# The health worker who runs EM-THRIVE's practice sessions in Lâm Đồng, and her two supervision visits.
DEMO_FACILITATOR = FacilitatorData(full_name="Đỗ Thị Hồng", works_at="Trạm y tế xã Phú Thủy", programme_id=0,
                                   province_code="lam-dong", trained_on=None, trained_by="UNICEF và Sở Y tế Lâm Đồng")
DEMO_VISITS = ((45, {"caregivers_engaged": 2, "key_messages": 3, "hands_on_practice": 2, "facilitator_confident": 2,
                     "fits_immunisation_day": 3}, "Cha mẹ chờ tiêm nên ít thực hành.",
                "Tổ chức phần thực hành trước giờ tiêm; chuẩn bị thêm đồ chơi tự làm."),
               (9, {"caregivers_engaged": 4, "key_messages": 3, "hands_on_practice": 3, "facilitator_confident": 4,
                    "fits_immunisation_day": 4}, "Các nhóm cha mẹ thực hành cùng con, sôi nổi.",
                "Chia sẻ cách làm với trạm y tế Hàm Tiến."))


def _load_demo_sessions(db: DbSession, ctx: Context, organisations: list[Organisation], today: date) -> None:
    programmes = {p.key: p for p in db.scalars(select(Programme))}
    if not programmes:  # a database built without the migrations' reference data
        return
    hong = create_facilitator(db, ctx, replace(DEMO_FACILITATOR, programme_id=programmes["em-thrive"].id,
                                               trained_on=today - timedelta(days=200)))
    stations = {commune: create_venue(db, ctx, VenueData("commune_health_station", f"Trạm y tế xã {commune}",
                                                         "lam-dong", commune)).id
                for commune in ("Phú Thủy", "Hàm Tiến")}
    for key, days_ago, org_index, venue, province, commune, women, men, topic_count in DEMO_SESSIONS:
        programme = programmes[key]
        create_session(db, ctx, SessionData(
            programme_id=programme.id, session_date=today - timedelta(days=days_ago), duration_minutes=90,
            venue_type=venue, province_code=province, commune=commune, facilitator="Đỗ Thị Hồng",
            participants_total=women + men, participants_female=women, participants_male=men,
            ethnic_minority=(women + men) // 5 if province == "dien-bien" else 1,
            internal_migrants=(women + men) // 2 if org_index is not None else 0,
            organisation_id=organisations[org_index].id if org_index is not None else None,
            topic_ids=tuple(t.id for t in programme.topics[:topic_count]),
            facilitator_ids=(hong.id,) if key == "em-thrive" else (),
            venue_id=stations.get(commune) if venue == "commune_health_station" else None,
        ), today)
    # The demo company's NICE course: its two sessions so far, of the eight that complete it.
    course = create_course(db, ctx, CourseData(programmes["nice"].id, "Chuyền may 2, khóa 2/2026", "hung-yen",
                                               today - timedelta(days=40), 8, 40), today)
    for record in db.scalars(select(ParentingSession).where(ParentingSession.organisation_id == organisations[0].id,
                                                            ParentingSession.programme_id == course.programme_id)):
        record.course_id = course.id  # named when the course opened after them (the demo's shortcut)
    db.commit()
    for days_ago, scores, note, follow_up in DEMO_VISITS:
        record_visit(db, ctx, VisitData(programme_id=hong.programme_id, visit_date=today - timedelta(days=days_ago),
                                        venue_type="commune_health_station", province_code="lam-dong",
                                        commune="Phú Thủy", supervisor="Lê Thu Hà", scores=scores,
                                        facilitator_id=hong.id, venue_id=stations["Phú Thủy"], note=note,
                                        follow_up=follow_up), today)
