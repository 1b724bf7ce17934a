"""Parenting sessions: record, list, import, dashboard, exports (UNICEF staff and partners)."""

from __future__ import annotations

import json
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access import ANALYSTS, EVERYONE, PARENTING_EDITORS, can_see_organisation, roles_required
from app.downloads import XLSX, table_download
from app.extensions import db
from app.forms import as_choices, with_unique_ids
from app.labels import current_language, province_choices, province_name
from app.paging import paginate
from app.parenting import bp
from app.parenting.forms import (
    VENUE_LABELS,
    ConfirmImportForm,
    DeleteForm,
    Dhis2Form,
    ImportForm,
    ProgrammeForm,
    SessionForm,
)
from app.requests import service_context
from app.service_errors import attempt, message_for
from app.versioned import save_versioned
from assessments.db import today_in_viet_nam
from assessments.dhis2 import data_value_set, load_mapping
from assessments.models import Assessment, Organisation, ParentingSession, Programme, Role
from assessments.parenting import IMPORT_COLUMNS, REQUIRED_COLUMNS, VENUES, normalise_header, parse_rows
from assessments.provinces import PROVINCES, PROVINCES_BY_CODE
from assessments.services import ServiceError
from assessments.services.parenting import (
    SessionFilters,
    add_topic,
    by_month,
    by_programme,
    by_province,
    by_topic,
    create_programme,
    create_session,
    delete_session,
    filtered,
    import_lookups,
    import_sessions,
    mark_stored_duplicates,
    monthly_counts,
    reach,
    set_dhis2_data_element,
    set_programme_active,
    update_session,
)
from assessments.tabular import TableError, read_table, template_xlsx
from assessments.text import vietnamese_sort_key

PAGE_SIZE = 25


# --- Filters and scoping -----------------------------------------------------------------------


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def current_filters() -> SessionFilters:
    """Filters from the query string; HR users are always held to their own organisation."""
    province = request.args.get("province", "")
    organisation_id = _int_arg("organisation")
    if current_user.role == Role.HR:
        organisation_id = current_user.organisation_id
    return SessionFilters(
        province_code=province if province in PROVINCES_BY_CODE else None,
        programme_id=_int_arg("programme"),
        organisation_id=organisation_id,
        date_from=_date_arg("from"),
        date_to=_date_arg("to"),
    )


def _programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).options(selectinload(Programme.topics)).order_by(Programme.id)))


def _names() -> dict[str, dict[int, str]]:
    lang = current_language()
    programmes = _programmes()
    return {
        "programmes": {p.id: p.name(lang) for p in programmes},
        "topics": {t.id: t.name(lang) for p in programmes for t in p.topics},
    }


def get_visible_session_or_404(session_id: int) -> ParentingSession:
    record = db.session.get(ParentingSession, session_id)
    if record is None or not can_see_organisation(current_user, record.organisation_id):
        abort(404)
    return record


# --- Pages -------------------------------------------------------------------------------------


@bp.route("/")
@roles_required(*ANALYSTS)
def dashboard() -> str:
    filters = current_filters()
    names = _names()
    provinces = by_province(db.session, filters)
    charts = {
        "months": [(row.key, row.participants) for row in by_month(db.session, filters)],
        "provinces": [(province_name(row.key), row.participants) for row in provinces],
        "programmes": [(names["programmes"].get(int(row.key), row.key), row.sessions)
                       for row in by_programme(db.session, filters)],
        "topics": [(names["topics"].get(int(row.key), row.key), row.sessions) for row in by_topic(db.session, filters)],
    }
    return render_template("parenting/dashboard.html", filters=filters, reach=reach(db.session, filters),
                           charts=charts, provinces=provinces, names=names, all_programmes=_programmes())


@bp.route("/sessions")
@roles_required(*EVERYONE)
def sessions() -> str:
    filters = current_filters()
    query = filtered(filters).options(selectinload(ParentingSession.programme),
                                      selectinload(ParentingSession.organisation))
    page = paginate(query.order_by(ParentingSession.session_date.desc(), ParentingSession.id.desc()), PAGE_SIZE)
    return render_template("parenting/sessions.html", page=page, filters=filters, names=_names(),
                           all_programmes=_programmes(), can_edit=current_user.role in PARENTING_EDITORS,
                           venues=VENUE_LABELS)


