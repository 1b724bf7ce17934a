"""Forms of the survey's organisers (workers' answers are read by app/survey/answering.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.forms import AppForm
from app.versioned import VersionedForm
from assessments.services.surveys import MAX_CODES


class OpenRoundForm(AppForm):
    opens_on = DateField(_l("First day"), validators=[InputRequired()], format="%Y-%m-%d")
    closes_on = DateField(_l("Last day"), validators=[InputRequired()], format="%Y-%m-%d")
    with_codes = BooleanField(_l("Hand out one-time codes (one per worker, printed on slips)"))
    codes = IntegerField(_l("How many codes"), validators=[Optional(), NumberRange(min=1, max=MAX_CODES)])

    def codes_wanted(self) -> int | None:
        """None for an open link; with codes, the number asked for (required then)."""
        return (self.codes.data or 0) if self.with_codes.data else None


class CloseRoundForm(VersionedForm):
    """Ending a round early: carries the round's version (a page drawn before a change is refused)."""
