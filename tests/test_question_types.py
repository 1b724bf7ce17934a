"""The question-type registry (issue 15): every type is described in one place, with a pure half
(rubrics/question_types.py) and a web half (app/assessment/question_widgets.py) under one name,
and nothing else switches on type names. A new type, registered here by a test the way a new
module would, works in the rubric file, the form, the page, scoring, the words, the API and the PDF
without touching anything else."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask
from markupsafe import escape
from pypdf import PdfReader
from wtforms import Field, RadioField

from app.assessment.question_widgets import WIDGETS, Widget, register_widget
from app.forms import as_choices
from assessments.report.words import answer_text
from assessments.scoring import SCORED, InvalidInput, score, validate_answers
from rubrics.loader import Rubric, load_rubric
from rubrics.question_types import QUESTION_TYPES, CompiledAnswers, QuestionType, register_question_type
from tests.rubrics.test_loader import T, indicator, mini_rubric, problems_of, write

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_MODULES = {ROOT / "rubrics" / "question_types.py", ROOT / "app" / "assessment" / "question_widgets.py"}
TYPE_NAMES = "single_choice|yes_no|multi_choice|number|text"
# A comparison with a type name ("== 'number'", "in ('single_choice', ...") or a name that can only
# be a question type, quoted.
SWITCH = re.compile(rf"""(==|!=|\bin\b)\s*[(\[{{]?\s*["']({TYPE_NAMES})["']"""
                    r"""|["'](single_choice|yes_no|multi_choice)["']""")


def test_every_question_type_has_its_pure_and_its_web_half() -> None:
    assert set(QUESTION_TYPES) == set(WIDGETS) == {"single_choice", "yes_no", "multi_choice", "number", "text"}
    for name, pure in QUESTION_TYPES.items():
        assert pure.name == name and WIDGETS[name].name == name


def switches_on_type_names(text: str) -> list[str]:
    return [match.group(0) for match in SWITCH.finditer(text)]


def test_the_detector_finds_the_switches_it_looks_for() -> None:
    assert switches_on_type_names('if indicator.type == "number":') == ['== "number"']
    assert switches_on_type_names("if kind in ('single_choice', 'yes_no'):") == ["in ('single_choice'", "'yes_no'"]
    assert switches_on_type_names('FIELD_BUILDERS = {"multi_choice": _multiple}') == ['"multi_choice"']
    assert switches_on_type_names('{"type": "number"} <input type="text"> field.type == "boolean"') == []


def test_no_module_outside_the_registry_switches_on_type_names() -> None:
    found = {}
    for folder in ("app", "assessments", "rubrics"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".js", ".html") and path not in REGISTRY_MODULES:
                hits = switches_on_type_names(path.read_text(encoding="utf-8"))
                if hits:
                    found[str(path.relative_to(ROOT))] = hits
    assert found == {}


# --- A new type, added the way a new module would add it ------------------------------------------

AGREEMENT = {1: ("Hoàn toàn không đồng ý", "Strongly disagree"), 2: ("Không đồng ý", "Disagree"),
             3: ("Phân vân", "Undecided"), 4: ("Đồng ý", "Agree"), 5: ("Hoàn toàn đồng ý", "Strongly agree")}


class Likert(QuestionType):
    """Agreement on a five-point scale: 1-2 level 0, 3 level 1, 4 level 2, 5 level 3."""

    name = "likert"
    LEVEL: ClassVar[dict[int, int]] = {1: 0, 2: 0, 3: 1, 4: 2, 5: 3}

    def definition_problems(self, indicator: Any) -> list[str]:
        return ["a likert scale has no options or thresholds"] if indicator.options or indicator.thresholds else []

    def levels(self, indicator: Any) -> list[int]:
        return sorted(set(self.LEVEL.values()))

    def answer_problem(self, spec: CompiledAnswers, value: Any) -> str | None:
        return None if value.__class__ is int and 1 <= value <= 5 else "must_be_1_to_5"

    def level(self, spec: CompiledAnswers, value: Any) -> tuple[int, bool]:
        return self.LEVEL[value], False

    def answer_text(self, indicator: Any, value: Any, lang: str) -> str:
        vi, en = AGREEMENT[value]
        return f"{value} – {vi if lang == 'vi' else en}"

    def random_answer(self, indicator: Any, quality: float, rng: random.Random) -> Any:
        return min(5, max(1, round(1 + 4 * rng.gauss(quality, 0.2))))

    def best_answer(self, indicator: Any) -> Any:
        return 5

    def json_schema(self, indicator: Any) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": 5}


class LikertWidget(Widget):
    name = "likert"

    def form_field(self, indicator: Any) -> Field:
        return RadioField(choices=as_choices((n, str(n)) for n in AGREEMENT), coerce=int, validate_choice=True)

    def html(self, q: Any, value: Any, disabled: str, labels: Any) -> str:
        return "".join(f'<label class="choice"><input type="radio" name="{q.name}" value="{n}"'
                       f'{" checked" if value == n else ""}{disabled}> <span>{escape(vi)}</span></label>'
                       for n, (vi, _en) in AGREEMENT.items())

    def answer(self, data: Any) -> Any:
        return data if data in AGREEMENT else None


@pytest.fixture
def likert() -> Iterator[None]:
    register_question_type(Likert())
    register_widget(LikertWidget())
    yield
    del QUESTION_TYPES["likert"], WIDGETS["likert"]


def likert_rubric() -> dict[str, Any]:
    data = mini_rubric()
    actions = [{"to_level": n, "text": T, "owner": "hr", "time_frame": "3_months", "effort": 1} for n in (1, 2, 3)]
    data["areas"][0]["indicators"].append(indicator("a.agree", type="likert", options=[], actions=actions,
                                                    text={"vi": "Quản lý lắng nghe cha mẹ", "en": "Managers listen"}))
    return data


@pytest.fixture
def rubric(likert: None, tmp_path: Path) -> Rubric:
    return load_rubric(write(tmp_path, likert_rubric()))


def test_an_unregistered_type_is_refused_by_the_loader(tmp_path: Path) -> None:
    assert "unknown question type likert" in problems_of(tmp_path, likert_rubric())


def test_the_loader_asks_the_type_what_a_declaration_needs(likert: None, tmp_path: Path) -> None:
    data = likert_rubric()
    data["areas"][0]["indicators"][2]["thresholds"] = [{"min": 0, "level": 0}]
    assert "a likert scale has no options or thresholds" in problems_of(tmp_path, data)


def test_a_new_type_is_scored_validated_and_put_in_words(rubric: Rubric) -> None:
    card = score(rubric, {"workforce_women": 10}, {"a.one": "some", "a.two": "some", "a.agree": 4}, date(2026, 6, 1))
    result = next(r for r in card.indicators if r.key == "a.agree")
    assert (result.status, result.level, result.max_level) == (SCORED, 2, 3)
    assert validate_answers(rubric, {"a.agree": 7}) == {"answers.a.agree": "must_be_1_to_5"}
    with pytest.raises(InvalidInput):
        score(rubric, {"workforce_women": 10}, {"a.agree": "4"}, date(2026, 6, 1))
    assert answer_text(rubric.indicator("a.agree"), 4, "vi") == "4 – Đồng ý"
    assert answer_text(rubric.indicator("a.agree"), 4, "en") == "4 – Agree"


def test_a_new_type_is_in_the_api_document(app: Flask, rubric: Rubric) -> None:
    from app.api.openapi import _score_request_schema

    answers = _score_request_schema(rubric)["properties"]["answers"]["properties"]
    assert answers["a.agree"]["type"] == "integer" and answers["a.agree"]["maximum"] == 5


def test_a_new_type_is_drawn_and_read_back_on_the_area_page(app: Flask, rubric: Rubric) -> None:
    from app.assessment.common import page_labels
    from app.assessment.questions import answers_from, area_form_class
    from app.assessment.render import render_questions

    with app.test_request_context(method="POST", data={"a__one": "some", "a__agree": "5"}):
        form = area_form_class(rubric, "a")()
        assert form.validate(), form.errors
        assert answers_from(form, rubric, "a") == {"a.one": "some", "a.two": None, "a.agree": 5}
        html = render_questions(rubric, "a", "vi", date(2026, 6, 1), page_labels("vi"), values={"a.agree": 5},
                                errors={}, not_applicable=set(), evidence={}, editing=True, mine={})
        assert 'name="a__agree" value="5" checked' in html and "Hoàn toàn đồng ý" in html
    with app.test_request_context(method="POST", data={"a__agree": "9"}):
        assert not area_form_class(rubric, "a")().validate()


def test_a_new_type_is_printed_in_the_pdf(rubric: Rubric) -> None:
    from assessments.report.data import build_report, sample_input
    from assessments.report.render import render_pdf

    data = sample_input(rubric, answers={"a.one": "some", "a.two": "none", "a.agree": 4})
    pdf = render_pdf(build_report(data), "vi")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.content)).pages))
    assert "Quản lý lắng nghe cha mẹ" in text and "4 – Đồng ý" in text


