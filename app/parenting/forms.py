from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import AppForm, TextField, WholeNumberField, clean_text, optional_id, validated
from app.versioned import VersionedForm
from assessments.parenting import (
    MAX_COURSE_SESSIONS,
    MAX_DURATION_MINUTES,
    MAX_PARTICIPANTS,
    CourseData,
    FacilitatorData,
    SessionData,
    VenueData,
)
from assessments.supervision import VisitData
from assessments.targets import MAX_COUNT as MAX_TARGET
from assessments.targets import TargetData

REQUIRED = _l("This field is required.")
VENUE_LABELS = {
    "workplace": _l("Workplace"),
    "commune_health_station": _l("Commune health station"),
    "community": _l("Community centre"),
    "school": _l("School"),
    "online": _l("Online or mobile"),
}
VENUE_HINT = _l("A registered venue sets the kind of venue, the province and the commune.")


class SessionForm(VersionedForm):
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[InputRequired(message=REQUIRED)])
    topic_ids = SelectMultipleField(_l("Topics"), coerce=int, widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
    session_date = DateField(_l("Date"), validators=[InputRequired(message=REQUIRED)],
                             format="%Y-%m-%d")
    duration_minutes = WholeNumberField(_l("Duration (minutes)"), maximum=MAX_DURATION_MINUTES)
    venue_type = SelectField(_l("Venue"),
                             validators=[InputRequired(message=REQUIRED)])
    organisation_id = SelectField(_l("Workplace (if held at one)"), coerce=optional_id, validate_choice=True)
    venue_id = SelectField(_l("Registered venue (if held at one)"), coerce=optional_id, validate_choice=True,
                           description=VENUE_HINT)
    course_id = SelectField(_l("Course (if the session is one of a series)"), coerce=optional_id,
                            validate_choice=True)
    # Checked by the service (a registered venue fills them in): required there, not here.
    province_code = SelectField(_l("Province or city"), validators=[Optional()])
    commune = TextField(_l("Commune or ward"), max_length=120, required=False)
    shift = TextField(_l("Shift or time (if several sessions that day)"), max_length=40, required=False)
    facilitator_ids = SelectMultipleField(_l("Facilitators"), coerce=int, widget=ListWidget(prefix_label=False),
                                          option_widget=CheckboxInput())
    facilitator = TextField(_l("Another facilitator (not registered)"), max_length=120, required=False)
    participants_total = WholeNumberField(_l("Participants in total"), maximum=MAX_PARTICIPANTS)
    participants_female = WholeNumberField(_l("Women"), maximum=MAX_PARTICIPANTS)
    participants_male = WholeNumberField(_l("Men"), maximum=MAX_PARTICIPANTS)
    ethnic_minority = WholeNumberField(_l("From ethnic minorities"), maximum=MAX_PARTICIPANTS)
    internal_migrants = WholeNumberField(_l("Internal migrants"), maximum=MAX_PARTICIPANTS)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000, message=_l(
        "At most %(max)d characters.", max=2000))], filters=[clean_text])

    def to_data(self) -> SessionData:
        return SessionData(
            programme_id=self.programme_id.data, session_date=self.session_date.data,
            duration_minutes=validated(self.duration_minutes.data), venue_type=validated(self.venue_type.data),
            province_code=self.province_code.data or "", commune=self.commune.data or "",
            facilitator=self.facilitator.data or "", participants_total=validated(self.participants_total.data),
            participants_female=validated(self.participants_female.data),
            participants_male=validated(self.participants_male.data),
            ethnic_minority=validated(self.ethnic_minority.data),
            internal_migrants=validated(self.internal_migrants.data), organisation_id=self.organisation_id.data,
            topic_ids=tuple(self.topic_ids.data or ()), notes=self.notes.data or "", shift=self.shift.data or "",
            facilitator_ids=tuple(self.facilitator_ids.data or ()), venue_id=self.venue_id.data,
            course_id=self.course_id.data,
        )


