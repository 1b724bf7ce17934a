"""Small helpers views share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Request, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

from assessments.services import Context


def client_address() -> str:
    # Behind a proxy, wrap the app in werkzeug's ProxyFix so remote_addr is the client's.
    return (request.remote_addr or "unknown")[:45]


def service_context() -> Context:
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    return Context(actor=actor, ip_address=client_address())


def safe_next_url(target: str | None) -> str | None:
    """Only local paths are followed after login, never another site (open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


# Decided once, for every text anyone types into a form field or a URL: NUL and the other
# control characters (all of Unicode's Cc but tab, line feed and carriage return) are removed
# before any view sees the text. They carry no meaning in a name, an answer or a search;
# PostgreSQL refuses NUL in text outright, and the others can break a log line or a CSV cell.
_CONTROL = dict.fromkeys((*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)))


def without_control_characters(text: str) -> str:
    return text.translate(_CONTROL)


def _cleaned(values: MultiDict[str, str]) -> ImmutableMultiDict[str, str]:
    return ImmutableMultiDict([(without_control_characters(key), without_control_characters(value))
                               for key, value in values.items(multi=True)])


class CleanRequest(Request):
    """Flask's request, with control characters removed from query parameters and form fields."""

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:
        return _cleaned(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])
