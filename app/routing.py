"""URL converters."""

from werkzeug.routing import IntegerConverter

# PostgreSQL INTEGER primary keys stop at 2**31 - 1; a larger id in a URL would overflow the
# query (a 500 on PostgreSQL only), so it must not match a route at all.
MAX_DATABASE_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31 - 1, anything else is a 404."""

    def __init__(self, url_map: object) -> None:
        super().__init__(url_map, min=1, max=MAX_DATABASE_ID)  # type: ignore[arg-type]  # Werkzeug wants its Map; routing passes it


def parse_id(raw: str | None) -> int | None:
    """A database id sent in a form field (ASCII digits, 1 to 2**31 - 1), or None."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 1 <= int(text) <= MAX_DATABASE_ID:
        return None
    return int(text)
