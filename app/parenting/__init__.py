from flask import Blueprint

bp = Blueprint("parenting", __name__, url_prefix="/parenting")

from app.parenting import views  # noqa: E402,F401
