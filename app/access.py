"""Who may call which view. Access is denied by default.

Every view declares its rule with `@public` or `@roles_required(...)`. The rule is only an
annotation; `enforce_access` (a before_request hook) applies it, and refuses any view that
declares nothing, so a new route cannot ship without a decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, current_app, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import db, login_manager
from app.http import json_error
from app.same_origin import keep_typed_form
from assessments.models import Role
from assessments.services.api_tokens import user_for_token

View = TypeVar("View", bound=Callable[..., object])


# Role groups, named once (views name a group, or one role).
EVERYONE = (Role.HR, Role.REVIEWER, Role.UNICEF, Role.ADMIN)
CHAMBER = (Role.REVIEWER, Role.ADMIN)  # verify assessments, keep the register of organisations
ANALYSTS = (Role.REVIEWER, Role.UNICEF, Role.ADMIN)  # compare, benchmark, export; read parenting data
PARENTING_EDITORS = (Role.UNICEF, Role.ADMIN)  # record and import parenting sessions
INVITERS = (Role.HR, Role.REVIEWER, Role.ADMIN)  # invite colleagues or companies (whom: services.invitations)


@dataclass(frozen=True)
class AccessRule:
    public: bool
    roles: frozenset[str]
    token: bool = False  # JSON API: a personal bearer token, never the session cookie


def _with_rule(view: View, rule: AccessRule) -> View:
    # A view function carries its rule as an attribute, where the access check and the access
    # matrix test read it; functions take attributes, which the type of a callable cannot say.
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: View) -> View:
    return _with_rule(view, AccessRule(public=True, roles=frozenset()))


def roles_required(*roles: str) -> Callable[[View], View]:
    unknown = set(roles) - {r.value for r in Role}
    if unknown or not roles:
        raise ValueError(f"unknown roles: {unknown}")

    def decorate(view: View) -> View:
        return _with_rule(view, AccessRule(public=False, roles=frozenset(roles)))

    return decorate


def api_token_required(*roles: str) -> Callable[[View], View]:
    roles = roles or tuple(r.value for r in Role)
    check = roles_required(*roles)  # validates the role names

    def decorate(view: View) -> View:
        check(view)
        return _with_rule(view, AccessRule(public=False, roles=frozenset(roles), token=True))

    return decorate


def any_signed_in_user(view: View) -> View:
    return roles_required(*(r.value for r in Role))(view)


def access_rule_for(endpoint: str | None) -> AccessRule | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "access_rule", None)


def enforce_access() -> Response | None:
    if request.endpoint is None or request.endpoint == "static":
        return None  # 404/405 are answered by routing; static files are public
    rule = access_rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("view %s declares no access rule; refused", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if rule.token:
        return _enforce_token(rule)
    if not current_user.is_authenticated:
        keep_typed_form()
        return login_manager.unauthorized()
    if current_user.role not in rule.roles:
        abort(403)
    return None


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _enforce_token(rule: AccessRule) -> Response | None:
    token = bearer_token()
    user = user_for_token(db.session, token) if token else None
    if user is None:
        response = json_error(401, "unauthorized", "Send a valid personal API token: Authorization: Bearer <token>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    if user.role not in rule.roles:
        return json_error(403, "forbidden", "This token's account may not use this endpoint.")
    g.api_user = user
    return None


def can_see_organisation(user: object, organisation_id: int | None) -> bool:
    """The one scope rule: HR users see only their own organisation's records (its page, its
    assessments, its parenting sessions); the other roles see every organisation's."""
    if getattr(user, "role", None) == Role.HR:
        return organisation_id is not None and organisation_id == getattr(user, "organisation_id", None)
    return True
