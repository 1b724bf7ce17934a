"""Vietnamese enterprise tax codes (mã số thuế).

A code has 10 digits; a dependent unit (branch) adds 3 digits, often written
``0101234567-001``. We store digits only, 10 or 13 of them.
"""

from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalise_tax_code(raw: str) -> str | None:
    """Return the digits of a valid tax code, or None when it is not 10 or 13 ASCII digits."""
    text = raw.strip().replace(" ", "").replace(".", "")
    if text.count("-") == 1:
        head, tail = text.split("-")
        if len(head) != 10 or len(tail) != 3:
            return None
        text = head + tail
    if not _ASCII_DIGITS.fullmatch(text) or len(text) not in (10, 13):
        return None
    return text


def format_tax_code(digits: str) -> str:
    return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
