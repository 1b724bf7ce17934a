"""The JSON API (/api/v1), authenticated by personal bearer tokens, never by cookies; so it
needs no CSRF token."""

from flask import Blueprint

from app.rate_limits import api_limits

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api_limits(bp)  # per token and per address (app.rate_limits)

from app.api import views  # noqa: E402,F401
