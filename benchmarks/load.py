"""Many people at once, through real app servers on this machine (issue 19).

    .venv/bin/python benchmarks/load.py [--seconds 60] [--runs 3] [--databases sqlite,postgresql] [--workers 2]

For each database: the demo data, one draft assessment per simulated HR officer, a job worker
beside the app servers, and two mixes of users, each for --seconds:

- stress: 20 users without pauses (the most the servers do);
- deadline day: 300 users pausing 1-3 s between requests, as people do.

SQLite runs one app server (its file lives on one machine); PostgreSQL runs two, on different
ports, with Redis as the job broker, and each request goes to the server with the fewest
requests open, as a proxy set to least connections does (--balance roundrobin: to each in
turn). Each app server is gunicorn with --workers sync workers. Of five users, two are HR
officers filling in their company's draft (the assessments page, an area page, a save), two
are officers of a company that has submitted (its results, its PDF plan) and one is a Chamber
reviewer (the queue, an assessment, the benchmarks). Besides them one HR officer edits a plan
action every 3 s and asks for its PDF, so the job worker is rendering PDFs throughout, and a
probe asks /healthz five times a second. Each mix runs --runs times on the same servers; printed
per mix: each run's figures on a line, then per request type the medians over the runs of
p50/p95/p99, and of the p95/p99 of the part spent in the app (its Server-Timing header; the rest
is waiting for a free worker), with requests/s and errors; and first, the ceiling: a bare Flask
hello-world under the same gunicorn, 20 users without pauses, in the same run, to which the
requests/s are compared (this machine's speed changes with its neighbours: ratios and medians
carry over, one run's absolute figures do not).

Targets: 0 errors; deadline day: every page p95 < 200 ms, the PDF download p95 < 100 ms (it is
always a stored file), /healthz p99 < 50 ms while PDFs render; stress: more requests/s than the
190 an outside test measured before issue 19. The client, the servers, the worker and the
databases share this machine's cores. Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pages import PYTHON, demo_database, free_port, sign_in, start_gunicorn, stop  # noqa: E402

STRESS_USERS = 20
DEADLINE_USERS = 300
REVIEWER_SHARE = 5  # every fifth user is a reviewer
PLAN_EDIT_EVERY = 3.0  # seconds between the plan editor's saves
HEALTH_EVERY = 0.2
BEFORE_ISSUE_19_RPS = 190  # the outside test's figure: 20 users, SQLite, 2 workers, quiet machine


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    cookies: dict[str, str]  # what Set-Cookie asked to store
    body: bytes


async def http(port: int, method: str, path: str, cookies: dict[str, str],
               form: dict[str, str] | None = None) -> Reply:
    """One request on a connection of its own (gunicorn's sync workers close each one)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = urlencode(form).encode() if form is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", "Accept-Language: vi"]
    if cookies:
        head.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()))
    if form is not None:
        head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    raw = await reader.read()  # to the end: the server closes the connection after its reply
    writer.close()
    header_block, _sep, content = raw.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    new_cookies: dict[str, str] = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        if name.lower() == "set-cookie":
            cookie_name, _eq, rest = value.strip().partition("=")
            new_cookies[cookie_name] = rest.split(";")[0]
        else:
            headers[name.lower()] = value.strip()
    return Reply(int(lines[0].split()[1]), headers, new_cookies, content)


