"""Viet Nam's 34 provincial-level units in force since 1 July 2025, and the 63 former names.

National Assembly Resolution 202/2025/QH15 merged 52 provincial units into 23, leaving 6
centrally-run cities and 28 provinces. Older records and programme reports still use the old
names, so every former name resolves to the unit that absorbed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessments.text import without_diacritics


@dataclass(frozen=True)
class Province:
    code: str
    name_vi: str
    name_en: str
    is_city: bool
    former_vi: tuple[str, ...]  # the pre-2025 units it absorbed (itself included when merged)

    def name(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en


def _p(code: str, vi: str, en: str, former: tuple[str, ...] = (), city: bool = False) -> Province:
    return Province(code, vi, en, city, former or (vi,))


PROVINCES: tuple[Province, ...] = (
    # Unchanged units (11)
    _p("ha-noi", "Hà Nội", "Ha Noi", city=True),
    _p("hue", "Huế", "Hue", ("Thừa Thiên Huế",), city=True),
    _p("lai-chau", "Lai Châu", "Lai Chau"),
    _p("dien-bien", "Điện Biên", "Dien Bien"),
    _p("son-la", "Sơn La", "Son La"),
    _p("lang-son", "Lạng Sơn", "Lang Son"),
    _p("quang-ninh", "Quảng Ninh", "Quang Ninh"),
    _p("thanh-hoa", "Thanh Hóa", "Thanh Hoa"),
    _p("nghe-an", "Nghệ An", "Nghe An"),
    _p("ha-tinh", "Hà Tĩnh", "Ha Tinh"),
    _p("cao-bang", "Cao Bằng", "Cao Bang"),
    # Merged units (23): new name = the former units it absorbed
    _p("tuyen-quang", "Tuyên Quang", "Tuyen Quang", ("Hà Giang", "Tuyên Quang")),
    _p("lao-cai", "Lào Cai", "Lao Cai", ("Yên Bái", "Lào Cai")),
    _p("thai-nguyen", "Thái Nguyên", "Thai Nguyen", ("Bắc Kạn", "Thái Nguyên")),
    _p("phu-tho", "Phú Thọ", "Phu Tho", ("Vĩnh Phúc", "Hòa Bình", "Phú Thọ")),
    _p("bac-ninh", "Bắc Ninh", "Bac Ninh", ("Bắc Giang", "Bắc Ninh")),
    _p("hung-yen", "Hưng Yên", "Hung Yen", ("Thái Bình", "Hưng Yên")),
    _p("hai-phong", "Hải Phòng", "Hai Phong", ("Hải Dương", "Hải Phòng"), city=True),
    _p("ninh-binh", "Ninh Bình", "Ninh Binh", ("Hà Nam", "Nam Định", "Ninh Bình")),
    _p("quang-tri", "Quảng Trị", "Quang Tri", ("Quảng Bình", "Quảng Trị")),
    _p("da-nang", "Đà Nẵng", "Da Nang", ("Quảng Nam", "Đà Nẵng"), city=True),
    _p("quang-ngai", "Quảng Ngãi", "Quang Ngai", ("Kon Tum", "Quảng Ngãi")),
    _p("gia-lai", "Gia Lai", "Gia Lai", ("Bình Định", "Gia Lai")),
    _p("khanh-hoa", "Khánh Hòa", "Khanh Hoa", ("Ninh Thuận", "Khánh Hòa")),
    _p("lam-dong", "Lâm Đồng", "Lam Dong", ("Đắk Nông", "Bình Thuận", "Lâm Đồng")),
    _p("dak-lak", "Đắk Lắk", "Dak Lak", ("Phú Yên", "Đắk Lắk")),
    _p(
        "ho-chi-minh",
        "Thành phố Hồ Chí Minh",
        "Ho Chi Minh City",
        ("Bình Dương", "Bà Rịa - Vũng Tàu", "Thành phố Hồ Chí Minh"),
        city=True,
    ),
    _p("dong-nai", "Đồng Nai", "Dong Nai", ("Bình Phước", "Đồng Nai")),
    _p("tay-ninh", "Tây Ninh", "Tay Ninh", ("Long An", "Tây Ninh")),
    _p("can-tho", "Cần Thơ", "Can Tho", ("Sóc Trăng", "Hậu Giang", "Cần Thơ"), city=True),
    _p("vinh-long", "Vĩnh Long", "Vinh Long", ("Bến Tre", "Trà Vinh", "Vĩnh Long")),
    _p("dong-thap", "Đồng Tháp", "Dong Thap", ("Tiền Giang", "Đồng Tháp")),
    _p("ca-mau", "Cà Mau", "Ca Mau", ("Bạc Liêu", "Cà Mau")),
    _p("an-giang", "An Giang", "An Giang", ("Kiên Giang", "An Giang")),
)

PROVINCES_BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}


def fold_name(name: str) -> str:
    """Compare names without diacritics, case, punctuation or administrative prefixes."""
    text = without_diacritics(name.strip().lower())
    text = re.sub(r"[-\u2010-\u2015./]", " ", text)  # hyphens, en and em dashes, dots, slashes
    for prefix in ("thanh pho ", "tinh ", "tp "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in (" province", " city"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return " ".join(text.split())


def _build_lookup() -> dict[str, Province]:
    lookup: dict[str, Province] = {}
    for province in PROVINCES:
        names = (province.code, province.name_vi, province.name_en, *province.former_vi)
        for name in names:
            lookup[fold_name(name)] = province
    for alias, code in ALIASES.items():
        lookup[fold_name(alias)] = PROVINCES_BY_CODE[code]
    return lookup


# Spellings people write in registers and spreadsheets, beyond the official names (tested in
# tests/assessments/test_provinces.py). An ambiguous abbreviation (ĐN: Đà Nẵng or Đồng Nai) is left
# out on purpose: refused with a clear message rather than guessed.
ALIASES = {
    "Sài Gòn": "ho-chi-minh", "HCMC": "ho-chi-minh", "HCM": "ho-chi-minh", "TPHCM": "ho-chi-minh",
    "TP HCM": "ho-chi-minh", "Vũng Tàu": "ho-chi-minh", "Bà Rịa": "ho-chi-minh", "BR VT": "ho-chi-minh",
    "BRVT": "ho-chi-minh", "Bình Dương": "ho-chi-minh",
    "Thua Thien Hue": "hue", "TT Huế": "hue", "T T Huế": "hue", "TTH": "hue",
    "HN": "ha-noi", "Hanoi": "ha-noi", "HP": "hai-phong", "Haiphong": "hai-phong", "Danang": "da-nang",
    "Cantho": "can-tho",
}


_LOOKUP = _build_lookup()


def resolve_province(name: str) -> Province | None:
    """Find the current unit for a current or former (pre-July-2025) name, with or without diacritics."""
    return _LOOKUP.get(fold_name(name))


def former_province_of(code: str, former: str) -> str:
    """The former unit a workplace in `code` was in: the only one when the unit was not merged, else
    the one given (which must be one the unit absorbed; "" when not said). ValueError otherwise."""
    absorbed = PROVINCES_BY_CODE[code].former_vi
    if not former:
        return absorbed[0] if len(absorbed) == 1 else ""
    if former not in absorbed:
        raise ValueError(former)
    return former


def former_province_names() -> list[str]:
    """The 63 provincial units that existed until 30 June 2025."""
    return [name for province in PROVINCES for name in province.former_vi]
