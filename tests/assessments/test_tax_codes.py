from hypothesis import given
from hypothesis import strategies as st

from assessments.tax_codes import format_tax_code, normalise_tax_code


def test_ten_and_thirteen_digit_codes() -> None:
    assert normalise_tax_code("0101234567") == "0101234567"
    assert normalise_tax_code(" 0101234567-001 ") == "0101234567001"
    assert normalise_tax_code("0101234567001") == "0101234567001"
    assert normalise_tax_code("0101 234 567") == "0101234567"


def test_invalid_codes() -> None:
    for raw in ("", "123", "01012345678", "0101234567-01", "010123456-0001", "01012345AB", "٠١٠١٢٣٤٥٦٧",
                "0101234567--001", "-0101234567"):
        assert normalise_tax_code(raw) is None, raw


@given(st.text(max_size=20))
def test_any_text_gives_none_or_ten_or_thirteen_ascii_digits(raw: str) -> None:
    result = normalise_tax_code(raw)
    assert result is None or (result.isascii() and result.isdigit() and len(result) in (10, 13))


@given(st.from_regex(r"[0-9]{10}([0-9]{3})?", fullmatch=True))
def test_formatting_round_trips(code: str) -> None:
    assert normalise_tax_code(format_tax_code(code)) == code
