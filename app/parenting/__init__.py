from flask import Blueprint

bp = Blueprint("parenting", __name__, url_prefix="/parenting")

# The pages, one module per concern; importing them registers their routes on `bp`.
from app.parenting import (  # noqa: E402,F401
    courses,
    exports,
    facilitators,
    importing,
    programmes,
    sessions,
    targets,
    venues,
    visits,
)
