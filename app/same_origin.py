"""Requests sent by other sites.

The session and remember cookies are SameSite=Lax, so a form that another site posts to us
arrives without them. Such a request must change nothing, and that includes the cookies: had we
answered it with a new session (a "please sign in" message, a CSRF token, typed answers kept for
later), the browser would store that session over the person's own, signing them out and
leaving whatever the other site posted in it. So a write that a browser marks as coming from
another site (Sec-Fetch-Site), or whose Origin names another host, is refused before any view
runs, and the response sets no cookie.

Typed answers are kept across an expired sign-in only from this site's own pages, and only for
the person who typed them: the area form carries a resume token signed with the secret key for
that person and that page (`resume_token`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RESUME_SALT = "resume-typed-answers"
RESUME_MAX_AGE = 7 * 24 * 3600  # a form left open for a week can still be resumed


def from_other_site() -> bool:
    """Did another site make the browser send this request? The browser's own Sec-Fetch-Site
    says so; browsers that do not send it send Origin on a cross-origin POST."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("cross-site", "same-site")
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # not a browser's cross-origin request (curl, the test client, old browsers)
    # Hosts only: behind a TLS proxy without ProxyFix the scheme we see differs from the browser's.
    return origin == "null" or urlsplit(origin).netloc != request.host


def from_this_site() -> bool:
    """Positively from one of our own pages (not merely "not known to be from another site")."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and urlsplit(origin).netloc == request.host


def refuse_writes_from_other_sites() -> None:
    """before_request: the first hook, so nothing has touched the session yet. The JSON API is
    exempt: it takes bearer tokens only, which no other site can make a browser send."""
    if request.method in SAFE_METHODS or request.path.startswith("/api/") or not from_other_site():
        return
    g.leave_cookies_alone = True
    current_app.logger.warning("refused a %s to %s from another site (%s)", request.method, request.path,
                               request.headers.get("Origin") or request.headers.get("Sec-Fetch-Site"))
    abort(403)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a refused request from another site gets no
    cookie at all (not even the deletion of an emptied one)."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if g.get("leave_cookies_alone"):
            return
        super().save_session(app, session, response)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESUME_SALT)


def resume_token(user_id: int, path: str) -> str:
    """What the area form carries so that its typing can be kept across an expired sign-in."""
    return _serializer().dumps([user_id, path])


def resume_token_user(token: str | None, path: str) -> int | None:
    """The person a resume token was made for, if it is genuine, recent and for this page."""
    if not token:
        return None
    try:
        user_id, token_path = _serializer().loads(token, max_age=RESUME_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    return user_id if token_path == path and isinstance(user_id, int) else None


# Forms whose typing is worth keeping across an expired sign-in (a long questionnaire page).
RESUMABLE_ENDPOINTS = {"assessment.area"}
MAX_KEPT_FORM_BYTES = 3000  # the session is a cookie: browsers drop cookies over about 4 KB


def keep_typed_form() -> None:
    """A POST that arrives after the sign-in ended: keep what was typed (not saved) in the
    session, so the page shows it again after signing in. Sign-in then returns to that page.

    Only from one of our own pages, and only with the resume token the page was drawn with: it
    names the person it was drawn for, and only that person is shown the kept answers. Anything
    else posted here would be someone else's typing presented as theirs."""
    if request.method != "POST" or request.endpoint not in RESUMABLE_ENDPOINTS or not from_this_site():
        return
    user_id = resume_token_user(request.form.get("resume"), request.path)
    if user_id is None:
        return
    pairs = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "version", "go", "resume")]
    if len(repr(pairs).encode()) <= MAX_KEPT_FORM_BYTES:
        session["pending_form"] = {"path": request.path, "user_id": user_id, "data": pairs}
