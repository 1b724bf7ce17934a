"""The web layer: an application factory that reads like a table of contents."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from app import access, http, same_origin
from app.extensions import babel, csrf, db, login_manager, migrate
from app.i18n import compiled_catalogues, install_fast_template_gettext, select_locale
from app.rate_limits import limiter
from app.requests import CleanRequest
from app.routing import IdConverter
from assessments.db import configure_sqlite
from assessments.dhis2 import Dhis2Mapping, MappingError, load_mapping
from assessments.models import User
from config import INSTANCE_DIR, ConfigError, load_config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _check_rubric_key(key: str) -> None:
    """A mistyped RUBRIC_KEY stops the start with the keys there are, not the first page with a 500."""
    from rubrics.loader import default_registry

    known = sorted({rubric.key for rubric in default_registry().all()})
    if key not in known:
        raise ConfigError(f"RUBRIC_KEY {key!r} names no rubric in rubrics/versions/ (there are: {', '.join(known)})")


def _dhis2_mapping(path: str | None) -> Dhis2Mapping:
    """Read once, at start: a mapping file with a mistake stops the service with the reason,
    rather than failing the first officer who exports."""
    try:
        return load_mapping(Path(path)) if path else load_mapping()
    except (OSError, MappingError, yaml.YAMLError) as error:
        raise ConfigError(f"DHIS2_MAPPING_FILE: {error}") from error


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.request_class = CleanRequest  # no control characters in any form field or query parameter
    app.url_map.converters["id"] = IdConverter
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese stays readable in API responses
    app.config.update(load_config())
    if overrides:
        app.config.update(overrides)
    _check_rubric_key(app.config["RUBRIC_KEY"])
    app.extensions["dhis2_mapping"] = _dhis2_mapping(app.config.get("DHIS2_MAPPING_FILE"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    # First of all hooks: a write from another site is refused before anything reads or writes
    # the session (app.same_origin).
    app.before_request(same_origin.refuse_writes_from_other_sites)
    app.session_interface = same_origin.SessionInterface()
    _init_extensions(app)
    http.install(app)
    app.before_request(access.enforce_access)
    _register_blueprints(app)
    _register_template_helpers(app)

    from app.cli import register_cli
    from app.jobs import init_jobs

    register_cli(app)
    init_jobs(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)  # before the access rules: a refused token counts against its address too
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(compiled_catalogues()))
    babel.init_app(app, locale_selector=select_locale)
    install_fast_template_gettext(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    # The session token in the cookie already changes on logout; "basic" marks sessions
    # restored from a remember cookie as non-fresh for sensitive actions.
    login_manager.session_protection = "basic"

    # Built once: constructing a statement costs as much as running it (about 60 µs).
    user_by_token = select(User).where(User.session_token == bindparam("token"))

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # Loaded fresh on every request, so a rotated token or deactivation takes effect at once.
        user = db.session.scalar(user_by_token, {"token": session_token})
        return user if user is not None and user.active else None


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.assessment import bp as assessment_bp
    from app.auth import bp as auth_bp
    from app.compare import bp as compare_bp
    from app.main import bp as main_bp
    from app.organisations import bp as organisations_bp
    from app.parenting import bp as parenting_bp
    from app.review import bp as review_bp
    from app.survey import bp as survey_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(assessment_bp)
    app.register_blueprint(parenting_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(compare_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # bearer tokens only: a browser cannot be tricked into sending one


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import format_number

    from app.chrome import flash_messages, site_header, static_links
    from app.i18n import LANGUAGE_NAMES, LOCALES
    from app.labels import (
        current_language,
        decision_name,
        former_province_name,
        province_choices,
        province_name,
        role_name,
        sector_choices,
        sector_name,
        status_name,
    )
    from assessments.report.chart import bar_chart_svg, share_bar_svg

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        current_language=current_language,
        province_choices=province_choices,
        sector_choices=sector_choices,
        LOCALES=LOCALES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        province_name=province_name,
        former_province_name=former_province_name,
        sector_name=sector_name,
        role_name=role_name,
        status_name=status_name,
        decision_name=decision_name,
        bar_chart=lambda rows, title, unit="", peak=None: bar_chart_svg(rows, title, unit, format_number, peak),
        share_bar=share_bar_svg,
        site_header=site_header,
        flash_messages=flash_messages,
        static_links=static_links,
    )
