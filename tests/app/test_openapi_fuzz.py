"""The OpenAPI document says what the API really accepts: schemathesis generates requests from it
and sends them to the app (issue 14 item 19). No request valid by the document may be answered
with a 5xx, an undocumented status code or a body that does not match its schema.

Driven from a plain test (not schemathesis' pytest plugin), so that it runs on the test world of
each database like every other test."""

from __future__ import annotations

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from tests.app.test_api import token_for
from tests.conftest import World


def test_the_api_does_what_its_document_says(app: Flask, dbs: Session, world: World) -> None:
    headers = {"Authorization": f"Bearer {token_for(dbs, world, 'reviewer')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9  # every documented operation (openapi.json itself is not in the paths it serves)
    # POST /score is left out for now: its answers depend on the rubric version (which options an
    # indicator has), which the document does not describe per version yet; so a generated body
    # that fits the document can still be refused with 422. Tested by hand in test_api.py.
    operations = [op for op in operations if op.label != "POST /score"]
    for operation in operations:
        @given(case=operation.as_strategy())
        # Derandomised: the same requests on every run, so CI is not left to chance (raise max_examples
        # locally to search wider).
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)
        def check(case: object) -> None:
            case.call_and_validate(headers=headers)  # type: ignore[attr-defined]

        check()
