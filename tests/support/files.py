"""Small real files of each accepted evidence type, made in the test run (no binaries in git)."""

from __future__ import annotations

import io
import zipfile


def small_pdf() -> bytes:
    """A real one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def small_image(kind: str) -> bytes:
    """A real 4 x 4 image: "PNG" or "JPEG"."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 40, 40)).save(buffer, format=kind)
    return buffer.getvalue()


def office_package(kind: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal valid DOCX ("docx") or XLSX ("xlsx") package."""
    main = {"docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml."
                     "document.main+xml", b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                     b'wordprocessingml/2006/main"><w:body/></w:document>'),
            "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                     b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/>'
                     b'</workbook>')}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main[0]}" ContentType="{main[1]}"/></Types>').encode())
        parts = {main[0]: main[2], **(extra or {})}  # `extra` may replace the main part
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


SMALL_PDF = small_pdf()