@dataclass
class Recorder:
    """Latencies (ms) and errors per request type, for the requests that ended inside the window."""

    until: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    in_app: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # Server-Timing's app
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)

    def running(self) -> bool:
        # Loops check this as well as being cancelled: asyncio.wait_for in Python 3.11 can swallow
        # a cancellation that arrives just as the request ends, and the user would go on for ever.
        return time.monotonic() < self.until

    async def request(self, kind: str, call: Awaitable[Reply], ok: Callable[[Reply], bool]) -> Reply | None:
        started = time.monotonic()
        try:
            reply: Reply | None = await asyncio.wait_for(call, 30)
            good = reply is not None and ok(reply)
            problem = "" if good else f"{kind}: HTTP {reply.status if reply else '?'}"
        except (TimeoutError, OSError, IndexError, ValueError) as error:
            reply, good, problem = None, False, f"{kind}: {type(error).__name__} {error}"
        ended = time.monotonic()
        if ended <= self.until:
            self.latencies[kind].append((ended - started) * 1000)
            timing = re.fullmatch(r"app;dur=([\d.]+)", reply.headers.get("server-timing", "")) if reply else None
            if timing:
                self.in_app[kind].append(float(timing.group(1)))
            if not good:
                self.errors[kind] += 1
                if len(self.samples) < 5:
                    self.samples.append(problem)
        return reply


@dataclass
class Officer:
    """A signed-in person: their session cookies, the CSRF token of that session, their draft."""

    cookies: dict[str, str]
    csrf: str
    draft: int = 0


@dataclass
class Site:
    """What the simulated people use: the app servers' ports, signed-in sessions and the records
    they work on. Each request goes to the server with the fewest requests open (a proxy's least
    connections: nginx `least_conn`, HAProxy `balance leastconn`), or with `balance="roundrobin"`
    to each server in turn."""

    ports: list[int]
    hr: Officer  # the demo company's HR officer
    reviewer: Officer
    drafting: list[Officer]  # each with a company and a draft of their own
    download: int  # a submitted assessment whose PDF is stored
    plan: int  # the submitted assessment whose plan action the editor keeps changing
    plan_item: int
    reviewable: list[int]
    balance: str = "leastconn"
    open_requests: dict[int, int] = field(init=False)
    turn: Iterator[int] = field(init=False)

    def __post_init__(self) -> None:
        self.open_requests = dict.fromkeys(self.ports, 0)
        self.turn = cycle(self.ports)

    def _server(self) -> int:
        port = next(self.turn)  # in turn; with least connections, among those with the fewest open
        if self.balance == "leastconn":
            fewest = min(self.open_requests.values())
            while self.open_requests[port] != fewest:
                port = next(self.turn)
        return port

    async def _send(self, method: str, path: str, cookies: dict[str, str], form: dict[str, str] | None) -> Reply:
        port = self._server()  # chosen when the request is sent, as a proxy does
        self.open_requests[port] += 1
        try:
            return await http(port, method, path, cookies, form)
        finally:
            self.open_requests[port] -= 1

    def get(self, path: str, cookies: dict[str, str]) -> Awaitable[Reply]:
        return self._send("GET", path, cookies, None)

    def post(self, path: str, cookies: dict[str, str], csrf: str, form: dict[str, str]) -> Awaitable[Reply]:
        return self._send("POST", path, cookies, {"csrf_token": csrf, **form})


def page(reply: Reply) -> bool:
    return reply.status == 200


def redirected(reply: Reply) -> bool:
    return reply.status == 302


def stored_pdf(reply: Reply) -> bool:
    return reply.status == 200 and reply.body.startswith(b"%PDF")


def area_version(reply: Reply | None) -> str | None:
    found = reply is not None and re.search(rb'name="version" (?:type="hidden" )?value="(\d+)"', reply.body)
    return found.group(1).decode() if found else None


async def drafting_officer(site: Site, rec: Recorder, officer: Officer,
                           pause: Callable[[], Awaitable[None]]) -> None:
    """An HR officer filling in their company's draft: the assessments page, an area, a save."""
    cookies = dict(officer.cookies)
    area = f"/assessments/{officer.draft}/areas/leave"
    version: str | None = None
    while rec.running():
        step = random.choices(("list", "area", "save"), weights=(1, 3, 2))[0]
        if step == "save" and version is not None:
            reply = await rec.request("area save POST", site.post(area, cookies, officer.csrf, {
                "version": version, "leave__paternity": "per_law", "leave__maternity_policy": "law_in_writing",
                "leave__social_insurance_enrolment": str(random.randint(80, 100))}), redirected)
            version = reply.headers.get("x-area-version", version) if reply else version
        elif step in ("area", "save"):
            reply = await rec.request("area page", site.get(area, cookies), page)
            version = area_version(reply) or version
        else:
            reply = await rec.request("HR assessments", site.get("/assessments/", cookies), page)
        if reply is not None:
            cookies |= reply.cookies  # flashed messages ride in the session cookie
        await pause()


