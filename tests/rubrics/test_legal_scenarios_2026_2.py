"""Legal scenarios for rubric 2026.2, written from the law, not from the engine's output.

Each scenario names the clause it rests on, then gives a factory's profile, the date the law is
read on and the answers that differ from a fully compliant factory; it lists every legal gap that
must appear (no other may), the article the first gap must cite, and, where it matters, the
plan's first item. Both sides of every threshold and of every date switch are covered: 1 Jan 2021
(Labour Code 2019), 1 Feb 2021 (Decree 145/2020), 17 Jan 2022 (Decree 12/2022 fines) and
30 Jun / 1 Jul 2025 (Social Insurance Law 2014 -> 2024).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from assessments.plan import CHECK, LEGAL, build_plan
from assessments.scoring import InvalidInput, score
from assessments.simulate import best_answers
from rubrics.loader import default_registry

RUBRIC = default_registry().get("crbp-vn", "2026.2")
GAP_BAND = "below_legal_minimum"

# A garment factory that meets every duty: the base every scenario changes one thing in.
FACTORY = {"workforce_total": 2000, "workforce_women": 1200, "workers_under_18": 0, "women_with_infants": True,
           "remote_area": False, "night_or_overtime_work": True, "hazardous_work": True, "piece_rate_pay": True,
           "industrial_park": True, "migrant_workers": True}
COMPLIANT = best_answers(RUBRIC)
TODAY = date(2026, 12, 4)

LC = "Labour Code 2019"
D145 = "Decree 145/2020"
SI14 = "Law on Social Insurance 2014"
SI24 = "Law on Social Insurance 2024"
OSH = "Occupational Safety and Hygiene"


@dataclass(frozen=True)
class Scenario:
    name: str
    clause: str  # what the law says, the reason for the expected verdict
    on: date
    answers: dict[str, Any]
    gaps: set[str]  # codes of every legal gap that must appear
    cites: tuple[str, str] | None = None  # (instrument, article) the first gap must cite
    not_cites: str | None = None  # an instrument the gap must not cite (not in force that day)
    profile: dict[str, Any] = field(default_factory=dict)
    first_in_plan: str | None = None


S = Scenario
SCENARIOS = [
    # Paternity: SI 2014 Art. 34(2) to 30 Jun 2025 (30 days, no splitting); SI 2024 Art. 53(2)-(3) after.
    S("fewer paternity days under SI 2014", "SI 2014 Art. 34(2): 5-14 working days within the first 30 days",
      date(2025, 3, 15), {"leave.paternity": "fewer_days"}, {"A8"}, (SI14, "34")),
    S("fewer paternity days under SI 2024", "SI 2024 Art. 53(2): 5-14 working days; 53(3): within 60 days",
      date(2025, 8, 1), {"leave.paternity": "fewer_days"}, {"A8"}, (SI24, "53"), not_cites=SI14),
    S("no splitting, March 2025", "SI 2014 Art. 34(2) gives no right to split the days",
      date(2025, 3, 15), {"leave.paternity_split": "not_allowed"}, set()),
    S("no splitting, 30 June 2025", "SI 2014 still in force on 30 June 2025: no right to split",
      date(2025, 6, 30), {"leave.paternity_split": "not_allowed"}, set()),
    S("no splitting, 1 July 2025", "SI 2024 Art. 53(3): leave may be taken in several blocks within 60 days",
      date(2025, 7, 1), {"leave.paternity_split": "not_allowed"}, {"A8b"}, (SI24, "53")),
    # Sick child: SI 2014 Art. 27 -> SI 2024 Art. 44.
    S("sick-child leave refused, 30 June 2025", "SI 2014 Art. 27: 20 days (under 3), 15 days (3 to under 7)",
      date(2025, 6, 30), {"leave.sick_child": "not_granted"}, {"A15"}, (SI14, "27")),
    S("sick-child leave refused, 1 July 2025", "SI 2024 Art. 44: the same right continues",
      date(2025, 7, 1), {"leave.sick_child": "not_granted"}, {"A15"}, (SI24, "44"), not_cites=SI14),
    S("sick-child leave costs attendance pay", "SI 2024 Art. 44 grants the leave; a bonus rule is not a refusal",
      TODAY, {"leave.sick_child": "attendance_penalty"}, set()),
    # Prenatal visits: SI 2014 Art. 32 -> SI 2024 Art. 51.
    S("prenatal visits refused, 30 June 2025", "SI 2014 Art. 32: 5 visits of 1 (or 2) days",
      date(2025, 6, 30), {"leave.prenatal_visits": "not_granted"}, {"A11"}, (SI14, "32")),
    S("prenatal visits refused, 1 July 2025", "SI 2024 Art. 51: up to 5 visits of up to 2 days",
      date(2025, 7, 1), {"leave.prenatal_visits": "not_granted"}, {"A11"}, (SI24, "51")),
    # Miscarriage: SI 2014 Art. 33 not verified -> no gap; SI 2024 Art. 52 verified.
    S("miscarriage leave refused, 30 June 2025", "SI 2014 Art. 33 not verified here: never a gap",
      date(2025, 6, 30), {"leave.miscarriage": "not_granted"}, set()),
    S("miscarriage leave refused, 1 July 2025", "SI 2024 Art. 52: 10/20/40/50 days by length of pregnancy",
      date(2025, 7, 1), {"leave.miscarriage": "not_granted"}, {"A12"}, (SI24, "52")),
    # Convalescence: SI 2014 Art. 41 -> SI 2024 Art. 60.
    S("convalescence refused, 30 June 2025", "SI 2014 Art. 41: 5-10 days in the first 30 days back",
      date(2025, 6, 30), {"leave.convalescence": "not_offered"}, {"A13"}, (SI14, "41")),
    S("convalescence refused, 1 July 2025", "SI 2024 Art. 60: up to 5/7/10 days",
      date(2025, 7, 1), {"leave.convalescence": "not_offered"}, {"A13"}, (SI24, "60")),
    # Adoption: LC Art. 139(5) throughout; SI 2024 Art. 56(1) from 1 July 2025.
    S("adoption leave refused, 2024", "LC 2019 Art. 139(5): adoptive parents get leave under the SI law",
      date(2024, 5, 1), {"leave.adoption": "not_granted"}, {"A10"}, (LC, "139"), not_cites=SI24),
    S("adoption leave refused, 2025", "SI 2024 Art. 56(1): until the child is 6 months old",
      date(2025, 7, 1), {"leave.adoption": "not_granted"}, {"A10"}, (LC, "139")),
    # One-time allowance: SI 2014 Art. 38 -> SI 2024 Art. 58.
    S("birth allowance not filed, 2024", "SI 2014 Art. 38: twice the base salary per child",
      date(2024, 1, 10), {"leave.birth_allowance": "not_processed"}, {"A14"}, (SI14, "38")),
    S("birth allowance not filed, 2025", "SI 2024 Art. 58: twice the reference level per child",
      date(2025, 7, 1), {"leave.birth_allowance": "not_processed"}, {"A14"}, (SI24, "58")),
    # Claims on time: the 7-working-day duty is verified only in SI 2024 (Art. 48(2), 62(1)).
    S("claims filed late, 30 June 2025", "SI 2014 Art. 102 not verified here: never a gap",
      date(2025, 6, 30), {"leave.claims_on_time": "late"}, set()),
    S("claims filed late, 1 July 2025", "SI 2024 Art. 48(2) and 62(1): file within 7 working days",
      date(2025, 7, 1), {"leave.claims_on_time": "late"}, {"A4"}, (SI24, "48")),
    S("claims not tracked", "Not knowing is a finding, not a breach", TODAY,
      {"leave.claims_on_time": "not_tracked"}, set()),
    # Social-insurance enrolment: SI 2024 Art. 39(1)(a) (evasion); SI 2014's duty is not verified here.
    S("one insured worker not enrolled, 2026", "SI 2024 Art. 39(1)(a): not registering them is evasion",
      TODAY, {"leave.social_insurance_enrolment": 99.5}, {"A3"}, (SI24, "39")),
    S("every insured worker enrolled", "SI 2024 Art. 39(1)(a): nothing to evade at 100%",
      TODAY, {"leave.social_insurance_enrolment": 100}, set()),
    S("enrolment gap, 30 June 2025", "SI 2014 Art. 21 not verified here: never a gap",
      date(2025, 6, 30), {"leave.social_insurance_enrolment": 90}, set()),
    # Maternity leave and pay.
    S("less than 6 months, first day of the Labour Code", "LC 2019 Art. 139(1): 6 months",
      date(2021, 1, 1), {"leave.maternity_policy": "less_than_law"}, {"A1"}, (LC, "139")),
    S("6 months given but not written", "LC 2019 Art. 139(1) requires the leave, not a written rule",
      TODAY, {"leave.maternity_policy": "unwritten"}, set()),
    S("pay below the benefit, 30 June 2025", "SI 2014 Art. 39: 100% of the average insured salary",
      date(2025, 6, 30), {"leave.maternity_pay": "below_benefit"}, {"A2"}, (SI14, "39")),
    S("pay below the benefit, 1 July 2025", "SI 2024 Art. 59: 100% of the average insured salary",
      date(2025, 7, 1), {"leave.maternity_pay": "below_benefit"}, {"A2"}, (SI24, "59")),
    S("maternity pay not known", "Not knowing is a finding, not a breach", TODAY,
      {"leave.maternity_pay": "not_known"}, set()),
    S("early return outside the law", "LC 2019 Art. 139(4): 4 months, medical confirmation, wages on top",
      TODAY, {"leave.early_return": "not_per_law"}, {"A5"}, (LC, "139")),
    S("former job not guaranteed", "LC 2019 Art. 140: former job, or another at no lower pay",
      TODAY, {"leave.job_guarantee": "not_guaranteed"}, {"A7"}, (LC, "140")),
    # Night work, overtime, trips: LC 2019 Art. 137(1).
    S("pregnant worker on nights", "LC 2019 Art. 137(1)(a): not from the 7th month",
      TODAY, {"workplace.pregnancy_night_work": "not_protected"}, {"D1a"}, (LC, "137")),
    S("no night work at all", "LC 2019 Art. 137(1) binds only where nights, overtime or trips happen",
      TODAY, {"workplace.pregnancy_night_work": "not_protected"}, set(),
      profile={"night_or_overtime_work": False}),
    S("pregnancies not tracked against rotas", "Not knowing is a finding, not a breach", TODAY,
      {"workplace.pregnancy_night_work": "not_tracked"}, set()),
    S("remote rule, no remote site", "LC 2019 Art. 137(1)(a): the 6th month applies in remote areas only",
      TODAY, {"workplace.pregnancy_night_work_remote": "not_protected"}, set()),
    S("remote rule broken at a remote site", "LC 2019 Art. 137(1)(a): from the 6th month in remote areas",
      TODAY, {"workplace.pregnancy_night_work_remote": "not_protected"}, {"D1b"}, (LC, "137"),
      profile={"remote_area": True}),
    S("both rules broken, remote and other sites", "LC 2019 Art. 137(1)(a): each site by its own rule",
      TODAY, {"workplace.pregnancy_night_work": "not_protected",
              "workplace.pregnancy_night_work_remote": "not_protected"}, {"D1a", "D1b"}, (LC, "137"),
      profile={"remote_area": True}),
    S("mother of a baby on nights without consent", "LC 2019 Art. 137(1)(b): only if she agrees",
      TODAY, {"workplace.infant_consent": "without_consent"}, {"D1c"}, (LC, "137")),
    S("mother of a baby, consent not tracked", "Not knowing is a finding, not a breach", TODAY,
      {"workplace.infant_consent": "not_tracked"}, set()),
    # Hazardous work: LC 2019 Art. 137(2).
    S("pregnant worker kept in hazardous work", "LC 2019 Art. 137(2): lighter work or 1 hour less a day",
      TODAY, {"workplace.pregnancy_safe_work": "not_done"}, {"D2"}, (LC, "137")),
    S("no hazardous work", "LC 2019 Art. 137(2) binds only where such work exists", TODAY,
      {"workplace.pregnancy_safe_work": "not_done"}, set(), profile={"hazardous_work": False}),
    # Dismissal and new contracts: LC 2019 Art. 137(3).
    S("dismissed for pregnancy", "LC 2019 Art. 137(3): no dismissal for pregnancy", TODAY,
      {"workplace.no_dismissal": "happened"}, {"D3"}, (LC, "137")),
    S("dismissals not tracked", "Not knowing is a finding, not a breach", TODAY,
      {"workplace.no_dismissal": "not_tracked"}, set()),
    S("no priority for a new contract", "LC 2019 Art. 137(3): priority for a new contract", TODAY,
      {"workplace.new_contract_priority": "no_priority"}, {"D3b"}, (LC, "137")),
    S("pregnant worker penalised for suspending", "LC 2019 Art. 138: may end or suspend on medical advice",
      TODAY, {"workplace.pregnancy_contract_rights": "penalised"}, {"D4"}, (LC, "138")),
    # Internal regulations: LC 2019 Art. 118(1), (2)(d): written from 10 workers.
    S("no harassment rule, 10 workers", "LC 2019 Art. 118: written regulations with harassment rules",
      TODAY, {"workplace.sexual_harassment": "none"}, {"D7"}, (LC, "118"), profile={"workforce_total": 10}),
    S("no harassment rule, 9 workers", "LC 2019 Art. 118(1): written regulations from 10 workers",
      TODAY, {"workplace.sexual_harassment": "none"}, set(),
      profile={"workforce_total": 9, "workforce_women": 5}),
    # Menstrual break: LC 2019 Art. 137(4) from 1 Jan 2021; Decree 145 Art. 80(3) from 1 Feb 2021.
    S("menstrual break refused, January 2021", "LC 2019 Art. 137(4) in force; Decree 145 not yet",
      date(2021, 1, 15), {"workplace.menstrual_break": "not_granted"}, {"D9"}, (LC, "137"), not_cites=D145),
    S("menstrual break refused, February 2021", "Decree 145/2020 Art. 80(3) in force from 1 Feb 2021",
      date(2021, 2, 1), {"workplace.menstrual_break": "not_granted"}, {"D9"}, (LC, "137")),
    # Lactation room: Decree 145 Art. 80(5), from 1,000 female workers.
    S("no lactation room, 999 women", "Decree 145 Art. 80(5): a duty from 1,000 female workers",
      TODAY, {"breastfeeding.lactation_room": "none"}, set(), profile={"workforce_women": 999}),
    S("no lactation room, 1,000 women", "Decree 145 Art. 80(5): a duty from 1,000 female workers",
      TODAY, {"breastfeeding.lactation_room": "none"}, {"B5"}, (D145, "80"), profile={"workforce_women": 1000}),
    S("no lactation room, January 2021", "Decree 145 in force from 1 Feb 2021",
      date(2021, 1, 31), {"breastfeeding.lactation_room": "none"}, set()),
    S("room below the basic criteria", "Decree 145 Art. 80(5): private, not a toilet, hygiene, convenient",
      TODAY, {"breastfeeding.room_quality": "below_basic"}, {"B6"}, (D145, "80")),
    # Nursing breaks: LC 2019 Art. 137(4); Decree 145 Art. 80(4).
    S("nursing break refused", "LC 2019 Art. 137(4): 60 minutes a day on full pay", TODAY,
      {"breastfeeding.nursing_break": "not_granted"}, {"B1"}, (LC, "137")),
    S("break time never agreed", "Decree 145 Art. 80(4)(b): agreed where she needs a flexible break",
      TODAY, {"breastfeeding.break_schedule": "refused"}, {"B2"}, (D145, "80")),
    S("work through the break unpaid", "Decree 145 Art. 80(4)(c): extra pay for work in the break",
      TODAY, {"breastfeeding.working_through_break": "not_paid"}, {"B3"}, (D145, "80")),
    S("no nursing mothers", "Decree 145 Art. 80(4) binds where women raise babies", TODAY,
      {"breastfeeding.working_through_break": "not_paid"}, set(), profile={"women_with_infants": False}),
    # Child labour: LC 2019 Art. 143, 145; young workers Art. 143-147; OSH Art. 21.
    S("a child under 15 at work", "LC 2019 Art. 143: minimum age 15; 13-15 light work only", TODAY,
      {"workplace.minimum_age": "under_15"}, {"D13"}, (LC, "143")),
    S("ages not verified", "Not knowing is a finding, not a breach", TODAY,
      {"workplace.minimum_age": "not_verified"}, set()),
    S("no young workers", "LC 2019 Arts. 143-147 bind where workers are under 18", TODAY,
      {"workplace.young_workers": "not_protected"}, set()),
    S("young worker unprotected", "LC 2019 Arts. 143, 146, 147: prohibited jobs, hours, register", TODAY,
      {"workplace.young_workers": "not_protected"}, {"D14"}, (LC, "143"), profile={"workers_under_18": 1}),
    S("no gynaecological checks", "OSH Law 2015 Art. 21: yearly checks with gynaecological exams", TODAY,
      {"workplace.health_checks": "incomplete"}, {"D8"}, (OSH, "21")),
    S("no childcare help", "LC 2019 Art. 136: help build nurseries or pay part of childcare", TODAY,
      {"childcare.support": "none"}, {"C1"}, (LC, "136")),
    S("women not consulted", "LC 2019 Art. 136: consult women on matters of their rights", TODAY,
      {"workplace.women_consulted": "not_consulted"}, {"D6"}, (LC, "136")),
    S("not enough toilets", "LC 2019 Art. 136: enough suitable washrooms and toilets", TODAY,
      {"workplace.washrooms": "not_enough"}, {"D6b"}, (LC, "136")),
    S("pregnancy tests in recruitment", "LC 2019 Art. 136: gender equality in recruitment", TODAY,
      {"workplace.non_discrimination": "tests_or_questions"}, {"D5"}, (LC, "136")),
    # Plan order: children's safety first, then health, pay and leave, records.
    S("child labour before paternity", "Severity: children's safety first", TODAY,
      {"leave.paternity": "fewer_days", "workplace.minimum_age": "under_15"}, {"A8", "D13"},
      first_in_plan="D13"),
    S("health before pay, pay before records", "Severity: health, then pay and leave, then records",
      date(2025, 7, 1), {"leave.claims_on_time": "late", "leave.paternity": "fewer_days",
                         "breastfeeding.nursing_break": "not_granted"}, {"A4", "A8", "B1"}, first_in_plan="B1"),
]


def _card(scenario: Scenario):  # type: ignore[no-untyped-def]
    return score(RUBRIC, {**FACTORY, **scenario.profile}, {**COMPLIANT, **scenario.answers}, scenario.on)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_legal_scenario(scenario: Scenario) -> None:
    card = _card(scenario)
    assert {gap.code for gap in card.legal_gaps} == scenario.gaps, scenario.clause
    if scenario.gaps:
        assert card.band == GAP_BAND
    else:
        assert card.band != GAP_BAND
    if scenario.cites:
        instrument, article = scenario.cites
        cited = [(ref.instrument.en, ref.article) for gap in card.legal_gaps for ref in gap.references]
        assert any(instrument in name and article in number.split(", ") for name, number in cited), cited
    if scenario.not_cites:
        assert all(scenario.not_cites not in ref.instrument.en for gap in card.legal_gaps for ref in gap.references)
    plan = build_plan(RUBRIC, card)
    if scenario.gaps:
        assert plan.actions[0].kind == LEGAL
        assert {a.code for a in plan.legal_actions} == scenario.gaps
    if scenario.first_in_plan:
        assert plan.actions[0].code == scenario.first_in_plan


def test_at_least_sixty_scenarios_each_with_its_clause() -> None:
    assert len(SCENARIOS) >= 60
    assert all(s.clause for s in SCENARIOS)


@pytest.mark.parametrize("key,option", [
    ("leave.claims_on_time", "not_tracked"), ("leave.maternity_pay", "not_known"),
    ("workplace.pregnancy_night_work", "not_tracked"), ("workplace.infant_consent", "not_tracked"),
    ("workplace.no_dismissal", "not_tracked"), ("workplace.minimum_age", "not_verified"),
])
def test_not_knowing_is_a_finding_to_check_not_a_breach(key: str, option: str) -> None:
    card = score(RUBRIC, FACTORY, {**COMPLIANT, key: option}, TODAY)
    assert card.legal_gaps == ()
    assert card.unknowns == (key,)
    assert card.result(key).level == 0
    first = build_plan(RUBRIC, card).actions[0]
    assert (first.kind, first.indicator) == (CHECK, key)
    assert first.text == next(o.check for o in RUBRIC.indicator(key).options if o.key == option)
    assert first.references, "a check cites the duty it checks"


def test_a_gap_comes_before_every_check_in_the_plan() -> None:
    card = score(RUBRIC, FACTORY, {**COMPLIANT, "workplace.minimum_age": "not_verified",
                                   "leave.paternity": "fewer_days"}, TODAY)
    kinds = [a.kind for a in build_plan(RUBRIC, card).actions[:2]]
    assert kinds == [LEGAL, CHECK]


@pytest.mark.parametrize("on,amount,verified", [
    (date(2022, 1, 16), None, False),  # Decree 28/2020 still: amount not verified
    (date(2022, 1, 17), "VND 20–40 million", True),  # Decree 12/2022 Art. 28(2), doubled by Art. 6(1)
])
def test_fines_are_an_organisations_for_the_date(on: date, amount: str | None, verified: bool) -> None:
    card = score(RUBRIC, FACTORY, {**COMPLIANT, "workplace.menstrual_break": "not_granted"}, on)
    (gap,) = card.legal_gaps
    assert gap.fine is not None and gap.fine_verified is verified
    if amount:
        assert amount in gap.fine.en and "organisation" in gap.fine.en
        assert "VND 10–20 million for an individual" in gap.fine.en


def test_a_fine_no_source_confirms_says_so() -> None:
    card = score(RUBRIC, FACTORY, {**COMPLIANT, "breastfeeding.nursing_break": "not_granted"}, TODAY)
    (gap,) = card.legal_gaps
    assert gap.fine_verified is False and "not verified" in gap.fine.en


@pytest.mark.parametrize("on,refused", [(date(2020, 12, 31), True), (date(2021, 1, 1), False)])
def test_a_date_before_the_labour_code_2019_cannot_be_judged(on: date, refused: bool) -> None:
    if refused:
        with pytest.raises(InvalidInput) as error:
            score(RUBRIC, FACTORY, COMPLIANT, on)
        assert error.value.errors == {"date": "before_legal_basis"}
    else:
        assert score(RUBRIC, FACTORY, COMPLIANT, on).band == "leading"


def test_an_incomplete_card_has_no_band_and_an_empty_area_no_percentage() -> None:
    leave_only = {k: v for k, v in COMPLIANT.items() if RUBRIC.area_of(k).key == "leave"}
    card = score(RUBRIC, FACTORY, leave_only, TODAY)
    assert card.band is None and not card.complete
    assert card.area("leave").percent == 100.0
    assert card.area("childcare").percent is None


def test_no_unverified_reference_ever_makes_a_gap() -> None:
    """Every level-0 legal-gap answer, on every switch date: each gap cites verified law only, and
    an indicator whose in-force law is all unverified makes none."""
    refs = RUBRIC.data.legal_references
    for on in (date(2021, 1, 1), date(2021, 2, 1), date(2025, 6, 30), date(2025, 7, 1), TODAY):
        for indicator in RUBRIC.indicators():
            for option in indicator.options:
                if not option.legal_gap:
                    continue
                profile = {**FACTORY, "remote_area": True, "workers_under_18": 1}
                card = score(RUBRIC, profile, {**COMPLIANT, indicator.key: option.key}, on)
                in_force = [refs[k] for k in indicator.legal if refs[k].in_force_on(on)]
                expected = any(r.verified for r in in_force) and card.result(indicator.key).status == "scored"
                assert bool(card.legal_gaps) == expected, (indicator.key, on)
                assert all(r.verified for gap in card.legal_gaps for r in gap.references)


def test_every_verified_reference_a_gap_rests_on_says_where_it_was_read() -> None:
    refs = RUBRIC.data.legal_references
    gap_refs = {k for i in RUBRIC.indicators() if any(o.legal_gap for o in i.options) for k in i.legal}
    assert all(refs[k].source for k in gap_refs if refs[k].verified), sorted(
        k for k in gap_refs if refs[k].verified and not refs[k].source)


def test_2026_1_still_scores_its_pinned_assessments_as_before() -> None:
    """2026.1 is untouched: its A15 refusal after 30 June 2025 stays no gap (the defect 2026.2 fixes)."""
    old = default_registry().get("crbp-vn", "2026.1")
    card = score(old, FACTORY, {**best_answers(old), "leave.sick_child": "not_granted"}, date(2025, 7, 1))
    assert card.legal_gaps == ()
    new = score(RUBRIC, FACTORY, {**COMPLIANT, "leave.sick_child": "not_granted"}, date(2025, 7, 1))
    assert [g.code for g in new.legal_gaps] == ["A15"]


# Duties whose law before 1 July 2025 no located source confirms (SI Law 2014 Arts. 21, 33, 102):
# before that date they are findings at most, never gaps. And the duties grounded only in
# Decree 145/2020, which took effect on 1 February 2021 (its predecessor is not verified here).
SI_2024, DECREE_145 = date(2025, 7, 1), date(2021, 2, 1)
VERIFIED_FROM = {"leave.social_insurance_enrolment": SI_2024, "leave.claims_on_time": SI_2024,
                 "leave.miscarriage": SI_2024, "leave.paternity_split": SI_2024,
                 "breastfeeding.break_schedule": DECREE_145, "breastfeeding.working_through_break": DECREE_145,
                 "breastfeeding.lactation_room": DECREE_145, "breastfeeding.room_quality": DECREE_145}


def test_every_duty_cites_verified_law_in_force_on_every_day_it_is_judged() -> None:
    """From the day the rubric judges (1 January 2021) to today, month by month and on each
    switch date: every indicator that can be a legal gap has verified law in force, except the
    listed ones before their date."""
    refs = RUBRIC.data.legal_references
    days = sorted({date(year, month, 1) for year in range(2021, 2027) for month in range(1, 13)
                   if date(year, month, 1) <= TODAY} | {date(2022, 1, 16), date(2022, 1, 17), date(2025, 6, 30), TODAY})
    uncovered = []
    for indicator in RUBRIC.indicators():
        if not any(o.legal_gap for o in indicator.options) and not any(t.legal_gap for t in indicator.thresholds):
            continue
        start = VERIFIED_FROM.get(indicator.key, date(2021, 1, 1))
        uncovered += [(indicator.code, day) for day in days if day >= start
                      and not any(refs[k].verified and refs[k].in_force_on(day) for k in indicator.legal)]
    assert uncovered == []
