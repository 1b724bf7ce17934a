from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import AppForm, clean_text
from assessments.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

REQUIRED = _l("This field is required.")


def password_rules() -> list[object]:
    return [
        DataRequired(message=REQUIRED),
        Length(
            min=MIN_PASSWORD_LENGTH,
            max=MAX_PASSWORD_LENGTH,
            message=_l("Use %(min)d to %(max)d characters.", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
        ),
    ]


class LoginForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(message=REQUIRED), Length(max=254)],
                       filters=[clean_text])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=REQUIRED),
                                                          Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordChangeForm(AppForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(message=REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=password_rules())
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=REQUIRED), EqualTo("new_password", message=_l("The passwords do not match."))],
    )
