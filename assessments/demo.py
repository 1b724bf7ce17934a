"""Demo data for `make run`: organisations in several provinces and sectors, one user per role,
and parenting sessions at workplaces and commune health stations.

Loaded through the services (so the audit trail shows it) and only into an empty database.
The passwords are fixed and printed because this data is for trying the service locally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import Organisation, Programme, Role, User
from assessments.parenting import SessionData
from assessments.services.accounts import create_user
from assessments.services.common import Context
from assessments.services.organisations import OrganisationData, create_organisation
from assessments.services.parenting import create_session

DEMO_ORGANISATIONS = (
    OrganisationData("Công ty TNHH May Mặc Sông Hồng", "0100112233", "hung-yen", "garment-textile", 2400, 1950,
                     "KCN Phố Nối A, Hưng Yên"),
    OrganisationData("Công ty CP Giày Da Bình Dương", "3700112244", "ho-chi-minh", "footwear-leather", 6800, 5100,
                     "KCN Sóng Thần, Dĩ An, TP. Hồ Chí Minh"),
    OrganisationData("Công ty TNHH Điện Tử Bắc Ninh", "2300334455", "bac-ninh", "electronics", 1200, 840,
                     "KCN Yên Phong, Bắc Ninh"),
    OrganisationData("Công ty CP Thủy Sản Mekong", "1800556677", "can-tho", "seafood", 650, 410,
                     "KCN Trà Nóc, Cần Thơ"),
    OrganisationData("Công ty TNHH Gỗ Nội Thất Đồng Nai", "3600778899", "dong-nai", "wood-furniture", 180, 60,
                     "KCN Biên Hòa 2, Đồng Nai"),
    OrganisationData("Công ty CP Thực Phẩm Đà Nẵng", "0400990011", "da-nang", "food-processing", 320, 190,
                     "KCN Hòa Khánh, Đà Nẵng"),
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
    DemoAccount("reviewer@demo.vn", "demo-reviewer-2026", Role.REVIEWER, "Trần Văn Minh"),
    DemoAccount("unicef@demo.vn", "demo-unicef-2026", Role.UNICEF, "Lê Thu Hà"),
)


def load_demo_data(db: Session, today: date) -> bool:
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
    return True


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


def _load_demo_sessions(db: Session, ctx: Context, organisations: list[Organisation], today: date) -> None:
    programmes = {p.key: p for p in db.scalars(select(Programme))}
    if not programmes:  # a database built without the migrations' reference data
        return
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
        ), today)
