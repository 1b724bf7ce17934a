"""Building a URL for any route from the test world's objects."""

from __future__ import annotations

from flask import Flask, url_for

from tests.conftest import World


def url_for_rule(app: Flask, endpoint: str, world: World) -> str:
    values = {"organisation_id": world.org_a.id, "user_id": world.users["hr_b"].id, "key": "crbp-vn",
              "version": "2026.1", "session_id": world.session_a.id, "programme_id": world.programme.id,
              "fmt": "csv", "assessment_id": world.assessment_a.id, "area_key": "leave",
              "evidence_id": world.evidence_a.id, "item_id": world.plan_item_a.id,
              "filename": "report.css", "token": "not-a-signed-token", "invitation_id": 987654,
              "message_id": 987654, "request_id": 987654,
              "round_id": 987654, "slug": "nosuchcode", "facilitator_id": 987654, "visit_id": 987654,
              "venue_id": 987654, "course_id": 987654, "target_id": 987654}
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})
