"""Session exports: CSV, XLSX and the DHIS2 data value set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Response, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.access import ANALYSTS, PARENTING_EDITORS, roles_required
from app.downloads import table_download
from app.extensions import db
from app.labels import current_language
from app.parenting import bp
from app.parenting.common import current_filters, programme_list
from assessments.dhis2 import Dhis2Mapping, data_value_set
from assessments.models import Facilitator, ParentingSession
from assessments.provinces import PROVINCES_BY_CODE
from assessments.services.facilitators import monthly_counts_by_facilitator
from assessments.services.parenting import filtered, monthly_counts

# --- Exports -----------------------------------------------------------------------------------

EXPORT_COLUMNS = ("id", "date", "programme", "topics", "duration_minutes", "venue_type", "workplace",
                  "workplace_tax_code", "province", "commune", "shift", "facilitator", "participants_total",
                  "participants_female", "participants_male", "ethnic_minority", "internal_migrants", "notes",
                  "venue", "course")


def download(fmt: str, stem: str, header: Any, rows: Any) -> Response:
    return table_download(fmt, stem, header, rows, _("Parenting sessions"))  # the sheet, in the reader's language


@bp.route("/export.<any(csv, xlsx):fmt>")
@roles_required(*ANALYSTS)
def export(fmt: str) -> Response:
    query = filtered(current_filters()).options(
        selectinload(ParentingSession.programme), selectinload(ParentingSession.organisation),
        selectinload(ParentingSession.topics), selectinload(ParentingSession.venue),
        selectinload(ParentingSession.course)).order_by(ParentingSession.session_date, ParentingSession.id)
    engine = db.engine

    def rows() -> Iterator[tuple[Any, ...]]:
        # Its own session on the engine, a thousand sessions at a time: a CSV download streams
        # after the view has returned, when the request's session and contexts are gone.
        with Session(engine) as session:
            for s in session.scalars(query.execution_options(yield_per=1000)):
                yield (s.id, s.session_date.isoformat(), s.programme.key, "; ".join(t.key for t in s.topics),
                       s.duration_minutes, s.venue_type, s.organisation.name if s.organisation else "",
                       s.organisation.tax_code if s.organisation else "", PROVINCES_BY_CODE[s.province_code].name_vi,
                       s.commune, s.shift, s.facilitator, s.participants_total, s.participants_female,
                       s.participants_male, s.ethnic_minority, s.internal_migrants, s.notes,
                       s.venue.name if s.venue else "", s.course.name if s.course else "")

    return download(fmt, "parenting-sessions", EXPORT_COLUMNS, rows())


@bp.route("/export/dhis2.json")
@roles_required(*ANALYSTS)
def export_dhis2() -> Response | tuple[str, int]:
    mapping: Dhis2Mapping = current_app.extensions["dhis2_mapping"]
    filters = current_filters()
    by_facilitator = monthly_counts_by_facilitator(db.session, filters) if mapping.facilitators else []
    document, unmapped = data_value_set(monthly_counts(db.session, filters), mapping, by_facilitator)
    if unmapped:
        # An incomplete export would be reported to DHIS2 as the whole truth: refuse, and say
        # what is missing and where to fix it.
        names = {p.key: p.name(current_language()) for p in programme_list()}
        facilitators = {f.id: f for f in db.session.scalars(
            select(Facilitator).where(Facilitator.id.in_(unmapped.facilitators)))}
        return render_template("parenting/dhis2_unmapped.html", unmapped=unmapped, names=names,
                               facilitators=facilitators,
                               can_edit_facilitators=current_user.role in PARENTING_EDITORS), 409
    # Compact: an indented document is a quarter larger and four times slower to write (the
    # encoder's fast path does not indent); DHIS2 reads either.
    response = Response(json.dumps(document, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="parenting-dataValueSets.json"'
    return response
