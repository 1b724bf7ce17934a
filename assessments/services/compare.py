"""Comparing organisations: the filtered list of latest scores, side by side, benchmarks by
sector or province, trends by cycle, and the rows of the exports.

Everything is grouped, counted, ranked and sorted in SQL (indexes on the filter columns):
with 10,000 organisations nothing here loops in Python over more rows than a page shows,
except the exports, which stream every row by design.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    CompoundSelect,
    Select,
    and_,
    delete,
    exists,
    func,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

from assessments.caching import BoundedCache
from assessments.db import DbSession, to_viet_nam_date, upsert_on, utcnow
from assessments.models import (
    Answer,
    AreaScoreRow,
    Assessment,
    AssessmentStatus,
    BenchmarkSnapshot,
    LegalGapRow,
    Organisation,
    ReviewDecision,
    ReviewNote,
    ScoresVersion,
    SurveyRound,
)
from assessments.report.data import MIN_BENCHMARK_GROUP
from assessments.result import AssessmentResult
from assessments.services.surveys import discrepancy_flags
from rubrics.loader import default_registry

T = TypeVar("T")

SCORED = (AssessmentStatus.SUBMITTED, AssessmentStatus.VERIFIED)
MIN_GROUP = MIN_BENCHMARK_GROUP  # fewer organisations and a benchmark could point at one of them
MAX_SIDE_BY_SIDE = 6
# Workforce size bands (inclusive bounds; None: no upper bound).
SIZE_BANDS: dict[str, tuple[int, int | None]] = {
    "lt200": (0, 199), "200-999": (200, 999), "1000-4999": (1000, 4999), "5000+": (5000, None)}
GROUPINGS = {"sector": Organisation.sector_code, "province": Organisation.province_code}


@dataclass(frozen=True)
class Filters:
    province: str = ""
    sector: str = ""
    size: str = ""  # a SIZE_BANDS key
    cycle: int | None = None  # None: each organisation's latest scored cycle
    status: str = ""  # submitted or verified
    band: str = ""
    organisation_id: int | None = None  # set for HR users: their own organisation only


@dataclass(frozen=True)
class ListRow:
    assessment_id: int
    organisation_id: int
    name: str
    province_code: str
    sector_code: str
    workforce: int
    cycle: int
    status: str
    percent: float | None
    band: str | None
    areas: dict[str, float | None] = field(default_factory=dict)
    gaps: int = 0


@dataclass(frozen=True)
class Page:
    rows: list[ListRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    # The names the pagination macro uses (as Flask-SQLAlchemy's pages have them).
    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _scored(filters: Filters, *columns: Any) -> Select[Any]:
    """`columns` of the assessments the list shows: one per organisation (its latest scored
    cycle, or the chosen cycle), joined to its organisation, with the filters applied."""
    status = (filters.status,) if filters.status in SCORED else SCORED
    query = select(*columns).select_from(Assessment).join(
        Organisation, Organisation.id == Assessment.organisation_id).where(Assessment.status.in_(status))
    if filters.cycle is not None:
        query = query.where(Assessment.cycle == filters.cycle)
    else:
        # The latest: no later scored cycle of the same organisation (an anti-join on the
        # (organisation, cycle) index, cheaper than grouping every assessment first).
        later = aliased(Assessment)
        query = query.where(~exists().where(later.organisation_id == Assessment.organisation_id,
                                            later.cycle > Assessment.cycle, later.status.in_(status)))
    if filters.province:
        query = query.where(Organisation.province_code == filters.province)
    if filters.sector:
        query = query.where(Organisation.sector_code == filters.sector)
    if filters.size in SIZE_BANDS:
        low, high = SIZE_BANDS[filters.size]
        query = query.where(Organisation.workforce_total >= low)
        if high is not None:
            query = query.where(Organisation.workforce_total <= high)
    if filters.band:
        query = query.where(Assessment.band == filters.band)
    if filters.organisation_id is not None:
        query = query.where(Assessment.organisation_id == filters.organisation_id)
    return query


def _row_columns() -> tuple[Any, ...]:
    return (Assessment.id, Organisation.id, Organisation.name, Organisation.province_code, Organisation.sector_code,
            Organisation.workforce_total, Assessment.cycle, Assessment.status, Assessment.percent, Assessment.band)


def _ordered(filters: Filters, sort: str, descending: bool, area_keys: Sequence[str]) -> Select[Any]:
    query = _scored(filters, *_row_columns())
    order: list[Any]
    if sort == "name":
        order = [Organisation.name.desc() if descending else Organisation.name, Assessment.id]
    elif sort in area_keys:
        area = aliased(AreaScoreRow)
        query = query.outerjoin(area, and_(area.assessment_id == Assessment.id, area.area_key == sort))
        key = area.percent
        order = [key.is_(None), key.desc() if descending else key, Organisation.name, Assessment.id]
    else:
        key = Assessment.percent
        order = [key.is_(None), key.desc() if descending else key, Organisation.name, Assessment.id]
    return query.order_by(*order)


def _with_details(db: DbSession, rows: Sequence[Any]) -> list[ListRow]:
    ids = [r[0] for r in rows]
    areas: dict[int, dict[str, float | None]] = {}
    gaps: dict[int, int] = {}
    if ids:
        for assessment_id, area_key, percent in db.execute(
                select(AreaScoreRow.assessment_id, AreaScoreRow.area_key, AreaScoreRow.percent)
                .where(AreaScoreRow.assessment_id.in_(ids))):
            areas.setdefault(assessment_id, {})[area_key] = percent
        gaps = dict(db.execute(select(LegalGapRow.assessment_id, func.count()).where(
            LegalGapRow.assessment_id.in_(ids)).group_by(LegalGapRow.assessment_id)).all())
    # A row's columns are ListRow's first fields, in order (the query above selects them so).
    return [ListRow(*r, areas=areas.get(r[0], {}), gaps=gaps.get(r[0], 0)) for r in rows]  # type: ignore[misc]


def list_page(db: DbSession, filters: Filters, *, sort: str = "overall", descending: bool = True, page: int = 1,
              per_page: int = 25, area_keys: Sequence[str] = ()) -> Page:
    total = db.scalar(_scored(filters, func.count(Assessment.id))) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = db.execute(_ordered(filters, sort, descending, area_keys).limit(per_page)
                      .offset((page - 1) * per_page)).all()
    return Page(rows=_with_details(db, rows), total=total, page=page, per_page=per_page)


def all_rows(db: DbSession, filters: Filters, *, sort: str = "overall", descending: bool = True,
             area_keys: Sequence[str] = (), chunk: int = 1000) -> Iterator[ListRow]:
    """Every row of the filtered list, in order, fetched in chunks (for exports)."""
    result = db.execute(_ordered(filters, sort, descending, area_keys).execution_options(yield_per=chunk))
    for rows in result.partitions():
        yield from _with_details(db, rows)


@dataclass(frozen=True)
class ExportDetails:
    """What an analyst's export adds to a list row (kept out of the list's covering index)."""

    tax_code: str
    former_province: str
    rubric_version: str
    submitted_on: date | None
    verified_on: date | None


def export_details(db: DbSession, assessment_ids: Sequence[int]) -> dict[int, ExportDetails]:
    found: dict[int, ExportDetails] = {}
    if not assessment_ids:
        return found
    verified = dict(db.execute(select(ReviewNote.assessment_id, func.max(ReviewNote.at)).where(
        ReviewNote.assessment_id.in_(assessment_ids), ReviewNote.decision == ReviewDecision.VERIFIED)
        .group_by(ReviewNote.assessment_id)).all())
    query = (select(Assessment.id, Organisation.tax_code, Organisation.former_province, Assessment.rubric_version,
                    Assessment.submitted_at)
             .join(Organisation, Organisation.id == Assessment.organisation_id)
             .where(Assessment.id.in_(assessment_ids)))
    for assessment_id, tax_code, former_province, version, submitted_at in db.execute(query):
        at = verified.get(assessment_id)
        found[assessment_id] = ExportDetails(tax_code, former_province, version, to_viet_nam_date(submitted_at),
                                             to_viet_nam_date(at))
    return found


def answers_of(db: DbSession, assessment_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    if assessment_ids:
        for assessment_id, key, value in db.execute(select(Answer.assessment_id, Answer.indicator_key, Answer.value)
                                                    .where(Answer.assessment_id.in_(assessment_ids))):
            found.setdefault(assessment_id, {})[key] = value
    return found


def statuses_of(db: DbSession, assessment_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Each question's status on the stored score card (scored, not_applicable, hidden, ...): an
    answer kept for a question that does not apply to the company is not shown as its answer."""
    found: dict[int, dict[str, str]] = {}
    if assessment_ids:
        recorded = select(Assessment.id, Assessment.result_data).where(
            Assessment.id.in_(assessment_ids), Assessment.result_data.is_not(None))
        for assessment_id, data in db.execute(recorded):
            found[assessment_id] = AssessmentResult.scorecard_from_dict(data).statuses()
    return found


