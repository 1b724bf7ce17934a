"""The PDF improvement plan without Flask or a database: content, escaping, fonts, fetching, PDF."""

from __future__ import annotations

import gc
import http.server
import io
import re
import shutil
import subprocess
import threading
import weakref
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from assessments.report.data import build_report, sample_input
from assessments.report.render import (
    ASSETS,
    EDITIONS,
    _one_young_collection,
    _renderer,
    asset_path,
    assets_only_fetcher,
    lean_user_agent_css,
    render_html,
    render_pdf,
    weasyprint_user_agent_css,
)
from rubrics.loader import default_registry

RUBRIC = default_registry().latest("crbp-vn")
HOSTILE = '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/hostname"> Xưởng "A" & B'


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture(scope="module")
def data():
    return sample_input(RUBRIC)


@pytest.fixture(scope="module")
def pdf_vi(data):
    return render_pdf(build_report(data), "vi")


def test_the_report_holds_what_the_director_needs(data) -> None:
    report = build_report(data)
    assert report.organisation == "Công ty TNHH May Mặc Sông Hồng"
    assert report.province["vi"] == "Hưng Yên" and report.sector["en"] == "Garment and textile"
    assert report.percent == data.scorecard.percent and report.band_key == data.scorecard.band.key
    assert [g.code for g in report.gaps] == [g.code for g in data.scorecard.legal_gaps]
    assert report.gaps, "a low-quality sample has legal gaps"
    assert all(g.action is not None for g in report.gaps), "every legal gap names the action that closes it"
    assert [a.priority for a in report.actions] == list(range(1, len(report.actions) + 1))
    assert report.top_actions == report.actions[:3]
    adopted = [a for a in report.actions if a.adopted]
    assert len(adopted) == 3 and adopted[0].adopted.owner == "Nguyễn Thị Lan"
    assert adopted[0].adopted.due_date == "30/09/2026" and adopted[0].adopted.status["vi"] == "Đang thực hiện"
    # Wording kept as suggested is not printed twice; the team's own wording is printed.
    assert [a.adopted.text for a in adopted[:2]] == ["", ""]
    assert adopted[2].adopted.text == adopted[2].text["vi"] + " Áp dụng cho cả lao động thời vụ."
    asked = sum(1 for area in report.appendix for _row in area.rows)
    assert asked >= len([r for r in data.scorecard.indicators if r.status != "hidden"])


def test_comparison_lists_what_moved_both_ways(data) -> None:
    previous = data.previous
    before = {r.key: r.level for r in previous.scorecard.indicators if r.status == "scored"}
    after = {r.key: r.level for r in data.scorecard.indicators if r.status == "scored"}
    report = build_report(data)
    up = {RUBRIC.indicator(k).code for k in after if k in before and after[k] > before[k]}
    down = {RUBRIC.indicator(k).code for k in after if k in before and after[k] < before[k]}
    assert {m.code for m in report.comparison.improved} == up and up
    assert {m.code for m in report.comparison.slipped} == down
    assert report.comparison.plan_done == 3 and report.comparison.plan_total == 4
    assert build_report(replace(data, previous=None)).comparison is None


def test_the_sector_median_is_shown_only_from_five_organisations(data) -> None:
    assert build_report(data).benchmark.median == 57.5
    hidden = build_report(replace(data, sector_median=55.0, sector_group=4)).benchmark
    assert not hidden.shown and hidden.median is None
    html = render_html(build_report(replace(data, sector_median=55.0, sector_group=4)), "vi", "")
    assert "ít nhất 5 doanh nghiệp" in html and "55 %" not in html


