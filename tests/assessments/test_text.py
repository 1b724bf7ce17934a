"""Names without diacritics and file-name slugs."""

from __future__ import annotations

import pytest

from assessments.text import slug, without_diacritics


def test_diacritics_go_and_the_letters_stay() -> None:
    assert without_diacritics("Đồng Tháp, Đà Nẵng, Quảng Ngãi") == "Dong Thap, Da Nang, Quang Ngai"
    assert without_diacritics("Ánh Dương ỨNG") == "Anh Duong UNG"


@pytest.mark.parametrize(("name", "expected"), [
    ("Công ty TNHH May Mặc Sông Hồng", "cong-ty-tnhh-may-mac-song-hong"),
    ('  Xưởng "A" & B / Hà Nội  ', "xuong-a-b-ha-noi"),
    ("../../etc/passwd", "etc-passwd"),
    ("地址", ""),
])
def test_a_slug_is_a_safe_ascii_file_name_part(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_a_long_name_is_cut_at_a_word_boundary_without_a_trailing_hyphen() -> None:
    name = "Công ty cổ phần dệt may xuất nhập khẩu và đầu tư phát triển bền vững miền Bắc"
    whole, cut = slug(name, max_length=200), slug(name)
    assert len(cut) <= 60 and whole.startswith(cut + "-")
    assert cut == "cong-ty-co-phan-det-may-xuat-nhap-khau-va-dau-tu-phat-trien"
    assert slug("a" * 80) == "a" * 60
