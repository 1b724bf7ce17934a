"""Page speed of the HR self-assessment under gunicorn (2 sync workers), measured with wrk.

    .venv/bin/python benchmarks/pages.py [--seconds 10] [--connections 32]

In one run: a bare hello-world (the ceiling), an area page GET as a signed-in HR user, an
area save POST and the results page of a submitted assessment (score card, legal gaps and plan,
drawn from the recorded result); prints requests/s, p50, p99 and the ratios to hello-world.
Targets (issue 4): area page >= 0.20 of hello-world, save >= 0.10.
Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAVE_ASSESSMENTS = 300  # saves rotate over these, so no two saves of one area are ever in flight
SAVE_LUA = """
-- Each wrk thread saves its own share of the assessments, so no two saves of one area race.
local threads = 0
setup = function(thread)
  thread:set("share", threads)
  threads = threads + 1
end
local ids = {}
local versions = {}
local i = 0
local cookie = os.getenv("BENCH_COOKIE")
local csrf = os.getenv("BENCH_CSRF")
init = function(args)
  local n = 0
  for id in string.gmatch(os.getenv("BENCH_IDS"), "%d+") do
    if n % 2 == share then table.insert(ids, id); versions[id] = 0 end
    n = n + 1
  end
end
request = function()
  i = i % #ids + 1
  local id = ids[i]
  local body = "csrf_token=" .. csrf .. "&version=" .. versions[id] .. "&leave__paternity=per_law"
     .. "&leave__maternity_policy=law_in_writing&leave__social_insurance_enrolment=" .. (90 + i % 10)
  return wrk.format("POST", "/assessments/" .. id .. "/areas/leave",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}, body)
