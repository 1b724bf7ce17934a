"""Sign in, sign out and change password. Views are thin: the rules live in
assessments.services.accounts."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.access import any_signed_in_user, public
from app.auth import bp
from app.auth.forms import LoginForm, PasswordChangeForm
from app.extensions import db
from app.requests import client_address, safe_next_url, service_context
from app.service_errors import show_on_form
from assessments.models import User
from assessments.services import ServiceError
from assessments.services.accounts import LoginOutcome, ThrottlePolicy, authenticate, change_password, logout


def _throttle_policy() -> ThrottlePolicy:
    config = current_app.config
    return ThrottlePolicy(
        max_failures_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=config["LOGIN_FAILURE_WINDOW"],
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | str | tuple[str, int]:
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(
            db.session,
            email=form.email.data or "",
            password=form.password.data or "",
            ip_address=client_address(),
            policy=_throttle_policy(),
        )
        if result.outcome is LoginOutcome.THROTTLED:
            form.password.errors = [_("Too many failed attempts. Please wait 15 minutes and try again.")]
            return render_template("auth/login.html", form=form), 429
        if result.outcome is LoginOutcome.INACTIVE:
            form.email.errors = [_("This account has been deactivated. Please contact your administrator.")]
        elif result.outcome is LoginOutcome.INVALID:
            # One message for an unknown e-mail and a wrong password: do not reveal accounts.
            form.password.errors = [_("The e-mail or password is not correct.")]
        elif result.user is not None:
            sign_in_fresh(result.user, remember=bool(form.remember.data))
            return redirect(next_url or url_for("main.dashboard"))
    return render_template("auth/login.html", form=form)


def sign_in_fresh(user: User, remember: bool = False) -> None:
    """A fresh session on sign-in (no fixation), keeping the chosen language and any answers
    typed when the previous sign-in ran out."""
    kept = {key: session[key] for key in ("lang", "pending_form") if key in session}
    session.clear()
    session.update(kept)
    login_user(user, remember=remember)


@bp.route("/logout", methods=["POST"])
@any_signed_in_user
def logout_view() -> Response:
    logout(db.session, service_context(), current_user._get_current_object())
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@any_signed_in_user
def password() -> Response | str:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(db.session, service_context(), user,
                            current=form.current_password.data or "", new=form.new_password.data or "")
        except ServiceError as error:
            show_on_form(form, error)
        else:
            # Every other session of this user has ended; keep this one signed in.
            login_user(user)
            flash(_("Your password has been changed. You have been signed out everywhere else."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form)
