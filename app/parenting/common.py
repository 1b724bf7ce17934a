"""What the parenting pages share: the filters of the dashboard, list and exports, the
programmes' names, and finding a session a person may see."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app.access import can_see_organisation
from app.extensions import db
from app.forms import as_choices
from app.labels import current_language, province_choices, province_name
from app.parenting.forms import VENUE_LABELS
from assessments.models import Organisation, ParentingSession, Programme, Role, Venue
from assessments.parenting import VENUES
from assessments.provinces import PROVINCES_BY_CODE
from assessments.services.parenting import SessionFilters
from assessments.text import vietnamese_sort_key

F = TypeVar("F")

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
        venue_type=venue if (venue := request.args.get("venue", "")) in VENUES else None,
        facilitator_id=_int_arg("facilitator"),
        venue_id=_int_arg("venue_id"),
    )


def programme_list() -> list[Programme]:
    return list(db.session.scalars(select(Programme).options(selectinload(Programme.topics)).order_by(Programme.id)))


def names_by_id() -> dict[str, dict[int, str]]:
    lang = current_language()
    programmes = programme_list()
    return {
        "programmes": {p.id: p.name(lang) for p in programmes},
        "topics": {t.id: t.name(lang) for p in programmes for t in p.topics},
    }


def get_visible_session_or_404(session_id: int) -> ParentingSession:
    record = db.session.get(ParentingSession, session_id)
    if record is None or not can_see_organisation(current_user, record.organisation_id):
        abort(404)
    return record


def venue_choices(keep: int | None = None) -> list[SelectChoice]:
    """The registered venues still in use (and `keep`, a record's own), by province then name."""
    venues = [v for v in db.session.scalars(select(Venue)) if v.active or v.id == keep]
    venues.sort(key=lambda v: (vietnamese_sort_key(province_name(v.province_code)), vietnamese_sort_key(v.name)))
    return as_choices([(None, _("None")), *((v.id, f"{v.name} · {province_name(v.province_code)}") for v in venues)])


def fill_place_choices(form: Any, keep_venue: int | None) -> None:
    """The choices of where something happened, shared by the session and visit forms: the
    workplace, the province, the kind of venue and a registered venue."""
    organisations = sorted(db.session.execute(select(Organisation.id, Organisation.name)),
                           key=lambda row: vietnamese_sort_key(row.name))
    form.organisation_id.choices = as_choices([(None, _("None (not at a workplace)")),
                                               *((o.id, o.name) for o in organisations)])
    form.province_code.choices = as_choices([("", _("Choose…")), *province_choices()])
    form.venue_type.choices = as_choices(VENUE_LABELS.items())
    form.venue_id.choices = venue_choices(keep_venue)


def programme_choices(keep: int | None = None) -> list[SelectChoice]:
    """The programmes in use, and the record's own when it was retired since (it still shows)."""
    lang = current_language()
    return as_choices((p.id, p.name(lang)) for p in programme_list() if p.active or p.id == keep)


def register_form(form: F, record: Any | None) -> F:
    """A register's form (facilitators, courses, targets, venues): its province and programme
    choices, and the record's version when a page is drawn fresh (a post carries its own)."""
    form.province_code.choices = as_choices([("", _("Choose…")), *province_choices()])  # type: ignore[attr-defined]
    if hasattr(form, "programme_id"):
        form.programme_id.choices = programme_choices(getattr(record, "programme_id", None))
    if record is not None and request.method == "GET":
        form.version.data = str(record.version)  # type: ignore[attr-defined]
    return form
