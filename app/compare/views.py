"""Comparing organisations (Chamber reviewers, UNICEF, admins): the filtered list of latest
scores, side by side, benchmarks by sector or province, trends, and the exports. HR users see
benchmarks and trends only, where groups under five organisations are suppressed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import ANALYSTS, EVERYONE, roles_required
from app.compare import bp
from app.compare.filters import filters_from_query
from app.downloads import table_download
from app.extensions import db
from app.jobs import benchmarks_to_show
from app.labels import current_language, former_province_name, province_name, sector_name, status_name
from app.rubric_in_use import latest_rubric
from assessments.provinces import PROVINCES_BY_CODE
from assessments.report.chart import bar_chart_svg
from assessments.report.words import answer_text
from assessments.sectors import SECTORS_BY_CODE
from assessments.services.compare import (
    GROUPINGS,
    MAX_SIDE_BY_SIDE,
    MIN_GROUP,
    SIZE_BANDS,
    ExportDetails,
    Filters,
    ListRow,
    all_rows,
    answers_of,
    discrepancy_shares,
    export_details,
    gaps_of,
    list_page,
    side_by_side,
    statuses_of,
    trends,
)
from assessments.text import vietnamese_sort_key
from rubrics.loader import Rubric

PER_PAGE = 25


def current_rubric() -> Rubric:
    return latest_rubric()


def _int(value: str | None, low: int, high: int) -> int | None:
    return int(value) if value and value.isdigit() and low <= int(value) <= high else None


def current_filters() -> Filters:
    """The filters in the query string; an unknown value is ignored rather than an error."""
    return filters_from_query(request.args, current_user)[0]


def _sort() -> tuple[str, bool]:
    sort = request.args.get("sort", "overall")
    if sort not in ("name", "overall", *(a.key for a in current_rubric().areas)):
        sort = "overall"
    return sort, request.args.get("dir", "desc" if sort != "name" else "asc") != "asc"


def _choices() -> dict[str, Any]:
    rubric, lang = current_rubric(), current_language()
    return {
        "size_choices": [(key, {"lt200": _("Under 200 workers"), "200-999": _("200 to 999 workers"),
                                "1000-4999": _("1,000 to 4,999 workers"), "5000+": _("5,000 workers or more")}[key])
                         for key in SIZE_BANDS],
        "band_choices": [(b.key, b.label.get(lang)) for b in [rubric.data.gap_band, *rubric.data.bands]],
        "status_choices": [(s, status_name(s)) for s in ("submitted", "verified")],
        "areas": rubric.areas,
        "lang": lang,
    }


@bp.route("/")
@roles_required(*ANALYSTS)
def index() -> str:
    filters = current_filters()
    sort, descending = _sort()
    page = list_page(db.session, filters, sort=sort, descending=descending,
                     page=_int(request.args.get("page"), 1, 100000) or 1, per_page=PER_PAGE,
                     area_keys=[a.key for a in current_rubric().areas])
    return render_template("compare/index.html", page=page, filters=filters, sort=sort, descending=descending,
                           max_selected=MAX_SIDE_BY_SIDE, **_choices())


@bp.route("/side-by-side")
@roles_required(*ANALYSTS)
def side_by_side_view() -> Any:
    ids = [int(i) for i in request.args.getlist("ids") if i.isdigit() and len(i) < 10]
    rows = side_by_side(db.session, ids)
    chosen = len(dict.fromkeys(ids))
    if chosen > MAX_SIDE_BY_SIDE:
        flash(_("You chose %(chosen)d organisations: the first %(max)d are shown side by side (at most %(max)d "
                "fit).", chosen=chosen, max=MAX_SIDE_BY_SIDE), "info")
    if not 2 <= len(rows) <= MAX_SIDE_BY_SIDE:
        flash(_("Choose from 2 to %(max)d organisations to compare.", max=MAX_SIDE_BY_SIDE), "error")
    rubric, lang = current_rubric(), current_language()
    gaps = gaps_of(db.session, [r.assessment_id for r in rows])
    answers = answers_of(db.session, [r.assessment_id for r in rows])
    # Key indicators: the first three with a legal duty in each area.
    key_indicators = [i for area in rubric.areas for i in [x for x in area.indicators if x.legal][:3]]
    charts = {r.assessment_id: bar_chart_svg([(f"{a.code}. {a.title.get(lang)}", round(r.areas.get(a.key) or 0))
                                              for a in rubric.areas], r.name, " %", peak=100) for r in rows}
    statuses = statuses_of(db.session, [r.assessment_id for r in rows])
    return render_template("compare/side_by_side.html", rows=rows, gaps=gaps, answers=answers, charts=charts,
                           statuses=statuses,
                           key_indicators=key_indicators, rubric=rubric, answer_text=answer_text, **_choices())


@bp.route("/benchmarks")
@roles_required(*EVERYONE)
def benchmarks_view() -> str:
    by = request.args.get("by", "sector") if request.args.get("by") in GROUPINGS else "sector"
    shown = benchmarks_to_show(by, current_filters().cycle)
    result, cycle = shown.result, shown.result.cycle
    names = sector_name if by == "sector" else province_name
    rubric = current_rubric()
    groups = sorted(result.groups, key=lambda group: vietnamese_sort_key(names(group)))
    return render_template("compare/benchmarks.html", result=result, by=by, cycle=cycle, names=names, shown=shown,
                           min_group=MIN_GROUP, rubric=rubric, groups=groups,
                           surveyed=discrepancy_shares(db.session, by, cycle),
                           gap_indicators=[i for a in rubric.areas for i in a.indicators if i.legal], **_choices())


@bp.route("/trends")
@roles_required(*EVERYONE)
def trends_view() -> str:
    by = request.args.get("by", "sector") if request.args.get("by") in GROUPINGS else "sector"
    known = SECTORS_BY_CODE if by == "sector" else PROVINCES_BY_CODE
    value = request.args.get("value", "")
    if value and value not in known:
        abort(404)
    result = trends(db.session, by, value) if value else {}
    chart = bar_chart_svg([(str(cycle), round(d.median)) for cycle, d in result.items() if d.shown and d.median],
                          _("Median overall score by cycle"), " %", peak=100)
    return render_template("compare/trends.html", by=by, value=value, result=result, chart=chart,
                           min_group=MIN_GROUP, **_choices())


# --- Exports ---------------------------------------------------------------------------------------


# The list export's columns, each with what it holds (the XLSX carries these in a sheet).
LIST_COLUMNS: list[tuple[str, Any]] = [
    ("organisation_id", _l("Number of the organisation in this service.")),
    ("organisation", _l("Name of the organisation.")),
    ("tax_code", _l("Tax code.")),
    ("province_code", _l("Province code (the 34 units since 1 July 2025).")),
    ("province", _l("Province or city, in words.")),
    ("former_province", _l("Province the workplace was in before 1 July 2025 (one of the 63 former units, as "
                           "older reports use them); empty when a merged province did not say which.")),
    ("sector_code", _l("Sector code.")),
    ("sector", _l("Sector, in words.")),
    ("workforce", _l("Total workforce (number).")),
    ("cycle", _l("Assessment cycle (year).")),
    ("rubric_version", _l("Version of the questionnaire the assessment was scored on.")),
    ("status_code", _l("submitted or verified.")),
    ("status", _l("Status, in words.")),
    ("submitted_on", _l("Date of the (last) submission, in Viet Nam.")),
    ("verified_on", _l("Date the Chamber verified it (empty if not verified).")),
    ("overall_percent", _l("Overall score, 0 to 100 (number).")),
    ("band_code", _l("Band code.")),
    ("band", _l("Band, in words.")),
]


def _list_header(rubric: Rubric) -> list[str]:
    return [*(name for name, _text in LIST_COLUMNS), *(f"area_{a.key}_percent" for a in rubric.areas),
            "legal_gaps", "legal_gap_codes"]


def _list_documentation(rubric: Rubric, lang: str) -> list[tuple[str, str]]:
    areas = [(f"area_{a.key}_percent", _("Score of area %(area)s, 0 to 100 (number).",
                                         area=f"{a.code}. {a.title.get(lang)}")) for a in rubric.areas]
    return [*((name, str(text)) for name, text in LIST_COLUMNS), *areas,
            ("legal_gaps", _("Number of legal gaps.")), ("legal_gap_codes", _("Codes of the questions below the law."))]


def _list_cells(row: ListRow, rubric: Rubric, details: ExportDetails | None = None,
                gap_codes: str = "") -> list[Any]:
    def pct(value: float | None) -> float | str:
        return "" if value is None else round(value, 1)
    bands = dict(_choices()["band_choices"])
    return [row.organisation_id, row.name, details.tax_code if details else "", row.province_code,
            province_name(row.province_code), former_province_name(details.former_province) if details else "",
            row.sector_code, sector_name(row.sector_code), row.workforce, row.cycle,
            details.rubric_version if details else "", row.status, status_name(row.status),
            details.submitted_on if details else None, details.verified_on if details else None, pct(row.percent),
            row.band or "", bands.get(row.band, "") if row.band else "",
            *(pct(row.areas.get(a.key)) for a in rubric.areas), row.gaps, gap_codes]


def _export_rows(rubric: Rubric, sort: str, descending: bool) -> Iterator[list[Any]]:
    batch: list[ListRow] = []

    def flush() -> Iterator[list[Any]]:
        ids = [r.assessment_id for r in batch]
        details, gaps = export_details(db.session, ids), gaps_of(db.session, ids)
        for row in batch:
            codes = "; ".join(sorted(rubric.indicator(k).code for k in gaps.get(row.assessment_id, [])
                                     if rubric.has_indicator(k)))
            yield _list_cells(row, rubric, details.get(row.assessment_id), codes)

    for row in all_rows(db.session, current_filters(), sort=sort, descending=descending,
                        area_keys=[a.key for a in rubric.areas]):
        batch.append(row)
        if len(batch) == 2000:
            yield from flush()
            batch = []
    yield from flush()


@bp.route("/export.<any(csv, xlsx):fmt>")
@roles_required(*ANALYSTS)
def export(fmt: str) -> Response:
    rubric = current_rubric()
    sort, descending = _sort()
    return table_download(fmt, "assessments", _list_header(rubric), _export_rows(rubric, sort, descending),
                          _("Assessments"), documentation=_list_documentation(rubric, current_language()),
                          documentation_titles=(_("Columns"), _("Column"), _("What it holds")))


def _answer_rows(rubric: Rubric, lang: str) -> Iterator[list[Any]]:
    """One row per assessment: the list's columns, the legal gaps, then every answer."""
    indicators = [i for area in rubric.areas for i in area.indicators]
    batch: list[ListRow] = []
    texts: dict[tuple[str, Any], str] = {}  # the same answers recur across thousands of rows

    def text(indicator: Any, value: Any) -> str:
        key = (indicator.key, tuple(value) if isinstance(value, list) else value)
        if key not in texts:
            texts[key] = answer_text(indicator, value, lang)
        return texts[key]

    def flush() -> Iterator[list[Any]]:
        ids = [r.assessment_id for r in batch]
        answers, gaps = answers_of(db.session, ids), gaps_of(db.session, ids)
        details = export_details(db.session, ids)
        for row in batch:
            given = answers.get(row.assessment_id, {})
            codes = sorted(rubric.indicator(k).code for k in gaps.get(row.assessment_id, []) if rubric.has_indicator(k))
            yield [*_list_cells(row, rubric, details.get(row.assessment_id), "; ".join(codes)),
                   *("" if i.key not in given else text(i, given[i.key]) for i in indicators)]

    for row in all_rows(db.session, current_filters(), area_keys=[a.key for a in rubric.areas]):
        batch.append(row)
        if len(batch) == 2000:
            yield from flush()
            batch = []
    yield from flush()


@bp.route("/answers.<any(csv, xlsx):fmt>")
@roles_required(*ANALYSTS)
def export_answers(fmt: str) -> Response:
    rubric = current_rubric()
    header = [*_list_header(rubric),
              *(f"{i.code} {i.key}" for area in rubric.areas for i in area.indicators)]
    return table_download(fmt, "assessment-answers", header, _answer_rows(rubric, current_language()),
                          _("Answers"))
