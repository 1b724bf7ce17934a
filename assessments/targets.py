"""Yearly parenting targets and progress against them: plain functions, no database.

A target says what one programme should reach in one province in one year: sessions,
participants, the share of fathers among them, and workplaces reached. Progress compares what
was recorded with it, to date and projected to the year's end at the pace so far.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assessments.provinces import PROVINCES_BY_CODE

MAX_COUNT = 10_000_000
YEARS_AROUND = 5  # targets are set for this year, the years before it and the years ahead, at most 5 away


@dataclass(frozen=True)
class TargetData:
    year: int
    province_code: str
    programme_id: int
    sessions: int
    participants: int
    fathers_percent: int | None  # None: no target for the share of fathers
    workplaces: int | None  # None: no target for workplaces (a programme held in communities)


def check_target(data: TargetData, programme_ids: Iterable[int], today: date) -> dict[str, str]:
    """Every reason the target cannot be saved, by field."""
    errors: dict[str, str] = {}
    if abs(data.year - today.year) > YEARS_AROUND:
        errors["year"] = "year_out_of_range"
    if data.province_code not in PROVINCES_BY_CODE:
        errors["province_code"] = "province_unknown"
    if data.programme_id not in set(programme_ids):
        errors["programme_id"] = "programme_unknown"
    for name in ("sessions", "participants", "workplaces"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= MAX_COUNT:
            errors[name] = "count_out_of_range"
    if data.fathers_percent is not None and not 0 <= data.fathers_percent <= 100:
        errors["fathers_percent"] = "percent_out_of_range"
    return errors


def year_elapsed(year: int, today: date) -> float:
    """The share of `year` that has passed by the end of `today` (0 before it, 1 after it)."""
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    start, end = date(year, 1, 1), date(year, 12, 31)
    return ((today - start).days + 1) / ((end - start).days + 1)


@dataclass(frozen=True)
class Measure:
    """One figure against its target."""

    target: float | None
    actual: float
    projected: float | None  # at the pace so far, by the year's end (None for a share, or before the year)

    @property
    def percent_reached(self) -> float | None:
        return 100 * self.actual / self.target if self.target else None

    @property
    def percent_projected(self) -> float | None:
        return 100 * self.projected / self.target if self.target and self.projected is not None else None


@dataclass(frozen=True)
class Actual:
    sessions: int
    participants: int
    male: int
    workplaces: int


@dataclass(frozen=True)
class Progress:
    sessions: Measure
    participants: Measure
    fathers_percent: Measure  # the share of fathers among participants, not projected
    workplaces: Measure


def _total(targets: list[TargetData], name: str) -> float | None:
    values = [getattr(t, name) for t in targets if getattr(t, name) is not None]
    return float(sum(values)) if values else None


def progress(targets: list[TargetData], actual: Actual, year: int, today: date) -> Progress:
    """Progress of what was recorded in `year` against the sum of `targets`. The fathers' target
    of several targets is their share weighted by each one's participants."""
    elapsed = year_elapsed(year, today)

    def projected(value: int) -> float | None:
        return value / elapsed if elapsed else None

    with_fathers = [t for t in targets if t.fathers_percent is not None]
    planned = sum(t.participants for t in with_fathers)
    fathers_target = (sum(t.participants * (t.fathers_percent or 0) for t in with_fathers) / planned
                      if planned else (with_fathers[0].fathers_percent if with_fathers else None))
    fathers_actual = 100 * actual.male / actual.participants if actual.participants else 0.0
    return Progress(
        sessions=Measure(_total(targets, "sessions"), actual.sessions, projected(actual.sessions)),
        participants=Measure(_total(targets, "participants"), actual.participants, projected(actual.participants)),
        fathers_percent=Measure(fathers_target, fathers_actual, None),
        workplaces=Measure(_total(targets, "workplaces"), actual.workplaces, None),
    )


BEHIND_BELOW = 50.0  # percent of the target: "behind" under it
ON_TRACK_FROM = 90.0  # "on track" from it; "short" between


def band_for(measure: Measure | None) -> str:
    """The map's class of a province: on its way to the target by the year's end (projected,
    while the year runs; reached, once it is over), short of it, far behind, or no target."""
    if measure is None or not measure.target:
        return "none"
    share = measure.percent_projected if measure.percent_projected is not None else measure.percent_reached
    if share is None or share < BEHIND_BELOW:
        return "behind"
    return "on_track" if share >= ON_TRACK_FROM else "short"
