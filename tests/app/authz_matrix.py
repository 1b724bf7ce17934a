"""Who may call what: every endpoint x method x identity, with the expected outcome.

Outcomes: OK (2xx, or a redirect that is not to the sign-in page), LOGIN (a redirect to the
sign-in page), or an error status (403 wrong role, 404 another organisation's object).
The test fails when an endpoint of the app is missing here, so no route ships undecided.
"""

from __future__ import annotations

OK = "ok"
LOGIN = "login"

ROLES = ("hr_a", "hr_b", "reviewer", "unicef", "admin")


def everyone() -> dict[str, object]:
    return dict.fromkeys(("anonymous", "hr_inactive", *ROLES), OK)


def signed_in(*allowed: str, **overrides: object) -> dict[str, object]:
    """Anonymous and deactivated users are sent to sign in; signed-in roles not allowed get 403."""
    expected: dict[str, object] = {"anonymous": LOGIN, "hr_inactive": LOGIN}
    for identity in ROLES:
        role = "hr" if identity.startswith("hr_") else identity
        expected[identity] = OK if role in allowed else 403
    expected.update(overrides)
    return expected


ALL_ROLES = ("hr", "reviewer", "unicef", "admin")
EDITORS = ("reviewer", "admin")
RECORDERS = ("unicef", "admin")
ANALYSTS = ("unicef", "admin", "reviewer")
INVITERS = ("hr", "reviewer", "admin")

