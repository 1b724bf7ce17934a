"""Language: Vietnamese first, English on request."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, session
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_login import current_user

LOCALES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def select_locale() -> str:
    """The visitor's choice (this session), else the account's saved choice, else Vietnamese."""
    chosen = session.get("lang")
    if chosen in LOCALES:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return str(current_user.locale)
    return "vi"


def request_translations() -> NullTranslations:
    """The catalogue of this request's language, looked up once per request. Flask-Babel looks
    it up on every call (context, domain, locale as a string): about 20 µs each, and a page
    translates dozens of strings."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return get_translations()
    translations = getattr(ctx, "ffw_translations", None)
    if translations is None:
        translations = ctx.ffw_translations = get_translations()  # type: ignore[attr-defined]
    return translations


def install_fast_template_gettext(app: Flask) -> None:
    """Templates translate through request_translations (the same catalogue Flask-Babel uses)."""

    def gettext(message: str) -> str:
        return request_translations().ugettext(message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return request_translations().ungettext(singular, plural, n)

    def pgettext(context: str, message: str) -> Any:
        return request_translations().upgettext(context, message)

    def npgettext(context: str, singular: str, plural: str, n: int) -> Any:
        return request_translations().unpgettext(context, singular, plural, n)

    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, pgettext=pgettext,  # type: ignore[attr-defined]
                                            npgettext=npgettext, newstyle=True)
