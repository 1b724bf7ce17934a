"""Report -> HTML (Jinja) -> PDF (WeasyPrint).

WeasyPrint's own fetcher would read local files and call any URL on the server's behalf
(../shared/security.md): ours serves the files of assets/ and nothing else, so whatever an
organisation name or an answer contains, it is printed as text and fetches nothing.
"""

from __future__ import annotations

import atexit
import gc
import logging
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
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


@lru_cache(maxsize=64)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False)


@dataclass(frozen=True)
class PreviewBar:
    """The bar the preview page shows above the report (never in the PDF): back, print, download."""

    back_url: str
    back: str
    print_label: str
    pdf_url: str
    pdf: str


def render_html(report: Report, edition: str, asset_base: str, link_styles: bool = True, icon_url: str = "",
                preview: PreviewBar | None = None) -> str:
    """The report as a standalone HTML document. `asset_base` is where report.css and the
    fonts are found: a web route for the preview page. The PDF passes them parsed instead
    (`link_styles=False`), once per process rather than once per document."""
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
        report=report, langs=langs, asset_base=asset_base, link_styles=link_styles, icon_url=icon_url, preview=preview,
        chart=chart, pct=pct, delta=delta,
        fmt=fmt, num=lambda value, digits=0: _number(value, digits, first), min_group=MIN_BENCHMARK_GROUP)


@lru_cache(maxsize=64)
def assets_only_fetcher() -> object:
    """A WeasyPrint URL fetcher that serves files of the assets folder and refuses the rest.
    Built on first use: importing WeasyPrint costs about 0.4 s, which pages without a PDF skip.
    One per process: it holds no state between fetches."""
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


@lru_cache(maxsize=64)
def _asset_bytes(path: Path) -> bytes:
    return path.read_bytes()


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


# WeasyPrint's user-agent stylesheet gives *every* element six pseudo-elements (::marker,
# ::footnote-call, ::footnote-marker, ::note-call, ::note-marker, ::note-callback) and computes
# a style for each: six of every seven styles in the plan, about a sixth of its render time.
# The plan has no footnotes or notes, and only <li> are list items, so our copy of the sheet
# leaves the notes out and gives markers to <li> alone.
_UNUSED_UA_RULES = re.compile(r"^::(?:footnote|note)-(?:call|marker|callback) \{[^}]*\}$", re.MULTILINE)
_UNIVERSAL_MARKER = "\n::marker {"


def weasyprint_user_agent_css() -> str:
    """The user-agent stylesheet of the installed WeasyPrint, as text."""
    import weasyprint.css

    return (Path(weasyprint.css.__file__).parent / "html5_ua.css").read_text(encoding="utf-8")


def lean_user_agent_css(text: str) -> str:
    """WeasyPrint's user-agent stylesheet without the rules the plan never uses. Fails loudly
    if a WeasyPrint upgrade changed those rules, rather than silently dropping others."""
    lean, removed = _UNUSED_UA_RULES.subn("", text)
    if removed != 5 or text.count(_UNIVERSAL_MARKER) != 1:
        raise RuntimeError("WeasyPrint's user-agent stylesheet changed: review lean_user_agent_css")
    return lean.replace(_UNIVERSAL_MARKER, "\nli::marker {")


@dataclass(frozen=True)
class _Renderer:
    """What every plan PDF is rendered with, built once per process."""
    html_class: type  # WeasyPrint's HTML with the lean user-agent stylesheet
    stylesheets: tuple[Any, ...]  # fonts.css and report.css, parsed
    font_config: Any  # the bundled font faces, registered with fontconfig (about 20 ms a time)


@lru_cache(maxsize=64)
def _renderer() -> _Renderer:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # Let its temporary font folder go while the interpreter still works (not at teardown).
    atexit.register(_renderer.cache_clear)
    fetcher = assets_only_fetcher()
    lean_ua = CSS(string=lean_user_agent_css(weasyprint_user_agent_css()), url_fetcher=fetcher)

    class PlanHTML(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [lean_ua]

    stylesheets = tuple(CSS(filename=str(ASSETS / name), url_fetcher=fetcher, font_config=font_config)
                        for name in ("fonts.css", "report.css"))
    return _Renderer(PlanHTML, stylesheets, font_config)


@contextmanager
def _one_young_collection() -> Iterator[None]:
    """Run the block with Python's cycle collector paused, then collect once.

    A render allocates about a hundred thousand objects and frees almost none of them before
    the PDF is written: WeasyPrint's document holds every box. Meanwhile the collector runs
    a hundred times and, every other render, a full pass over every object in the process
    (about 65 ms here, more in a web worker), finding next to nothing to free. Paused, every
    object of the render stays in the youngest generation, so one collection of that
    generation at the end frees the document's cycles (about 23,000 objects, 10-20 ms)
    without walking the rest of the process. That collection is part of the render's time.
    The switch is process-wide: with threads, the pause ends when the render that started it
    ends, even if another is still running; that costs speed, never memory or correctness.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def template(name: str) -> Any:
    """A template of this package (templates/), for documents other than the plan."""
    return _environment().get_template(name)


def render_document(html: str) -> RenderedPdf:
    """A small standalone document (its own <style>) with the bundled fonts and the fenced
    fetcher, but not the plan's stylesheet."""
    renderer = _renderer()
    base = ASSETS.as_uri() + "/"
    document = renderer.html_class(string=html, base_url=base, url_fetcher=assets_only_fetcher()).render(
        stylesheets=renderer.stylesheets[:1], font_config=renderer.font_config)
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


def render_pdf(report: Report, edition: str) -> RenderedPdf:
    renderer = _renderer()
    base = ASSETS.as_uri() + "/"
    html = render_html(report, edition, base, link_styles=False)
    with _one_young_collection():
        document = renderer.html_class(string=html, base_url=base, url_fetcher=assets_only_fetcher()).render(
            stylesheets=renderer.stylesheets, font_config=renderer.font_config)
        rendered = RenderedPdf(content=document.write_pdf(), pages=len(document.pages))
        del document  # its cycles are what the collection at the end frees
    return rendered