@bp.route("/sessions/<id:session_id>")
@roles_required(*EVERYONE)
def session_detail(session_id: int) -> str:
    record = get_visible_session_or_404(session_id)
    return render_template("parenting/session_detail.html", record=record, venues=VENUE_LABELS,
                           can_edit=current_user.role in PARENTING_EDITORS, delete_form=DeleteForm(), names=_names())


def _session_form(record: ParentingSession | None = None) -> SessionForm:
    form = SessionForm(obj=record)
    lang = current_language()
    programmes = [p for p in _programmes() if p.active or (record and p.id == record.programme_id)]
    form.programme_id.choices = as_choices((p.id, p.name(lang)) for p in programmes)
    form.topic_ids.choices = as_choices((t.id, f"{p.key.upper()} · {t.name(lang)}")
                                        for p in programmes for t in p.topics if t.active)
    # Lets the page show only the chosen programme's topics (app.js); the server checks anyway.
    form.topic_programme = {t.id: p.id for p in programmes for t in p.topics}
    organisations = sorted(db.session.execute(select(Organisation.id, Organisation.name)),
                           key=lambda row: vietnamese_sort_key(row.name))
    form.organisation_id.choices = as_choices([(None, _("None (not at a workplace)")),
                                               *((o.id, o.name) for o in organisations)])
    form.province_code.choices = as_choices([("", _("Choose…")), *province_choices()])
    form.venue_type.choices = as_choices(VENUE_LABELS.items())
    if record is not None and request.method == "GET":
        form.topic_ids.data = [t.id for t in record.topics]
        form.version.data = str(record.version)
    return form


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def session_new() -> Any:
    form = _session_form()
    if request.method == "GET":
        form.session_date.data = today_in_viet_nam()
    if form.validate_on_submit():
        ok, record = attempt(form, lambda: create_session(db.session, service_context(), form.to_data(),
                                                          today_in_viet_nam()))
        if ok and record is not None:
            flash(_("Session recorded."), "success")
            return redirect(url_for("parenting.session_detail", session_id=record.id))
    return render_template("parenting/session_form.html", form=form, record=None, programmes=_programmes())


@bp.route("/sessions/<id:session_id>/edit", methods=["GET", "POST"])
@roles_required(*PARENTING_EDITORS)
def session_edit(session_id: int) -> Any:
    record = get_visible_session_or_404(session_id)
    form = _session_form(record)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: update_session(
            db.session, service_context(), record, form.to_data(), expected_version=form.expected_version(),
            today=today_in_viet_nam()), lambda: _saved_session(session_id))
        if status is None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("parenting.session_detail", session_id=record.id))
    return render_template("parenting/session_form.html", form=form, record=record,
                           programmes=_programmes()), status or 200


def _saved_session(session_id: int) -> tuple[ParentingSession, int, dict[str, Any]]:
    record = get_visible_session_or_404(session_id)
    return record, record.version, {"topic_ids": [t.id for t in record.topics]}


@bp.route("/sessions/<id:session_id>/delete", methods=["POST"])
@roles_required(*PARENTING_EDITORS)
def session_delete(session_id: int) -> Any:
    record = get_visible_session_or_404(session_id)
    delete_session(db.session, service_context(), record)
    flash(_("Session deleted."), "success")
    return redirect(url_for("parenting.sessions"))


@bp.route("/workplaces/<id:organisation_id>")
@roles_required(*EVERYONE)
def workplace(organisation_id: int) -> str:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_see_organisation(current_user, organisation.id):
        abort(404)
    filters = SessionFilters(organisation_id=organisation.id)
    records = db.session.scalars(filtered(filters).options(selectinload(ParentingSession.programme))
                                 .order_by(ParentingSession.session_date.desc())).all()
    latest = db.session.scalar(
        select(Assessment).where(Assessment.organisation_id == organisation.id, Assessment.percent.is_not(None))
        .order_by(Assessment.cycle.desc()))
    return render_template("parenting/workplace.html", organisation=organisation, records=records,
                           reach=reach(db.session, filters), names=_names(), latest=latest)


# --- Import ------------------------------------------------------------------------------------


def _imports_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _read_upload(path: Path) -> list[dict[str, Any]]:
    rows = read_table(path.name, path.read_bytes())
    rows = [{normalise_header(k): v for k, v in row.items()} for row in rows]
    missing = REQUIRED_COLUMNS - set(rows[0]) if rows else set()
    if missing:
        raise TableError("missing_columns:" + ",".join(sorted(missing)))
    return rows


