"""Text helpers shared by names, search and file names."""

from __future__ import annotations

import re
import unicodedata


def without_diacritics(text: str) -> str:
    """"Đồng Tháp" -> "Dong Thap": for matching names and for ASCII file names."""
    decomposed = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(text: str, max_length: int = 60) -> str:
    """"Công ty TNHH May Mặc Sông Hồng" -> "cong-ty-tnhh-may-mac-song-hong": a file-name part
    that survives every browser, e-mail client and Windows folder."""
    words = re.sub(r"[^a-z0-9]+", "-", without_diacritics(text).lower()).strip("-")
    if len(words) <= max_length:
        return words
    cut = words[:max_length + 1]  # one more, to see whether a word ends exactly there
    return cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
