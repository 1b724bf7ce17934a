"""Language: Vietnamese first, English on request."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from flask import Flask, session
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_login import current_user

LOCALES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def compiled_catalogues(source: Path = TRANSLATIONS_DIR) -> Path:
    """The folder of compiled catalogues, compiling any `messages.po` whose `.mo` is missing or
    older. Compiled files are not in git, so a fresh clone, a wheel or a container that never
    ran `make` would otherwise serve English. Written next to the `.po` files when that folder
    is writable (atomically: several app servers may start at once), else into a private
    temporary folder."""
    pending = [po for po in sorted(source.glob("*/LC_MESSAGES/messages.po"))
               if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if not pending:
        return source
    try:
        for po in pending:
            _compile(po, po.with_suffix(".mo"))
        return source
    except OSError:  # a read-only install: compile every catalogue elsewhere
        target = Path(tempfile.mkdtemp(prefix="ffw-translations-"))
        for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
            mo = target / po.relative_to(source).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            _compile(po, mo)
        return target


def _compile(po: Path, mo: Path) -> None:
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    handle_fd, temporary = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(handle_fd, "wb") as out:
            write_mo(out, catalogue)
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
        # The app context is this request's scratch space; its type declares no extra attributes.
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

    # Added to the environment by Jinja's i18n extension (Flask-Babel enables it), not on its type.
    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, pgettext=pgettext,  # type: ignore[attr-defined]
                                            npgettext=npgettext, newstyle=True)