def test_a_new_type_is_recorded_and_shown_on_the_results_page(app: Flask, rubric: Rubric) -> None:
    """Issue 15: the recorded result and the results page (drawn from the PDF's report data)."""
    from types import SimpleNamespace

    from flask import render_template

    from assessments.plan import build_plan
    from assessments.report.data import build_report, sample_input
    from assessments.report.render import EDITIONS
    from assessments.result import AssessmentResult

    answers = {"a.one": "some", "a.two": "some", "a.agree": 4}
    card = score(rubric, {"workforce_women": 10}, answers, date(2026, 6, 1))
    result = AssessmentResult.of(card, build_plan(rubric, card), rubric)
    assert AssessmentResult.from_dict(result.to_dict()) == result
    recorded = result.scorecard.indicator("a.agree")
    assert recorded is not None and (recorded.level, recorded.max_level) == (2, 3)
    assert [a.indicator for a in result.plan.actions] == ["a.agree"], "the one answer below the top"
    report = build_report(sample_input(rubric, answers=answers))
    with app.test_request_context():
        page = render_template("assessment/results.html", assessment=SimpleNamespace(id=1), report=report, items={},
                               item_forms={}, min_group=5, can_edit=False, lang="vi", editions=EDITIONS)
    action = next(a for a in report.actions if a.indicator == "a.agree")
    assert f'<span class="code">{action.code}</span>' in page and action.text["vi"] in page
