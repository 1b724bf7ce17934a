from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import AppForm, TextField, WholeNumberField, as_choices, clean_text, optional_id
from app.labels import province_choices, sector_choices
from app.versioned import VersionedForm
from assessments.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from assessments.services.organisations import MAX_WORKFORCE, OrganisationData

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


class ForgotPasswordForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(message=REQUIRED), Length(max=254)],
                       filters=[clean_text])


class NewPasswordForm(AppForm):
    new_password = PasswordField(_l("New password"), validators=password_rules())
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=REQUIRED), EqualTo("new_password", message=_l("The passwords do not match."))],
    )


class AcceptInvitationForm(NewPasswordForm):
    full_name = StringField(_l("Your name"), validators=[Length(max=120)], filters=[clean_text])


class InvitationForm(AppForm):
    """Invite someone: who, in which role and organisation, in which language. Reviewers and
    admins may register the company in the same step (the `new_*` fields, used when no existing
    organisation is chosen); an HR officer invites colleagues of their own organisation only."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(message=REQUIRED), Length(max=254)],
                       filters=[clean_text])
    full_name = TextField(_l("Full name"), max_length=120, required=False)
    role = SelectField(_l("Role"), validators=[DataRequired(message=REQUIRED)])
    organisation_id = SelectField(_l("Organisation"), coerce=optional_id, validate_choice=True)
    locale = SelectField(_l("Language of the invitation"), default="vi")
    new_name = TextField(_l("Name"), max_length=200, required=False)
    new_tax_code = TextField(_l("Tax code"), max_length=20, required=False,
                             description=_l("10 digits, or 13 for a branch (e.g. 0101234567-001). A tax code "
                                            "already registered invites to that organisation."))
    new_province_code = SelectField(_l("Province or city"), default="")
    new_sector_code = SelectField(_l("Sector"), default="")
    new_workforce_total = WholeNumberField(_l("Total workforce"), maximum=MAX_WORKFORCE, required=False)
    new_workforce_women = WholeNumberField(_l("Women in the workforce"), maximum=MAX_WORKFORCE, required=False)

    def __init__(self, roles: list[tuple[str, str]], organisations: list[tuple[object, str]],
                 *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = as_choices(roles)
        self.organisation_id.choices = as_choices(organisations)
        self.locale.choices = as_choices([("vi", "Tiếng Việt"), ("en", "English")])
        self.new_province_code.choices = as_choices([("", _l("Choose…")), *province_choices()])
        self.new_sector_code.choices = as_choices([("", _l("Choose…")), *sector_choices()])

    def new_organisation(self) -> OrganisationData | None:
        """The company to register, when the inviter chose none and typed a tax code."""
        if self.organisation_id.data is not None or not self.new_tax_code.data:
            return None
        return OrganisationData(
            name=self.new_name.data or "", tax_code=self.new_tax_code.data or "",
            province_code=self.new_province_code.data or "", sector_code=self.new_sector_code.data or "",
            workforce_total=self.new_workforce_total.data or 0, workforce_women=self.new_workforce_women.data or 0)


class ProfileForm(VersionedForm):
    """Which notifications to receive; the choices are the person's role's (assessments.outbox)."""

    notifications = SelectMultipleField(_l("Notifications by e-mail"), widget=ListWidget(prefix_label=False),
                                        option_widget=CheckboxInput(), validate_choice=True)
    locale = SelectField(_l("Language of mails"))

    def __init__(self, choices: list[tuple[str, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.notifications.choices = as_choices(choices)
        self.locale.choices = as_choices([("vi", "Tiếng Việt"), ("en", "English")])


class AccessRequestForm(AppForm):
    """A company asks for an account: who, and which company (matched by its tax code)."""

    full_name = TextField(_l("Your name"), max_length=120)
    email = EmailField(_l("Work e-mail"), validators=[DataRequired(message=REQUIRED), Length(max=254)],
                       filters=[clean_text])
    name = TextField(_l("Company name"), max_length=200)
    tax_code = TextField(_l("Tax code"), max_length=20,
                         description=_l("10 digits, or 13 for a branch (e.g. 0101234567-001)."))
    province_code = SelectField(_l("Province or city"), validators=[DataRequired(message=REQUIRED)])
    sector_code = SelectField(_l("Sector"), validators=[DataRequired(message=REQUIRED)])
    workforce_total = WholeNumberField(_l("Total workforce"), maximum=MAX_WORKFORCE)
    workforce_women = WholeNumberField(_l("Women in the workforce"), maximum=MAX_WORKFORCE)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.province_code.choices = as_choices([("", _l("Choose…")), *province_choices()])
        self.sector_code.choices = as_choices([("", _l("Choose…")), *sector_choices()])

    def organisation(self) -> OrganisationData:
        return OrganisationData(
            name=self.name.data or "", tax_code=self.tax_code.data or "",
            province_code=self.province_code.data or "", sector_code=self.sector_code.data or "",
            workforce_total=self.workforce_total.data or 0, workforce_women=self.workforce_women.data or 0)
