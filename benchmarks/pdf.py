"""How long the PDF improvement plan takes to render, against WeasyPrint's own floor.

    .venv/bin/python benchmarks/pdf.py [--runs 5]

Prints, in one run:
- the median time to render a full plan (a low-scoring sample with legal gaps, a 20-action
  plan, a previous cycle, the sector median and every answer): cold (the first render in a fresh
  process, import excluded) and warm (the same process again), and its page count;
- the median time WeasyPrint takes for a plain HTML document with the same number of pages
  (paragraphs of Vietnamese text in the same font, size and margins), and the ratio;
- for fairness, the plain document again with the collector paused as render_pdf pauses it
  (assessments/report/render.py), and the ratio to that too;
- the median time of a cached download through the web app (the stored copy, signed in).
Targets (issue 5): ratio at most 1.5, cached download under 20 ms.

The plan and the plain documents are rendered in turns, so that a noisy neighbour on a shared
machine slows both alike; the ratio printed is the median of the ratios of each turn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessments.report.data import build_report, sample_input  # noqa: E402
from assessments.report.render import ASSETS, _one_young_collection, render_pdf  # noqa: E402
from benchmarks.pages import signed_in_client  # noqa: E402
from rubrics.loader import default_registry  # noqa: E402

PARAGRAPH = ("Người lao động nữ được nghỉ thai sản sáu tháng và hưởng chế độ bảo hiểm xã hội theo quy định "
             "của pháp luật; doanh nghiệp hỗ trợ phòng vắt sữa, giờ nghỉ cho con bú và chi phí gửi trẻ. ") * 3
PLAIN_CSS = """@font-face { font-family: "Report Sans"; src: url(fonts/NotoSans-Regular.ttf); }
@page { size: A4; margin: 22mm 16mm 20mm 16mm; }
html { font-family: "Report Sans"; font-size: 10pt; line-height: 1.4; }"""
COLD = """
import sys, time
sys.path.insert(0, {root!r})
import weasyprint  # noqa: F401 (import is not part of the render)
from assessments.report.data import build_report, sample_input
from assessments.report.render import render_pdf
from rubrics.loader import default_registry
report = build_report(sample_input(default_registry().latest("crbp-vn")))
start = time.perf_counter()
render_pdf(report, "vi")
print(time.perf_counter() - start)
"""


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def plain_document(paragraphs: int) -> str:
    return (f"<html><head><style>{PLAIN_CSS}</style></head><body>"
            + f"<p>{PARAGRAPH}</p>" * paragraphs + "</body></html>")


def plain_with_pages(pages: int):
    """The plain document with exactly `pages` pages, and a function rendering it to PDF."""
    from weasyprint import HTML

    from assessments.report.render import assets_only_fetcher

    def render(html: str):
        document = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=assets_only_fetcher()).render()
        return document, document.write_pdf

    paragraphs = 8 * pages
    while True:
        document, _write = render(plain_document(paragraphs))
        if len(document.pages) == pages:
            break
        paragraphs += 1 if len(document.pages) < pages else -1
    html = plain_document(paragraphs)
    return lambda: render(html)[1]()


def cached_download_ms(runs: int) -> float:
    """Median time of a download served from the stored copy, through Flask, on SQLite."""

    workdir = Path(tempfile.mkdtemp(prefix="ffw-pdf-"))
    os.environ.update({"DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}", "UPLOAD_FOLDER": str(workdir)})
    env = {**os.environ, "FLASK_APP": "wsgi", "PYTHONPATH": str(ROOT)}
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([sys.executable, "-m", "flask", *command], env=env, cwd=ROOT, check=True, capture_output=True)
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from assessments.models import Assessment, AssessmentStatus, User
    from assessments.services.reports import plan_pdf

    app = create_app()
    with app.app_context():  # the stored copy, made as the job worker makes it
        hr = db.session.scalars(select(User).where(User.email == "hr@demo.vn")).one()
        assessment = db.session.scalars(select(Assessment).where(
            Assessment.organisation_id == hr.organisation_id, Assessment.status != AssessmentStatus.DRAFT)
            .order_by(Assessment.cycle).limit(1)).one()
        plan_pdf(db.session, assessment, default_registry().get(assessment.rubric_key, assessment.rubric_version),
                 "vi")
        url = f"/assessments/{assessment.id}/plan.pdf?edition=vi"
    client = signed_in_client(app, "hr@demo.vn", "demo-hr-2026")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200 or response.headers.get("X-Plan-Current") != "1":
            raise RuntimeError(f"the download did not serve the stored copy (HTTP {response.status_code})")
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    cold = statistics.median(
        float(subprocess.run([sys.executable, "-c", COLD.format(root=str(ROOT))], capture_output=True, text=True,
                             check=True).stdout) for _ in range(3))
    report = build_report(sample_input(default_registry().latest("crbp-vn")))
    pdf = render_pdf(report, "vi")
    plain = plain_with_pages(pdf.pages)
    plain()

    def plain_paused() -> None:
        with _one_young_collection():
            plain()

    turns = [(seconds(lambda: render_pdf(report, "vi")), seconds(plain), seconds(plain_paused))
             for _ in range(args.runs)]
    warm, floor, floor_paused = (statistics.median(column) for column in zip(*turns, strict=True))
    ratio = statistics.median(plan / base for plan, base, _ in turns)
    ratio_paused = statistics.median(plan / base for plan, _, base in turns)
    cached = cached_download_ms(50)

    print(f"full plan (vi): {pdf.pages} pages, {len(pdf.content) // 1024} KB")
    print(f"  cold render (first in a process): {cold * 1000:8.0f} ms")
    print(f"  warm render:                      {warm * 1000:8.0f} ms")
    print(f"plain HTML, {pdf.pages} pages:              {floor * 1000:8.0f} ms")
    print(f"  with the collector paused too:    {floor_paused * 1000:8.0f} ms")
    print(f"ratio warm plan / plain:            {ratio:8.2f}   (target <= 1.5)")
    print(f"  to the paused plain:              {ratio_paused:8.2f}")
    print(f"cached download (stored copy):      {cached:8.1f} ms (target < 20 ms)")


if __name__ == "__main__":
    main()
