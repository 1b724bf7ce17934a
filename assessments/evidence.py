"""Which evidence files are accepted, decided from their content, not their name or the
browser's claim. Downloads are always served as attachments with the type decided here."""

from __future__ import annotations

import io
import zipfile

ALLOWED = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000


def sniff(content: bytes) -> str | None:
    """The kind of file (a key of ALLOWED), or None when it is none of them or unsafe."""
    if content.startswith(b"%PDF-"):
        # A PDF starting well but holding HTML is still served only as a PDF attachment.
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    return None


def _office_kind(content: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return None
    entries = archive.infolist()
    # A zip bomb is refused from its directory, before anything is unpacked.
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        return None
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def safe_download_name(original: str) -> str:
    """The user's file name without path parts or control characters (send_file encodes the rest)."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"')
    return name.strip(". ")[:200] or "evidence"
