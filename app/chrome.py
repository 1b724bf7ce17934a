"""Parts of the page layout that are the same on every page for people with the same language,
role, organisation and name: rendered once per worker and reused.

The site header holds a dozen links and labels (url_for and gettext calls); rendering it on
every request cost more than many pages' own content (benchmarks/pages.py). Only the CSRF
token and the page to return to after a language switch differ between requests: they go
into slots, escaped.
"""

from __future__ import annotations

from flask import current_app, get_flashed_messages, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.labels import current_language

CSRF_SLOT = "__csrf_token_slot__"
NEXT_SLOT = "__next_path_slot__"
TITLE_SLOT = "__title_slot__"
CONTENT_SLOT = "__content_slot__"
FLASH_SLOT = "__flash_messages_slot__"
MAX_ENTRIES = 2000  # a worker serving more distinct people than this starts afresh


def _cached(name: str, key: tuple[object, ...], render: object) -> str:
    cache: dict[tuple[object, ...], str] = current_app.extensions.setdefault(f"ffw_chrome_{name}", {})
    html = cache.get(key)
    if html is None:
        if len(cache) >= MAX_ENTRIES:
            cache.clear()
        html = cache[key] = render()  # type: ignore[operator]
    return html


def _person_key() -> tuple[object, ...]:
    signed_in = bool(current_user.is_authenticated)
    return (current_language(), request.script_root, signed_in,
            *((current_user.role, current_user.organisation_id, current_user.full_name or current_user.email)
              if signed_in else (None, None, None)))


def _fill(html: str) -> str:
    back_to = request.full_path if request.method == "GET" else ""
    return html.replace(CSRF_SLOT, str(escape(generate_csrf()))).replace(NEXT_SLOT, str(escape(back_to)))


def site_header(fill: bool = True) -> Markup:
    """The skip link and the header: brand, language switch and, when signed in, the menu.
    `fill=False` leaves the slots in (for the page shell, filled per request)."""
    key = _person_key()
    html = _cached("header", key, lambda: render_template(
        "_site_header.html", authenticated=key[2], role=key[3], organisation_id=key[4], display_name=key[5],
        csrf_slot=CSRF_SLOT, next_slot=NEXT_SLOT))
    return Markup(_fill(html) if fill else html)


def static_links() -> Markup:
    """The icon, stylesheet and script links of every page."""
    return Markup(_cached("static", (request.script_root,), lambda: render_template("_static_links.html")))


def flash_messages(slot: bool = False) -> Markup:
    """The messages flashed for this page (taken from the session), or their slot in the shell."""
    if slot:
        return Markup(FLASH_SLOT)
    messages = get_flashed_messages(with_categories=True)
    if not messages:
        return Markup("")
    items = "".join(f'<p class="flash flash-{escape(category)}">{escape(message)}</p>'
                    for category, message in messages)
    return Markup(f'<div class="flashes" role="status">{items}</div>')


def render_in_shell(title: str, content: Markup) -> str:
    """A whole page: the layout of base.html, rendered once per language, role and person with
    slots, around `content`. For the busiest pages, where rendering the layout each time cost
    as much as the page itself. The content goes in last, so nothing typed into it can be taken
    for a slot."""
    shell = _cached("shell", _person_key(), lambda: render_template(
        "_shell.html", building_shell=True, title_slot=TITLE_SLOT, content_slot=CONTENT_SLOT))
    before, after = shell.split(CONTENT_SLOT)
    before = _fill(before).replace(TITLE_SLOT, str(escape(title))).replace(FLASH_SLOT, flash_messages())
    return "".join((before, str(content), _fill(after)))  # all three are HTML already (not str + Markup)
