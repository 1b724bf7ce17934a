"""Speed of the workers' answering page under gunicorn (2 sync workers), measured with wrk.

    .venv/bin/python benchmarks/survey.py [--seconds 5] [--connections 32] [--runs 3]

In one run, alternating so that the machine's state weighs on each alike: a bare hello-world
(the ceiling), the answering page GET of the demo's open round as a new phone (no cookie), and
one answer POSTed as a phone that began its response. Prints the median of `--runs` of each
(requests/s, p50, p99) and the ratio to hello-world. Goal (issue 17): the page at least 0.3 of
hello-world, so a factory shift's answers arrive within minutes.
Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pages import (  # noqa: E402
    PYTHON,
    demo_database,
    free_port,
    print_table,
    require_wrk,
    run,
    start_gunicorn,
    stop,
    wrk,
)

ANSWER_LUA = """
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
"""


def open_round_slug(env: dict[str, str]) -> str:
    code = """
from sqlalchemy import select
from app import create_app
from app.extensions import db
from assessments.db import today_in_viet_nam
from assessments.models import SurveyRound
from assessments.services.surveys import RoundState, round_state
app = create_app()
with app.app_context():
    today = today_in_viet_nam()
    print(next(r.slug for r in db.session.scalars(select(SurveyRound)) if round_state(r, today) == RoundState.OPEN))
"""
    return run([PYTHON, "-c", code], env).strip()


def begin(port: int, slug: str) -> tuple[str, str]:
    """A phone that opened the page and gave its first answer: its cookies and CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", f"/s/{slug}")
    response = conn.getresponse()
    session = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)  # type: ignore[union-attr]
    body = urlencode({"csrf_token": token, "lactation_room": "yes"})
    conn.request("POST", f"/s/{slug}/answer", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                      "Accept": "application/json", "Cookie": session})
    response = conn.getresponse()
    assert response.status == 200, response.read()
    response.read()
    secret = response.getheader("Set-Cookie", "").split(";")[0]
    return f"{session}; {secret}", token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    require_wrk()
    workdir, env = demo_database()
    slug = open_round_slug(env)

    hello_port, app_port = free_port(), free_port()
    hello = start_gunicorn("benchmarks.hello_app:app", hello_port, env)
    service = start_gunicorn("wsgi:app", app_port, env)
    runs: dict[str, list[dict[str, float]]] = {"hello-world": [], "answer page GET": [], "one answer POST": []}
    try:
        cookie, token = begin(app_port, slug)
        script = workdir / "answer.lua"
        script.write_text(ANSWER_LUA)
        post_env = {**env, "BENCH_COOKIE": cookie,
                    "BENCH_BODY": urlencode({"csrf_token": token, "nursing_break": "yes"})}
        for _ in range(args.runs):
            runs["hello-world"].append(wrk(f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections, env))
            runs["answer page GET"].append(wrk(f"http://127.0.0.1:{app_port}/s/{slug}", args.seconds,
                                               args.connections, env))
            runs["one answer POST"].append(wrk(f"http://127.0.0.1:{app_port}/s/{slug}/answer", args.seconds,
                                               args.connections, post_env, script=str(script)))
    finally:
        stop((hello, service), workdir)
    median = {name: {key: statistics.median(r[key] for r in results) for key in results[0]}
              for name, results in runs.items()}
    print_table(f"gunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.seconds}s, 127.0.0.1, "
                f"median of {args.runs} runs", median,
                "goal: answer page GET >= 0.30 of hello-world; errors should be 0")


if __name__ == "__main__":
    main()
