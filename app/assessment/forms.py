from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import AppForm, TextField, WholeNumberField, as_choices, optional_id
from app.versioned import VersionedForm
from rubrics.loader import Rubric

REQUIRED = _l("This field is required.")
PLAN_STATUSES = {"planned": _l("Planned"), "in_progress": _l("In progress"), "done": _l("Done")}


class StartForm(AppForm):
    copy_forward = BooleanField(_l("Copy last cycle's answers, so only changes need entering"), default=True)


class MoveForm(AppForm):
    """Move a draft to a newer rubric version: the version it names and the assessment's version
    the page was drawn from (a page drawn before another change is refused)."""

    target = HiddenField()
    version = HiddenField()


class ReplyForm(AppForm):
    """The company's reply to a query on one question."""

    indicator = HiddenField()
    comment = TextAreaField(_l("Your reply"), validators=[InputRequired(), Length(max=2000)])


class ProfileForm(VersionedForm):
    """Built from the profile fields the rubric declares."""

    @classmethod
    def for_rubric(cls, rubric: Rubric, current: dict[str, Any], version: int) -> ProfileForm:
        fields: dict[str, Any] = {}
        for spec in rubric.data.profile:
            if spec.type == "integer":
                fields[spec.key] = WholeNumberField(spec.key, maximum=spec.maximum or 2_000_000)
            else:
                fields[spec.key] = RadioField(spec.key, choices=as_choices([("yes", "yes"), ("no", "no")]),
                                              validators=[InputRequired(message=REQUIRED)])
        form_class = type("RubricProfileForm", (cls,), fields)
        return form_class(data={**cls.field_values(current), "version": version})

    @staticmethod
    def field_values(profile: dict[str, Any]) -> dict[str, Any]:
        """A stored profile as the form's fields hold it (yes/no for the booleans)."""
        return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in profile.items()}

    def profile_data(self, rubric: Rubric) -> dict[str, Any]:
        return {spec.key: (self[spec.key].data == "yes") if spec.type == "boolean" else self[spec.key].data
                for spec in rubric.data.profile}


class PlanItemForm(VersionedForm):
    text = TextField(_l("Action"), max_length=500)
    owner_user_id = SelectField(_l("Owner"), coerce=optional_id, validate_choice=True)
    owner = TextField(_l("Owner without an account"), max_length=120, required=False,
                      description=_l("When the owner is not a colleague with an account."))
    due_date = DateField(_l("Due date"), validators=[Optional()], format="%Y-%m-%d")
    status = SelectField(_l("Status"), choices=as_choices(PLAN_STATUSES.items()))

    def __init__(self, *args: Any, colleagues: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_user_id.choices = as_choices([(None, _l("Someone else (write the name below)")), *colleagues])
