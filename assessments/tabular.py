"""Read and write CSV and XLSX tables safely (no Flask).

Reading refuses what could hurt the server before parsing it: oversized files, too many rows,
and XLSX archives that would unpack to far more than they weigh (zip bombs). Writing neutralises
cells that a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file cannot be read as a table; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def read_table(filename: str, content: bytes) -> list[dict[str, Any]]:
    """Rows as {header: value}; headers are taken from the first row."""
    if len(content) > MAX_FILE_BYTES:
        raise TableError("file_too_large")
    name = filename.lower()
    if name.endswith(".csv"):
        rows = _read_csv(content)
    elif name.endswith(".xlsx"):
        rows = _read_xlsx(content)
    else:
        raise TableError("unsupported_file_type")
    if not rows:
        raise TableError("empty_file")
    header, *body = rows
    # Blank rows, and rows whose first cell starts with "#" (the template's example), are not data.
    body = [r for r in body if any(cell not in (None, "") for cell in r)
            and not (r and isinstance(r[0], str) and r[0].lstrip().startswith("#"))]
    if not body:
        raise TableError("no_data_rows")
    if len(body) > MAX_ROWS:
        raise TableError("too_many_rows")
    return [dict(zip(header, list(r) + [None] * (len(header) - len(r)), strict=False)) for r in body]


def _read_csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError("not_utf8") from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(content: bytes) -> list[list[Any]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise TableError("not_xlsx") from error
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise TableError("archive_too_large")
    if "xl/workbook.xml" not in archive.namelist():
        raise TableError("not_xlsx")
    from openpyxl import load_workbook  # imported here: only imports need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableError("not_xlsx") from error
    sheet = workbook.worksheets[0]
    rows: list[list[Any]] = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(list(row))
        if len(rows) > MAX_ROWS + 1:
            raise TableError("too_many_rows")
    workbook.close()
    return rows


def spreadsheet_safe(value: Any) -> Any:
    """A text cell starting with = + - @ would run as a formula in Excel: prefix it with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]], rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV a piece at a time (a download streams it: a big export never sits in memory
    whole). UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([spreadsheet_safe(h) for h in header])
    yield buffer.getvalue().encode("utf-8")  # at once: the download starts before any row is read
    buffer.seek(0)
    buffer.truncate()
    for number, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(v) for v in row])
        if number % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return b"".join(csv_chunks(header, rows))


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Data",
               documentation: Sequence[tuple[str, str]] = (),
               documentation_titles: tuple[str, str, str] = ("Columns", "Column", "What it holds")) -> bytes:
    return b"".join(xlsx_chunks(header, rows, sheet_title, documentation, documentation_titles))


class _Pending(io.RawIOBase):
    """Where the zip is written: what arrived since it was last taken. Not seekable, so
    zipfile writes each entry's sizes after its data (a data descriptor), as streamed zips do."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        taken = b"".join(self.parts)
        self.parts.clear()
        return taken


def xlsx_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Data",
                documentation: Sequence[tuple[str, str]] = (),
                documentation_titles: tuple[str, str, str] = ("Columns", "Column", "What it holds"),
                rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The XLSX a piece at a time, its first bytes before any row is read. Numbers stay numbers
    and dates dates (Excel can sort and sum them); with `documentation`, a second sheet says
    what each column holds.

    Cells are written by openpyxl's write-only sheet, but into the zip entry itself rather than
    the temporary file openpyxl would copy into the zip once every row is written: so the zip
    starts with the data sheet and grows as rows are read. The rest of the workbook (the
    documentation sheet, styles, the workbook's parts) follows, written by openpyxl."""
    from openpyxl import Workbook
    from openpyxl.worksheet._writer import WorksheetWriter

    pending = _Pending()
    archive = zipfile.ZipFile(pending, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    # Not Zip64: Excel is wary of it in streamed entries, and a sheet stays far below 2 GiB.
    entry = archive.open(_STREAMED_SHEET, "w")
    sheet._writer = WorksheetWriter(sheet, out=entry)
    sheet._writer.write_top()
    sheet.append([spreadsheet_safe(h) for h in header])
    yield pending.take()
    for number, row in enumerate(rows, start=1):
        sheet.append([spreadsheet_safe(v) for v in row])
        if number % rows_per_chunk == 0:
            yield pending.take()
    sheet.close()
    entry.close()
    if documentation:
        title, column, meaning = documentation_titles
        notes = workbook.create_sheet(title[:31])
        notes.append([column, meaning])
        for name, text in documentation:
            notes.append([name, spreadsheet_safe(text)])
    _workbook_writer()(workbook, archive).save()
    yield pending.take()


_STREAMED_SHEET = "xl/worksheets/sheet1.xml"  # the first sheet's place in every workbook openpyxl writes


@functools.lru_cache(maxsize=1)
def _workbook_writer() -> type:
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.writer.excel import ExcelWriter

    class WorkbookAfterStreamedSheet(ExcelWriter):
        """openpyxl's writer of a workbook's parts, which lists the first sheet (already in the
        zip) instead of copying it in from a temporary file."""

        def write_worksheet(self, ws: Any) -> None:
            if ws is not self.workbook.worksheets[0]:
                super().write_worksheet(ws)
                return
            assert ws.path[1:] == _STREAMED_SHEET, ws.path
            ws._drawing = SpreadsheetDrawing()
            ws._rels = ws._writer._rels
            self.manifest.append(ws)

    return WorkbookAfterStreamedSheet


def template_xlsx(columns: Sequence[str], documentation: Sequence[tuple[str, str]], lists: dict[str, list[str]],
                  example: Sequence[Any], *, data_title: str, example_title: str, columns_title: str,
                  lists_title: str, heading: tuple[str, str]) -> bytes:
    """An import template that helps: the first sheet (the only one imported) has the header and
    drop-downs for the columns in `lists` (values on their own sheet, so they can be long); one
    sheet documents every column, another shows an example row, which can never be imported."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    data = workbook.active
    data.title = data_title[:31]
    data.append(list(columns))
    values = workbook.create_sheet(lists_title[:31])
    for index, (column, options) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        values.cell(row=1, column=index, value=column)
        for row, option in enumerate(options, start=2):
            values.cell(row=row, column=index, value=spreadsheet_safe(option))
        source = f"'{values.title}'!${letter}$2:${letter}${max(len(options), 1) + 1}"
        # Topics may hold several, separated by ";": the list suggests, it does not forbid.
        strict = column != "topics"
        check = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=strict)
        target = get_column_letter(list(columns).index(column) + 1)
        check.add(f"{target}2:{target}{MAX_ROWS + 1}")
        data.add_data_validation(check)
    documented = workbook.create_sheet(columns_title[:31])
    documented.append(list(heading))
    for column, text in documentation:
        documented.append([column, text])
    sample = workbook.create_sheet(example_title[:31])
    sample.append(list(columns))
    sample.append([spreadsheet_safe(v) for v in example])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
