"""The JSON API (/api/v1), authenticated by personal bearer tokens, never by cookies; so it
needs no CSRF token."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import views  # noqa: E402,F401
