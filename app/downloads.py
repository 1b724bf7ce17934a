"""Spreadsheet downloads: CSV (UTF-8 with BOM, formula cells neutralised) or XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response, stream_with_context

from assessments.tabular import csv_chunks, xlsx_chunks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(fmt: str, stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                   sheet: str = "Data", documentation: Sequence[tuple[str, str]] = (),
                   documentation_titles: tuple[str, str, str] = ("Columns", "Column", "What it holds")) -> Response:
    """A table as CSV or XLSX; with `documentation`, the XLSX has a sheet saying what each column holds.

    Neither holds the table in memory: both are sent as their rows are read, starting at once
    (the download begins within a moment even for 10,000 assessments; the request's contexts
    stay open until the last row)."""
    if fmt == "csv":
        chunks, mimetype = csv_chunks(header, rows), "text/csv; charset=utf-8"
    else:
        chunks, mimetype = xlsx_chunks(header, rows, sheet, documentation, documentation_titles), XLSX
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
