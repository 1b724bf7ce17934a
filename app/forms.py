"""Shared form plumbing: a base form whose built-in WTForms messages are translated by our
own catalogue, and fields that clean text the way every form needs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TypeVar

from flask_babel import LazyString, format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import TextInput

from app.i18n import request_translations

# WTForms' own messages (it ships no Vietnamese catalogue). Listed here so that
# `pybabel extract` puts them into ours; AppForm routes WTForms through our catalogue.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid integer value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid date value."),
    _l("Invalid email address."),
    _l("Invalid input."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF tokens do not match."),
)


class _CatalogueTranslations:
    """WTForms asks for messages it may not show (a choice field translates "Not a valid
    choice." on every validation), so the lookup goes through the per-request catalogue."""

    def gettext(self, string: str) -> str:
        return request_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return request_translations().ungettext(singular, plural, n)


Value = TypeVar("Value")


def validated(value: Value | None) -> Value:
    """A field the form's validators require: present once validate() passed. Reading one
    before that is a programming error, said loudly rather than stored as a made-up 0."""
    if value is None:
        raise ValueError("a required field read before the form validated")
    return value


def as_choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices (tuples are deprecated from WTForms 3.3).
    A lazily translated label stays lazy: choices built when a module loads are rendered in the
    language of each request, not in the one in force at import (none: English)."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_id(value: object) -> int | None:
    """Coerce for a drop-down of records with a "none" choice: the empty choice, and the None
    that WTForms renders as the text "None", both mean no record."""
    return int(str(value)) if value not in (None, "", "None") else None


class AppForm(FlaskForm):
    class Meta:
        def get_translations(self, form: Any) -> _CatalogueTranslations:
            return _CatalogueTranslations()


def clean_text(value: str | None) -> str | None:
    """NFC-normalise, drop control characters (NUL breaks PostgreSQL) and trim."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if ch in "\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return value.strip()


class TextField(StringField):
    """A trimmed, cleaned text input whose maximum length matches its database column."""

    def __init__(self, label: Any = None, *, max_length: int, required: bool = True, **kwargs: Any) -> None:
        # DataRequired looks at the cleaned value, so a lone space counts as empty.
        validators = [DataRequired(message=_l("This field is required."))] if required else []
        validators.append(Length(max=max_length, message=_l("At most %(max)d characters.", max=max_length)))
        kwargs.setdefault("filters", []).append(clean_text)
        super().__init__(label, validators=validators, **kwargs)


_WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}([., ][0-9]{3})+")


class WholeNumberField(IntegerField):
    """A non-negative whole number in ASCII digits. Thousands separators as people type them
    in Viet Nam are accepted ("1.200", "1,200" and "1 200" mean 1200); "12.5" is refused.

    Rendered as a text input with a numeric keypad: a browser's number input would reject
    "1.200" before we could read it."""

    widget = TextInput()

    def __init__(self, label: Any = None, *, maximum: int, required: bool = True, **kwargs: Any) -> None:
        validators = [
            InputRequired(message=_l("This field is required.")) if required else Optional(),
            # Formatted when the message is shown, in that request's language ("100.000" in Vietnamese).
            NumberRange(min=0, max=maximum, message=LazyString(
                lambda: gettext("Enter a whole number from 0 to %(max)s.", max=format_number(maximum)))),
        ]
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, validators=validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = str(valuelist[0]).strip().replace("\u00a0", " ")
        if not raw:
            self.data = None  # left empty: the required check says so
            return
        if not _WHOLE_NUMBER.fullmatch(raw) or len(raw) > 15:
            self.data = None
            raise ValueError(gettext("Enter a whole number from 0 to %(max)s.", max=format_number(self._maximum())))
        self.data = int(re.sub("[., ]", "", raw))

    def pre_validate(self, form: Any) -> None:
        # Typed text that is not a number already has its message; the range check would repeat it.
        if self.process_errors:
            raise StopValidation()

    def _maximum(self) -> int:
        for validator in self.validators:
            if isinstance(validator, NumberRange) and validator.max is not None:
                return int(validator.max)
        return 0


F = TypeVar("F", bound=Form)


def with_unique_ids(form: F, prefix: str) -> F:
    """Give a form that a page repeats (one per plan action, one per programme) ids of its own,
    so each label belongs to its own field. Only ids change: field names, and so what is
    posted, stay the same."""
    for field in form:
        field.id = f"{prefix}{field.id}"
        field.label.field_id = field.id
    return form