class ImportForm(AppForm):
    file = FileField(_l("CSV or Excel file"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], message=_l("Only .csv and .xlsx files can be imported.")),
    ])


class ConfirmImportForm(AppForm):
    upload = HiddenField(validators=[InputRequired()])


class ProgrammeForm(AppForm):
    name_vi = TextField(_l("Name in Vietnamese"), max_length=200)
    name_en = TextField(_l("Name in English"), max_length=200)


class ProgrammeRulesForm(VersionedForm):
    """A programme's DHIS2 data element and the sessions that complete one of its courses (admins)."""

    dhis2_data_element = TextField(_l("DHIS2 data element"), max_length=11, required=False,
                                   description=_l("11 letters and digits, starting with a letter (e.g. Qa1b2c3d4e5). "
                                                  "Copy it from your DHIS2 instance's Maintenance app."))
    sessions_to_complete = WholeNumberField(_l("Sessions to attend to complete a course"),
                                            maximum=MAX_COURSE_SESSIONS, required=False,
                                            description=_l("A course opened without its own number takes this one."))

    @classmethod
    def for_programme(cls, programme: Any, formdata: Any = None) -> ProgrammeRulesForm:
        return cls(formdata=formdata, obj=programme) if formdata is not None else cls(obj=programme)


class DeleteForm(AppForm):
    """Only the CSRF token."""



class TargetForm(VersionedForm):
    """A year's target for one programme in one province (assessments.targets)."""

    year = WholeNumberField(_l("Year"), maximum=9999)
    province_code = SelectField(_l("Province or city"), validators=[InputRequired(message=REQUIRED)])
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[InputRequired(message=REQUIRED)])
    sessions = WholeNumberField(_l("Sessions"), maximum=MAX_TARGET)
    participants = WholeNumberField(_l("Participants"), maximum=MAX_TARGET)
    fathers_percent = WholeNumberField(_l("Share of fathers (%)"), maximum=100, required=False,
                                       description=_l("Leave empty when the programme has no target for it."))
    workplaces = WholeNumberField(_l("Workplaces reached"), maximum=MAX_TARGET, required=False,
                                  description=_l("Leave empty for a programme held outside workplaces."))

    def to_data(self) -> TargetData:
        return TargetData(year=validated(self.year.data), province_code=self.province_code.data or "",
                          programme_id=validated(self.programme_id.data), sessions=validated(self.sessions.data),
                          participants=validated(self.participants.data), fathers_percent=self.fathers_percent.data,
                          workplaces=self.workplaces.data)


class FacilitatorForm(VersionedForm):
    full_name = TextField(_l("Full name"), max_length=120)
    works_at = TextField(_l("Works at"), max_length=200, required=False,
                         description=_l("A commune health station, a company, a union…"))
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[InputRequired(message=REQUIRED)])
    province_code = SelectField(_l("Province or city"), validators=[InputRequired(message=REQUIRED)])
    trained_on = DateField(_l("Trained on"), validators=[Optional()], format="%Y-%m-%d")
    trained_by = TextField(_l("Trained by"), max_length=120, required=False)
    dhis2_option_combo = TextField(_l("DHIS2 category option combo"), max_length=11, required=False,
                                   description=_l("Only if your DHIS2 export counts sessions per facilitator: "
                                                  "their 11-character identifier, from the Maintenance app."))
    active = BooleanField(_l("Still delivers sessions"), default=True)

    def to_data(self) -> FacilitatorData:
        return FacilitatorData(full_name=self.full_name.data or "", works_at=self.works_at.data or "",
                               programme_id=validated(self.programme_id.data),
                               province_code=self.province_code.data or "", trained_on=self.trained_on.data,
                               trained_by=self.trained_by.data or "",
                               dhis2_option_combo=self.dhis2_option_combo.data or "")


