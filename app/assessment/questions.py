"""From rubric question types to WTForms fields (parsing and validating what was posted).

Pages render the inputs straight from the rubric in Jinja (a WTForms render of a long form is
several times slower, see ../shared/environment.md); WTForms checks what comes back. Nothing
here names an indicator: a new question type needs one builder here and one macro in
templates/assessment/questions.html.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.forms import AppForm, as_choices, clean_text
from assessments.scoring import MAX_TEXT_LENGTH
from rubrics.loader import Rubric
from rubrics.schema import NOT_APPLICABLE, Indicator

_NUMBER = re.compile(r"-?[0-9]+([.,][0-9]+)?")


def field_name(indicator_key: str) -> str:
    return indicator_key.replace(".", "__")


class NumberAnswerField(StringField):
    data: Any  # a number, "not_applicable" or None once processed
    """A number typed with a dot or a comma as decimal mark; "not applicable" where allowed."""

    def __init__(self, *args: Any, minimum: float, maximum: float, integer: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum, self.integer = minimum, maximum, integer

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = (valuelist[0] if valuelist else "").strip().replace("\u00a0", "")
        if not raw:
            self.data = None
        elif raw == NOT_APPLICABLE:
            self.data = NOT_APPLICABLE
        elif not _NUMBER.fullmatch(raw):
            self.data = None
            raise ValueError(_l("Enter a number from %(min)s to %(max)s.", min=self._show(self.minimum),
                                max=self._show(self.maximum)))
        else:
            number = float(raw.replace(",", "."))
            if not math.isfinite(number) or not self.minimum <= number <= self.maximum or (
                    self.integer and not number.is_integer()):
                self.data = None
                raise ValueError(_l("Enter a number from %(min)s to %(max)s.", min=self._show(self.minimum),
                                    max=self._show(self.maximum)))
            self.data = int(number) if number.is_integer() else number

    @staticmethod
    def _show(value: float) -> str:
        return str(int(value)) if float(value).is_integer() else str(value)


def _choices(indicator: Indicator) -> list[SelectChoice]:
    keys = [o.key for o in indicator.options] + ([NOT_APPLICABLE] if indicator.allow_not_applicable else [])
    return as_choices((key, key) for key in keys)


def _single(indicator: Indicator) -> Field:
    return RadioField(choices=_choices(indicator), validators=[Optional()],
                      validate_choice=True)


def _multiple(indicator: Indicator) -> Field:
    return SelectMultipleField(choices=_choices(indicator), validators=[Optional()])


def _number(indicator: Indicator) -> Field:
    return NumberAnswerField(minimum=indicator.minimum or 0, maximum=indicator.maximum or 0,
                             integer=indicator.integer)


def _text(indicator: Indicator) -> Field:
    return TextAreaField(validators=[Optional(), Length(max=MAX_TEXT_LENGTH, message=_l(
        "At most %(max)d characters.", max=MAX_TEXT_LENGTH))], filters=[clean_text])


FIELD_BUILDERS: dict[str, Callable[[Indicator], Field]] = {
    "single_choice": _single,
    "yes_no": _single,
    "multi_choice": _multiple,
    "number": _number,
    "text": _text,
}


@lru_cache(maxsize=64)
def area_form_class(rubric: Rubric, area_key: str) -> type[AppForm]:
    """One form class per rubric area, built once."""
    area = rubric.area(area_key)
    fields: dict[str, Any] = {field_name(i.key): FIELD_BUILDERS[i.type](i) for i in area.indicators}

    class Meta:
        # CSRFProtect checks every POST before any view runs; a second check per form would only
        # cost time on the most frequent save (and keep-what-was-typed relies on the first).
        csrf = False

    fields["Meta"] = Meta
    return type(f"AreaForm_{area_key}", (AppForm,), fields)


def answers_from(form: AppForm, rubric: Rubric, area_key: str) -> dict[str, Any]:
    """The area's answers from a validated form: None clears an answer."""
    area = rubric.area(area_key)
    answers: dict[str, Any] = {}
    for indicator in area.indicators:
        value = form[field_name(indicator.key)].data
        if indicator.type == "multi_choice" or indicator.type == "text":
            value = value or None
        answers[indicator.key] = value if value not in ("", None) else None
    return answers
