"""Parts of the page layout that are the same on every page for people with the same language,
role, organisation and name: rendered once per worker and reused.

The site header holds a dozen links and labels (url_for and gettext calls); rendering it on
every request cost more than many pages' own content (benchmarks/pages.py). Only the CSRF
token and the page to return to after a language switch differ between requests: they go
into slots, escaped.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.labels import current_language

CSRF_SLOT = "__csrf_token_slot__"
NEXT_SLOT = "__next_path_slot__"
MAX_ENTRIES = 2000  # a worker serving more distinct people than this starts afresh


def _cached(name: str, key: tuple[object, ...], render: object) -> str:
    cache: dict[tuple[object, ...], str] = current_app.extensions.setdefault(f"ffw_chrome_{name}", {})
    html = cache.get(key)
    if html is None:
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        html = cache[key] = render()  # type: ignore[operator]
    return html


def site_header() -> Markup:
    """The skip link and the header: brand, language switch and, when signed in, the menu."""
    signed_in = bool(current_user.is_authenticated)
    key = (current_language(), request.script_root, signed_in,
           *((current_user.role, current_user.organisation_id, current_user.full_name or current_user.email)
             if signed_in else (None, None, None)))
    html = _cached("header", key, lambda: render_template(
        "_site_header.html", authenticated=signed_in, role=key[3], organisation_id=key[4], display_name=key[5],
        csrf_slot=CSRF_SLOT, next_slot=NEXT_SLOT))
    back_to = request.full_path if request.method == "GET" else ""
    return Markup(html.replace(CSRF_SLOT, str(escape(generate_csrf()))).replace(NEXT_SLOT, str(escape(back_to))))


def static_links() -> Markup:
    """The icon, stylesheet and script links of every page."""
    return Markup(_cached("static", (request.script_root,), lambda: render_template("_static_links.html")))
