"""Spreadsheet downloads: CSV (UTF-8 with BOM, formula cells neutralised) or XLSX."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response, request, stream_with_context
from werkzeug.wsgi import wrap_file

from assessments.tabular import csv_chunks, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(fmt: str, stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                   sheet: str = "Data", documentation: Sequence[tuple[str, str]] = (),
                   documentation_titles: tuple[str, str, str] = ("Columns", "Column", "What it holds")) -> Response:
    """A table as CSV or XLSX; with `documentation`, the XLSX has a sheet saying what each column holds.

    Neither holds the table in memory: a CSV is sent as its rows are read (the header at once,
    so the download starts within a moment even for 10,000 assessments; the request's contexts
    stay open until the last row), and an XLSX is written row by row (openpyxl's write-only
    mode) into a temporary file that is then sent from disk."""
    if fmt == "csv":
        response = Response(stream_with_context(csv_chunks(header, rows)), mimetype="text/csv; charset=utf-8")
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it, and so deletes it, once sent)
        write_xlsx(header, rows, sheet, documentation, documentation_titles, into=spool)
        size = spool.tell()
        spool.seek(0)
        response = Response(wrap_file(request.environ, spool), mimetype=XLSX, direct_passthrough=True)
        response.content_length = size
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
