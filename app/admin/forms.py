from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, Length

from app.auth.forms import password_rules
from app.forms import AppForm, TextField, as_choices, clean_text, optional_id
from app.labels import role_choices
from app.versioned import VersionedForm


def _organisation_field() -> SelectField:
    return SelectField(_l("Organisation (HR officers only)"), coerce=optional_id, validate_choice=True)


class UserEditForm(VersionedForm):
    full_name = TextField(_l("Full name"), max_length=120)
    role = SelectField(_l("Role"), validators=[DataRequired(message=_l("This field is required."))])
    organisation_id = _organisation_field()

    def __init__(self, organisation_choices: list[tuple[object, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = as_choices(role_choices())
        self.organisation_id.choices = as_choices([(None, _l("None")), *organisation_choices])


class UserCreateForm(UserEditForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(message=_l("This field is required.")), Length(max=254),
                    Email(message=_l("Invalid email address."), check_deliverability=False)],
        filters=[clean_text],
    )
    password = PasswordField(_l("Password"), validators=password_rules())


class PasswordResetForm(AppForm):
    password = PasswordField(_l("New password"), validators=password_rules())


class ActivationForm(AppForm):
    """Only the CSRF token: the action is in the URL."""
