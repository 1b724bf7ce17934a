"""The web half of the one concurrency rule (assessments.services.versions): a form drawn from
an editable record carries the record's version; when the save finds that someone saved the
record in the meantime, the page is drawn again (409) with what is saved in the fields and,
under each field that differs, what this person typed. Nothing is overwritten, nothing typed
is lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import gettext as _
from wtforms import BooleanField, Field, HiddenField, RadioField, SelectField, SelectMultipleField

from app.extensions import db
from app.forms import AppForm
from app.service_errors import message_for, show_on_form
from assessments.services import ServiceError
from assessments.services.versions import parse_version

CONFLICT = "edited_by_someone_else"


class VersionedForm(AppForm):
    """A form for an editable record."""

    version = HiddenField(render_kw={"id": False})  # several versioned forms can share a page

    def expected_version(self) -> int:
        """The version this form was drawn from, as the browser sent it back. Read from the posted
        fields themselves: a form posted without one must not borrow the record's current version
        (WTForms fills a field missing from the post from the object, and an empty post is no
        post at all to Flask-WTF). A missing or malformed version never matches a record."""
        return parse_version(request.form.get("version"))

    def show_saved(self, saved: object, version: int, **overrides: Any) -> None:
        """Someone saved the record after this form was drawn: fill the fields with what is
        saved (`saved`'s attributes, or `overrides`), keep what was typed beside each field
        that differs, and say why."""
        typed = {name: shown(field) for name, field in self._fields.items() if name not in ("csrf_token", "version")}
        self.process(formdata=None, obj=saved, **overrides)
        self.version.data = str(version)
        for name, text in typed.items():
            field = self._fields[name]
            field.raw_data = None  # else the input would still show what was typed, not what is saved
            field.typed = text if text != shown(field) else None
        self.form_errors.append(message_for(CONFLICT))


def shown(field: Field) -> str:
    """A field's value as the person reads it (the label of a chosen option, not its key)."""
    if isinstance(field, BooleanField):
        return _("Yes") if field.data else _("No")
    if isinstance(field, (SelectField, RadioField, SelectMultipleField)):
        chosen = field.data if isinstance(field.data, list) else [field.data]
        labels = {str(value): str(label) for value, label, *_rest in field.iter_choices()}
        return ", ".join(labels.get(str(value), str(value)) for value in chosen if value not in (None, ""))
    return str(field._value())


def save_versioned(form: VersionedForm, action: Callable[[], object],
                   saved: Callable[[], tuple[object, int, dict[str, Any]]]) -> int | None:
    """Run the save of a versioned form. None: it went through. 409: someone saved first; the
    form now shows what is saved and what was typed (`saved` returns the record as stored, its
    version, and field values that are not plain attributes of it). 200: the service refused
    the input; its reasons are on the form, which is drawn again."""
    try:
        action()
    except ServiceError as error:
        db.session.rollback()
        if error.code != CONFLICT:
            show_on_form(form, error)
            return 200
        record, version, overrides = saved()
        form.show_saved(record, version, **overrides)
        return 409
    return None
