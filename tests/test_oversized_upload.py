"""An upload over the size limit, sent the way browsers send it (the whole body at once, no
`Expect: 100-continue`), gets the 413 page, not a connection reset halfway (issue 12.12).

Run against the real servers: gunicorn (production) and Werkzeug's (make run)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app

ROOT = Path(__file__).resolve().parent.parent
BODY_BYTES = 11 * 1024 * 1024  # the default limit is 10 MB


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post_raw(port: int, body_bytes: int) -> bytes:
    """A multipart POST of `body_bytes`, written in one go like a browser's; what came back."""
    boundary = "----ffwboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    payload = head + b"x" * (body_bytes - len(head) - len(tail)) + tail
    request = (f"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
               f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(payload)}\r\n\r\n"
               ).encode() + payload
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)  # a broken pipe or a reset here is the bug
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def gunicorn_port(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
           "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def werkzeug_port(tmp_path: Path) -> Iterator[int]:
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(5)


@pytest.mark.parametrize("server", ["gunicorn_port", "werkzeug_port"])
def test_an_oversized_upload_gets_the_413_page(server: str, request: pytest.FixtureRequest) -> None:
    port = request.getfixturevalue(server)
    answer = post_raw(port, BODY_BYTES)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert "Dữ liệu quá lớn".encode() in answer  # the page says what happened, in Vietnamese
