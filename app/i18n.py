"""Language: Vietnamese first, English on request."""

from __future__ import annotations

from flask import session
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
