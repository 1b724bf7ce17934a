"""Every documented way of running serves Vietnamese, also from a fresh clone that never ran
`make` (compiled catalogues are not in git): the production steps of the README, for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_production_steps_on_a_fresh_clone_serve_vietnamese(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    assert not list(clone.glob("app/translations/*/LC_MESSAGES/*.mo")), "a fresh clone has no compiled catalogue"
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "x" * 40,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}", "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    env.pop("FLASK_APP", None)
    # README: `flask --app wsgi db upgrade`, then `gunicorn -w 2 wsgi:app`.
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=clone, env=env, check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=clone, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert '<html lang="vi">' in page and "Đăng nhập" in page and "Mật khẩu" in page, page[:500]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_catalogues_compile_when_stale_and_elsewhere_when_read_only(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import tempfile

    from babel.support import Translations

    from app.i18n import TRANSLATIONS_DIR, compiled_catalogues

    source = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, source, ignore=shutil.ignore_patterns("*.mo"))
    assert compiled_catalogues(source) == source
    compiled = source / "vi" / "LC_MESSAGES" / "messages.mo"
    assert Translations(compiled.open("rb")).gettext("Sign in") == "Đăng nhập"
    # Stale (the .po is newer): compiled again; up to date: left alone.
    os.utime(compiled, (1, 1))
    assert compiled_catalogues(source) == source and compiled.stat().st_mtime > 1
    before = compiled.stat().st_mtime_ns
    compiled_catalogues(source)
    assert compiled.stat().st_mtime_ns == before
    # A read-only install: compiled into a private folder instead.
    compiled.unlink()
    real_mkstemp = tempfile.mkstemp

    def refuse_in_source(*args, **kwargs):  # type: ignore[no-untyped-def]
        if str(kwargs.get("dir", "")).startswith(str(source)):
            raise PermissionError("read-only")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refuse_in_source)
    elsewhere = compiled_catalogues(source)
    assert elsewhere != source and not compiled.exists()
    assert Translations((elsewhere / "vi" / "LC_MESSAGES" / "messages.mo").open("rb")).gettext("Sign in") == "Đăng nhập"
