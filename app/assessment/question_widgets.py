"""The web half of the question-type registry: for each type of `rubrics/question_types.py`,
under the same name, the WTForms field that reads what was posted, the HTML of its input, and how
posted values become an answer.

Inputs are drawn in Python (see render.py: macro calls cost milliseconds on the busiest page);
WTForms checks what comes back. Follow-up questions are shown and hidden in the browser
(static/js/app.js) from the `asked_when` data render.py puts on each question: it reads checked
radio and checkbox inputs and text inputs, so a type drawn with those needs no script of its own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.forms import as_choices, clean_text
from rubrics.question_types import MAX_TEXT_LENGTH, Registry
from rubrics.schema import NOT_APPLICABLE, Indicator

_NUMBER = re.compile(r"-?[0-9]+([.,][0-9]+)?")


@dataclass(frozen=True)
class Labels:
    """The few words every question repeats, already translated."""

    optional: str
    explain: str
    article: str
    evidence: str
    you_typed: str
    remove: str
    attach: str
    upload: str
    not_applicable: str
    query: str  # "Reviewer's query"
    below_law: str  # "Below the legal minimum"
    copied: str  # "Copied from last cycle: check it, then save"
    team_note: str  # "Note for your team"
    share_note: str  # "Show this note to the Chamber reviewer"
    company_note: str  # "Note from the company" (what a reviewer sees of a shared note)


@dataclass(frozen=True)
class StaticQuestion:
    """What a question shows that does not change between requests (texts escaped once)."""

    name: str
    heading: str  # escaped HTML
    help_html: str  # escaped HTML
    options: tuple[tuple[str, str], ...]  # (escaped key, escaped label)
    unit: str
    asked_when: str  # escaped JSON, or ""
    kind: str  # the indicator's question type
    allow_not_applicable: bool
    below_law: str = ""  # numbers: which values are below the law, and the article


class Widget:
    """How one question type looks and reads on the area page. Subclasses set `name`."""

    name: ClassVar[str]

    def form_field(self, indicator: Indicator) -> Field:
        """The unbound WTForms field that parses and checks what was posted."""
        raise NotImplementedError

    def html(self, q: StaticQuestion, value: Any, disabled: str, labels: Labels) -> str:
        """The input(s) of one question, showing `value` (an answer, or what was typed)."""
        raise NotImplementedError

    def answer(self, data: Any) -> Any:
        """The answer from the field's validated data; None clears it."""
        return None if data in ("", None) else data

    def keep_typed(self, values: dict[str, Any], key: str, raw: str) -> None:
        """Add one posted raw value to what is shown again after a refused save."""
        values[key] = raw


def _choices(indicator: Indicator) -> list[SelectChoice]:
    keys = [o.key for o in indicator.options] + ([NOT_APPLICABLE] if indicator.allow_not_applicable else [])
    return as_choices((key, key) for key in keys)


def _option_inputs(kind: str, q: StaticQuestion, value: Any, disabled: str, labels: Labels) -> str:
    chosen = set(value) if isinstance(value, list) else {value}
    options = list(q.options)
    if q.allow_not_applicable:
        options.append((NOT_APPLICABLE, str(escape(labels.not_applicable))))
    role = "radiogroup" if kind == "radio" else "group"
    items = "".join(
        f'<label class="choice"><input type="{kind}" name="{q.name}" value="{key}"'
        f'{" checked" if key in chosen else ""}{disabled}> <span>{label}</span></label>'
        for key, label in options)
    return f'<div class="choices" role="{role}" aria-labelledby="{q.name}-text">{items}</div>'


class SingleChoiceWidget(Widget):
    name = "single_choice"

    def form_field(self, indicator: Indicator) -> Field:
        return RadioField(choices=_choices(indicator), validators=[Optional()], validate_choice=True)

    def html(self, q: StaticQuestion, value: Any, disabled: str, labels: Labels) -> str:
        return _option_inputs("radio", q, value, disabled, labels)


class YesNoWidget(SingleChoiceWidget):
    name = "yes_no"


class MultiChoiceWidget(Widget):
    name = "multi_choice"

    def form_field(self, indicator: Indicator) -> Field:
        return SelectMultipleField(choices=_choices(indicator), validators=[Optional()])

    def html(self, q: StaticQuestion, value: Any, disabled: str, labels: Labels) -> str:
        return _option_inputs("checkbox", q, value, disabled, labels)

    def answer(self, data: Any) -> Any:
        return data or None  # nothing ticked clears the answer

    def keep_typed(self, values: dict[str, Any], key: str, raw: str) -> None:
        values.setdefault(key, []).append(raw)


class NumberAnswerField(StringField):
    """A number typed with a dot or a comma as decimal mark; "not applicable" where allowed."""

    data: Any  # a number, "not_applicable" or None once processed

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


class NumberWidget(Widget):
    name = "number"

    def form_field(self, indicator: Indicator) -> Field:
        return NumberAnswerField(minimum=indicator.minimum or 0, maximum=indicator.maximum or 0,
                                 integer=indicator.integer)

    def html(self, q: StaticQuestion, value: Any, disabled: str, labels: Labels) -> str:
        shown = "" if value in (None, NOT_APPLICABLE) else escape(value)
        unit = f'<span class="unit">{q.unit}</span>' if q.unit else ""
        not_applicable = ""
        if q.allow_not_applicable:
            checked = " checked" if value == NOT_APPLICABLE else ""
            not_applicable = (f'<label class="choice"><input type="checkbox" name="{q.name}" '
                              f'value="{NOT_APPLICABLE}"{checked}{disabled}> '
                              f'<span>{escape(labels.not_applicable)}</span></label>')
        return (f'<div class="number-answer"><input type="text" inputmode="decimal" id="{q.name}" name="{q.name}" '
                f'aria-labelledby="{q.name}-text" value="{shown}" autocomplete="off"{disabled}>'
                f'{unit}{not_applicable}</div>{q.below_law}')


class TextWidget(Widget):
    name = "text"

    def form_field(self, indicator: Indicator) -> Field:
        return TextAreaField(validators=[Optional(), Length(max=MAX_TEXT_LENGTH, message=_l(
            "At most %(max)d characters.", max=MAX_TEXT_LENGTH))], filters=[clean_text])

    def html(self, q: StaticQuestion, value: Any, disabled: str, labels: Labels) -> str:
        return (f'<textarea id="{q.name}" name="{q.name}" aria-labelledby="{q.name}-text" '
                f'maxlength="{MAX_TEXT_LENGTH}"{disabled}>{escape(value or "")}</textarea>')

    def answer(self, data: Any) -> Any:
        return data or None


WIDGETS: Registry[Widget] = Registry("widget")
register_widget = WIDGETS.register  # the web half of a question type, under the name of its pure half
widget = WIDGETS.__getitem__

for _widget in (SingleChoiceWidget(), YesNoWidget(), MultiChoiceWidget(), NumberWidget(), TextWidget()):
    register_widget(_widget)
