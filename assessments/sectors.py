"""Economic sectors an organisation can belong to (used for benchmarks and filters)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sector:
    code: str
    name_vi: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en


SECTORS: tuple[Sector, ...] = (
    Sector("garment-textile", "Dệt may", "Garment and textile"),
    Sector("footwear-leather", "Da giày", "Footwear and leather"),
    Sector("electronics", "Điện tử", "Electronics"),
    Sector("food-processing", "Chế biến thực phẩm", "Food processing"),
    Sector("seafood", "Chế biến thủy sản", "Seafood processing"),
    Sector("wood-furniture", "Gỗ và nội thất", "Wood and furniture"),
    Sector("other-manufacturing", "Sản xuất khác", "Other manufacturing"),
    Sector("agriculture", "Nông nghiệp", "Agriculture"),
    Sector("construction", "Xây dựng", "Construction"),
    Sector("retail-services", "Bán lẻ và dịch vụ", "Retail and services"),
    Sector("finance", "Tài chính, ngân hàng", "Finance and banking"),
    Sector("ict", "Công nghệ thông tin", "Information technology"),
    Sector("other", "Khác", "Other"),
)

SECTORS_BY_CODE: dict[str, Sector] = {s.code: s for s in SECTORS}
