"""The entry point gunicorn and `flask --app wsgi` load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_apps_own_objects_are_left_out_of_the_garbage_collectors_full_passes(tmp_path: Path) -> None:
    # A full pass over the app's ~180,000 objects (rubrics, templates, routes, mappers) took about
    # 90 ms here, stopping whichever request was running; they live as long as the process does.
    code = "import gc, wsgi; frozen = gc.get_freeze_count(); gc.collect(); print(frozen, len(gc.get_objects()))"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "UPLOAD_FOLDER": str(tmp_path),
           "JOBS_BROKER_URL": f"sqlite:///{tmp_path / 'jobs.db'}"}
    shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    frozen, still_walked = int(shown[-2]), int(shown[-1])
    assert frozen > 100_000
    assert still_walked < frozen / 10
