"""Downloading a PDF plan as a person does: the first request asks the job worker for it (202),
the worker makes it, the next request gets it."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from huey.consumer import Consumer
from werkzeug.test import TestResponse


def run_plan_jobs(app: Flask, assessment_id: int) -> str:
    """What the job worker does with the assessment's render request."""
    outcome: str = app.extensions["jobs"].run_render(assessment_id)
    return outcome


def download_plan(client: FlaskClient, app: Flask, url: str) -> TestResponse:
    response = client.get(url)
    if response.status_code == 202:
        match = re.search(r"/assessments/(\d+)/", url)
        assert match is not None, url
        run_plan_jobs(app, int(match.group(1)))
        response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.status
    return response


@contextmanager
def job_worker(app: Flask) -> Iterator[None]:
    """The app's real job worker (huey's consumer, on the app's broker) running in this process
    for the length of the block. Nudges left by earlier tests are dropped first."""
    huey = app.extensions["jobs"].huey
    huey.flush()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = Consumer(huey, workers=1, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2,
                        scheduler_interval=1)
    consumer.start()
    try:
        yield
    finally:
        consumer.stop(graceful=True)
        for sig, handler in handlers.items():  # the consumer installs its own; pytest keeps its own
            signal.signal(sig, handler)


def fetch_when_made(client: FlaskClient, url: str, seconds: float = 60) -> TestResponse:
    """A document the job worker makes (running, job_worker): 202 until it is, then the file."""
    deadline = time.monotonic() + seconds
    response = client.get(url)
    while response.status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.1)
        response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.status
    return response