def latest_cycle_with_benchmarks(db: DbSession, by: str) -> int | None:
    """The latest cycle where some group (sector or province) has enough organisations to show:
    a benchmark page opened on a cycle where every group is too small would be empty."""
    group = GROUPINGS[by]
    counts = (select(Assessment.cycle, group, func.count(func.distinct(Assessment.organisation_id)))
              .join(Organisation, Organisation.id == Assessment.organisation_id)
              .where(Assessment.status.in_(SCORED)).group_by(Assessment.cycle, group)
              .having(func.count(func.distinct(Assessment.organisation_id)) >= MIN_GROUP).subquery())
    return db.scalar(select(func.max(counts.c.cycle))) or latest_cycle(db)


def gaps_of(db: DbSession, assessment_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if assessment_ids:
        for assessment_id, key in db.execute(select(LegalGapRow.assessment_id, LegalGapRow.indicator_key)
                                             .where(LegalGapRow.assessment_id.in_(assessment_ids))):
            found.setdefault(assessment_id, []).append(key)
    return found


def side_by_side(db: DbSession, assessment_ids: Sequence[int], organisation_id: int | None = None) -> list[ListRow]:
    """Up to MAX_SIDE_BY_SIDE scored assessments in the order given (any cycle); for an HR user
    (`organisation_id`) only their own organisation's."""
    ids = list(dict.fromkeys(assessment_ids))[:MAX_SIDE_BY_SIDE]
    query = (select(*_row_columns()).join(Organisation, Organisation.id == Assessment.organisation_id)
             .where(Assessment.id.in_(ids), Assessment.status.in_(SCORED)))
    if organisation_id is not None:
        query = query.where(Assessment.organisation_id == organisation_id)
    by_id = {r.assessment_id: r for r in _with_details(db, db.execute(query).all())}
    return [by_id[i] for i in ids if i in by_id]


# --- Benchmarks and trends ------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    count: int
    q1: float | None
    median: float | None
    q3: float | None

    @property
    def shown(self) -> bool:
        return self.count >= MIN_GROUP


def _quantile(n: int, k: int, low: float | None, high: float | None) -> float | None:
    """The k-th quartile (k = 1, 2, 3) by linear interpolation between ranks (percentile_cont)."""
    if low is None:
        return None
    fraction = ((n - 1) * k % 4) / 4
    return low if high is None or fraction == 0 else low + fraction * (high - low)


def _distributions(db: DbSession, values: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]],
                   ) -> dict[tuple[Any, Any], Distribution]:
    """Quartiles of `values` (columns grp, part, value) per (grp, part), ranked in SQL:
    the database returns one row per group with the values at the ranks the quartiles need."""
    base = values.subquery()
    ranked = select(
        base.c.grp, base.c.part, base.c.value,
        func.row_number().over(partition_by=(base.c.grp, base.c.part), order_by=base.c.value).label("rn"),
        func.count().over(partition_by=(base.c.grp, base.c.part)).label("n"),
    ).subquery()

    def at(k: int, offset: int) -> Any:
        # Integer arithmetic: the same truncation in SQLite and PostgreSQL.
        return func.min(ranked.c.value).filter(ranked.c.rn == 1 + (ranked.c.n - 1) * k // 4 + offset)

    rows = db.execute(select(ranked.c.grp, ranked.c.part, func.max(ranked.c.n),
                             at(1, 0), at(1, 1), at(2, 0), at(2, 1), at(3, 0), at(3, 1))
                      .group_by(ranked.c.grp, ranked.c.part)).all()
    result = {}
    for grp, part, n, q1a, q1b, q2a, q2b, q3a, q3b in rows:
        if n < MIN_GROUP:  # suppressed: not even the quartiles leave this function
            result[(grp, part)] = Distribution(n, None, None, None)
        else:
            result[(grp, part)] = Distribution(n, _quantile(n, 1, q1a, q1b), _quantile(n, 2, q2a, q2b),
                                               _quantile(n, 3, q3a, q3b))
    return result


# --- Computed once per state of the scores ---------------------------------------------------------

# Where the session notes that its transaction changed the scores (app/jobs.py reads it).
SCORES_CHANGED = "scores_changed"
_MEMO: BoundedCache[tuple[Any, ...], Any] = BoundedCache(256)


def scores_changed(db: DbSession) -> None:
    """Call in the transaction that submits, verifies or returns an assessment: benchmarks and
    trends computed before are stale from then on."""
    token = secrets.token_hex(16)
    if db.execute(update(ScoresVersion).where(ScoresVersion.id == 1).values(token=token)).rowcount == 0:  # type: ignore[attr-defined]  # an UPDATE's result has a rowcount
        db.add(ScoresVersion(id=1, token=token))
    db.info[SCORES_CHANGED] = True  # after the commit, the web layer asks the job worker for new benchmarks


def _scores_token(db: DbSession) -> str | None:
    return db.scalar(select(ScoresVersion.token).where(ScoresVersion.id == 1))


def _memoised(db: DbSession, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """compute() once per state of the scores (the ScoresVersion token) and database. Without a
    token (a database never scored since) nothing is kept."""
    token = _scores_token(db)
    if token is None:
        return compute()
    full_key = (str(db.get_bind().engine.url), token, *key)
    return _MEMO.get_or_compute(full_key, compute)


def latest_cycle(db: DbSession) -> int | None:
    return db.scalar(select(func.max(Assessment.cycle)).where(Assessment.status.in_(SCORED)))


@dataclass(frozen=True)
class Benchmarks:
    by: str
    cycle: int | None
    groups: dict[str, int]  # group -> organisations
    areas: dict[tuple[str, str], Distribution]  # (group, area key or "" for overall) -> distribution
    gap_shares: dict[tuple[str, str], float]  # (group, indicator) -> share of organisations (shown groups only)


def benchmarks(db: DbSession, by: str, cycle: int | None, filters: Filters = Filters()) -> Benchmarks:
    """Per sector or province: the distribution of each area score and of the overall score,
    and the share of organisations with each legal gap. Groups under MIN_GROUP are suppressed.
    Ranking every score costs a few hundred milliseconds at 10,000 organisations, so the result
    is kept until the scores change (see scores_changed)."""
    return _memoised(db, ("benchmarks", by, cycle, filters.province, filters.sector, filters.size),
                     lambda: _benchmarks(db, by, cycle, filters))


def _benchmarks(db: DbSession, by: str, cycle: int | None, filters: Filters) -> Benchmarks:
    group = GROUPINGS[by]
    chosen = Filters(province=filters.province, sector=filters.sector, size=filters.size, cycle=cycle)
    area_values = (_scored(chosen, group.label("grp"), AreaScoreRow.area_key.label("part"),
                           AreaScoreRow.percent.label("value"))
                   .join(AreaScoreRow, AreaScoreRow.assessment_id == Assessment.id)
                   .where(AreaScoreRow.percent.is_not(None)))
    overall = _scored(chosen, group.label("grp"), literal("").label("part"), Assessment.percent.label("value")).where(
        Assessment.percent.is_not(None))
    areas = _distributions(db, union_all(area_values, overall))
    sizes: dict[str, int] = dict(db.execute(
        _scored(chosen, group, func.count()).group_by(group)).all())
    shares: dict[tuple[str, str], float] = {}
    for grp, indicator, count in db.execute(
            _scored(chosen, group, LegalGapRow.indicator_key, func.count())
            .join(LegalGapRow, LegalGapRow.assessment_id == Assessment.id).group_by(group, LegalGapRow.indicator_key)):
        if sizes.get(grp, 0) >= MIN_GROUP:
            shares[(grp, indicator)] = count / sizes[grp]
    return Benchmarks(by=by, cycle=cycle, groups=sizes, areas=areas, gap_shares=shares)


# --- Kept in the database: made by the job worker when the scores change ---------------------------


def encode_benchmarks(result: Benchmarks) -> dict[str, Any]:
    """As JSON (lists, not objects: a group may be None, and JSON keys are strings)."""
    return {"by": result.by, "cycle": result.cycle, "groups": list(result.groups.items()),
            "areas": [[grp, part, d.count, d.q1, d.median, d.q3] for (grp, part), d in result.areas.items()],
            "gap_shares": [[grp, indicator, share] for (grp, indicator), share in result.gap_shares.items()]}


def decode_benchmarks(data: dict[str, Any]) -> Benchmarks:
    return Benchmarks(by=data["by"], cycle=data["cycle"], groups=dict(data["groups"]),
                      areas={(grp, part): Distribution(count, q1, median, q3)
                             for grp, part, count, q1, median, q3 in data["areas"]},
                      gap_shares={(grp, indicator): share for grp, indicator, share in data["gap_shares"]})


@dataclass(frozen=True)
class StoredBenchmarks:
    """Benchmarks as a page shows them."""

    result: Benchmarks
    made_at: datetime | None  # when the worker made them; None: computed for this request
    refresh: bool  # the worker should make them (again): none were kept, or the scores changed since


def stored_benchmarks(db: DbSession, by: str, cycle: int | None) -> StoredBenchmarks:
    """The benchmarks the job worker kept for this grouping and cycle (None: the cycle the page
    opens on), even when the scores changed since: their new ones are minutes away at most, and
    ranking every score is not done in a person's request. Only when none were kept (a new
    database, a cycle with no scores) are they computed here; the caller then asks the worker."""
    which = BenchmarkSnapshot.cycle == cycle if cycle else BenchmarkSnapshot.opens_on.is_(True)
    kept = db.execute(select(BenchmarkSnapshot.payload, BenchmarkSnapshot.token, BenchmarkSnapshot.made_at)
                      .where(BenchmarkSnapshot.grouping == by, which)).first()
    if kept is None:
        return StoredBenchmarks(benchmarks(db, by, cycle or latest_cycle_with_benchmarks(db, by)), None, True)
    return StoredBenchmarks(decode_benchmarks(kept.payload), kept.made_at, kept.token != _scores_token(db))


def refresh_benchmarks(db: DbSession, now: datetime | None = None) -> int:
    """The job worker's: make the benchmarks of each grouping and scored cycle again if the
    scores changed since they were kept, commit, and say how many were made. They are kept with
    the token read first, so a change made meanwhile leaves them stale for its own nudge."""
    token = _scores_token(db) or ""
    if set(db.scalars(select(BenchmarkSnapshot.token).distinct())) == {token}:
        return 0
    now = now or utcnow()
    cycles = set(db.scalars(select(Assessment.cycle).where(Assessment.status.in_(SCORED)).distinct()))
    insert = upsert_on(db.get_bind().dialect.name)
    made = 0
    for by in GROUPINGS:
        opens_on = latest_cycle_with_benchmarks(db, by)
        for cycle in sorted(cycles | {opens_on or 0}):
            values = {"opens_on": cycle == (opens_on or 0), "token": token, "made_at": now,
                      "payload": encode_benchmarks(_benchmarks(db, by, cycle or None, Filters()))}
            db.execute(insert(BenchmarkSnapshot).values(grouping=by, cycle=cycle, **values)
                       .on_conflict_do_update(index_elements=["grouping", "cycle"], set_=values))
            made += 1
    # Left with an older token: a cycle no longer scored (its last assessment was returned).
    db.execute(delete(BenchmarkSnapshot).where(BenchmarkSnapshot.token != token))
    db.commit()
    return made


@dataclass(frozen=True)
class SurveyShare:
    """In one group: organisations whose workers' survey has results (a round with enough
    answers), and how many of them have a discrepancy (workers contradicting HR)."""

    surveyed: int
    contradicted: int

    @property
    def shown(self) -> bool:
        return self.surveyed >= MIN_GROUP

    @property
    def share(self) -> float:
        return self.contradicted / self.surveyed if self.surveyed else 0.0


def discrepancy_shares(db: DbSession, by: str, cycle: int | None,
                       filters: Filters = Filters()) -> dict[str, SurveyShare]:
    """Per sector or province, of the organisations the benchmarks count: the share with a
    discrepancy in their latest showing survey round. Not kept with the benchmarks: workers
    answer between submissions. Only groups of MIN_GROUP surveyed organisations are shown."""
    group = GROUPINGS[by]
    chosen = Filters(province=filters.province, sector=filters.sector, size=filters.size, cycle=cycle)
    rows = db.execute(_scored(chosen, group.label("grp"), Assessment.id, Assessment.rubric_key,
                              Assessment.rubric_version, Assessment.rubric_hash)
                      .where(exists().where(SurveyRound.assessment_id == Assessment.id))).all()
    registry = default_registry()
    surveys = {row.id: registry.get(row.rubric_key, row.rubric_version, row.rubric_hash).data.survey for row in rows}
    flags = discrepancy_flags(db, surveys)
    counted: dict[str, list[int]] = {}
    for row in rows:
        if row.id in flags:
            tally = counted.setdefault(row.grp, [0, 0])
            tally[0] += 1
            tally[1] += flags[row.id]
    return {grp: SurveyShare(surveyed, contradicted) for grp, (surveyed, contradicted) in counted.items()}


def trends(db: DbSession, by: str, value: str) -> dict[int, Distribution]:
    """The overall score of one sector or province, cycle by cycle (suppressed under MIN_GROUP)."""
    return _memoised(db, ("trends", by, value), lambda: _trends(db, by, value))


def _trends(db: DbSession, by: str, value: str) -> dict[int, Distribution]:
    group = GROUPINGS[by]
    values = (select(literal("").label("grp"), Assessment.cycle.label("part"), Assessment.percent.label("value"))
              .join(Organisation, Organisation.id == Assessment.organisation_id)
              .where(group == value, Assessment.status.in_(SCORED), Assessment.percent.is_not(None)))
    return {part: d for (_grp, part), d in sorted(_distributions(db, values).items(), key=lambda x: x[0][1])}