def _parse_upload(path: Path) -> list[Any]:
    rows = parse_rows(_read_upload(path), import_lookups(db.session), today_in_viet_nam())
    mark_stored_duplicates(db.session, rows)
    return rows


def _upload_path(token: str) -> Path | None:
    """The user's own pending upload; tokens name files only this user created."""
    if not token.replace("-", "").replace("_", "").isalnum() or len(token) > 80:
        return None
    for path in _imports_dir().glob(f"{current_user.id}-{token}.*"):
        return path
    return None


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
        extension = ".xlsx" if upload.filename.lower().endswith(".xlsx") else ".csv"
        token = secrets.token_urlsafe(16)
        path = _imports_dir() / f"{current_user.id}-{token}{extension}"
        upload.save(path)
        try:
            rows = _parse_upload(path)
        except TableError as error:
            path.unlink(missing_ok=True)
            form.file.errors = [_table_error_message(error)]
        else:
            accepted = sum(row.accepted for row in rows)
            if accepted < len(rows):
                path.unlink(missing_ok=True)  # nothing can be imported from it; do not keep it
            return render_template("parenting/import_report.html", rows=rows, accepted=accepted,
                                   filename=upload.filename, confirm=ConfirmImportForm(upload=token),
                                   message_for=message_for, names=_names())
    workplaces = sorted(db.session.execute(select(Organisation.name, Organisation.tax_code)),
                        key=lambda row: vietnamese_sort_key(row.name))
    return render_template("parenting/import.html", form=form, columns=IMPORT_COLUMNS,
                           required=REQUIRED_COLUMNS, programmes=_programmes(), workplaces=workplaces,
                           column_help=COLUMN_HELP)


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*PARENTING_EDITORS)
def import_confirm() -> Any:
    form = ConfirmImportForm()
    path = _upload_path(form.upload.data or "") if form.validate_on_submit() else None
    if path is None:
        flash(_("That upload is no longer available; upload the file again."), "error")
        return redirect(url_for("parenting.import_file"))
    try:
        rows = _parse_upload(path)  # checked again: sessions may have been recorded meanwhile
        count = import_sessions(db.session, service_context(), rows, path.name)
    except (TableError, ServiceError):
        db.session.rollback()
        flash(_("Nothing was imported: some rows are no longer valid. Upload the file again to see why."), "error")
        return redirect(url_for("parenting.import_file"))
    finally:
        path.unlink(missing_ok=True)
    flash(_("%(count)d sessions imported.", count=count), "success")
    return redirect(url_for("parenting.sessions"))


TEMPLATE_EXAMPLE = ["2026-10-15", "nice", "learning-through-play; routines", "90", "workplace", "0100112233",
                    "Hưng Yên", "Phố Nối", "Nguyễn Thị Mai", "30", "22", "8", "2", "25", "", "Ca 1"]


@bp.route("/import/template.<any(csv, xlsx):fmt>")
@roles_required(*PARENTING_EDITORS)
def import_template(fmt: str) -> Response:
    if fmt == "csv":
        # The example row starts with "#": the importer skips it, so the template imports nothing.
        return _download(fmt, "parenting-sessions-template", IMPORT_COLUMNS,
                         [["# " + TEMPLATE_EXAMPLE[0], *TEMPLATE_EXAMPLE[1:]]])
    programmes = _programmes()
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
    "venue_type": _l("workplace, commune_health_station, community or online."),
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
}


# --- Exports -----------------------------------------------------------------------------------

EXPORT_COLUMNS = ("id", "date", "programme", "topics", "duration_minutes", "venue_type", "workplace",
                  "workplace_tax_code", "province", "commune", "shift", "facilitator", "participants_total",
                  "participants_female", "participants_male", "ethnic_minority", "internal_migrants", "notes")


def _download(fmt: str, stem: str, header: Any, rows: Any) -> Response:
    return table_download(fmt, stem, header, rows, "Sessions")


@bp.route("/export.<any(csv, xlsx):fmt>")
@roles_required(*ANALYSTS)
def export(fmt: str) -> Response:
    query = filtered(current_filters()).options(
        selectinload(ParentingSession.programme), selectinload(ParentingSession.organisation),
        selectinload(ParentingSession.topics)).order_by(ParentingSession.session_date, ParentingSession.id)
    rows = (
        (s.id, s.session_date.isoformat(), s.programme.key, "; ".join(t.key for t in s.topics), s.duration_minutes,
         s.venue_type, s.organisation.name if s.organisation else "", s.organisation.tax_code if s.organisation else "",
         PROVINCES_BY_CODE[s.province_code].name_vi, s.commune, s.shift, s.facilitator, s.participants_total,
         s.participants_female, s.participants_male, s.ethnic_minority, s.internal_migrants, s.notes)
        for s in db.session.scalars(query)
    )
    return _download(fmt, "parenting-sessions", EXPORT_COLUMNS, rows)


