"""The month totals of parenting sessions stay equal to the sessions (issue 18, rules): random
sessions recorded, edited, deleted and imported through the services, then every figure read
from the totals is compared with the same figure added up from the sessions, and with the DHIS2
export, on both databases; and writers counting into one month at once both count."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from assessments.dhis2 import FacilitatorElements, data_value_set, load_mapping
from assessments.models import ParentingSession, SessionMonthTotal
from assessments.parenting import VENUES, FacilitatorData, ImportRow, SessionData
from assessments.services import Context
from assessments.services.facilitators import create_facilitator, facilitator_list, monthly_counts_by_facilitator
from assessments.services.parenting import (
    SessionFilters,
    by_month,
    by_month_and_programme,
    by_programme,
    by_province,
    by_topic,
    create_session,
    delete_session,
    import_sessions,
    monthly_counts,
    reach,
    update_session,
    workplaces_by_province,
)
from assessments.services.session_totals import TABLE, TOPICS, WORKPLACES, recount
from tests.assessments.test_races import run_together
from tests.conftest import World

TODAY = date(2026, 12, 5)
PROVINCES = ("hung-yen", "lam-dong", "ha-noi", "dien-bien")
NICE = "Pe186022d09"  # the world's programme's data element (tests/conftest.py)


def random_session(rng: random.Random, world: World, number: int, facilitators: tuple[int, ...] = ()) -> SessionData:
    assert world.programme is not None
    venue = rng.choice(VENUES)
    women, men = rng.randint(1, 30), rng.randint(0, 12)
    at_work = venue == "workplace"
    topics = [t.id for t in world.programme.topics]
    return SessionData(programme_id=world.programme.id, session_date=TODAY - timedelta(days=rng.randrange(500)),
                       duration_minutes=90, venue_type=venue,
                       province_code=world.org_a.province_code if at_work else rng.choice(PROVINCES),
                       commune=f"Xã {number}", facilitator="Mai", participants_total=women + men,
                       participants_female=women, participants_male=men, ethnic_minority=rng.randint(0, women),
                       internal_migrants=0, organisation_id=world.org_a.id if at_work else None,
                       topic_ids=tuple(rng.sample(topics, rng.randint(1, len(topics)))),
                       facilitator_ids=tuple(rng.sample(facilitators, rng.randint(0, len(facilitators)))))


def stored_totals(dbs: Session) -> set[tuple[object, ...]]:
    """Every non-empty row of the three totals tables."""
    return {tuple(row) for table in (TABLE, TOPICS, WORKPLACES) for row in dbs.execute(
        select(table).where(table.c.sessions != 0))}


def test_the_totals_follow_every_write_and_every_figure_agrees_with_the_sessions(dbs: Session, world: World) -> None:
    rng = random.Random(18)
    ctx = Context(world.users["unicef"])
    assert world.programme is not None
    people = tuple(create_facilitator(dbs, ctx, FacilitatorData(name, "", world.programme.id, "ha-noi", None, "",
                                                                combo)).id
                   for name, combo in (("Hồng", "Xfacilitat1"), ("Tú", "Xfacilitat2"), ("Lan", "Xfacilitat3")))
    records = [create_session(dbs, ctx, random_session(rng, world, n, people), TODAY) for n in range(60)]
    for record in rng.sample(records, 15):  # edited: another month, province, venue or count
        data = random_session(rng, world, record.id + 1000, people)
        update_session(dbs, ctx, record, replace(data, commune=record.commune), expected_version=record.version,
                       today=TODAY)
    for record in rng.sample([r for r in records if dbs.get(ParentingSession, r.id)], 10):
        delete_session(dbs, ctx, record, record.version)
    import_sessions(dbs, ctx, [ImportRow(n, random_session(rng, world, 2000 + n, people)) for n in range(2, 22)],
                    "x.csv")
    kept = stored_totals(dbs)
    recount(dbs)
    dbs.commit()
    assert stored_totals(dbs) == kept  # what the writes kept is what adding up again gives

    # Every figure through the totals (whole months) equals the same figure from the sessions
    # (a filter ending mid-month forces the sessions, over the same sessions).
    for province in (None, "lam-dong"):
        whole = SessionFilters(province_code=province, date_to=date(2026, 12, 31))
        by_day = SessionFilters(province_code=province, date_to=date(2026, 12, 30))  # nothing is after today
        for read in (reach, by_month, by_province, by_programme, by_topic, by_month_and_programme, monthly_counts,
                     workplaces_by_province):
            assert read(dbs, whole) == read(dbs, by_day), read.__name__
    # The DHIS2 document adds up to the dashboard's figures: in all, per kind of venue (its declared
    # disaggregation) and per facilitator (the facilitators page's), for any province.
    kinds = {kind: {"female": f"F{n}aaaaaaaaa", "male": f"M{n}aaaaaaaaa"} for n, kind in enumerate(VENUES)}
    mapping = replace(load_mapping(), venue_kinds=kinds, facilitators=FacilitatorElements("Sfacilitat1", "Pfacilitat1"))
    for province in (None, "lam-dong"):
        everything = SessionFilters(province_code=province)
        document, unmapped = data_value_set(monthly_counts(dbs, everything), mapping,
                                            monthly_counts_by_facilitator(dbs, everything))
        assert not unmapped
        values = document["dataValues"]
        assert sum(int(v["value"]) for v in values if v["dataElement"] == NICE) == reach(dbs, everything).participants
        for kind, combos in kinds.items():
            assert sum(int(v["value"]) for v in values if v["categoryOptionCombo"] in combos.values()) == reach(
                dbs, replace(everything, venue_type=kind)).participants, kind
        # Registered in Hà Nội, they held sessions in every province: a province's list shows who
        # held sessions there too.
        listed = {held.facilitator.dhis2_option_combo: held for held in facilitator_list(dbs, everything)}
        assert set(listed) == {"Xfacilitat1", "Xfacilitat2", "Xfacilitat3"}
        for element, figure in (("Sfacilitat1", "sessions"), ("Pfacilitat1", "participants")):
            assert {combo: sum(int(v["value"]) for v in values if v["dataElement"] == element and
                               v["categoryOptionCombo"] == combo) for combo in listed} == {
                combo: getattr(held, figure) for combo, held in listed.items()}
    assert reach(dbs, SessionFilters()).sessions == len(list(dbs.scalars(select(ParentingSession.id))))


def test_two_writers_counting_into_the_same_month_both_count(engine: Engine, dbs: Session, world: World) -> None:
    rng = random.Random(7)
    sessions = [replace(random_session(rng, world, n), session_date=date(2026, 11, 3 + n), province_code="ha-noi",
                        venue_type="community", participants_total=10, participants_female=6, participants_male=4,
                        ethnic_minority=0, organisation_id=None)
                for n in range(8)]
    user_id = world.users["unicef"].id

    def record(data: SessionData) -> object:
        with Session(engine, expire_on_commit=False) as session:
            from assessments.models import User

            return create_session(session, Context(session.get(User, user_id)), data, TODAY)

    results = run_together(*[(lambda d=d: record(d)) for d in sessions])
    assert all(isinstance(r, ParentingSession) for r in results), results
    dbs.expire_all()
    total = dbs.scalar(select(SessionMonthTotal).where(SessionMonthTotal.month == date(2026, 11, 1),
                                                       SessionMonthTotal.province_code == "ha-noi"))
    assert total is not None and (total.sessions, total.participants, total.male) == (8, 80, 32)
