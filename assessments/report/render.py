"""Report -> HTML (Jinja) -> PDF (WeasyPrint).

WeasyPrint's own fetcher would read local files and call any URL on the server's behalf
(../shared/security.md): ours serves the files of assets/ and nothing else, so whatever an
organisation name or an answer contains, it is printed as text and fetches nothing.
"""

from __future__ import annotations

import atexit
import logging
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from assessments.report.chart import bar_chart_svg
from assessments.report.data import MIN_BENCHMARK_GROUP, Pair, Report
from assessments.report.words import LANGUAGES, word

ASSETS = Path(__file__).resolve().parent / "assets"
TEMPLATES = Path(__file__).resolve().parent / "templates"
EDITIONS: dict[str, tuple[str, ...]] = {"vi": ("vi",), "en": ("en",), "both": LANGUAGES}

logger = logging.getLogger(__name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per page otherwise


def _number(value: float, digits: int, lang: str) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "vi":  # 1.234,5 in Vietnamese
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def render_html(report: Report, edition: str, asset_base: str, link_fonts: bool = True, icon_url: str = "") -> str:
    """The report as a standalone HTML document. `asset_base` is where report.css and the
    fonts are found: the assets folder for WeasyPrint, a web route for the preview page."""
    langs = EDITIONS[edition]
    first = langs[0]

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{_number(value, 0, first)} %"

    def delta(before: float | None, after: float | None) -> str:
        if before is None or after is None:
            return "–"
        change = after - before
        return f"{'+' if change >= 0 else '-'}{_number(abs(change), 0, first)}"

    def fmt(pair: Pair, **values: object) -> Pair:
        return {lang: text % values for lang, text in pair.items()}

    chart = bar_chart_svg([(f"{a.code}. {a.title[first]}", round(a.percent or 0)) for a in report.areas],
                          word("score_by_area", first), " %", peak=100)
    return _environment().get_template("plan.html").render(
        report=report, langs=langs, asset_base=asset_base, link_fonts=link_fonts, icon_url=icon_url,
        chart=chart, pct=pct, delta=delta,
        fmt=fmt, num=lambda value, digits=0: _number(value, digits, first), min_group=MIN_BENCHMARK_GROUP)


def assets_only_fetcher() -> object:
    """A WeasyPrint URL fetcher that serves files of the assets folder and refuses the rest.
    Built on first use: importing WeasyPrint costs about 0.4 s, which pages without a PDF skip."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetsOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            path = asset_path(url)
            if path is None:
                logger.warning("report: refused to fetch %.200s", url)
                raise ValueError("only the report's own assets may be fetched")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=_asset_bytes(path), headers={"Content-Type": content_type})

    return AssetsOnlyFetcher(allowed_protocols=["file"], allow_redirects=False)


def asset_path(url: str) -> Path | None:
    """The asset file a URL names, or None when it points anywhere else (other schemes,
    other folders, `..` tricks, links to files outside)."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(ASSETS) or not path.is_file():
        return None
    return path


@cache
def _asset_bytes(path: Path) -> bytes:
    return path.read_bytes()


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


@cache
def _fonts() -> tuple[Any, Any]:
    """The bundled font faces, registered with fontconfig once per process (about 20 ms a
    document otherwise). Every PDF is laid out with this font configuration."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # Let its temporary font folder go while the interpreter still works (not at teardown).
    atexit.register(_fonts.cache_clear)
    stylesheet = CSS(filename=str(ASSETS / "fonts.css"), url_fetcher=assets_only_fetcher(), font_config=font_config)
    return stylesheet, font_config


def render_pdf(report: Report, edition: str) -> RenderedPdf:
    from weasyprint import HTML

    stylesheet, font_config = _fonts()
    base = ASSETS.as_uri() + "/"
    html = render_html(report, edition, base, link_fonts=False)
    document = HTML(string=html, base_url=base, url_fetcher=assets_only_fetcher()).render(
        stylesheets=[stylesheet], font_config=font_config)
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))