def test_the_fingerprint_changes_with_anything_shown_and_only_then(data) -> None:
    assert data.fingerprint() == sample_input(RUBRIC).fingerprint()
    edited = replace(data, adopted=(replace(data.adopted[0], status="done"), *data.adopted[1:]))
    assert edited.fingerprint() != data.fingerprint()
    assert replace(data, sector_group=8).fingerprint() != data.fingerprint()
    assert replace(data, organisation_name="Khác").fingerprint() != data.fingerprint()
    # Records nested in other records count too: last cycle's score of one area.
    assert data.previous is not None
    card = data.previous.scorecard
    lower = replace(card, areas=(replace(card.areas[0], percent=1.0), *card.areas[1:]))
    assert replace(data, previous=replace(data.previous, scorecard=lower)).fingerprint() != data.fingerprint()


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_every_character_has_a_glyph_in_the_bundled_font(data, edition: str) -> None:
    """No text may fall back to a host font or a missing-glyph box."""
    import html as html_lib

    covered = TTFont(str(ASSETS / "fonts/NotoSans-Regular.ttf")).getBestCmap()
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", render_html(build_report(data), edition, "")))
    assert {c for c in text if not c.isspace() and ord(c) not in covered} == set()
    assert (ASSETS / "fonts/OFL.txt").read_text().count("SIL Open Font License") >= 1


def test_names_and_answers_are_printed_as_text(data) -> None:
    hostile = replace(data, organisation_name=HOSTILE,
                      answers=data.answers | {"workplace.parenting_programmes": "<script>alert(1)</script>"})
    html = render_html(build_report(hostile), "vi", "")
    assert "<img src=" not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<script>" not in html


@pytest.mark.parametrize(("url", "allowed"), [
    ((ASSETS / "report.css").as_uri(), True),
    ((ASSETS / "fonts/NotoSans-Regular.ttf").as_uri(), True),
    ("file:///etc/passwd", False),
    ((ASSETS / "..").as_uri() + "/render.py", False),
    ((ASSETS / "fonts/../../render.py").as_uri(), False),
    ("file://evil.example/" + str(ASSETS / "report.css"), False),
    ("http://127.0.0.1:9/report.css", False),
    ("data:text/css,body{}", False),
    ((ASSETS / "missing.css").as_uri(), False),
])
def test_only_the_reports_own_assets_can_be_fetched(url: str, allowed: bool) -> None:
    assert (asset_path(url) is not None) is allowed


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_hostile_markup_fetches_nothing_even_if_it_reached_the_html(tmp_path: Path, data) -> None:
    """Defence in depth: the fetcher refuses local files and the network even for raw HTML."""
    from weasyprint import HTML

    marker = tmp_path / "secret.txt"
    marker.write_text("MARKER-7f3a9c")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        raw = (f'<html><head><style>@import url(http://127.0.0.1:{port}/import.css);</style>'
               f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"></head><body>'
               f'<p>Công ty</p><img src="http://127.0.0.1:{port}/img.png"><img src="{marker.as_uri()}">'
               f'<link rel="attachment" href="{marker.as_uri()}"><a rel="attachment" href="{marker.as_uri()}">x</a>'
               f'<div style="background: url(http://127.0.0.1:{port}/bg.png)">x</div></body></html>')
        content = HTML(string=raw, base_url=ASSETS.as_uri() + "/", url_fetcher=assets_only_fetcher()).write_pdf(
            uncompressed_pdf=True)
        # And the escaped route the real report takes, with the same server waiting.
        hostile = replace(data, organisation_name=f'<img src="http://127.0.0.1:{port}/org.png"> {HOSTILE}')
        report_pdf = render_pdf(build_report(hostile), "en").content
    finally:
        server.shutdown()
    assert _Counter.hits == []
    assert b"MARKER-7f3a9c" not in content
    assert f'<img src="http://127.0.0.1:{port}/org.png">' in pdf_text(report_pdf)


def test_the_pdf_reads_in_vietnamese_with_the_law_and_the_actions(pdf_vi, data) -> None:
    text = pdf_text(pdf_vi.content)
    assert "Kế hoạch cải thiện nơi làm việc thân thiện với gia đình" in text
    assert "Công ty TNHH May Mặc Sông Hồng" in text and "Hưng Yên" in text and "Dệt may" in text
    assert "Mục lục" in text and "Phụ lục: toàn bộ câu trả lời" in text
    first_gap = data.scorecard.legal_gaps[0]
    ref = first_gap.references[0]
    assert f"{ref.instrument.vi}, Điều {ref.article}" in text
    first_action = data.plan.actions[0].text.vi
    assert first_action[:40] in text
    assert pdf_vi.pages >= 5 and f"1 / {pdf_vi.pages}" in text


