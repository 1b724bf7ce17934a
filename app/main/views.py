"""Home, dashboard, language switch and health check."""

from __future__ import annotations

from flask import current_app, redirect, render_template, send_from_directory, session, url_for
from flask_login import current_user
from sqlalchemy import func, select, text
from werkzeug.wrappers import Response

from app.access import any_signed_in_user, public
from app.assessment.dashboard import hr_overview
from app.extensions import db
from app.i18n import LOCALES
from app.main import bp
from app.main.forms import LanguageForm
from app.requests import safe_next_url
from assessments.models import Organisation, Role, User
from assessments.services.accounts import set_locale
from assessments.services.reviews import returned_notices


@bp.route("/")
@public
def index() -> Response:
    return redirect(url_for("main.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.route("/dashboard")
@any_signed_in_user
def dashboard() -> str:
    counts = {}
    if current_user.role != Role.HR:
        counts["organisations"] = db.session.scalar(select(func.count(Organisation.id)))
    if current_user.role == Role.ADMIN:
        counts["users"] = db.session.scalar(select(func.count(User.id)))
    notices = returned_notices(db.session, current_user.organisation_id) if current_user.role == Role.HR else []
    return render_template("main/dashboard.html", counts=counts, notices=notices, **hr_overview())


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in LOCALES:
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            set_locale(db.session, current_user._get_current_object(), form.lang.data)
    return redirect(safe_next_url(form.next.data) or url_for("main.index"))


@bp.route("/favicon.ico")
@public
def favicon() -> Response:
    """Browsers ask for /favicon.ico on pages without a <link rel=icon> (the API's JSON, a PDF):
    the same icon as the pages, rather than a 404 in every log."""
    return send_from_directory(current_app.static_folder or "", "favicon.svg", mimetype="image/svg+xml",
                               max_age=86400)


@bp.route("/healthz")
@public
def healthz() -> tuple[dict[str, str], int]:
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
