"""Importing sessions from a spreadsheet: upload, check every row, confirm; the template."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.access import PARENTING_EDITORS, roles_required
from app.downloads import XLSX
from app.extensions import db
from app.parenting import bp
from app.parenting.common import names_by_id, programme_list
from app.parenting.exports import download
from app.parenting.forms import ConfirmImportForm, ImportForm
from app.requests import service_context
from app.service_errors import message_for
from assessments.db import today_in_viet_nam
from assessments.models import Organisation
from assessments.parenting import IMPORT_COLUMNS, REQUIRED_COLUMNS, VENUES, normalise_header, parse_rows
from assessments.provinces import PROVINCES
from assessments.services import ServiceError
from assessments.services.parenting import (
    import_lookups,
    import_sessions,
    keep_pending_import,
    mark_stored_duplicates,
    take_pending_import,
)
from assessments.tabular import TableError, read_table, template_xlsx
from assessments.text import vietnamese_sort_key

# --- Import ------------------------------------------------------------------------------------


def _read_upload(filename: str, content: bytes) -> list[dict[str, Any]]:
    rows = read_table(filename, content)
    rows = [{normalise_header(k): v for k, v in row.items()} for row in rows]
    missing = REQUIRED_COLUMNS - set(rows[0]) if rows else set()
    if missing:
        raise TableError("missing_columns:" + ",".join(sorted(missing)))
    return rows


def _parse_upload(filename: str, content: bytes) -> list[Any]:
    rows = parse_rows(_read_upload(filename, content), import_lookups(db.session), today_in_viet_nam())
    mark_stored_duplicates(db.session, rows)
    return rows


TABLE_ERRORS = {
    "file_too_large": _l("The file is larger than 5 MB."),
    "too_many_rows": _l("The file has more than 5,000 rows; split it."),
    "empty_file": _l("The file is empty."),
    "no_data_rows": _l("The file has no data rows (an example row starting with # is not imported)."),
    "not_utf8": _l("Save the CSV as UTF-8 (Excel: CSV UTF-8)."),
    "not_xlsx": _l("This is not a readable Excel (.xlsx) file."),
    "archive_too_large": _l("This Excel file unpacks to far more data than it should; it was refused."),
    "unsupported_file_type": _l("Only .csv and .xlsx files can be imported."),
}


def _table_error_message(error: TableError) -> str:
    if error.code.startswith("missing_columns:"):
        return _("The file lacks these columns: %(columns)s. Start from the template.",
                 columns=error.code.split(":", 1)[1].replace(",", ", "))
    return str(TABLE_ERRORS.get(error.code, _l("The file could not be read.")))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def import_file() -> Any:
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            rows = _parse_upload(upload.filename, content)
        except TableError as error:
            form.file.errors = [_table_error_message(error)]
        else:
            accepted = sum(row.accepted for row in rows)
            # Kept (in the database: the confirmation may reach another app server) only when
            # everything can be imported.
            token = keep_pending_import(db.session, current_user.id, upload.filename, content) \
                if accepted == len(rows) else ""
            return render_template("parenting/import_report.html", rows=rows, accepted=accepted,
                                   filename=upload.filename, confirm=ConfirmImportForm(upload=token),
                                   message_for=message_for, names=names_by_id())
    workplaces = sorted(db.session.execute(select(Organisation.name, Organisation.tax_code)),
                        key=lambda row: vietnamese_sort_key(row.name))
    return render_template("parenting/import.html", form=form, columns=IMPORT_COLUMNS,
                           required=REQUIRED_COLUMNS, programmes=programme_list(), workplaces=workplaces,
                           column_help=COLUMN_HELP)


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*PARENTING_EDITORS)
def import_confirm() -> Any:
    form = ConfirmImportForm()
    pending = take_pending_import(db.session, current_user.id, form.upload.data or "") \
        if form.validate_on_submit() else None
    if pending is None:
        flash(_("That upload is no longer available; upload the file again."), "error")
        return redirect(url_for("parenting.import_file"))
    filename, content = pending
    try:
        rows = _parse_upload(filename, content)  # checked again: sessions may have been recorded meanwhile
        count = import_sessions(db.session, service_context(), rows, filename)  # and the pending file goes
    except (TableError, ServiceError):
        db.session.rollback()
        take_pending_import(db.session, current_user.id, form.upload.data or "")
        db.session.commit()
        flash(_("Nothing was imported: some rows are no longer valid. Upload the file again to see why."), "error")
        return redirect(url_for("parenting.import_file"))
    flash(_("%(count)d sessions imported.", count=count), "success")
    return redirect(url_for("parenting.sessions"))


TEMPLATE_EXAMPLE = ["2026-10-15", "nice", "learning-through-play; routines", "90", "workplace", "0100112233",
                    "Hưng Yên", "Phố Nối", "Nguyễn Thị Mai", "30", "22", "8", "2", "25", "", "Ca 1", "",
                    "Chuyền may 2, khóa 2/2026"]


@bp.route("/import/template.<any(csv, xlsx):fmt>")
@roles_required(*PARENTING_EDITORS)
def import_template(fmt: str) -> Response:
    if fmt == "csv":
        # The example row starts with "#": the importer skips it, so the template imports nothing.
        return download(fmt, "parenting-sessions-template", IMPORT_COLUMNS,
                         [["# " + TEMPLATE_EXAMPLE[0], *TEMPLATE_EXAMPLE[1:]]])
    programmes = programme_list()
    lists = {"programme": [p.key for p in programmes if p.active],
             "topics": [t.key for p in programmes if p.active for t in p.topics if t.active],
             "venue_type": list(VENUES),
             "province": sorted((p.name_vi for p in PROVINCES), key=vietnamese_sort_key)}
    body = template_xlsx(IMPORT_COLUMNS, [(c, str(COLUMN_HELP[c])) for c in IMPORT_COLUMNS], lists,
                         TEMPLATE_EXAMPLE, data_title=_("Sessions to import"), example_title=_("Example"),
                         columns_title=_("Columns"), lists_title=_("Lists"), heading=(_("Column"), _("What to write")))
    response = Response(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = 'attachment; filename="parenting-sessions-template.xlsx"'
    return response


# What each import column takes: the import page and the template's documentation sheet.
COLUMN_HELP = {
    "date": _l("Date of the session: YYYY-MM-DD or DD/MM/YYYY; not in the future."),
    "programme": _l("Programme key (see the Lists sheet)."),
    "topics": _l("Topic keys or names of that programme, separated by \";\"."),
    "duration_minutes": _l("1 to 600."),
    "venue_type": _l("workplace, commune_health_station, community, school or online."),
    "workplace_tax_code": _l("Tax code of the workplace (required when the venue is a workplace)."),
    "province": _l("Province or city; old names from before 1 July 2025 (e.g. Bình Thuận) are moved to the new "
                   "province. May be left blank when the workplace's tax code is given."),
    "commune": _l("Commune or ward."),
    "facilitator": _l("Who ran the session."),
    "participants_total": _l("Participants in total."),
    "participants_female": _l("Women: women and men must add up to the total."),
    "participants_male": _l("Men: women and men must add up to the total."),
    "ethnic_minority": _l("Not more than the total."),
    "internal_migrants": _l("Not more than the total."),
    "notes": _l("Optional."),
    "shift": _l("Optional: the shift or time (e.g. \"Ca 1\", \"14:00\") when a place holds several sessions "
                "of a programme on one day."),
    "venue": _l("Optional: the name of a registered venue (commune health station, community centre, school) of "
                "that kind in that province; the session takes its commune."),
    "course": _l("Optional: the name of the programme's course this session is part of."),
}
