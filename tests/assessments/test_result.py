"""The recorded result: one typed shape, written and read in one place, with a format number."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import pytest

from assessments.plan import build_plan
from assessments.result import FORMAT, INDIVIDUAL, ORGANISATION, AssessmentResult, UnknownResultFormat
from assessments.scoring import score
from assessments.simulate import random_answers, random_profile
from rubrics.loader import Rubric, default_registry

RUBRICS = default_registry().all()


def a_result(rubric: Rubric, seed: int, quality: float = 0.3) -> AssessmentResult:
    rng = random.Random(seed)
    card = score(rubric, random_profile(rubric, rng), random_answers(rubric, quality, rng), date(2026, 6, 30))
    return AssessmentResult.of(card, build_plan(rubric, card), rubric)


@pytest.mark.parametrize("rubric", RUBRICS, ids=lambda r: r.version)
@pytest.mark.parametrize("seed", range(5))
def test_a_result_reads_back_exactly_as_it_was_written(rubric: Rubric, seed: int) -> None:
    result = a_result(rubric, seed, quality=0.15 + 0.15 * seed)
    stored = json.loads(json.dumps(result.to_dict()))  # through the database's JSON, as it is kept
    assert stored["format"] == FORMAT
    assert AssessmentResult.from_dict(stored) == result
    assert AssessmentResult.from_dict(stored).to_dict() == stored


def test_low_answers_make_a_result_with_gaps_fines_and_a_plan_to_read_back() -> None:
    """The round trip above covers the parts that matter only if a sample has them."""
    result = a_result(default_registry().latest("crbp-vn"), 3, quality=0.05)
    assert result.scorecard.legal_gaps and result.plan.actions
    assert any(g.fine is not None for g in result.scorecard.legal_gaps)
    assert any(ref.quote is not None for g in result.scorecard.legal_gaps for ref in g.references)
    assert result.scorecard.fines_for == ORGANISATION


def _as_first_stored(data: dict[str, Any]) -> dict[str, Any]:
    """A result as the first release stored it, before rubric 2026.2: no format, no legal basis,
    no unknowns, references without quote or source, fines as bare texts."""
    old = json.loads(json.dumps(data))
    del old["format"]
    card = old["scorecard"]
    del card["legal_basis"], card["unknowns"]
    for holder in [*card["legal_gaps"], *old["plan"]["actions"]]:
        for ref in holder["references"]:
            del ref["quote"], ref["source"]
        if holder["fine"] is not None:
            holder["fine"] = {"vi": holder["fine"]["vi"], "en": holder["fine"]["en"]}
    return old


def test_a_result_stored_before_the_format_field_reads_with_what_it_meant_then() -> None:
    rubric = default_registry().get("crbp-vn", "2026.1")
    written = a_result(rubric, 2, quality=0.05)
    assert written.scorecard.legal_gaps, "a sample with gaps, so old-shaped fines are read"
    old = AssessmentResult.from_dict(_as_first_stored(written.to_dict()))
    assert old.format == FORMAT
    assert old.scorecard.fines_for == INDIVIDUAL and old.scorecard.unknowns == ()
    assert [g.code for g in old.scorecard.legal_gaps] == [g.code for g in written.scorecard.legal_gaps]
    fines = [g.fine for g in old.scorecard.legal_gaps if g.fine is not None]
    assert fines and all(f.verified and f.payer == INDIVIDUAL for f in fines)
    assert all(ref.quote is None and ref.source is None for g in old.scorecard.legal_gaps for ref in g.references)
    assert old.plan == AssessmentResult.from_dict(_as_first_stored(written.to_dict())).plan


@pytest.mark.parametrize("written", [FORMAT + 1, "1", None])
def test_a_result_of_a_format_this_release_does_not_know_is_refused(written: object) -> None:
    data = a_result(default_registry().latest("crbp-vn"), 1).to_dict() | {"format": written}
    with pytest.raises(UnknownResultFormat):
        AssessmentResult.from_dict(data)


def test_the_card_answers_by_key_whatever_the_order_it_was_stored_in() -> None:
    result = a_result(default_registry().latest("crbp-vn"), 4)
    data = result.to_dict()
    data["scorecard"]["areas"].reverse()
    data["scorecard"]["indicators"].reverse()
    card = AssessmentResult.from_dict(data).scorecard
    for area in result.scorecard.areas:
        assert card.area(area.key) == area
    for indicator in result.scorecard.indicators:
        assert card.indicator(indicator.key) == indicator
    assert card.area("no-such-area") is None and card.indicator("no.such") is None
    assert card.asked("no.such"), "a question the card does not know was not hidden by it"
