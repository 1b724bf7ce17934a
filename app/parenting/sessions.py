"""The parenting dashboard, the session list, recording and editing a session, a workplace's reach."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access import ANALYSTS, EVERYONE, PARENTING_EDITORS, can_see_organisation, roles_required
from app.extensions import db
from app.forms import as_choices
from app.labels import current_language, province_name
from app.paging import paginate
from app.parenting import bp
from app.parenting.common import (
    PAGE_SIZE,
    current_filters,
    fill_place_choices,
    get_visible_session_or_404,
    names_by_id,
    programme_list,
)
from app.parenting.forms import VENUE_LABELS, DeleteForm, SessionForm
from app.requests import service_context
from app.service_errors import attempt
from app.versioned import save_versioned
from assessments.db import today_in_viet_nam
from assessments.models import Assessment, Course, Facilitator, Organisation, ParentingSession
from assessments.report.chart import stacked_bar_chart_svg
from assessments.report.tile_map import Band, tile_map_svg
from assessments.services import ServiceError
from assessments.services.parenting import (
    SessionFilters,
    by_month,
    by_month_and_programme,
    by_programme,
    by_province,
    by_topic,
    create_session,
    delete_session,
    filtered,
    reach,
    update_session,
)
from assessments.services.targets import year_progress
from assessments.services.versions import parse_version
from assessments.targets import BEHIND_BELOW, ON_TRACK_FROM, band_for

# --- Pages -------------------------------------------------------------------------------------


@bp.route("/")
@roles_required(*ANALYSTS)
def dashboard() -> str:
    filters = current_filters()
    names = names_by_id()
    provinces = by_province(db.session, filters)
    months = by_month(db.session, filters)
    per_programme = by_month_and_programme(db.session, filters)
    shown = [p for p in programme_list() if any(p.id in row for row in per_programme.values())]
    charts = {
        "months_by_sex": stacked_bar_chart_svg(
            [(row.key, (row.participants - row.male, row.male)) for row in months], (_("Women"), _("Men")),
            _("Participants by month, women and men"), format_number),
        "months_by_programme": stacked_bar_chart_svg(
            [(month, tuple(counts.get(p.id, 0) for p in shown)) for month, counts in per_programme.items()],
            [names["programmes"][p.id] for p in shown], _("Participants by month and programme"), format_number),
        "provinces": [(province_name(row.key), row.participants) for row in provinces],
        "programmes": [(names["programmes"].get(int(row.key), row.key), row.sessions)
                       for row in by_programme(db.session, filters)],
        "topics": [(names["topics"].get(int(row.key), row.key), row.sessions) for row in by_topic(db.session, filters)],
    }
    today = today_in_viet_nam()
    year = filters.date_to.year if filters.date_to else today.year
    return render_template("parenting/dashboard.html", filters=filters, reach=reach(db.session, filters),
                           progress=year_progress(db.session, filters, year, today),
                           reach_map=_reach_map(filters, year, today),
                           charts=charts, provinces=provinces, names=names, all_programmes=programme_list(),
                           venues=VENUE_LABELS)


MAP_BANDS = {"on_track": ("#0b6e4f", "#ffffff"), "short": ("#f2a900", "#1d2733"), "behind": ("#b3261e", "#ffffff"),
             "none": ("#e6ece9", "#1d2733")}


def _reach_map(filters: SessionFilters, year: int, today: date) -> Markup:
    """Every province coloured by its participants against the year's target (the chosen
    programme's, or all programmes'), each tile a link to the dashboard for that province."""
    every_province = replace(filters, province_code=None)
    found = {p.province_code: p.progress.participants for p in year_progress(
        db.session, every_province, year, today).provinces}
    reached = {row.key: row.participants for row in by_province(db.session, replace(
        every_province, date_from=date(year, 1, 1), date_to=date(year, 12, 31), venue_type=None))}
    labels = {"on_track": _("%(percent)s %% or more", percent=f"{ON_TRACK_FROM:.0f}"),
              "short": f"{BEHIND_BELOW:.0f}–{ON_TRACK_FROM - 1:.0f} %",
              "behind": _("under %(percent)s %%", percent=f"{BEHIND_BELOW:.0f}"), "none": _("no target")}
    bands = {key: Band(key, labels[key], fill, ink) for key, (fill, ink) in MAP_BANDS.items()}

    def describe(code: str) -> str:
        measure = found.get(code)
        if measure is None or not measure.target:
            return _("%(count)s participants, no target", count=format_number(reached.get(code, 0)))
        return _("%(actual)s of %(target)s participants, %(percent)s %% projected by the year’s end",
                 actual=format_number(round(measure.actual)), target=format_number(round(measure.target)),
                 percent=f"{measure.percent_projected or measure.percent_reached or 0:.0f}")

    return tile_map_svg(bands, {code: band_for(measure) for code, measure in found.items()},
                        _("Participants against the target of %(year)s, by province", year=year),
                        lambda code: url_for("parenting.dashboard", province=code,
                                             programme=filters.programme_id or None) + "#progress",
                        describe, current_language())


@bp.route("/sessions")
@roles_required(*EVERYONE)
def sessions() -> str:
    filters = current_filters()
    query = filtered(filters).options(selectinload(ParentingSession.programme),
                                      selectinload(ParentingSession.organisation))
    page = paginate(query.order_by(ParentingSession.session_date.desc(), ParentingSession.id.desc()), PAGE_SIZE)
    return render_template("parenting/sessions.html", page=page, filters=filters, names=names_by_id(),
                           all_programmes=programme_list(), can_edit=current_user.role in PARENTING_EDITORS,
                           venues=VENUE_LABELS)


@bp.route("/sessions/<id:session_id>")
@roles_required(*EVERYONE)
def session_detail(session_id: int) -> str:
    record = get_visible_session_or_404(session_id)
    return render_template("parenting/session_detail.html", record=record, venues=VENUE_LABELS,
                           can_edit=current_user.role in PARENTING_EDITORS, delete_form=DeleteForm(),
                           names=names_by_id())


def _session_form(record: ParentingSession | None = None) -> SessionForm:
    form = SessionForm(obj=record)
    lang = current_language()
    programmes = [p for p in programme_list() if p.active or (record and p.id == record.programme_id)]
    form.programme_id.choices = as_choices((p.id, p.name(lang)) for p in programmes)
    form.topic_ids.choices = as_choices((t.id, f"{p.key.upper()} · {t.name(lang)}")
                                        for p in programmes for t in p.topics if t.active)
    # Lets the page show only the chosen programme's topics (app.js); the server checks anyway.
    form.topic_programme = {t.id: p.id for p in programmes for t in p.topics}
    fill_place_choices(form, record.venue_id if record is not None else None)
    keys = {p.id: p.key.upper() for p in programmes}
    courses = db.session.scalars(select(Course).order_by(Course.started_on.desc())).all()
    form.course_id.choices = as_choices([(None, _("None")), *((c.id, f"{keys.get(c.programme_id, '')} · {c.name}")
                                                              for c in courses)])
    if request.method == "GET" and record is None:
        form.course_id.data = request.args.get("course", type=int)
    chosen = {f.id for f in record.facilitators} if record is not None else set()
    facilitators = [f for f in db.session.scalars(select(Facilitator).order_by(Facilitator.full_name))
                    if f.active or f.id in chosen]
    form.facilitator_ids.choices = as_choices(
        (f.id, f"{f.full_name} · {province_name(f.province_code)}") for f in facilitators)
    form.facilitator_programme = {f.id: f.programme_id for f in facilitators}  # app.js shows the programme's own
    if record is not None and request.method == "GET":
        form.topic_ids.data = [t.id for t in record.topics]
        form.facilitator_ids.data = sorted(chosen)
        # The text keeps the registered facilitators' names for the exports: show only the others.
        registered = {f.full_name for f in record.facilitators}
        form.facilitator.data = "; ".join(n for n in record.facilitator.split("; ") if n and n not in registered)
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
    return render_template("parenting/session_form.html", form=form, record=None, programmes=programme_list())


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
                           programmes=programme_list()), status or 200


def _saved_session(session_id: int) -> tuple[ParentingSession, int, dict[str, Any]]:
    record = get_visible_session_or_404(session_id)
    return record, record.version, {"topic_ids": [t.id for t in record.topics]}


@bp.route("/sessions/<id:session_id>/delete", methods=["POST"])
@roles_required(*PARENTING_EDITORS)
def session_delete(session_id: int) -> Any:
    record = get_visible_session_or_404(session_id)
    try:
        delete_session(db.session, service_context(), record, parse_version(request.form.get("version")))
    except ServiceError:
        flash(_("Someone changed this session after you opened it: check what is saved now, then delete it "
                "if you still want to."), "error")
        return redirect(url_for("parenting.session_detail", session_id=session_id))
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
                           reach=reach(db.session, filters), names=names_by_id(), latest=latest)
