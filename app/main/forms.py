from wtforms import HiddenField

from app.forms import AppForm


class LanguageForm(AppForm):
    lang = HiddenField()
    next = HiddenField()