@bp.route("/export/dhis2.json")
@roles_required(*ANALYSTS)
def export_dhis2() -> Response | tuple[str, int]:
    mapping_file = current_app.config.get("DHIS2_MAPPING_FILE")
    mapping = load_mapping(Path(mapping_file)) if mapping_file else load_mapping()
    document, unmapped = data_value_set(monthly_counts(db.session, current_filters()), mapping)
    if unmapped:
        # An incomplete export would be reported to DHIS2 as the whole truth: refuse, and say
        # what is missing and where to fix it.
        names = {p.key: p.name(current_language()) for p in _programmes()}
        return render_template("parenting/dhis2_unmapped.html", unmapped=unmapped, names=names), 409
    response = Response(json.dumps(document, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="parenting-dataValueSets.json"'
    return response


# --- Programmes (admins) -----------------------------------------------------------------------


@bp.route("/programmes", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def programmes() -> Any:
    form = ProgrammeForm()
    if form.validate_on_submit():
        ok, _unused = attempt(form, lambda: create_programme(db.session, service_context(), form.name_vi.data or "",
                                                             form.name_en.data or ""))
        if ok:
            flash(_("Programme added."), "success")
            return redirect(url_for("parenting.programmes"))
    return _programmes_page(form)


def _programmes_page(form: ProgrammeForm, dhis2_form: tuple[int, Dhis2Form] | None = None) -> str:
    programmes = _programmes()
    dhis2_forms = {p.id: with_unique_ids(dhis2_form[1] if dhis2_form and dhis2_form[0] == p.id
                                         else Dhis2Form.for_programme(p), f"dhis2-{p.id}-") for p in programmes}
    # One form per programme, each with ids of its own (the labels of one programme's topic form
    # must not point at another's fields).
    topic_forms = {p.id: with_unique_ids(ProgrammeForm(formdata=None), f"topic-{p.id}-") for p in programmes}
    toggle_forms = {p.id: with_unique_ids(DeleteForm(), f"toggle-{p.id}-") for p in programmes}
    return render_template("parenting/programmes.html", form=form, programmes=programmes,
                           topic_forms=topic_forms, toggle_forms=toggle_forms, dhis2_forms=dhis2_forms)


@bp.route("/programmes/<id:programme_id>/dhis2", methods=["POST"])
@roles_required(Role.ADMIN)
def programme_dhis2(programme_id: int) -> Any:
    programme = db.get_or_404(Programme, programme_id)
    form = Dhis2Form.for_programme(programme, request.form)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: set_dhis2_data_element(
            db.session, service_context(), programme, form.dhis2_data_element.data or "", form.expected_version()),
            lambda: _saved_programme(programme_id))
        if status is None:
            flash(_("DHIS2 data element saved."), "success")
            return redirect(url_for("parenting.programmes") + f"#programme-{programme_id}")
    return _programmes_page(ProgrammeForm(formdata=None), (programme_id, form)), status or 200


def _saved_programme(programme_id: int) -> tuple[Programme, int, dict[str, Any]]:
    programme = db.get_or_404(Programme, programme_id)
    db.session.refresh(programme)
    return programme, programme.version, {}


@bp.route("/programmes/<id:programme_id>/topics", methods=["POST"])
@roles_required(Role.ADMIN)
def programme_topic(programme_id: int) -> Any:
    programme = db.get_or_404(Programme, programme_id)
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            add_topic(db.session, service_context(), programme, form.name_vi.data or "", form.name_en.data or "")
        except ServiceError as error:
            db.session.rollback()
            flash(message_for(error.code), "error")
        else:
            flash(_("Topic added."), "success")
    else:
        flash(_("Give the topic a name in Vietnamese and in English."), "error")
    return redirect(url_for("parenting.programmes"))


@bp.route("/programmes/<id:programme_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def programme_active(programme_id: int) -> Any:
    programme = db.get_or_404(Programme, programme_id)
    set_programme_active(db.session, service_context(), programme, request.form.get("active") == "1")
    return redirect(url_for("parenting.programmes"))

