"""Small helpers views share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from flask_login import current_user

from assessments.services import Context


def client_address() -> str:
    # Behind a proxy, wrap the app in werkzeug's ProxyFix so remote_addr is the client's.
    return (request.remote_addr or "unknown")[:45]


def service_context() -> Context:
    actor = current_user._get_current_object() if current_user.is_authenticated else None  # type: ignore[attr-defined]
    return Context(actor=actor, ip_address=client_address())


def safe_next_url(target: str | None) -> str | None:
    """Only local paths are followed after login, never another site (open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