class VisitForm(VersionedForm):
    """A supervision visit; the checklist's scores are read from `score-<item>` radios, which the
    page draws per programme (app/parenting/visits.py)."""

    programme_id = SelectField(_l("Programme"), coerce=int, validators=[InputRequired(message=REQUIRED)])
    visit_date = DateField(_l("Date of the visit"), validators=[InputRequired(message=REQUIRED)], format="%Y-%m-%d")
    facilitator_id = SelectField(_l("Facilitator supervised"), coerce=optional_id, validate_choice=True)
    venue_type = SelectField(_l("Venue"), validators=[InputRequired(message=REQUIRED)])
    organisation_id = SelectField(_l("Workplace (if held at one)"), coerce=optional_id, validate_choice=True)
    venue_id = SelectField(_l("Registered venue (if held at one)"), coerce=optional_id, validate_choice=True,
                           description=VENUE_HINT)
    province_code = SelectField(_l("Province or city"), validators=[Optional()])
    commune = TextField(_l("Commune or ward"), max_length=120, required=False)
    supervisor = TextField(_l("Supervisor"), max_length=120)
    note = TextAreaField(_l("What was seen"), validators=[Optional(), Length(max=2000, message=_l(
        "At most %(max)d characters.", max=2000))], filters=[clean_text])
    follow_up = TextAreaField(_l("Follow-up actions"), validators=[Optional(), Length(max=2000, message=_l(
        "At most %(max)d characters.", max=2000))], filters=[clean_text])

    def to_data(self, scores: dict[str, int]) -> VisitData:
        return VisitData(programme_id=validated(self.programme_id.data), visit_date=validated(self.visit_date.data),
                         venue_type=self.venue_type.data or "", province_code=self.province_code.data or "",
                         commune=self.commune.data or "", supervisor=self.supervisor.data or "", scores=scores,
                         facilitator_id=self.facilitator_id.data, organisation_id=self.organisation_id.data,
                         venue_id=self.venue_id.data, note=self.note.data or "", follow_up=self.follow_up.data or "")


class VenueForm(VersionedForm):
    kind = SelectField(_l("Kind of venue"), validators=[InputRequired(message=REQUIRED)])
    name = TextField(_l("Name"), max_length=200, description=_l("As people call it: Trạm y tế xã Phú Thủy"))
    province_code = SelectField(_l("Province or city"), validators=[InputRequired(message=REQUIRED)])
    commune = TextField(_l("Commune or ward"), max_length=120)
    active = BooleanField(_l("Still in use"), default=True)

    def to_data(self) -> VenueData:
        return VenueData(kind=self.kind.data or "", name=self.name.data or "",
                         province_code=self.province_code.data or "", commune=self.commune.data or "")


class CourseForm(VersionedForm):
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[InputRequired(message=REQUIRED)])
    name = TextField(_l("Name"), max_length=200, description=_l("The group and when: Chuyền 3, khóa 1/2026"))
    province_code = SelectField(_l("Province or city"), validators=[InputRequired(message=REQUIRED)])
    started_on = DateField(_l("First session"), validators=[InputRequired(message=REQUIRED)], format="%Y-%m-%d")
    sessions_to_complete = WholeNumberField(_l("Sessions to attend to complete it"), maximum=MAX_COURSE_SESSIONS,
                                            required=False,
                                            description=_l("Leave it blank for the programme's minimum."))
    enrolled = WholeNumberField(_l("Parents enrolled"), maximum=MAX_PARTICIPANTS)
    completed = WholeNumberField(_l("Parents who completed it"), maximum=MAX_PARTICIPANTS, required=False,
                                 description=_l("When the course ends: a count, no names."))

    def to_data(self) -> CourseData:
        return CourseData(programme_id=validated(self.programme_id.data), name=self.name.data or "",
                          province_code=self.province_code.data or "", started_on=validated(self.started_on.data),
                          sessions_to_complete=self.sessions_to_complete.data,
                          enrolled=validated(self.enrolled.data), completed=self.completed.data)
