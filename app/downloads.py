"""Spreadsheet downloads: CSV (UTF-8 with BOM, formula cells neutralised) or XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

from assessments.tabular import write_csv, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(fmt: str, stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                   sheet: str = "Data") -> Response:
    if fmt == "csv":
        body, mimetype = write_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = write_xlsx(header, rows, sheet), XLSX
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
