"""Which evidence files are accepted, decided from their content, not their name or the
browser's claim: a file must open as the type its first bytes claim (a PDF parses, an image
decodes, a Word or Excel file is a valid package with its main part), so a file that starts
like a PDF and goes on as a web page is refused. Downloads are always served as attachments
with the type decided here."""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from xml.etree import ElementTree

from PIL import Image
from pypdf import PdfReader

ALLOWED = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel photo of a document is plenty; more is a decompression bomb
MAX_MAIN_PART_BYTES = 50 * 1024 * 1024
OFFICE_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a refused file is not worth a log line


def sniff(content: bytes) -> str | None:
    """The kind of file (a key of ALLOWED), or None when it is none of them, broken or unsafe."""
    if content.startswith(b"%PDF-"):
        return "pdf" if _opens_as_pdf(content) else None
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg" if _decodes_as_image(content, "JPEG") else None
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _decodes_as_image(content, "PNG") else None
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    return None


def _opens_as_pdf(content: bytes) -> bool:
    """The file parses as a PDF (strictly: no repairs) and has at least one page."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=True)
            return len(reader.pages) >= 1
    except Exception:  # pypdf raises many kinds of errors on broken files: all mean "not a PDF"
        return False


def _decodes_as_image(content: bytes, image_format: str) -> bool:
    """The whole image decodes (not just its header), and it is not a decompression bomb."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format != image_format or image.width * image.height > MAX_IMAGE_PIXELS:
                    return False
                image.load()
        return True
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on broken files
        return False


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
    kind = next((k for k, part in OFFICE_MAIN_PARTS.items() if part in names), None)
    if kind is None:
        return None
    # A valid package: its content types and its main part are well-formed XML, and read back
    # whole (which checks their CRC).
    for part in ("[Content_Types].xml", OFFICE_MAIN_PARTS[kind]):
        if archive.getinfo(part).file_size > MAX_MAIN_PART_BYTES:
            return None
        try:
            ElementTree.fromstring(archive.read(part))
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
            return None
    return kind


def safe_download_name(original: str) -> str:
    """The user's file name without path parts or control characters (send_file encodes the rest)."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"')
    return name.strip(". ")[:200] or "evidence"
