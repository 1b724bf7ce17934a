from flask import Blueprint

bp = Blueprint("assessment", __name__, url_prefix="/assessments")

# The pages, one module per concern; importing them registers their routes on `bp`.
from app.assessment import (  # noqa: E402,F401
    areas,
    dashboard,
    evidence_files,
    helpers,
    plan_pages,
    submission,
    team,
)
