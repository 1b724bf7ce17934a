"""An area's form: one WTForms field per question, built by the question type's widget
(app/assessment/question_widgets.py), and the answers read back from it.

Pages draw the inputs in Python (render.py); WTForms checks what comes back. Nothing here names
an indicator or a question type: a new type needs its two registry entries, nothing here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from app.assessment.question_widgets import widget
from app.forms import AppForm
from rubrics.loader import Rubric


def field_name(indicator_key: str) -> str:
    return indicator_key.replace(".", "__")


@lru_cache(maxsize=64)
def area_form_class(rubric: Rubric, area_key: str) -> type[AppForm]:
    """One form class per rubric area, built once."""
    area = rubric.area(area_key)
    fields: dict[str, Any] = {field_name(i.key): widget(i.type).form_field(i) for i in area.indicators}

    class Meta:
        # CSRFProtect checks every POST before any view runs; a second check per form would only
        # cost time on the most frequent save (and keep-what-was-typed relies on the first).
        csrf = False

    fields["Meta"] = Meta
    return type(f"AreaForm_{area_key}", (AppForm,), fields)


def answers_from(form: AppForm, rubric: Rubric, area_key: str) -> dict[str, Any]:
    """The area's answers from a validated form: None clears an answer."""
    return {indicator.key: widget(indicator.type).answer(form[field_name(indicator.key)].data)
            for indicator in rubric.area(area_key).indicators}
