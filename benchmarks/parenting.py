"""The parenting pages and exports over 200,000 sessions, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/parenting.py [--sessions 200000] [--runs 5] [--sqlite-only]

Seeds a migrated database (demo data, then N sessions spread over the 34 provinces, the
programmes, venues and three years, each with a topic and a third with a registered facilitator,
who has a DHIS2 option combo; this year's targets in every province) and prints, through the
Flask app signed in as a UNICEF officer, the median time of: the dashboard (figures, progress
against targets, the map and the trends), the dashboard filtered to a province, the targets page
and the facilitators page; and the time of the CSV and DHIS2 exports. Each is also given as a
ratio to /healthz measured in the same run.
Goal (issue 18): every page under 150 ms, exports streamed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessments.db import utcnow  # noqa: E402
from assessments.dhis2 import DEFAULT_MAPPING  # noqa: E402
from assessments.provinces import PROVINCES  # noqa: E402
from benchmarks.pages import signed_in_client  # noqa: E402

PAGES = {
    "dashboard": "/parenting/",
    "dashboard, one province": "/parenting/?province=lam-dong",
    "targets page": "/parenting/targets",
    "facilitators page": "/parenting/facilitators",
}
EXPORTS = {"CSV export, one province": "/parenting/export.csv?province=lam-dong",
           # With both disaggregations declared: by kind of venue (the shipped mapping) and per
           # facilitator (added to a copy of it here), the heaviest form of the document.
           "DHIS2 export, every session": "/parenting/export/dhis2.json"}


def seed(database_url: str, count: int) -> None:
    """N sessions written in bulk (not through the services: the point is the reading side)."""
    from sqlalchemy import create_engine, delete, insert, select, update
    from sqlalchemy.orm import Session

    from assessments.models import (
        Facilitator,
        ParentingSession,
        ParentingTarget,
        Programme,
        Topic,
        session_facilitators,
        session_topics,
    )
    from assessments.services.session_totals import recount

    engine = create_engine(database_url)
    rng = random.Random(200_000)
    today = date.today()
    now = utcnow()
    with engine.begin() as connection:
        programmes = connection.execute(select(Programme.id, Programme.key)).all()
        topics = {pid: [t for t, in connection.execute(select(Topic.id).where(Topic.programme_id == pid))]
                  for pid, _key in programmes}
        for fid, in connection.execute(select(Facilitator.id)).all():  # the demo's: every one needs its own
            connection.execute(update(Facilitator).where(Facilitator.id == fid).values(
                dhis2_option_combo=f"D{fid:010d}"))
        facilitators = []
        for number in range(300):
            pid, _key = programmes[number % len(programmes)]
            facilitators.append(connection.scalar(insert(Facilitator).returning(Facilitator.id).values(
                full_name=f"Người hướng dẫn {number}", works_at="", programme_id=pid,
                province_code=PROVINCES[number % len(PROVINCES)].code, trained_by="", active=True, version=1,
                dhis2_option_combo=f"F{number:010d}", created_at=now)))
        connection.execute(delete(ParentingTarget))  # the demo's, replaced by one in every province
        connection.execute(insert(ParentingTarget), [
            {"year": today.year, "province_code": p.code, "programme_id": pid, "sessions": 2_000,
             "participants": 50_000, "fathers_percent": 25, "workplaces": 40, "version": 1, "updated_at": now}
            for p in PROVINCES for pid, _key in programmes])
        batch = 20_000
        for start in range(0, count, batch):
            rows, links, led = [], [], []
            for n in range(start, min(start + batch, count)):
                pid, _key = programmes[n % len(programmes)]
                province = PROVINCES[rng.randrange(len(PROVINCES))].code
                women, men = rng.randint(5, 40), rng.randint(0, 15)
                day = today - timedelta(days=rng.randrange(3 * 365))
                rows.append({"id": n + 1_000_000, "programme_id": pid, "session_date": day, "duration_minutes": 90,
                             "venue_type": rng.choice(("community", "commune_health_station", "online")),
                             "province_code": province, "commune": f"Xã {n % 500}", "shift": "",
                             "place_key": f"bench:{n}", "facilitator": "", "participants_total": women + men,
                             "participants_female": women, "participants_male": men, "ethnic_minority": 0,
                             "internal_migrants": 0, "notes": "", "version": 1, "created_at": now,
                             "updated_at": now})
                links.append({"session_id": n + 1_000_000, "topic_id": topics[pid][0]})
                if n % 3 == 0:
                    led.append({"session_id": n + 1_000_000, "facilitator_id": facilitators[n % len(facilitators)]})
            connection.execute(insert(ParentingSession), rows)
            connection.execute(insert(session_topics), links)
            connection.execute(insert(session_facilitators), led)
    with Session(engine) as session:  # written around the services: add them up as the migration does
        recount(session)
        session.commit()


def measure(database_url: str, count: int, runs: int) -> dict[str, tuple[float, float]]:
    """Name -> (seconds, ratio to /healthz)."""
    workdir = Path(tempfile.mkdtemp(prefix="ffw-parenting-"))
    env = {**os.environ, "DATABASE_URL": database_url, "UPLOAD_FOLDER": str(workdir), "FLASK_APP": "wsgi",
           "PYTHONPATH": str(ROOT)}
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([sys.executable, "-m", "flask", *command], env=env, cwd=ROOT, check=True, capture_output=True)
    started = time.perf_counter()
    seed(database_url, count)
    print(f"  seeded {count:,} sessions in {time.perf_counter() - started:.0f} s")
    mapping = workdir / "dhis2_mapping.yaml"
    mapping.write_text(DEFAULT_MAPPING.read_text() + "facilitators:\n  sessions_data_element: Sbenchmark1\n"
                       "  participants_data_element: Pbenchmark1\n")
    os.environ.update({"DATABASE_URL": database_url, "UPLOAD_FOLDER": str(workdir), "DHIS2_MAPPING_FILE": str(mapping)})
    from app import create_app

    client = signed_in_client(create_app(), "unicef@demo.vn", "demo-unicef-2026")

    def timed(url: str, times: int) -> float:
        spent = []
        for _ in range(times):
            start = time.perf_counter()
            response = client.get(url)
            body = response.get_data()  # a streamed export is read to its end
            spent.append(time.perf_counter() - start)
            assert response.status_code == 200 and body, url
        return statistics.median(spent)

    baseline = timed("/healthz", runs * 4)
    results = {}
    for name, url in {**PAGES, **EXPORTS}.items():
        timed(url, 1)  # warm: caches, compiled statements
        seconds = timed(url, runs if name in PAGES else 1)
        results[name] = (seconds, seconds / baseline)
    results["baseline: /healthz"] = (baseline, 1.0)
    shutil.rmtree(workdir, ignore_errors=True)
    return results


def report(results: dict[str, tuple[float, float]]) -> None:
    for name, (seconds, ratio) in results.items():
        goal = "" if name.startswith("baseline") else (
            " (goal < 150 ms: " + ("ok" if seconds < 0.150 else "over") + ")" if name in PAGES else "")
        print(f"  {name:<32} {seconds * 1000:8.1f} ms  {ratio:8.0f} x /healthz{goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    backends = {"SQLite": f"sqlite:///{Path(tempfile.mkdtemp(prefix='ffw-parenting-db-')) / 'bench.db'}"}
    server = None
    if not args.sqlite_only:
        from tests.support.postgres import find_bindir, start_postgres

        if find_bindir() is not None:
            server = start_postgres()
            backends["PostgreSQL"] = server.create_database("ffw_parenting")
        else:
            print("PostgreSQL is not installed: measuring SQLite only")
    try:
        for backend, url in backends.items():
            print(f"{backend}, {args.sessions:,} sessions, median of {args.runs}:")
            # Each backend in its own process: the app binds its database at start.
            subprocess.run([sys.executable, __file__, "--only-url", url, "--sessions", str(args.sessions),
                            "--runs", str(args.runs)], check=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    if "--only-url" in sys.argv:
        report(measure(sys.argv[sys.argv.index("--only-url") + 1],
                       int(sys.argv[sys.argv.index("--sessions") + 1]), int(sys.argv[sys.argv.index("--runs") + 1])))
    else:
        main()
