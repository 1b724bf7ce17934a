"""The OpenAPI document says what the API really accepts: schemathesis generates requests from it
and sends them to the app (issue 14 item 19). No request valid by the document may be answered
with a 5xx, an undocumented status code or a body that does not match its schema.

Driven from a plain test (not schemathesis' pytest plugin), so that it runs on the test world of
each database like every other test."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from app.api.openapi import _date_pattern
from tests.app.test_api import token_for
from tests.conftest import World


def test_the_api_does_what_its_document_says(app: Flask, dbs: Session, world: World) -> None:
    headers = {"Authorization": f"Bearer {token_for(dbs, world, 'reviewer')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9  # every documented operation (openapi.json itself is not in the paths it serves)
    assert "POST /score" in {op.label for op in operations}  # its body is described per rubric version
    for operation in operations:
        @given(case=operation.as_strategy())
        # Derandomised: the same requests on every run, so CI is not left to chance. To search wider,
        # at random: FUZZ_EXAMPLES=300 pytest tests/app/test_openapi_fuzz.py
        @settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "12")), deadline=None,
                  suppress_health_check=list(HealthCheck), database=None,
                  derandomize=os.environ.get("FUZZ_EXAMPLES") is None)
        def check(case: object) -> None:
            case.call_and_validate(headers=headers)  # type: ignore[attr-defined]

        check()


@pytest.mark.parametrize(("judges_from", "accepted", "refused"), [
    (date(2021, 1, 1), ["2021-01-01", "2025-07-01", "2100-12-31"], ["2020-12-31", "2101-01-01", "21-01-01"]),
    (date(2025, 7, 15), ["2025-07-15", "2025-07-31", "2025-08-01", "2026-01-01"],
     ["2025-07-14", "2025-06-30", "2024-12-31"]),
    (date(2025, 12, 31), ["2025-12-31", "2026-01-01"], ["2025-12-30", "2025-11-30"]),
    (None, ["2000-01-01", "2100-12-31"], ["1999-12-31", "2101-01-01"]),
])
def test_the_documented_dates_are_those_the_api_scores(judges_from: date | None, accepted: list[str],
                                                        refused: list[str]) -> None:
    pattern = re.compile(_date_pattern(judges_from))
    assert [value for value in accepted if not pattern.match(value)] == []
    assert [value for value in refused if pattern.match(value)] == []