def test_the_pdf_embeds_only_the_bundled_font(tmp_path: Path, pdf_vi) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf_vi.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("Report-Sans" in name for name in names), fonts


def test_page_one_is_not_blank(tmp_path: Path, pdf_vi) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf_vi.content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:160])
    assert dark > 0.01 * image.width * image.height  # text, the score box and the table are there


def test_every_page_after_the_cover_has_the_running_header(pdf_vi) -> None:
    pages = PdfReader(io.BytesIO(pdf_vi.content)).pages
    header = "Công ty TNHH May Mặc Sông Hồng · Kế hoạch cải thiện nơi làm việc thân thiện với gia đình"
    assert header not in (pages[0].extract_text() or "")
    for number, page in enumerate(pages[1:], start=2):
        text = re.sub(r"\s+", " ", page.extract_text() or "")
        assert header in text and f"{number} / {len(pages)}" in text, number


def test_the_lean_user_agent_stylesheet_drops_only_the_unused_rules() -> None:
    original = weasyprint_user_agent_css()
    lean = lean_user_agent_css(original)
    assert not re.search(r"^::(footnote|note)-", lean, re.MULTILINE) and "\n::marker" not in lean
    assert "li::marker {" in lean and "q::before" in lean and "br::before" in lean
    assert len(original) - len(lean) < 400  # five note rules, nothing else
    with pytest.raises(RuntimeError, match="user-agent stylesheet changed"):
        lean_user_agent_css(original.replace("::note-callback", "::note-back"))


def _page_images(content: bytes, folder: Path, name: str) -> list[bytes]:
    path = folder / f"{name}.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(folder / name)], check=True)
    return [image.read_bytes() for image in sorted(folder.glob(f"{name}-*.png"))]


