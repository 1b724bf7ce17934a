from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField
from wtforms.validators import InputRequired, ValidationError

from app.forms import TextField, WholeNumberField, as_choices
from app.labels import former_province_choices, province_choices, sector_choices
from app.service_errors import MESSAGES
from app.versioned import VersionedForm
from assessments.services.organisations import MAX_WORKFORCE, OrganisationData
from assessments.tax_codes import normalise_tax_code

REQUIRED = _l("This field is required.")


class OrganisationForm(VersionedForm):
    name = TextField(_l("Name"), max_length=200)
    tax_code = TextField(_l("Tax code"), max_length=20,
                         description=_l("10 digits, or 13 for a branch (e.g. 0101234567-001)."))
    province_code = SelectField(_l("Province or city"), validators=[InputRequired(message=REQUIRED)])
    former_province = SelectField(
        _l("Province before 1 July 2025"), default="",
        description=_l("Only for a province formed by the 2025 merger: the former province the workplace is in. "
                       "Older reports and statistics use it."))
    sector_code = SelectField(_l("Sector"), validators=[InputRequired(message=REQUIRED)])
    workforce_total = WholeNumberField(_l("Total workforce"), maximum=MAX_WORKFORCE)
    workforce_women = WholeNumberField(_l("Women in the workforce"), maximum=MAX_WORKFORCE)
    address = TextField(_l("Address"), max_length=300, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.province_code.choices = as_choices([("", _l("Choose…")), *province_choices()])
        self.former_province.choices = {"": as_choices([("", _l("Not merged, or not known"))]),
                                        **{province: as_choices(formers)
                                           for province, formers in former_province_choices().items()}}
        self.sector_code.choices = as_choices([("", _l("Choose…")), *sector_choices()])

    # The service checks these too; checking them here as well shows every mistake at once
    # instead of one per submit.
    def validate_tax_code(self, field: Field) -> None:
        if field.data and normalise_tax_code(field.data) is None:
            raise ValidationError(str(MESSAGES["tax_code_invalid"]))

    def validate_workforce_women(self, field: Field) -> None:
        total = self.workforce_total.data
        if field.data is not None and isinstance(total, int) and field.data > total:
            raise ValidationError(str(MESSAGES["women_exceed_total"]))

    def to_data(self) -> OrganisationData:
        return OrganisationData(
            name=self.name.data or "",
            tax_code=self.tax_code.data or "",
            province_code=self.province_code.data or "",
            sector_code=self.sector_code.data or "",
            workforce_total=self.workforce_total.data or 0,
            workforce_women=self.workforce_women.data or 0,
            address=self.address.data or "",
            former_province=self.former_province.data or "",
        )
