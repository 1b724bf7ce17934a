"""Settings: safe development defaults, and production refuses unsafe ones."""

from pathlib import Path

import pytest

from config import DEV_SECRET_KEY, ConfigError, load_config, normalise_database_url


def test_development_defaults_to_embedded_sqlite_and_vietnamese() -> None:
    config = load_config({})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/app.db")
    assert config["BABEL_DEFAULT_LOCALE"] == "vi"
    assert config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("secret", [None, DEV_SECRET_KEY, "too-short"])
def test_production_refuses_a_missing_default_or_short_secret(secret: str | None) -> None:
    env = {"APP_ENV": "production", "DATABASE_URL": "postgresql://db/ffw"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(env)


def test_production_requires_a_database_url() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config({"APP_ENV": "production", "SECRET_KEY": "x" * 40})


def test_production_cookies_are_secure() -> None:
    config = load_config({"APP_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgres://h/db"})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://h/db"


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigError):
        load_config({"APP_ENV": "staging"})


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_the_rubric_is_a_setting_checked_at_start(tmp_path: Path) -> None:
    """Issue 15 item 4: the rubric key is a setting, not a literal in four app modules."""
    from app import create_app

    assert load_config({})["RUBRIC_KEY"] == "crbp-vn"
    assert load_config({"RUBRIC_KEY": "other"})["RUBRIC_KEY"] == "other"
    database = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(ConfigError, match=r"RUBRIC_KEY 'crbp-xx' names no rubric.*crbp-vn"):
        create_app({"SQLALCHEMY_DATABASE_URI": database, "RUBRIC_KEY": "crbp-xx"})
    written = [str(path) for folder in ("app", "assessments") for path in (Path(__file__).parent.parent / folder)
               .rglob("*.py") if '"crbp-vn"' in path.read_text(encoding="utf-8")]
    assert written == []


PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://db/ffw"}


def test_mail_settings_use_the_ecosystems_names() -> None:
    config = load_config({**PRODUCTION, "MAIL_SERVER": "smtp.example.vn", "MAIL_PORT": "587", "MAIL_USE_TLS": "1",
                          "MAIL_USERNAME": "ffw", "MAIL_PASSWORD": "s3cret",
                          "MAIL_DEFAULT_SENDER": "FFW <no-reply@ffw.example.vn>",
                          "APP_BASE_URL": "https://ffw.example.vn/"})
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"], config["MAIL_USE_SSL"]) == (
        "smtp.example.vn", 587, True, False)
    assert (config["MAIL_USERNAME"], config["MAIL_PASSWORD"]) == ("ffw", "s3cret")
    assert config["MAIL_DEFAULT_SENDER"] == "FFW <no-reply@ffw.example.vn>"
    assert config["APP_BASE_URL"] == "https://ffw.example.vn"  # links are joined to it without a double slash


def test_production_with_a_mail_server_needs_the_address_links_point_to() -> None:
    with pytest.raises(ConfigError, match="APP_BASE_URL"):
        load_config({**PRODUCTION, "MAIL_SERVER": "smtp.example.vn"})
    assert load_config(PRODUCTION)["MAIL_SERVER"] == ""  # no server: mails are kept, nothing to point at


def test_development_links_point_at_the_port_make_run_serves() -> None:
    assert load_config({"PORT": "8000"})["APP_BASE_URL"] == "http://127.0.0.1:8000"
    assert load_config({})["SELF_SIGNUP"] is False
