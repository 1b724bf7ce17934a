"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi`."""

import gc

from app import create_app

app = create_app()

# The app's own objects (rubrics, templates, routes, mappers: about 180,000) live as long as the
# process. Frozen, the garbage collector's full passes no longer walk them: such a pass stopped
# whichever request was running for about 90 ms, and now takes about 9 (benchmarks/load.py's p99).
gc.freeze()