@pytest.mark.parametrize("edition", ["vi", "both"])
def test_the_lean_stylesheet_prints_exactly_what_weasyprints_own_prints(tmp_path: Path, data, edition: str) -> None:
    """The plan's speed-ups (lean user-agent stylesheet, parsed stylesheets, collector paused)
    change nothing on paper: every page is pixel-identical to WeasyPrint's default way."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from weasyprint import HTML

    report = build_report(data)
    html = render_html(report, edition, ASSETS.as_uri() + "/")  # links report.css and fonts.css itself
    renderer = _renderer()
    default = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=assets_only_fetcher()).write_pdf(
        font_config=renderer.font_config)
    ours = _page_images(render_pdf(report, edition).content, tmp_path, "ours")
    theirs = _page_images(default, tmp_path, "default")
    assert len(ours) == len(theirs) > 5
    assert [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1) if a != b] == []


def test_a_render_is_collected_once_at_the_end() -> None:
    class Node:
        pass

    assert gc.isenabled()
    with _one_young_collection():
        assert not gc.isenabled()
        cycle = Node()
        cycle.me = cycle
        alive = weakref.ref(cycle)
        del cycle
        assert alive() is not None  # nothing collects while the render runs
    assert gc.isenabled() and alive() is None  # the collection at the end freed the cycle
    with pytest.raises(RuntimeError), _one_young_collection():
        raise RuntimeError("a render that fails")
    assert gc.isenabled()
    gc.disable()
    try:
        with _one_young_collection():
            pass
        assert not gc.isenabled()  # a caller that paused the collector keeps it paused
    finally:
        gc.enable()


def test_english_and_bilingual_editions(data) -> None:
    report = build_report(data)
    english = pdf_text(render_pdf(report, "en").content)
    assert "Family-friendly workplace improvement plan" in english and "Kế hoạch" not in english
    both = render_html(report, "both", "")
    assert "Kế hoạch cải thiện nơi làm việc thân thiện với gia đình" in both
    assert "Family-friendly workplace improvement plan" in both and 'class="bi' in both


def test_a_plan_with_nothing_to_do(data) -> None:
    from assessments.simulate import best_answers

    top = sample_input(RUBRIC, answers=best_answers(RUBRIC))
    html = render_html(build_report(replace(top, adopted=(), previous=None)), "vi", "")
    assert "Không cần hành động thêm" in html and "Đây là kỳ đánh giá đầu tiên" in html


def _filled_share_of_each_page(content: bytes, folder: Path) -> list[float]:
    """How far down its text area each page is printed (0 empty, 1 to the bottom margin)."""
    path = folder / "fill.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(folder / "fill")], check=True)
    shares = []
    for image_path in sorted(folder.glob("fill-*.png")):
        image = Image.open(image_path).convert("L")
        top, bottom = round(image.height * 22 / 297), round(image.height * 277 / 297)  # @page margins
        pixels = image.load()
        lowest = max((y for y in range(top, bottom) if any(pixels[x, y] < 160 for x in range(image.width))),
                     default=top)
        shares.append((lowest - top) / (bottom - top))
    return shares


@pytest.mark.parametrize(("quality", "edition"), [(0.35, "vi"), (0.35, "both"), (0.9, "vi"), (0.9, "en")])
def test_the_pages_read_as_a_report_not_half_empty(tmp_path: Path, quality: float, edition: str) -> None:
    """Issue 14 item 14: the cover carries the summary instead of half a blank page, and chapters run on
    instead of each starting a page; only the appendix starts a new page. So every page is at least
    half printed but the one before the appendix and the last."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    content = render_pdf(build_report(sample_input(RUBRIC, quality=quality)), edition).content
    shares = _filled_share_of_each_page(content, tmp_path)
    texts = [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages]
    appendix = next(i for i, text in enumerate(texts) if i > 0 and ("toàn bộ câu trả lời" in text
                                                                    or "every answer" in text))
    assert shares[0] > 0.8, shares
    short = [number for number, share in enumerate(shares, start=1) if share < 0.5]
    assert set(short) <= {appendix, len(shares)}, (short, appendix, [round(s, 2) for s in shares])


def test_the_lean_stylesheet_is_the_one_weasyprint_uses(monkeypatch: pytest.MonkeyPatch, data) -> None:
    """Issue 15 item 9: the speed-up hooks a private method of WeasyPrint's HTML. If an upgrade renamed
    it, the override would never be called and every other test would stay green: this one fails."""
    from weasyprint import HTML

    renderer = _renderer()
    override = renderer.html_class.__dict__.get("_ua_stylesheets")
    assert override is not None, "render.py no longer overrides _ua_stylesheets"
    assert "_ua_stylesheets" in HTML.__dict__  # the method we override still exists in WeasyPrint
    calls: list[list[object]] = []

    def recorded(self: object, *args: object, **kwargs: object) -> list[object]:
        sheets = override(self, *args, **kwargs)
        calls.append(sheets)
        return sheets

    monkeypatch.setattr(renderer.html_class, "_ua_stylesheets", recorded)
    render_pdf(build_report(data), "vi")
    assert calls, "WeasyPrint no longer asks for the user-agent stylesheet through _ua_stylesheets"
    lean = calls[0][0]
    assert all(sheet is lean for sheet in calls[0])


def test_a_report_read_without_every_answer_has_everything_but_the_appendix(data) -> None:
    """The results page reads the report without every answer (it links to them): all it shows
    is the same, and asking it for the appendix is a clear mistake, not an empty list."""
    full, lean = build_report(data), build_report(replace(data, answers=None, evidence={}))
    assert (lean.gaps, lean.actions, lean.areas, lean.comparison) == (full.gaps, full.actions, full.areas,
                                                                      full.comparison)
    assert full.appendix
    with pytest.raises(ValueError, match="every answer"):
        _ = lean.appendix
