"""One way to page through a list: `?page=N`, a whole number from 1 to MAX_PAGE."""

from __future__ import annotations

from typing import Any

from flask import abort, make_response, request
from flask_babel import format_number
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from app.extensions import db
from app.http import render_error

MAX_PAGE = 100_000


def page_number() -> int:
    """The page asked for (1 when none is). Anything else than ASCII digits from 1 to MAX_PAGE is
    a 400: a number the database cannot take as an offset must never reach it."""
    raw = request.args.get("page")
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or not 1 <= int(raw) <= MAX_PAGE:
        abort(make_response(render_error(400, _("No such page"), _("Pages are numbered from 1 to %(last)s.",
                                                                    last=format_number(MAX_PAGE)))))
    return int(raw)


def paginate(query: Any, per_page: int) -> Pagination:
    """A page of `query`; a page past the last one is empty (not an error)."""
    return db.paginate(query, page=page_number(), per_page=per_page, max_per_page=per_page, error_out=False,
                       count=True)
