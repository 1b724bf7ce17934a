"""The papers of a survey round, in Vietnamese (and English beneath on the poster): the A4 poster
with the QR code and the short address, and the sheets of one-time codes to cut and hand out
with the payslip. Rendered by the same fenced WeasyPrint setup and bundled fonts as the plan."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import segno
from markupsafe import Markup

from assessments.report.render import RenderedPdf, render_document, template
from assessments.report.words import LANGUAGES

CODES_PER_PAGE = 32  # 4 columns x 8 rows of slips


@dataclass(frozen=True)
class RoundPaper:
    organisation: str
    url: str  # the short address, in full (https://.../s/abc1234)
    opens_on: date
    closes_on: date
    questions: int
    uses_codes: bool


def qr_svg(url: str) -> Markup:
    """The address as a QR code, inline SVG (nothing fetched; sharp at any print size)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=10, border=2, xmldecl=False, svgclass="qr",
                                    lineclass=None, omitsize=True)
    return Markup(out.getvalue().decode())


def _days(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def poster_pdf(paper: RoundPaper) -> RenderedPdf:
    html = template("survey_poster.html").render(
        paper=paper, qr=qr_svg(paper.url), shown_url=paper.url.split("://", 1)[-1], opens=_days(paper.opens_on),
        closes=_days(paper.closes_on), minutes=max(2, round(paper.questions * 0.25 + 0.5)), langs=LANGUAGES)
    return render_document(html)


def codes_pdf(paper: RoundPaper, codes: list[str]) -> RenderedPdf:
    pages = [codes[start:start + CODES_PER_PAGE] for start in range(0, len(codes), CODES_PER_PAGE)] or [[]]
    html = template("survey_codes.html").render(paper=paper, pages=pages, shown_url=paper.url.split("://", 1)[-1],
                                                closes=_days(paper.closes_on))
    return render_document(html)
