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
