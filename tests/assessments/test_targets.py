"""Yearly parenting targets (issue 18, item 4): worked examples of progress written from the rule
(share reached to date; projected to the year's end at the pace so far; the fathers' target of
several targets weighted by their participants), and setting targets on both databases."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.models import AuditEvent, ParentingTarget
from assessments.provinces import PROVINCES_BY_CODE
from assessments.report.tile_map import Band, tile_map_svg
from assessments.services import Context, ServiceError
from assessments.services.parenting import SessionFilters
from assessments.services.targets import save_target, year_progress
from assessments.targets import Actual, TargetData, band_for, check_target, progress, year_elapsed
from tests.conftest import World, add_session

TODAY = date(2026, 7, 1)  # the 182nd day of 365


def target(province: str = "lam-dong", programme: int = 1, sessions: int = 40, participants: int = 1000,
           fathers: int | None = 30, workplaces: int | None = None, year: int = 2026) -> TargetData:
    return TargetData(year, province, programme, sessions, participants, fathers, workplaces)


@pytest.mark.parametrize(("year", "elapsed"), [(2025, 1.0), (2027, 0.0), (2026, 182 / 365)])
def test_the_share_of_the_year_gone(year: int, elapsed: float) -> None:
    assert year_elapsed(year, TODAY) == pytest.approx(elapsed)


def test_progress_to_date_and_projected_to_the_years_end() -> None:
    # 400 of 1,000 participants by 1 July: 40 % reached; at that pace, 400 / (182/365) = 802 by
    # 31 December, 80 % of the target. 120 fathers of 400 participants is 30 %, the target.
    result = progress([target()], Actual(sessions=18, participants=400, male=120, workplaces=3), 2026, TODAY)
    assert result.participants.percent_reached == pytest.approx(40.0)
    assert result.participants.projected == pytest.approx(400 * 365 / 182)
    assert result.participants.percent_projected == pytest.approx(80.2, abs=0.05)
    assert result.sessions.percent_reached == pytest.approx(45.0)
    assert (result.fathers_percent.actual, result.fathers_percent.percent_reached) == (30.0, 100.0)
    assert result.workplaces.target is None and result.workplaces.percent_reached is None


def test_several_targets_add_up_and_weigh_the_fathers_share_by_participants() -> None:
    # 1,000 planned at 30 % fathers and 500 at 20 %: 300 + 100 fathers of 1,500, 26.7 %.
    both = [target(), target(province="ha-noi", participants=500, fathers=20, workplaces=10)]
    result = progress(both, Actual(0, 0, 0, 0), 2026, TODAY)
    assert (result.sessions.target, result.participants.target, result.workplaces.target) == (80, 1500, 10)
    assert result.fathers_percent.target == pytest.approx(400 / 1500 * 100)
    # Before its year nothing is projected; after it, the projection is what was done.
    assert progress(both, Actual(5, 50, 5, 1), 2027, TODAY).participants.projected is None
    assert progress(both, Actual(5, 50, 5, 1), 2025, TODAY).participants.projected == 50


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"year": 2040}, "year", "year_out_of_range"),
    ({"province_code": "sai-gon"}, "province_code", "province_unknown"),
    ({"programme_id": 99}, "programme_id", "programme_unknown"),
    ({"participants": -1}, "participants", "count_out_of_range"),
    ({"fathers_percent": 101}, "fathers_percent", "percent_out_of_range"),
])
def test_a_target_is_refused_with_its_reason(change: dict[str, object], field: str, reason: str) -> None:
    data = TargetData(**(target().__dict__ | change))  # type: ignore[arg-type]
    assert check_target(data, [1], TODAY) == {field: reason}


def test_unicef_sets_a_target_and_a_stale_form_is_refused(dbs: Session, world: World) -> None:
    assert world.programme is not None
    ctx = Context(world.users["unicef"])
    first = save_target(dbs, ctx, target(programme=world.programme.id), 0, TODAY)
    assert (first.version, first.participants) == (1, 1000)
    # A second officer's "new target" form for the same province, programme and year.
    with pytest.raises(ServiceError) as conflict:
        save_target(dbs, ctx, target(programme=world.programme.id, participants=2000), 0, TODAY)
    assert conflict.value.code == "edited_by_someone_else"
    save_target(dbs, ctx, target(programme=world.programme.id, participants=1200), first.version, TODAY)
    stored = dbs.scalar(select(ParentingTarget))
    assert stored is not None and (stored.participants, stored.version) == (1200, 2)
    assert dbs.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "target_set")) == 2


def test_progress_counts_the_year_in_the_province_whatever_the_kind_of_venue(dbs: Session, world: World) -> None:
    assert world.programme is not None
    programme = world.programme.id
    # The world's session: Hưng Yên, 1 October 2026, 20 women and 5 men at a workplace.
    add_session(dbs, world.programme, None, day=date(2026, 3, 2), women=8, men=2, province="hung-yen",
                commune="Phố Nối", venue="commune_health_station")
    add_session(dbs, world.programme, None, day=date(2025, 12, 30), women=50, men=50, province="hung-yen",
                commune="Phố Nối", venue="community")  # last year: not counted
    add_session(dbs, world.programme, None, day=date(2026, 5, 5), women=9, men=1, province="lam-dong",
                commune="Phú Thủy", venue="community")
    dbs.commit()
    ctx = Context(world.users["unicef"])
    save_target(dbs, ctx, target(province="hung-yen", programme=programme, participants=100, workplaces=4), 0, TODAY)
    save_target(dbs, ctx, target(province="lam-dong", programme=programme, participants=200), 0, TODAY)
    today = date(2026, 12, 31)
    result = year_progress(dbs, SessionFilters(venue_type="community"), 2026, today)
    assert result.overall is not None
    assert (result.overall.participants.actual, result.overall.participants.target) == (45, 300)
    assert result.overall.workplaces.actual == 1 and result.overall.workplaces.target == 4
    # Furthest behind first: Lâm Đồng 10 of 200 (5 %), Hưng Yên 35 of 100.
    assert [(p.province_code, p.progress.participants.actual) for p in result.provinces] == [
        ("lam-dong", 10), ("hung-yen", 35)]
    only = year_progress(dbs, SessionFilters(province_code="hung-yen"), 2026, today)
    assert only.overall is not None and only.overall.participants.percent_reached == pytest.approx(35.0)
    assert year_progress(dbs, SessionFilters(), 2027, today).overall is None


@pytest.mark.parametrize(("actual", "year", "band"), [
    (500, 2026, "on_track"),  # 500 by 1 July projects to 1,003 of 1,000
    (300, 2026, "short"),  # projects to 602: 60 %
    (200, 2026, "behind"),  # projects to 401: 40 %
    (950, 2025, "on_track"),  # a past year: what was reached, 95 %
    (890, 2025, "short"),  # 89 %: not yet "on track"
])
def test_the_maps_band_follows_the_projection_while_the_year_runs(actual: int, year: int, band: str) -> None:
    measure = progress([target(year=year)], Actual(0, actual, 0, 0), year, TODAY).participants
    assert band_for(measure) == band


def test_a_province_without_a_target_is_in_the_band_of_its_own() -> None:
    assert band_for(None) == "none"
    assert band_for(progress([target(participants=0)], Actual(0, 40, 0, 0), 2026, TODAY).participants) == "none"


def test_the_tile_map_has_each_of_the_34_units_once_coloured_by_its_band() -> None:
    bands = {key: Band(key, key, fill, "#000000") for key, fill in (
        ("on_track", "#0b6e4f"), ("short", "#f2a900"), ("behind", "#b3261e"), ("none", "#e6ece9"))}
    svg = str(tile_map_svg(bands, {"hung-yen": "behind", "ha-noi": "on_track"}, "Map", lambda code: f"/p/{code}",
                           lambda code: "figures", "vi"))
    links = re.findall(r'<a href="/p/([a-z-]+)" aria-label="([^"]+)">', svg)
    assert sorted(code for code, _label in links) == sorted(PROVINCES_BY_CODE)
    assert ("hung-yen", "Hưng Yên: figures") in links
    tile = re.search(r'href="/p/hung-yen".*?<rect [^>]*fill="([^"]+)"', svg)
    assert tile is not None and tile.group(1) == "#b3261e"
    assert svg.count('fill="#e6ece9"') == 32 + 1  # 32 tiles and the legend's swatch
