"""Rubric files are validated on load; every problem names the file and the indicator."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from rubrics.loader import VERSIONS_DIR, RubricError, RubricRegistry, default_registry, load_rubric

T = {"vi": "Câu hỏi", "en": "Question"}


def indicator(key: str, **extra: Any) -> dict[str, Any]:
    base = {
        "key": key, "code": key.upper(), "type": "single_choice", "text": T, "help": T, "weight": 1,
        "crbp": [3], "pillar": 1, "evidence": T, "why": T,
        "options": [{"key": "none", "level": 0, "label": T}, {"key": "some", "level": 1, "label": T}],
        "actions": [{"to_level": 1, "text": T, "owner": "hr", "time_frame": "1_month", "effort": 1}],
    }
    base.update(extra)
    return base


def mini_rubric() -> dict[str, Any]:
    return {
        "key": "mini", "version": "1", "title": T, "description": T, "published": "2026-01-01",
        "profile": [{"key": "workforce_women", "type": "integer", "label": T, "help": T}],
        "legal_references": {"law": {"instrument": T, "article": "1", "effective_from": "2021-01-01",
                                     "summary": T}},
        "gap_band": {"key": "gap", "label": T, "min_percent": 0},
        "bands": [{"key": "ok", "label": T, "min_percent": 0}],
        "areas": [{"key": "a", "code": "A", "title": T, "description": T,
                   "indicators": [indicator("a.one"), indicator("a.two")]}],
    }


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def problems_of(tmp_path: Path, data: dict[str, Any]) -> str:
    with pytest.raises(RubricError) as error:
        load_rubric(write(tmp_path, data))
    assert "rubric.yaml" in str(error.value)
    return str(error.value)


def test_the_minimal_rubric_is_valid(tmp_path: Path) -> None:
    rubric = load_rubric(write(tmp_path, mini_rubric()))
    assert [i.key for i in rubric.indicators()] == ["a.one", "a.two"]
    assert len(rubric.content_hash) == 64


def mutate(change) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(mini_rubric())
    change(data)
    return data


def second(data: dict[str, Any]) -> dict[str, Any]:
    return data["areas"][0]["indicators"][1]


CASES = {
    "unknown key": (lambda d: second(d).update(colour="red"), "a.two", "Extra inputs are not permitted"),
    "duplicate indicator key": (lambda d: second(d).update(key="a.one"), "a.one", "duplicate indicator key"),
    "option without level": (lambda d: second(d)["options"][1].pop("level"), "a.two", "level"),
    "legal gap without law": (lambda d: second(d)["options"][0].update(legal_gap=True), "a.two",
                              "cites no law"),
    "legal gap above level 0": (lambda d: second(d).update(legal=["law"]) or second(d)["options"][1].update(
        legal_gap=True), "a.two", "only a level-0 answer"),
    "missing Vietnamese": (lambda d: second(d)["text"].pop("vi"), "a.two", "vi"),
    "missing English": (lambda d: second(d)["options"][0]["label"].pop("en"), "a.two", "en"),
    "unknown indicator in condition": (lambda d: second(d).update(
        asked_when={"answer": "a.missing", "in": ["some"]}), "a.two", "unknown or later indicator a.missing"),
    "condition on a later indicator": (lambda d: d["areas"][0]["indicators"][0].update(
        asked_when={"answer": "a.two", "in": ["some"]}), "a.one", "unknown or later indicator a.two"),
    "unknown profile field": (lambda d: second(d).update(applies_when={"profile": "shoe_size", "gt": 1}),
                              "a.two", "unknown profile field shoe_size"),
    "follow-up that closes upward": (lambda d: second(d).update(asked_when={"answer": "a.one", "in": ["none"]}),
                                     "a.two", "must also open for the better answers"),
    # Issue 15 item 5: the page shows a follow-up only under a question of its own area.
    "follow-up under a question of another area": (lambda d: d["areas"].append({
        "key": "b", "code": "B", "title": T, "description": T,
        "indicators": [indicator("b.one", asked_when={"answer": "a.one", "in": ["some"]})]}),
        "b.one", "asked_when names a.one of another area"),
    "unknown legal reference": (lambda d: second(d).update(legal=["nope"]), "a.two", "unknown legal reference"),
    "missing action": (lambda d: second(d).update(actions=[]), "a.two", "no improvement action for level(s) [1]"),
    "yes/no with other options": (lambda d: second(d).update(type="yes_no"), "a.two", "exactly the options yes"),
    "number without thresholds": (lambda d: second(d).update(type="number", options=[], minimum=0, maximum=9),
                                  "a.two", "thresholds"),
    "text that is scored": (lambda d: second(d).update(type="text"), "a.two", "not scored"),
    "reserved option key": (lambda d: second(d)["options"][1].update(key="not_applicable"), "a.two", "reserved"),
    "legal_when without law": (lambda d: second(d).update(
        legal_when={"profile": "workforce_women", "gte": 1000}), "a.two", "legal_when without a legal reference"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_load_errors_name_the_indicator(tmp_path: Path, case: str) -> None:
    change, indicator_key, fragment = CASES[case]
    message = problems_of(tmp_path, mutate(change))
    assert indicator_key in message
    assert fragment in message


def test_not_yaml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("key: [unclosed")
    with pytest.raises(RubricError, match=r"broken\.yaml: not valid YAML"):
        load_rubric(path)


def test_published_rubric_covers_every_area_in_both_languages() -> None:
    rubric = default_registry().latest("crbp-vn")
    assert [a.code for a in rubric.areas] == ["A", "B", "C", "D"]
    codes = {i.code for i in rubric.indicators()}
    expected = ({f"A{n}" for n in range(1, 16)} | {f"B{n}" for n in range(1, 12)} | {f"C{n}" for n in range(1, 8)}
                | {"D1a", "D1b", "D12b"} | {f"D{n}" for n in range(2, 18)})
    assert expected <= codes
    for ind in rubric.indicators():
        assert ind.text.vi != ind.text.en
        assert any(ch in ind.text.vi for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def test_registry_refuses_a_changed_file_for_a_pinned_assessment(tmp_path: Path) -> None:
    published = VERSIONS_DIR / "crbp-vn-2026.1.yaml"
    copy_path = tmp_path / "crbp-vn-2026.1.yaml"
    copy_path.write_bytes(published.read_bytes())
    pinned = RubricRegistry(tmp_path).get("crbp-vn", "2026.1").content_hash
    assert pinned == default_registry().get("crbp-vn", "2026.1").content_hash

    copy_path.write_bytes(published.read_bytes().replace(b"weight: 3", b"weight: 2", 1))
    with pytest.raises(RubricError, match="content changed"):
        RubricRegistry(tmp_path).get("crbp-vn", "2026.1", pinned)


def test_registry_refuses_the_same_version_twice(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(mini_rubric(), allow_unicode=True))
    with pytest.raises(RubricError, match="published twice"):
        RubricRegistry(tmp_path)


def test_unknown_rubric_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        default_registry().get("crbp-vn", "1999.1")


# --- Pre-fills declared by the rubric (issue 15 item 4) ------------------------------------------

def with_details(data: dict[str, Any]) -> dict[str, Any]:
    """The mini rubric with a text question for the details a pre-fill writes."""
    data["areas"][0]["indicators"].append(indicator("a.details", type="text", weight=0, options=[], actions=[],
                                                    required=False))
    return data


PREFILL = {"source": "parenting_sessions", "within_days": 365,
           "suggestions": [{"min_sessions": 1, "option": "some"}], "details": "a.details"}


def test_a_rubric_file_declares_its_pre_fill(tmp_path: Path) -> None:
    rubric = load_rubric(write(tmp_path, with_details(mini_rubric()) | {"prefill": {"a.two": PREFILL}}))
    prefill = rubric.data.prefill["a.two"]
    assert (prefill.option_for(0), prefill.option_for(1), prefill.option_for(40)) == (None, "some", "some")
    assert prefill.details == "a.details" and prefill.within_days == 365


def test_the_highest_suggestion_met_is_the_one_made(tmp_path: Path) -> None:
    data = with_details(mini_rubric())
    second(data)["options"].append({"key": "more", "level": 2, "label": T})
    second(data)["actions"].append({"to_level": 2, "text": T, "owner": "hr", "time_frame": "1_month", "effort": 1})
    suggestions = [{"min_sessions": 8, "option": "more"}, {"min_sessions": 1, "option": "some"}]
    prefill = load_rubric(write(tmp_path, data | {"prefill": {"a.two": PREFILL | {"suggestions": suggestions}}}))
    assert [prefill.data.prefill["a.two"].option_for(n) for n in (0, 1, 7, 8, 30)] == [None, "some", "some", "more",
                                                                                       "more"]


PREFILL_CASES = {
    "unknown question": ({"a.gone": PREFILL}, "pre-fill of a.gone: no such indicator"),
    "option the question does not have": ({"a.two": PREFILL | {"suggestions": [{"min_sessions": 1,
                                                                               "option": "lots"}]}},
                                          "a.two has no option lots"),
    "details to a scored question": ({"a.two": PREFILL | {"details": "a.one"}},
                                     "details go to a.one, which does not take text"),
    "details to no question": ({"a.two": PREFILL | {"details": "a.nowhere"}}, "not a question on the same page"),
    "no suggestion": ({"a.two": PREFILL | {"suggestions": []}}, "suggests nothing"),
    "two suggestions from the same evidence": ({"a.two": PREFILL | {"suggestions": [
        {"min_sessions": 1, "option": "some"}, {"min_sessions": 1, "option": "none"}]}}, "duplicate"),
    "another source": ({"a.two": PREFILL | {"source": "rumours"}}, "prefill.a.two.source"),
    "a question of another area": ({"b.one": PREFILL}, "details go to a.details, not a question on the same page"),
}


@pytest.mark.parametrize("case", sorted(PREFILL_CASES))
def test_a_pre_fill_that_the_page_could_not_honour_is_refused(tmp_path: Path, case: str) -> None:
    prefill, fragment = PREFILL_CASES[case]
    data = with_details(mini_rubric())
    data["areas"].append({"key": "b", "code": "B", "title": T, "description": T, "indicators": [indicator("b.one")]})
    assert fragment in problems_of(tmp_path, data | {"prefill": prefill})


def test_a_published_file_gets_its_pre_fill_from_an_annex_and_keeps_its_hash(tmp_path: Path) -> None:
    path = write(tmp_path, with_details(mini_rubric()))
    before = load_rubric(path).content_hash
    (tmp_path / "annexes").mkdir()
    (tmp_path / "annexes" / path.name).write_text(yaml.safe_dump({"prefill": {"a.two": PREFILL}}))
    rubric = load_rubric(path)
    assert rubric.content_hash == before and rubric.data.prefill["a.two"].option_for(3) == "some"
    assert [r.key for r in RubricRegistry(tmp_path).all()] == ["mini"], "an annex is not a rubric of its own"


def test_an_annex_is_checked_like_the_file_and_may_not_declare_twice(tmp_path: Path) -> None:
    path = write(tmp_path, with_details(mini_rubric()) | {"prefill": {"a.two": PREFILL}})
    (tmp_path / "annexes").mkdir()
    annex = tmp_path / "annexes" / path.name
    annex.write_text(yaml.safe_dump({"prefill": {"a.two": PREFILL}}))
    with pytest.raises(RubricError, match="declares its pre-fills itself"):
        load_rubric(path)
    path = write(tmp_path, with_details(mini_rubric()))
    annex.write_text(yaml.safe_dump({"prefill": {"a.two": PREFILL}, "areas": []}))
    with pytest.raises(RubricError, match=re.escape("annexes/rubric.yaml: areas: Extra inputs")):
        load_rubric(path)
    annex.write_text(yaml.safe_dump({"prefill": {"a.renamed": PREFILL}}))
    with pytest.raises(RubricError, match=re.escape("pre-fill of a.renamed: no such indicator")):
        load_rubric(path)


def test_the_published_versions_declare_the_parenting_pre_fill_of_d12() -> None:
    for rubric in default_registry().all():
        prefill = rubric.data.prefill["workplace.parenting_education"]
        assert rubric.indicator("workplace.parenting_education").code == "D12"
        assert prefill.option_for(1) == "occasional_talks" and prefill.details == "workplace.parenting_programmes"