# A page someone reads: its name in the figures, its path (drawn afresh each time), what a good reply is.
Page = tuple[str, Callable[[Site], str], Callable[[Reply], bool]]


async def reader(site: Site, rec: Recorder, officer: Officer, pages: list[tuple[int, Page]],
                 pause: Callable[[], Awaitable[None]]) -> None:
    """Someone who only reads: one of `pages` at a time, chosen by weight."""
    cookies = dict(officer.cookies)
    while rec.running():
        kind, path, ok = random.choices([p for _w, p in pages], weights=[w for w, _p in pages])[0]
        reply = await rec.request(kind, site.get(path(site), cookies), ok)
        if reply is not None:
            cookies |= reply.cookies
        await pause()


# An HR officer of the demo company, which has submitted: its results and its PDF plan.
SUBMITTED_OFFICER: list[tuple[int, Page]] = [
    (1, ("HR assessments", lambda site: "/assessments/", page)),
    (2, ("results", lambda site: f"/assessments/{site.download}/results", page)),
    (2, ("PDF download", lambda site: f"/assessments/{site.download}/plan.pdf", stored_pdf))]
REVIEWER: list[tuple[int, Page]] = [
    (2, ("review queue", lambda site: "/review/", page)),
    (2, ("review assessment", lambda site: f"/review/{random.choice(site.reviewable)}", page)),
    (1, ("benchmarks", lambda site: "/compare/benchmarks", page))]


async def plan_editor(site: Site, rec: Recorder) -> None:
    """Keeps changing one plan action, so the job worker keeps rendering the plan's PDFs."""
    cookies = dict(site.hr.cookies)
    edits = 0
    while rec.running():
        reply = await rec.request("results", site.get(f"/assessments/{site.plan}/results", cookies), page)
        found = reply and re.search(rb'/plan/%d".*?name="version"[^>]*value="(\d+)"' % site.plan_item, reply.body,
                                    re.S)
        if reply is not None and found:
            cookies |= reply.cookies
            edits += 1
            reply = await rec.request("plan edit POST", site.post(f"/assessments/{site.plan}/plan/{site.plan_item}",
                                                                  cookies, site.hr.csrf, {
                "version": found.group(1).decode(), "text": f"Rà soát quy chế nghỉ thai sản (lần {edits})",
                "owner_user_id": "", "owner": "Nguyễn Thị Lan", "due_date": "2027-03-31",
                "status": "in_progress"}), redirected)
            cookies |= reply.cookies if reply is not None else {}
            # and wants it on paper: a page saying it is being made (202), or the PDF
            reply = await rec.request("PDF after an edit", site.get(f"/assessments/{site.plan}/plan.pdf", cookies),
                                      lambda r: r.status == 202 or stored_pdf(r))
            cookies |= reply.cookies if reply is not None else {}
        await asyncio.sleep(PLAN_EDIT_EVERY)


async def health_probe(site: Site, rec: Recorder) -> None:
    while rec.running():
        await rec.request("/healthz", site.get("/healthz", {}), page)
        await asyncio.sleep(HEALTH_EVERY)


