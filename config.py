"""Settings read from the environment, with safe development defaults.

`APP_ENV` picks the profile: ``development`` (default), ``production`` or ``testing``.
Production refuses to start with the development secret, a short secret or without
``DATABASE_URL``; development runs on an embedded SQLite file under ``instance/``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """A setting makes the service unsafe or impossible to start."""


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for any PostgreSQL URL (hosts often hand out `postgres://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask settings dictionary from environment variables."""
    env = os.environ if environ is None else environ
    app_env = env.get("APP_ENV", "development")
    if app_env not in {"development", "production", "testing"}:
        raise ConfigError(f"APP_ENV must be development, production or testing, not {app_env!r}")
    production = app_env == "production"

    secret_key = env.get("SECRET_KEY", DEV_SECRET_KEY)
    database_url = env.get("DATABASE_URL", "")
    if production:
        if secret_key == DEV_SECRET_KEY or len(secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
                "characters in production (python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if not database_url:
            raise ConfigError("DATABASE_URL must be set in production")
    if not database_url:
        database_url = f"sqlite:///{INSTANCE_DIR / 'app.db'}"

    secure_cookies = production or env.get("SECURE_COOKIES", "") == "1"
    mail_server = env.get("MAIL_SERVER", "")
    base_url = env.get("APP_BASE_URL", "").rstrip("/")
    if production and mail_server and not base_url:
        raise ConfigError("APP_BASE_URL must be set when MAIL_SERVER is: the links in mails need it "
                          "(e.g. https://ffw.example.vn)")
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Where evidence files were kept before they moved into the database: the migration
        # that moves them reads them from here (migrations/versions/e2b7d94c1a38_*).
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024 + 64 * 1024,
        "BABEL_DEFAULT_LOCALE": env.get("DEFAULT_LOCALE", "vi"),
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        # A long questionnaire must not fail on submit because the CSRF token aged out:
        # the token lives as long as the session (which logout and expiry end).
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        # Failed logins allowed per window before 429, per account and per client address.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(env.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(env.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=int(env.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))),
        # Requests for a password reset link, like sign-in: per address asked about, per client address.
        "PASSWORD_RESET_LIMIT_PER_ACCOUNT": env.get("PASSWORD_RESET_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "PASSWORD_RESET_LIMIT_PER_ADDRESS": env.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        # Survey responses begun from one network address: generous, because a factory's workers
        # on its Wi-Fi share one address (README: what each limit protects against).
        "SURVEY_BEGIN_LIMIT_PER_ADDRESS": env.get("SURVEY_BEGIN_LIMIT_PER_ADDRESS", "60 per hour"),
        # JSON API rate limits (Flask-Limiter notation), per token and per client address. A load
        # test or an API fuzzer raises them; the defaults protect a production server.
        "API_RATE_LIMIT_PER_TOKEN": env.get("API_RATE_LIMIT_PER_TOKEN", "300 per minute"),
        "API_RATE_LIMIT_PER_ADDRESS": env.get("API_RATE_LIMIT_PER_ADDRESS", "600 per minute"),
        # Where the counters live: the database by default, so every app server counts the same
        # requests (app.rate_limits); redis://... where a deployment runs Redis.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "ffw+database://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "DHIS2_MAPPING_FILE": env.get("DHIS2_MAPPING_FILE") or None,
        # The job queue (huey) that makes PDF plans off the request: a SQLite file beside the
        # database by default (no server to run), redis://host:6379/0 in production, memory://
        # for tests that run the jobs themselves.
        "JOBS_BROKER_URL": env.get("JOBS_BROKER_URL", f"sqlite:///{INSTANCE_DIR / 'jobs.db'}"),
        # How long a render request waits for further edits before the plan is made (seconds).
        "PLAN_RENDER_DEBOUNCE_SECONDS": float(env.get("PLAN_RENDER_DEBOUNCE_SECONDS", "3")),
        # How long a worker holds a render; after it another worker takes it (the first died).
        "PLAN_RENDER_LEASE_SECONDS": float(env.get("PLAN_RENDER_LEASE_SECONDS", "120")),
        # How often the worker looks for render requests whose nudge was lost (seconds).
        "PLAN_RENDER_SWEEP_SECONDS": float(env.get("PLAN_RENDER_SWEEP_SECONDS", "30")),
        # The rubric (rubrics/versions/<key>-<version>.yaml) new assessments start on, at its latest version.
        "RUBRIC_KEY": env.get("RUBRIC_KEY", "crbp-vn"),
        "TESTING": app_env == "testing",
        # Mail (the names Flask-Mail and the ecosystem use). With no MAIL_SERVER mails are kept in
        # the outbox and listed on the admin's mail page, never sent (development).
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") in {"1", "true", "True"},
        "MAIL_USE_SSL": env.get("MAIL_USE_SSL", "") in {"1", "true", "True"},
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER",
                                       "Doanh nghiệp thân thiện gia đình <no-reply@localhost>"),
        # How often the mail worker looks at the outbox, in seconds.
        "MAIL_WORKER_INTERVAL": float(env.get("MAIL_WORKER_INTERVAL", "5")),
        # How long a sender holds a message it is sending; after that another sender may take it
        # (the first one died). Longer than an SMTP conversation can take.
        "MAIL_LEASE_SECONDS": float(env.get("MAIL_LEASE_SECONDS", "300")),
        # Where the links in mails point: the address people open the service at.
        "APP_BASE_URL": base_url or f"http://127.0.0.1:{env.get('PORT', '5000')}",
        # Companies may ask for an account themselves (a reviewer approves each request). Off
        # unless a Chamber turns it on; requests allowed per client address.
        "SELF_SIGNUP": env.get("SELF_SIGNUP", "") in {"1", "true", "True"},
        "SIGNUP_LIMIT_PER_ADDRESS": env.get("SIGNUP_LIMIT_PER_ADDRESS", "5 per hour"),
    }