end
response = function(status, headers, body)
  local location = headers["Location"]
  local version = headers["X-Area-Version"]
  if location and version then
    local id = string.match(location, "/assessments/(%d+)/")
    if id then versions[id] = tonumber(version) end
  end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> str:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def start_gunicorn(app: str, port: int, env: dict[str, str], workers: int = 2,
                   log: Path | None = None, threads: int = 1) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1:port, once it accepts connections: sync workers, or with
    `threads` > 1 threaded ones (gthread). Its output goes to `log` when given; the scale-out
    test reads it when something fails."""
    output = None if log is None else log.open("ab")
    worker_class = ["-k", "sync"] if threads == 1 else ["-k", "gthread", "--threads", str(threads)]
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-w", str(workers), *worker_class, "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", app], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None)
    if output is not None:
        output.close()  # the child has its own copy
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn for {app} did not start")


def found(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """The pattern's match in text; a clear failure (with the text's start) when there is none."""
    match = re.search(pattern, text, flags)
    if match is None:
        raise RuntimeError(f"{pattern!r} not found in: {text[:500]!r}")
    return match


def signed_in_client(app: Flask, email: str, password: str) -> FlaskClient:
    """A test client of `app`, signed in (the sign-in must succeed: a benchmark of the sign-in
    page by mistake would print fine-looking figures)."""
    client = app.test_client()
    token = found(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                  client.get("/auth/login").get_data(as_text=True)).group(1)
    reply = client.post("/auth/login", data={"csrf_token": token, "email": email, "password": password})
    if reply.status_code != 302:
        raise RuntimeError(f"{email} could not sign in (HTTP {reply.status_code})")
    return client


def sign_in(port: int, email: str = "hr@demo.vn", password: str = "demo-hr-2026") -> tuple[str, str]:
    """A demo user's session cookie (the HR officer's unless named) and a CSRF token for it."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/auth/login")
    response = conn.getresponse()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = found(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode()).group(1)
    body = urlencode({"csrf_token": token, "email": email, "password": password})
    conn.request("POST", "/auth/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    conn.request("GET", "/assessments/", headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    # Rendering the token stores it in the session: the cookie to use is the one sent back now.
    cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return cookie, token.group(1) if token else ""  # a reviewer's list has no form to post


def wrk(url: str, seconds: int, connections: int, env: dict[str, str], headers: dict[str, str] | None = None,
        script: str | None = None) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", script]
    output = subprocess.run([*args, url], env=env, check=True, capture_output=True, text=True).stdout

    def latency(label: str) -> float:
        value, unit = found(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(found(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": latency("50%"),
            "p99": latency("99%"), "errors": float(errors.group(1)) if errors else 0.0}


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")


def demo_database(database_url: str | None = None, **settings: str) -> tuple[Path, dict[str, str]]:
    """A throwaway folder, a migrated database holding the demo data (a SQLite file in the
    folder unless a URL is given), and the environment that points the app at it."""
    workdir = Path(tempfile.mkdtemp(prefix="ffw-bench-"))
    env = {**os.environ, "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.db'}",
           "UPLOAD_FOLDER": str(workdir), "JOBS_BROKER_URL": f"sqlite:///{workdir / 'jobs.db'}",
           "FLASK_APP": "wsgi", "PYTHONPATH": str(ROOT), "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
           "SECRET_KEY": "benchmark-" + "x" * 40, **settings}  # every gunicorn worker must sign cookies alike
    run([PYTHON, "-m", "flask", "db", "upgrade"], env)
    run([PYTHON, "-m", "flask", "demo", "load"], env)
    return workdir, env


def stop(processes: tuple[subprocess.Popen[bytes], ...], workdir: Path) -> None:
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def print_table(title: str, results: dict[str, dict[str, float]], goal: str) -> None:
    """One row per measurement, with its ratio to the first row (hello-world)."""
    ceiling = next(iter(results.values()))["rps"]
    print(title)
    print(f"{'':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'ratio':>8}{'errors':>8}")
    for name, r in results.items():
        print(f"{name:<18}{r['rps']:>10,.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['rps'] / ceiling:>8.2f}"
              f"{r['errors']:>8.0f}")
    print(goal)


def seed_save_targets(env: dict[str, str], count: int = SAVE_ASSESSMENTS) -> list[int]:
    """The demo HR company's submitted assessment and its draft, then drafts of its own, one per
    saved area in flight."""
    code = f"""
from sqlalchemy import select
from app import create_app
from app.extensions import db
from assessments.db import utcnow
from assessments.models import Assessment, User
from rubrics.loader import default_registry
app = create_app()
with app.app_context():
    hr = db.session.scalar(select(User).where(User.email == "hr@demo.vn"))
    draft = db.session.scalar(select(Assessment).where(Assessment.organisation_id == hr.organisation_id,
                                                       Assessment.status == "draft"))
    submitted = db.session.scalar(select(Assessment.id).where(Assessment.organisation_id == hr.organisation_id,
                                                              Assessment.status == "submitted"))
    rubric = default_registry().latest("crbp-vn")
    ids = []
    for n in range({count}):
        a = Assessment(organisation_id=hr.organisation_id, cycle=3000 + n, rubric_key=rubric.key,
                       rubric_version=rubric.version, rubric_hash=rubric.content_hash, profile=draft.profile,
                       profile_confirmed_at=utcnow())
        db.session.add(a)
        db.session.flush()
        ids.append(a.id)
    db.session.commit()
    print(submitted, draft.id, *ids)
"""
    return [int(x) for x in run([PYTHON, "-c", code], env).split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    require_wrk()
    workdir, env = demo_database()
    submitted, draft, *save_ids = seed_save_targets(env)

    hello_port, app_port = free_port(), free_port()
    hello = start_gunicorn("benchmarks.hello_app:app", hello_port, env)
    service = start_gunicorn("wsgi:app", app_port, env)
    try:
        cookie, csrf = sign_in(app_port)
        results = {"hello-world": wrk(f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections, env)}
        results["area page GET"] = wrk(f"http://127.0.0.1:{app_port}/assessments/{draft}/areas/leave", args.seconds,
                                       args.connections, env, headers={"Cookie": cookie})
        script = workdir / "save.lua"
        script.write_text(SAVE_LUA)
        save_env = {**env, "BENCH_COOKIE": cookie, "BENCH_CSRF": csrf, "BENCH_IDS": ",".join(map(str, save_ids))}
        results["area save POST"] = wrk(f"http://127.0.0.1:{app_port}", args.seconds, args.connections, save_env,
                                        script=str(script))
        results["results page GET"] = wrk(f"http://127.0.0.1:{app_port}/assessments/{submitted}/results",
                                          args.seconds, args.connections, env, headers={"Cookie": cookie})
    finally:
        stop((hello, service), workdir)
    print_table(f"gunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.seconds}s, 127.0.0.1", results,
                "targets: area page >= 0.20, save >= 0.10 of hello-world; errors should be 0")


if __name__ == "__main__":
    main()
