"""Demo data for `make run`: organisations in several provinces and sectors, one user per role.

Loaded through the services (so the audit trail shows it) and only into an empty database.
The passwords are fixed and printed because this data is for trying the service locally.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import Role, User
from assessments.services.accounts import create_user
from assessments.services.common import Context
from assessments.services.organisations import OrganisationData, create_organisation

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


def load_demo_data(db: Session) -> bool:
    """Seed an empty database; return False (and change nothing) when it already has users."""
    if db.scalar(select(func.count(User.id))):
        return False
    ctx = Context(actor=None, ip_address=None)
    organisations = [create_organisation(db, ctx, data) for data in DEMO_ORGANISATIONS]
    for account in DEMO_ACCOUNTS:
        org_id = organisations[account.organisation_index].id if account.organisation_index is not None else None
        create_user(db, ctx, email=account.email, password=account.password, role=account.role,
                    organisation_id=org_id, full_name=account.full_name)
    return True