async def run_mix(site: Site, users: int, seconds: float, pausing: bool) -> Recorder:
    rec = Recorder(until=time.monotonic() + seconds)

    async def pause() -> None:
        if pausing:
            await asyncio.sleep(random.uniform(1, 3))

    async def staggered(delay: float, work: Awaitable[None]) -> None:
        await asyncio.sleep(delay)  # people do not all press at the same instant
        await work

    spread = 3.0 if pausing else 0.5
    def person(n: int) -> Awaitable[None]:  # of five people: two fill in drafts, two read results, one reviews
        if n % 5 == 4:
            return reader(site, rec, site.reviewer, REVIEWER, pause)
        if n % 5 in (1, 3):
            return reader(site, rec, site.hr, SUBMITTED_OFFICER, pause)
        return drafting_officer(site, rec, site.drafting[n // 5 * 2 + n % 5 // 2], pause)

    tasks = [asyncio.create_task(staggered(random.uniform(0, spread), person(n))) for n in range(users)]
    tasks += [asyncio.create_task(plan_editor(site, rec)), asyncio.create_task(health_probe(site, rec))]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return rec


async def hello_mix(port: int, seconds: float) -> Recorder:
    rec = Recorder(until=time.monotonic() + seconds)

    async def user() -> None:
        while rec.running():
            await rec.request("hello-world", http(port, "GET", "/", {}), page)

    tasks = [asyncio.create_task(user()) for _ in range(STRESS_USERS)]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return rec


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# Not pages people wait on in numbers: the probe, and the plan editor's requests (20 a run: too few for a p95).
PAGE_KINDS_EXCLUDED = ("/healthz", "PDF after an edit", "plan edit POST")


@dataclass(frozen=True)
class Figures:
    """One run of a mix, summed up: what the README's table and the issue's targets are about."""

    rps: float
    errors: int
    slowest: tuple[str, float]  # the page with the highest p95 (of those with enough samples)
    health_p99: float | None  # None: no probe in this mix (hello-world)
    pdf_p95: float | None

    def line(self) -> str:
        targets = "" if self.health_p99 is None or self.pdf_p95 is None else (
            f", /healthz p99 {self.health_p99:.1f} ms, PDF download p95 {self.pdf_p95:.1f} ms")
        return (f"{self.rps:,.0f} req/s, {self.errors} errors{targets}, slowest page p95 {self.slowest[1]:.1f} ms "
                f"({self.slowest[0]})")


def figures(rec: Recorder, seconds: float) -> Figures:
    pages = {kind: percentile(values, 0.95) for kind, values in rec.latencies.items()
             if kind not in PAGE_KINDS_EXCLUDED}
    health, pdf = rec.latencies.get("/healthz"), rec.latencies.get("PDF download")
    return Figures(sum(len(v) for v in rec.latencies.values()) / seconds, sum(rec.errors.values()),
                   max(pages.items(), key=lambda item: item[1], default=("", 0.0)),
                   percentile(health, 0.99) if health else None, percentile(pdf, 0.95) if pdf else None)


def report(title: str, runs: list[Recorder], seconds: float, ceiling: float | None = None) -> None:
    """Each run's figures on a line, then per request type the median over the runs of each
    run's p50/p95/p99 (the machine's neighbours come and go: one run's p99 rests on its three
    slowest probes). Counts and errors are summed over the runs."""
    each = [figures(rec, seconds) for rec in runs]
    rps = statistics.median(f.rps for f in each)
    errors = sum(f.errors for f in each)
    of_ceiling = f" ({rps / ceiling:.3f} of hello-world)" if ceiling else ""
    print(f"\n{title}: {rps:,.0f} req/s{of_ceiling}, {errors} errors" + (
        f"; medians of {len(runs)} runs of {seconds:.0f} s" if len(runs) > 1 else ""))
    if len(runs) > 1:
        for n, f in enumerate(each, start=1):
            print(f"  run {n}: {f.line()}")
    # "in app": the part of a request spent in the app (its Server-Timing), the rest being the wait
    # for a free worker and the trip through the network and gunicorn.
    print(f"  {'request':<20}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'in app p95':>12}{'p99':>7}")

    def median_of(kind: str, share: float, source: str = "latencies") -> float:
        values = [getattr(rec, source).get(kind) for rec in runs]
        return statistics.median(percentile(v, share) for v in values if v)

    for kind in sorted({kind for rec in runs for kind in rec.latencies}):
        count = sum(len(rec.latencies.get(kind, ())) for rec in runs)
        in_app = any(rec.in_app.get(kind) for rec in runs)
        print(f"  {kind:<20}{count:>8}{sum(rec.errors.get(kind, 0) for rec in runs):>8}"
              f"{median_of(kind, 0.5):>9.1f}{median_of(kind, 0.95):>9.1f}{median_of(kind, 0.99):>9.1f}" + (
                  f"{median_of(kind, 0.95, 'in_app'):>12.1f}{median_of(kind, 0.99, 'in_app'):>7.1f}" if in_app else ""))
    for rec in runs:
        for sample in rec.samples:
            print(f"  error: {sample}")


SEED = """
import sys
from sqlalchemy import delete, select
from app import create_app
from app.extensions import db
from assessments.db import today_in_viet_nam, utcnow
from assessments.models import Assessment, Organisation, PlanItem, PlanRender, Role, User
from assessments.passwords import hash_password
from assessments.services.reports import plan_pdf
from rubrics.loader import default_registry
app = create_app()
with app.app_context():
    hr = db.session.scalar(select(User).where(User.email == "hr@demo.vn"))
    own = list(db.session.scalars(select(Assessment).where(Assessment.organisation_id == hr.organisation_id)
                                  .order_by(Assessment.cycle)))
    draft = next(a for a in own if a.status == "draft")
    plan_item = db.session.scalar(select(PlanItem).where(PlanItem.assessment_id.in_([a.id for a in own]))
                                  .order_by(PlanItem.id))
    plan = db.session.get(Assessment, plan_item.assessment_id)
    download = next(a for a in own if a.status != "draft" and a is not plan)
    rubric = default_registry().latest("crbp-vn")
    password = hash_password(sys.argv[2])  # hashed once: every company's officer signs in with it
    drafts = []
    for n in range(int(sys.argv[1])):  # a company of its own for each officer filling in a draft
        company = Organisation(name=f"Công ty thử tải {n + 1}", tax_code=f"9{n:09d}", province_code="hung-yen",
                               sector_code="garment-textile", workforce_total=800, workforce_women=560)
        db.session.add(company)
        db.session.flush()
        db.session.add(User(email=f"load-{n}@example.vn", password_hash=password, role=Role.HR,
                            organisation_id=company.id))
        a = Assessment(organisation_id=company.id, cycle=today_in_viet_nam().year, rubric_key=rubric.key,
                       rubric_version=rubric.version, rubric_hash=rubric.content_hash, profile=draft.profile,
                       profile_confirmed_at=utcnow())
        db.session.add(a)
        db.session.flush()
        drafts.append(a.id)
    # The demo's own render requests would have the worker busy with them; this run makes its own.
    db.session.execute(delete(PlanRender))
    plan_pdf(db.session, download, default_registry().get(download.rubric_key, download.rubric_version), "vi")
    db.session.commit()
    reviewable = db.session.scalars(select(Assessment.id).where(Assessment.status != "draft")).all()
    print(download.id, plan.id, plan_item.id, ",".join(map(str, reviewable)), *drafts)
"""
LOAD_PASSWORD = "load-test-password-2026"


def drafting_users(users: int) -> int:
    return users // 5 * 2 + min(users % 5, 2)


@contextmanager
def deployment(database: str, workers: int, users: int, threads: int = 1, balance: str = "leastconn") -> Iterator[Site]:
    """The demo database, the app servers (one on SQLite, two on PostgreSQL) and a job worker."""
    extra: list[object] = []
    settings = {"API_RATE_LIMIT_PER_ADDRESS": "1000000 per minute"}
    url = None
    if database == "postgresql":
        from tests.support.postgres import start_postgres
        from tests.support.redis import start_redis

        postgres, redis = start_postgres(), start_redis()
        extra += [postgres, redis]
        url = postgres.create_database("ffw_load")
        settings["JOBS_BROKER_URL"] = redis.url(0)
    workdir, env = demo_database(url, **settings)
    seeded = subprocess.run([PYTHON, "-c", SEED, str(drafting_users(users)), LOAD_PASSWORD], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if seeded.returncode:
        sys.exit(seeded.stderr)
    download, plan, plan_item, reviewable, *drafts = seeded.stdout.split()
    ports = [free_port() for _ in range(2 if database == "postgresql" else 1)]
    log = workdir / "servers.log"
    processes = [start_gunicorn("wsgi:app", port, env, workers=workers, log=log, threads=threads) for port in ports]
    with log.open("ab") as output:
        processes.append(subprocess.Popen([PYTHON, "-m", "flask", "jobs", "worker"], cwd=ROOT, env=env, stdout=output,
                                          stderr=subprocess.STDOUT))
    try:
        def officer(email: str, password: str, draft: str = "0") -> Officer:
            cookie, csrf = sign_in(ports[0], email, password)
            return Officer(dict([cookie.split("=", 1)]), csrf, int(draft))

        with ThreadPoolExecutor(4) as pool:  # 120 sign-ins (scrypt, 50 ms each) on both cores
            drafting = list(pool.map(lambda n: officer(f"load-{n}@example.vn", LOAD_PASSWORD, drafts[n]),
                                     range(len(drafts))))
        yield Site(ports, officer("hr@demo.vn", "demo-hr-2026"), officer("reviewer@demo.vn", "demo-reviewer-2026"),
                   drafting, int(download), int(plan), int(plan_item), [int(r) for r in reviewable.split(",")], balance)
    finally:
        stop(tuple(processes), workdir)
        for server in extra:
            server.stop()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (1: sync workers)")
    parser.add_argument("--balance", choices=("leastconn", "roundrobin"), default="leastconn",
                        help="how the simulated proxy spreads requests over the two PostgreSQL app servers")
    parser.add_argument("--mixes", default="stress,deadline", help="which mixes to run (stress, deadline or both)")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each mix; the figures are the medians over them (1: a quick look)")
    args = parser.parse_args()
    kind = "sync workers" if args.threads == 1 else f"workers of {args.threads} threads"
    print(f"{os.cpu_count()} cores; gunicorn {args.workers} {kind} per app server; {args.seconds:.0f} s a mix; "
          f"{args.balance} over the PostgreSQL app servers")

    hello_port = free_port()
    hello = start_gunicorn("benchmarks.hello_app:app", hello_port, {**os.environ, "PYTHONPATH": str(ROOT)},
                           workers=args.workers)
    hello_seconds = min(args.seconds, 10)
    try:
        hello_runs = [asyncio.run(hello_mix(hello_port, hello_seconds)) for _ in range(args.runs)]
        report(f"ceiling: hello-world, {STRESS_USERS} users without pauses", hello_runs, hello_seconds)
    finally:
        hello.terminate()
        hello.wait()
    ceiling = statistics.median(figures(rec, hello_seconds).rps for rec in hello_runs)
    for database in args.databases.split(","):
        servers = "two app servers" if database == "postgresql" else "one app server"
        with deployment(database, args.workers, DEADLINE_USERS, args.threads, args.balance) as site:
            if "stress" in args.mixes:
                report(f"{database}, {servers}: stress, {STRESS_USERS} users without pauses",
                       [asyncio.run(run_mix(site, STRESS_USERS, args.seconds, pausing=False))
                        for _ in range(args.runs)], args.seconds, ceiling)
            if "deadline" in args.mixes:
                report(f"{database}, {servers}: deadline day, {DEADLINE_USERS} users pausing 1-3 s",
                       [asyncio.run(run_mix(site, DEADLINE_USERS, args.seconds, pausing=True))
                        for _ in range(args.runs)], args.seconds, ceiling)
    print(f"\ntargets: 0 errors; deadline day p95 < 200 ms on every page, PDF download p95 < 100 ms, /healthz "
          f"p99 < 50 ms; stress above the {BEFORE_ISSUE_19_RPS} req/s measured before issue 19")


if __name__ == "__main__":
    main()
