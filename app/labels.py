"""Names of domain codes in the current language."""

from __future__ import annotations

from flask.globals import _cv_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from assessments.models import Role
from assessments.provinces import PROVINCES, PROVINCES_BY_CODE
from assessments.report.words import ASSESSMENT_STATUSES, REVIEW_DECISIONS, name_of
from assessments.sectors import SECTORS, SECTORS_BY_CODE
from assessments.text import vietnamese_sort_key, without_diacritics

ROLE_NAMES = {
    Role.HR: _l("HR officer"),
    Role.REVIEWER: _l("Chamber reviewer"),
    Role.UNICEF: _l("UNICEF staff"),
    Role.ADMIN: _l("Administrator"),
}


def current_language() -> str:
    """"vi" or "en" for this request (kept on the app context: pages ask many times)."""
    ctx = _cv_app.get(None)
    language = getattr(ctx, "ffw_language", None)
    if language is None:
        locale = get_locale()
        language = locale.language if locale is not None else "vi"
        if ctx is not None:
            ctx.ffw_language = language  # type: ignore[attr-defined]  # the app context as request scratch space
    return language


def province_name(code: str) -> str:
    province = PROVINCES_BY_CODE.get(code)
    return province.name(current_language()) if province else code


def sector_name(code: str) -> str:
    sector = SECTORS_BY_CODE.get(code)
    return sector.name(current_language()) if sector else code


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(Role(role), role)) if role in set(Role) else role


def province_choices() -> list[tuple[str, str]]:
    lang = current_language()
    return sorted(((p.code, p.name(lang)) for p in PROVINCES), key=lambda item: vietnamese_sort_key(item[1]))


def former_province_name(name: str) -> str:
    """A former (pre-July-2025) province's name: Vietnamese as recorded, without diacritics in English."""
    return name if current_language() == "vi" else without_diacritics(name)


def former_province_choices() -> dict[str, list[tuple[str, str]]]:
    """The former units of each merged province, grouped under it (the unmerged ones are filled in)."""
    merged = sorted((p for p in PROVINCES if len(p.former_vi) > 1),
                    key=lambda p: vietnamese_sort_key(p.name(current_language())))
    return {p.name(current_language()): [(name, former_province_name(name)) for name in p.former_vi]
            for p in merged}


def sector_choices() -> list[tuple[str, str]]:
    lang = current_language()
    return [(s.code, s.name(lang)) for s in SECTORS]


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(name)) for role, name in ROLE_NAMES.items()]


def status_name(key: str) -> str:
    """An assessment status in the user's language (the PDF plan uses the same words)."""
    return name_of(ASSESSMENT_STATUSES, key, current_language())


def decision_name(key: str) -> str:
    """A reviewer's decision in the user's language."""
    return name_of(REVIEW_DECISIONS, key, current_language())