# URL arguments come from the test world: organisation_id is company A's, user_id is HR-B's.
# So HR-B reading company A's pages is an attempt at another organisation's data: 404.
MATRIX: dict[tuple[str, str], dict[str, object]] = {
    ("main.index", "GET"): everyone(),
    ("main.healthz", "GET"): everyone(),
    ("main.favicon", "GET"): everyone(),
    ("main.set_language", "POST"): everyone(),
    ("main.dashboard", "GET"): signed_in(*ALL_ROLES),
    ("auth.login", "GET"): everyone(),
    ("auth.login", "POST"): everyone(),
    # Signing out ends on the sign-in page, for everybody.
    ("auth.logout_view", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), LOGIN),
    ("auth.password", "GET"): signed_in(*ALL_ROLES),
    ("auth.password", "POST"): signed_in(*ALL_ROLES),
    ("auth.profile", "GET"): signed_in(*ALL_ROLES),
    # An empty save carries no version: refused as a conflict, nothing written.
    ("auth.profile", "POST"): signed_in(*ALL_ROLES, hr_a=409, hr_b=409, reviewer=409, unicef=409, admin=409),
    # Links from mails work without an account; the world's token is made up: a clear 400 page.
    ("auth.forgot_password", "GET"): everyone(),
    ("auth.forgot_password", "POST"): everyone(),
    ("auth.reset_password", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 400),
    ("auth.reset_password", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 400),
    ("auth.mail_link", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 400),
    ("auth.invitation", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 400),
    ("auth.invitation", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 400),
    # Inviting: admins anyone, reviewers HR officers, HR officers their colleagues (tests/app/test_mail.py).
    # The world has no invitation: its number is nobody's (404) for those who may invite.
    ("auth.invitations", "GET"): signed_in(*INVITERS),
    ("auth.invitations", "POST"): signed_in(*INVITERS),
    ("auth.invitation_resend", "POST"): signed_in(*INVITERS, hr_a=404, hr_b=404, reviewer=404, admin=404),
    ("auth.invitation_revoke", "POST"): signed_in(*INVITERS, hr_a=404, hr_b=404, reviewer=404, admin=404),
    # Self-service sign-up is off unless a Chamber turns it on (tests/app/test_signup.py turns it on);
    # the Chamber decides on requests (the world has none: 404).
    ("auth.request_access_view", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 404),
    ("auth.request_access_view", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 404),
    ("auth.access_request_approve", "POST"): signed_in(*EDITORS, reviewer=404, admin=404),
    ("auth.access_request_decline", "POST"): signed_in(*EDITORS, reviewer=404, admin=404),
    ("organisations.index", "GET"): signed_in(*ALL_ROLES),
    ("organisations.detail", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("organisations.create", "GET"): signed_in(*EDITORS),
    ("organisations.create", "POST"): signed_in(*EDITORS),
    ("organisations.edit", "GET"): signed_in(*EDITORS),
    ("organisations.edit", "POST"): signed_in(*EDITORS),
    ("admin.users", "GET"): signed_in("admin"),
    ("admin.user_new", "GET"): signed_in("admin"),
    ("admin.user_new", "POST"): signed_in("admin"),
    ("admin.user_edit", "GET"): signed_in("admin"),
    # An empty save carries no version: refused as a conflict, nothing written.
    ("admin.user_edit", "POST"): signed_in("admin", admin=409),
    ("admin.user_password", "POST"): signed_in("admin"),
    ("admin.user_active", "POST"): signed_in("admin"),
    ("admin.audit", "GET"): signed_in("admin"),
    ("admin.mail", "GET"): signed_in("admin"),
    ("admin.mail_message", "GET"): signed_in("admin", admin=404),  # the world has no mail
    ("admin.mail_send_again", "POST"): signed_in("admin", admin=404),
    # Self-assessments: the organisation's own HR officers fill them; reviewers, UNICEF and admins
    # read them. The world's assessment is company A's: HR-B gets 404 on every one of its routes.
    ("assessment.index", "GET"): signed_in(*ALL_ROLES),
    ("assessment.start", "POST"): signed_in("hr"),
    ("assessment.overview", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("assessment.profile", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("assessment.profile", "POST"): signed_in("hr", hr_b=404),
    ("assessment.area", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    # An empty save carries no area version: refused as a conflict, nothing written.
    ("assessment.area", "POST"): signed_in("hr", hr_a=409, hr_b=404),
    ("assessment.review", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("assessment.submit_assessment", "POST"): signed_in("hr", hr_b=404),
    ("assessment.move_rubric", "POST"): signed_in("hr", hr_b=404),
    ("assessment.assign_team", "POST"): signed_in("hr", hr_b=404),
    # The facilitators' register: UNICEF officers and admins; an empty post is a form with errors.
    ("parenting.facilitators", "GET"): signed_in(*RECORDERS),
    ("parenting.facilitators", "POST"): signed_in(*RECORDERS, unicef=422, admin=422),
    ("parenting.facilitator_detail", "GET"): signed_in(*RECORDERS, unicef=404, admin=404),
    ("parenting.facilitator_detail", "POST"): signed_in(*RECORDERS, unicef=404, admin=404),
    # Courses: UNICEF officers and admins.
    ("parenting.courses", "GET"): signed_in(*RECORDERS),
    ("parenting.courses", "POST"): signed_in(*RECORDERS, unicef=422, admin=422),
    ("parenting.course_detail", "GET"): signed_in(*RECORDERS, unicef=404, admin=404),
    ("parenting.course_detail", "POST"): signed_in(*RECORDERS, unicef=404, admin=404),
    # The venues' register: UNICEF officers and admins.
    ("parenting.venues", "GET"): signed_in(*RECORDERS),
    ("parenting.venues", "POST"): signed_in(*RECORDERS, unicef=422, admin=422),
    ("parenting.venue_detail", "GET"): signed_in(*RECORDERS, unicef=404, admin=404),
    ("parenting.venue_detail", "POST"): signed_in(*RECORDERS, unicef=404, admin=404),
    # Supervision visits: UNICEF officers and admins.
    ("parenting.visit_list", "GET"): signed_in(*RECORDERS),
    ("parenting.visit_new", "GET"): signed_in(*RECORDERS),
    ("parenting.visit_new", "POST"): signed_in(*RECORDERS, unicef=422, admin=422),
    ("parenting.visit_edit", "GET"): signed_in(*RECORDERS, unicef=404, admin=404),
    ("parenting.visit_edit", "POST"): signed_in(*RECORDERS, unicef=404, admin=404),
    # Yearly targets: UNICEF officers and admins; an empty post is a form with errors.
    ("parenting.targets", "GET"): signed_in(*RECORDERS),
    ("parenting.targets", "POST"): signed_in(*RECORDERS, unicef=422, admin=422),
    ("parenting.target_remove", "POST"): signed_in(*RECORDERS, unicef=404, admin=404),
    # The workers' survey: everyone who sees the assessment sees its rounds; HR and the Chamber
    # run them (an empty post is a form with errors, 422); the world has no round (404).
    ("survey.rounds", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("survey.rounds", "POST"): signed_in(*INVITERS, hr_b=404, hr_a=422, reviewer=422, admin=422),
    ("survey.close", "POST"): signed_in(*INVITERS, hr_b=404, hr_a=404, reviewer=404, admin=404),
    ("survey.poster", "GET"): signed_in(*INVITERS, hr_b=404, hr_a=404, reviewer=404, admin=404),
    ("survey.codes", "GET"): signed_in(*INVITERS, hr_b=404, hr_a=404, reviewer=404, admin=404),
    # Workers answer without an account: the world's short code is made up (404 for everyone).
    ("survey.answer", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 404),
    ("survey.send", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 404),
    ("survey.start", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 404),
    ("survey.save_one", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 404),
    ("assessment.reply", "POST"): signed_in("hr", hr_b=404),
    ("assessment.results", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("assessment.evidence_download", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("assessment.plan_adopt", "POST"): signed_in("hr", hr_b=404),
    ("assessment.plan_item", "POST"): signed_in("hr", hr_b=404),
    ("assessment.plan_download", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("assessment.plan_preview", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("assessment.report_asset", "GET"): everyone(),  # the PDF plan's stylesheet and fonts
    # Parenting sessions: UNICEF and admins record; reviewers read and export; HR users read
    # their own organisation's sessions (the world's session is at company A: HR-B gets 404).
    ("parenting.dashboard", "GET"): signed_in(*ANALYSTS),
    ("parenting.sessions", "GET"): signed_in(*ALL_ROLES),
    ("parenting.session_detail", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("parenting.workplace", "GET"): signed_in(*ALL_ROLES, hr_b=404),
    ("parenting.session_new", "GET"): signed_in(*RECORDERS),
    ("parenting.session_new", "POST"): signed_in(*RECORDERS),
    ("parenting.session_edit", "GET"): signed_in(*RECORDERS),
    ("parenting.session_edit", "POST"): signed_in(*RECORDERS),
    ("parenting.session_delete", "POST"): signed_in(*RECORDERS),
    ("parenting.import_file", "GET"): signed_in(*RECORDERS),
    ("parenting.import_file", "POST"): signed_in(*RECORDERS),
    ("parenting.import_confirm", "POST"): signed_in(*RECORDERS),
    ("parenting.import_template", "GET"): signed_in(*RECORDERS),
    ("parenting.export", "GET"): signed_in(*ANALYSTS),
    ("parenting.export_dhis2", "GET"): signed_in(*ANALYSTS),
    ("parenting.programmes", "GET"): signed_in("admin"),
    ("parenting.programmes", "POST"): signed_in("admin"),
    ("parenting.programme_topic", "POST"): signed_in("admin"),
    ("parenting.programme_active", "POST"): signed_in("admin"),
    # An empty save carries no version: refused as a conflict, nothing written.
    ("parenting.programme_rules", "POST"): signed_in("admin", admin=409),
    # Chamber verification: reviewers and admins. The world's assessment is a draft, which is
    # not under review: 404 for them too (tests/app/test_review_compare.py reviews a submitted one).
    ("review.queue", "GET"): signed_in("reviewer", "admin"),
    ("review.assessment", "GET"): signed_in("reviewer", "admin", reviewer=404, admin=404),
    ("review.accept_all", "POST"): signed_in("reviewer", "admin", reviewer=404, admin=404),
    ("review.decide", "POST"): signed_in("reviewer", "admin", reviewer=404, admin=404),
    ("review.verify_assessment", "POST"): signed_in("reviewer", "admin", reviewer=404, admin=404),
    ("review.return_assessment", "POST"): signed_in("reviewer", "admin", reviewer=404, admin=404),
    # Comparisons: the list, side by side and exports for reviewers, UNICEF and admins; the
    # benchmarks and trends (groups under five suppressed) for HR users too.
    ("compare.index", "GET"): signed_in(*ANALYSTS),
    ("compare.side_by_side_view", "GET"): signed_in(*ANALYSTS),
    ("compare.export", "GET"): signed_in(*ANALYSTS),
    ("compare.export_answers", "GET"): signed_in(*ANALYSTS),
    ("compare.benchmarks_view", "GET"): signed_in(*ALL_ROLES),
    ("compare.trends_view", "GET"): signed_in(*ALL_ROLES),
    # The JSON API takes personal bearer tokens only: a session cookie, whoever's, is 401
    # (tests/app/test_api.py covers the tokens of every role).
    ("api.openapi", "GET"): everyone(),
    ("api.rubrics", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.rubric", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.score_answers", "POST"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.assessments", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.assessment_detail", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.assessment_reviews", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.benchmarks_api", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.trends_api", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
    ("api.parenting_sessions_api", "GET"): dict.fromkeys(("anonymous", "hr_inactive", *ROLES), 401),
}

# POSTs that change the database even when sent empty, and for whom: signing out rotates the
# session token; the activation button (active absent = deactivate) deactivates HR-B.
CHANGES_STATE = {
    ("auth.logout_view", "POST"): set(ROLES),
    ("admin.user_active", "POST"): {"admin"},
    ("assessment.start", "POST"): {"hr_b"},  # company B had no assessment this year: it starts one
    ("parenting.programme_active", "POST"): {"admin"},
}
