"""Service error codes in the user's language, shown next to the field at fault."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from assessments.services import ServiceError

MESSAGES = {
    "email_taken": _l("An account with this e-mail already exists."),
    "unknown_role": _l("Choose a role from the list."),
    "hr_needs_organisation": _l("An HR officer must belong to an organisation."),
    "only_hr_has_organisation": _l("Only HR officers belong to an organisation; leave it empty for this role."),
    "password_length": _l("Use 10 to 128 characters."),
    "wrong_password": _l("The current password is not correct."),
    "cannot_deactivate_self": _l("You cannot deactivate your own account."),
    "cannot_change_own_role": _l("You cannot change your own role."),
    "tax_code_invalid": _l("A tax code has 10 digits, or 13 for a branch (e.g. 0101234567-001)."),
    "tax_code_taken": _l("Another organisation already has this tax code."),
    "name_required": _l("This field is required."),
    "province_unknown": _l("Choose a province from the list."),
    "sector_unknown": _l("Choose a sector from the list."),
    "workforce_out_of_range": _l("Enter a whole number from 0 to 2,000,000."),
    "women_exceed_total": _l("The number of women cannot be larger than the total workforce."),
}


def show_on_form(form: FlaskForm, error: ServiceError) -> None:
    """Attach the message to the field the service named (or to the form as a whole)."""
    message = str(MESSAGES.get(error.code, _l("Invalid input.")))
    field = form._fields.get(error.field or "")
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
