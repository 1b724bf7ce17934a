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


# Vietnamese alphabetical order: the 29 letters (f, j, w, z of foreign words at their Latin place),
# then the tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_LETTERS = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: 100 + index for index, letter in enumerate(_LETTERS)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def vietnamese_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Sort names as a Vietnamese reader expects: "Đ" after "D" (not after "Z"), "Ă" and "Â" after
    "A", tones only when the letters are the same. Python's default order (by code point) puts
    every accented capital after "Z"."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if unicodedata.combining(char):  # breve, circumflex, horn: part of the letter
            if letters:
                base = _LETTERS[letters[-1] - 100] if letters[-1] >= 100 else ""
                composed = unicodedata.normalize("NFC", base + char)
                letters[-1] = _LETTER_RANK.get(composed, letters[-1])
            continue
        if char == " ":
            rank = -1
        elif char.isdigit():
            rank = int(char)
        else:
            rank = _LETTER_RANK.get(char, 1000 + ord(char))
        letters.append(rank)
        tones.append(0)
    return tuple(letters), tuple(tones), text
