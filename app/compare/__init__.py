from flask import Blueprint

bp = Blueprint("compare", __name__, url_prefix="/compare")

from app.compare import views  # noqa: E402,F401
