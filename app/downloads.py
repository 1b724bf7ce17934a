"""Spreadsheet downloads: CSV (UTF-8 with BOM, formula cells neutralised) or XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

from assessments.tabular import csv_chunks, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(fmt: str, stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                   sheet: str = "Data", documentation: Sequence[tuple[str, str]] = (),
                   documentation_titles: tuple[str, str, str] = ("Columns", "Column", "What it holds"),
                   stream: bool = False) -> Response:
    """A table as CSV or XLSX; with `documentation`, the XLSX has a sheet saying what each column holds."""
    if fmt == "csv" and stream:
        # Sent as the rows are read. The rows must need no request or app context: the server
        # reads (or drops) the body after the view has returned and its contexts are gone.
        response = Response(csv_chunks(header, rows), mimetype="text/csv; charset=utf-8")
    elif fmt == "csv":
        response = Response(b"".join(csv_chunks(header, rows)), mimetype="text/csv; charset=utf-8")
    else:
        response = Response(write_xlsx(header, rows, sheet, documentation, documentation_titles), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
