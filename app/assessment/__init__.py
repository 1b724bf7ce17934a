from flask import Blueprint

bp = Blueprint("assessment", __name__, url_prefix="/assessments")

from app.assessment import helpers, views  # noqa: E402,F401
