"""Response hardening and error pages shared by every blueprint."""

from __future__ import annotations

import logging
import secrets
import time

from flask import Flask, g, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.extensions import login_manager
from app.same_origin import RESUMABLE_ENDPOINTS, keep_typed_form

# No inline scripts or styles anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is larger than the service accepts.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again.")),
}
CSRF_TEXT = (
    _l("Form expired"),
    _l("This form was open too long or came from another page. Please go back, reload the page and submit again."),
)

log = logging.getLogger("app")


def assign_request_id() -> None:
    g.request_id = secrets.token_hex(8)


def start_timing() -> None:
    g.started = time.perf_counter()


def add_server_timing(response: Response) -> Response:
    """How long the app took to make the reply (to its first byte, for a streamed one), as
    Server-Timing: browsers' developer tools show it, and benchmarks/load.py tells from it the
    time in the app apart from the time a request waited for a free worker."""
    started = g.get("started")
    if started is not None:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


def add_security_headers(response: Response) -> Response:
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Who was signed in when the request began (Flask-Login keeps it on g). Asking current_user
    # again after a commit would reload the user from the database just for this header.
    user = g.get("_login_user")
    if user is not None and not user.is_anonymous:
        # Pages with personal or company data must not stay in shared browser caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def render_error(status: int, title: object = None, message: object = None) -> tuple[str, int]:
    default_title, default_message = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    html = render_template(
        "errors/error.html",
        status=status,
        title=title or default_title,
        message=message or default_message,
        request_id=g.get("request_id", ""),
    )
    return html, status


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str = "", fields: dict[str, str] | None = None) -> Response:
    """The one shape of every API error: {"error": code, "message": ..., "fields": {path: reason}}."""
    body: dict[str, object] = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


# Past this size an oversized body is not read to its end: the connection is dropped instead.
MAX_DRAINED_BYTES = 128 * 1024 * 1024


def drain_request_body() -> None:
    """Read and discard the body of a request refused as too large, before answering. A browser
    sends the whole file without waiting for a go-ahead; a server that answers and closes while
    it is still sending resets the connection, and the person sees a network error instead of
    our page. Nothing of the body has been read yet: its declared length alone was refused."""
    length = request.content_length
    stream = request.environ.get("wsgi.input")
    if not length or length > MAX_DRAINED_BYTES or stream is None:
        return
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(1024 * 1024, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


def handle_http_error(error: HTTPException) -> tuple[str, int] | HTTPException | Response:
    if error.code is None or error.code < 400:
        return error
    if error.code == 413:
        drain_request_body()
    if is_api_request():
        response = json_error(error.code, (error.name or "error").lower().replace(" ", "_"), error.description or "")
        valid = getattr(error, "valid_methods", None)
        if error.code == 405 and valid:  # RFC 9110: a 405 says which methods the resource allows
            response.headers["Allow"] = ", ".join(m for m in valid if m not in ("HEAD", "OPTIONS"))
        return response
    if isinstance(error, CSRFError):
        if request.endpoint in RESUMABLE_ENDPOINTS:
            # The session ended under an open questionnaire (logout in another tab, expiry):
            # keep what was typed and bring the person back to the page.
            keep_typed_form()
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            return redirect(request.path)
        return render_error(400, *CSRF_TEXT)
    return render_error(error.code)


def handle_unexpected_error(error: Exception) -> tuple[str, int] | Response:
    log.exception("unhandled error, request id %s, %s %s", g.get("request_id"), request.method, request.path)
    if is_api_request():
        return json_error(500, "internal_error", f"Unexpected error; reference {g.get('request_id', '')}.")
    return render_error(500)


def install(app: Flask) -> None:
    app.before_request(start_timing)
    app.before_request(assign_request_id)
    app.after_request(add_security_headers)
    app.after_request(add_server_timing)  # runs first (Flask calls these in reverse): the app's time only
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
