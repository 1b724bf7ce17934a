"""Spreadsheets written a piece at a time: the XLSX zip starts before any row is read and holds
what openpyxl itself would write."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date

from openpyxl import Workbook, load_workbook

from assessments.tabular import spreadsheet_safe, xlsx_chunks

HEADER = ["number", "name", "day"]
ROWS = [[n, f"=Phú Thủy {n}" if n % 7 == 0 else f"Phú Thủy {n}", date(2026, 1, 1 + n % 28)] for n in range(1200)]
DOCUMENTATION = [("number", "Số thứ tự"), ("name", "Tên"), ("day", "Ngày")]


def test_the_xlsx_starts_before_the_rows_and_grows_as_they_are_read() -> None:
    read = []

    def rows() -> Iterator[list[object]]:
        for row in ROWS:
            read.append(row)
            yield row

    chunks = xlsx_chunks(HEADER, rows(), "Dữ liệu", DOCUMENTATION, rows_per_chunk=500)
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04") and read == []
    sizes_read = []
    rest = []
    for chunk in chunks:
        sizes_read.append(len(read))
        rest.append(chunk)
    assert sizes_read[:2] == [500, 1000]  # a piece every 500 rows, not all at the end
    workbook = load_workbook(io.BytesIO(first + b"".join(rest)))
    assert workbook.sheetnames == ["Dữ liệu", "Columns"]
    sheet = workbook["Dữ liệu"]
    assert sheet.max_row == 1201 and [c.value for c in sheet[8]][:2] == [6, "Phú Thủy 6"]
    assert sheet["B2"].value == "'=Phú Thủy 0"  # a formula is never written as one
    assert sheet["C2"].value.date() == date(2026, 1, 1)  # a date stays a date


def test_every_part_is_what_openpyxl_writes_itself() -> None:
    """Only the container differs (the sheet comes first, sizes after the data): each part of
    the workbook is byte for byte what openpyxl's own write-only save makes."""
    streamed = zipfile.ZipFile(io.BytesIO(b"".join(xlsx_chunks(HEADER, ROWS, "Data", DOCUMENTATION))))
    assert streamed.testzip() is None
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("Data")
    for row in [HEADER, *ROWS]:
        data.append([spreadsheet_safe(v) for v in row])
    notes = workbook.create_sheet("Columns")
    for row in [["Column", "What it holds"], *DOCUMENTATION]:
        notes.append(list(row))
    saved = io.BytesIO()
    workbook.save(saved)
    reference = zipfile.ZipFile(saved)
    assert sorted(streamed.namelist()) == sorted(reference.namelist())
    for name in reference.namelist():
        if name != "docProps/core.xml":  # holds the time of writing
            assert streamed.read(name) == reference.read(name), name
