"""Parts of the page layout that are the same on every page for people with the same language,
role, organisation and name: rendered once per worker and reused.

The site header holds a dozen links and labels (url_for and gettext calls); rendering it on
every request cost more than many pages' own content (benchmarks/pages.py). Only the CSRF
token and the page to return to after a language switch differ between requests: they go
into slots, escaped.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from flask import current_app, get_flashed_messages, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.labels import current_language
from assessments.caching import BoundedCache

# The slot markers are drawn at random when the process starts: nothing a person types (a name,
# a query string, an answer) can hold one, because nobody knows them.
_NONCE = secrets.token_hex(16)
CSRF_SLOT = f"slot-{_NONCE}-csrf"
NEXT_SLOT = f"slot-{_NONCE}-next"
TITLE_SLOT = f"slot-{_NONCE}-title"
CONTENT_SLOT = f"slot-{_NONCE}-content"
FLASH_SLOT = f"slot-{_NONCE}-flashes"
_SLOT = re.compile(f"(slot-{_NONCE}-[a-z]+)")
MAX_ENTRIES = 2000  # per kind of part: the people a worker serves most often


@dataclass(frozen=True)
class Layout:
    """Rendered HTML cut at its slots once, when it is cached: literal, slot, literal, ... The
    slots are filled by joining the pieces, so what goes into one slot is never searched for
    another (a flash message can never land inside the `next` field, whatever the URL holds)."""

    parts: tuple[str, ...]

    @classmethod
    def of(cls, html: str) -> Layout:
        return cls(tuple(_SLOT.split(html)))

    def fill(self, values: Mapping[str, str]) -> str:
        return "".join(values[part] if index % 2 else part for index, part in enumerate(self.parts))


def _cached(name: str, key: tuple[object, ...], render: Callable[[], str]) -> Layout:
    cache: BoundedCache[tuple[object, ...], Layout] = current_app.extensions.setdefault(
        f"ffw_chrome_{name}", BoundedCache(MAX_ENTRIES))
    return cache.get_or_compute(key, lambda: Layout.of(render()))


def _person_key() -> tuple[object, ...]:
    signed_in = bool(current_user.is_authenticated)
    return (current_language(), request.script_root, signed_in,
            *((current_user.role, current_user.organisation_id, current_user.full_name or current_user.email)
              if signed_in else (None, None, None)))


def _request_values() -> dict[str, str]:
    """What differs between requests of the same person: the CSRF token and the page to come
    back to after a language switch (escaped: they go into attributes)."""
    back_to = request.full_path if request.method == "GET" else ""
    return {CSRF_SLOT: str(escape(generate_csrf())), NEXT_SLOT: str(escape(back_to))}


def site_header(fill: bool = True) -> Markup:
    """The skip link and the header: brand, language switch and, when signed in, the menu.
    `fill=False` leaves the slots in (for the page shell, filled per request)."""
    key = _person_key()
    layout = _cached("header", key, lambda: render_template(
        "_site_header.html", authenticated=key[2], role=key[3], organisation_id=key[4], display_name=key[5],
        csrf_slot=CSRF_SLOT, next_slot=NEXT_SLOT))
    return Markup(layout.fill(_request_values()) if fill else "".join(layout.parts))


def static_links() -> Markup:
    """The icon, stylesheet and script links of every page."""
    return Markup("".join(_cached("static", (request.script_root,),
                                  lambda: render_template("_static_links.html")).parts))


def flash_messages(slot: bool = False) -> Markup:
    """The messages flashed for this page (taken from the session), or their slot in the shell."""
    if slot:
        return Markup(FLASH_SLOT)
    # With categories, Flask returns (category, message) pairs; its annotation covers both forms.
    messages = cast(list[tuple[str, str]], get_flashed_messages(with_categories=True))
    if not messages:
        return Markup("")
    items = "".join(f'<p class="flash flash-{escape(category)}">{escape(message)}</p>'
                    for category, message in messages)
    return Markup(f'<div class="flashes" role="status">{items}</div>')


def render_in_shell(title: str, content: Markup) -> str:
    """A whole page: the layout of base.html, rendered once per language, role and person with
    slots, around `content`. For the busiest pages, where rendering the layout each time cost
    as much as the page itself."""
    shell = _cached("shell", _person_key(), lambda: render_template(
        "_shell.html", building_shell=True, title_slot=TITLE_SLOT, content_slot=CONTENT_SLOT))
    return shell.fill({**_request_values(), TITLE_SLOT: str(escape(title)), FLASH_SLOT: str(flash_messages()),
                       CONTENT_SLOT: str(content)})
