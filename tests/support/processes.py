"""The service's own processes started for real, as a deployment starts them: the job worker
(`flask jobs worker`) and a condition to wait for while they work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def job_worker_process(database_url: str, broker: str, log: Path,
                       **settings: str) -> Iterator[subprocess.Popen[bytes]]:
    """`flask jobs worker` on the database and broker, with a short lease and sweep so a worker
    killed mid-render is replaced within seconds; stopped with SIGINT (as Ctrl-C) at the end."""
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": database_url, "JOBS_BROKER_URL": broker,
           "PLAN_RENDER_DEBOUNCE_SECONDS": "0", "PLAN_RENDER_LEASE_SECONDS": "4",
           "PLAN_RENDER_SWEEP_SECONDS": "0.5", "FLASK_APP": "wsgi", **settings}
    with log.open("ab") as output:
        process = subprocess.Popen([sys.executable, "-m", "flask", "jobs", "worker"], cwd=ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition: Callable[[], bool], seconds: float, log: Path) -> None:
    """Poll until the condition holds; on time-out, fail with the end of the processes' log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s; the processes said:\n{log.read_text(errors='replace')[-3000:]}")
