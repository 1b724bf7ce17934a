"""The suite's test client reads and closes every response body, as a WSGI server does.

CI failed at 9a50738 on a test that had done nothing wrong: test_unique_ids had skipped a CSV
export without reading it, and the export's streamed body (a stream_with_context generator that
holds its request's contexts) lived on until the garbage collector freed it, in the middle of a
later test's request. Closing it there popped its old contexts and left that request without
one (LookupError: flask.request_ctx). A server always reads and closes a body; the suite's client
now does too, unless a test asks for the stream (buffered=False) and closes it itself."""

from __future__ import annotations

import gc

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World, sign_in


def test_an_export_left_unread_cannot_break_a_later_request(app: Flask, client: FlaskClient, world: World,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(client, world.users["unicef"])
    left_unread = client.get("/compare/export.csv")
    assert left_unread.status_code == 200 and left_unread.mimetype == "text/csv"
    # Held only by a reference cycle, as a skipped test's traceback holds it: only the collector
    # frees it, and this makes it do so during the next request, as it did on CI.
    cycle: list[object] = [left_unread]
    cycle.append(cycle)
    del left_unread, cycle

    def collect_garbage() -> None:
        gc.collect()

    monkeypatch.setitem(app.before_request_funcs, None, [*app.before_request_funcs.get(None, []), collect_garbage])

    assert client.get("/compare/").status_code == 200


def test_a_test_that_asks_for_the_stream_still_gets_it(client: FlaskClient, world: World) -> None:
    sign_in(client, world.users["unicef"])
    with client.get("/compare/export.csv", buffered=False) as response:
        assert response.is_streamed
        first = next(iter(response.response))
        assert isinstance(first, bytes) and first.startswith("\ufeff".encode())  # the header, before any row
