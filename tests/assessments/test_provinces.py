"""The 2025 province map: 34 units, 63 former names, each resolving to its new unit."""

import pytest

from assessments.provinces import PROVINCES, PROVINCES_BY_CODE, former_province_names, resolve_province


def test_there_are_34_units_6_of_them_cities() -> None:
    assert len(PROVINCES) == 34
    assert len(PROVINCES_BY_CODE) == 34
    assert sum(p.is_city for p in PROVINCES) == 6


def test_the_63_former_units_are_all_mapped_once() -> None:
    former = former_province_names()
    assert len(former) == 63
    assert len(set(former)) == 63


@pytest.mark.parametrize(("name", "code"), [
    ("Binh Thuan", "lam-dong"),
    ("Bình Thuận", "lam-dong"),
    ("tỉnh Đắk Nông", "lam-dong"),
    ("Binh Duong Province", "ho-chi-minh"),
    ("Bà Rịa - Vũng Tàu", "ho-chi-minh"),
    ("Ba Ria Vung Tau", "ho-chi-minh"),
    ("TP. Hồ Chí Minh", "ho-chi-minh"),
    ("Thừa Thiên Huế", "hue"),
    ("Hà Giang", "tuyen-quang"),
    ("Quang Nam", "da-nang"),
    ("Kon Tum", "quang-ngai"),
    ("Hải Dương", "hai-phong"),
    ("Nam Định", "ninh-binh"),
    ("Bạc Liêu", "ca-mau"),
    ("Hà Nội", "ha-noi"),
    ("HA NOI", "ha-noi"),
])
def test_old_and_new_names_resolve(name: str, code: str) -> None:
    province = resolve_province(name)
    assert province is not None and province.code == code


def test_unknown_names_do_not_resolve() -> None:
    assert resolve_province("Atlantis") is None
    assert resolve_province("") is None


def test_every_former_name_resolves_to_the_unit_that_lists_it() -> None:
    for province in PROVINCES:
        for former in province.former_vi:
            assert resolve_province(former) is province


@pytest.mark.parametrize(("written", "code"), [
    ("TP.HCM", "ho-chi-minh"), ("TP HCM", "ho-chi-minh"), ("HCM", "ho-chi-minh"), ("Tp.Hồ Chí Minh", "ho-chi-minh"),
    ("Vũng Tàu", "ho-chi-minh"), ("BR-VT", "ho-chi-minh"), ("BRVT", "ho-chi-minh"),
    ("Bà Rịa–Vũng Tàu", "ho-chi-minh"), ("Bà Rịa — Vũng Tàu", "ho-chi-minh"),
    ("TT Huế", "hue"), ("TT-Huế", "hue"), ("T.T.Huế", "hue"), ("HN", "ha-noi"), ("TP. Hà Nội", "ha-noi"),
    ("Đà Nẵng city", "da-nang"), ("ĐN", None),  # ambiguous (Đà Nẵng, Đồng Nai): refused, not guessed
])
def test_the_spellings_people_write_are_understood(written: str, code: str | None) -> None:
    """Issue 14 item 21: a tested alias table."""
    province = resolve_province(written)
    assert (province.code if province else None) == code
