"""Horizontal bar charts as inline SVG: the same picture on a web page and in the PDF plan.

No script and no external file, so WeasyPrint draws it exactly as the browser does."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

ROW_HEIGHT = 28
LABEL_CHARS = 20  # longer labels are cut with an ellipsis; the full text is the bar's tooltip
BAR_START = 190
BAR_SPACE = 170


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def bar_chart_svg(rows: Sequence[tuple[str, float]], title: str, unit: str = "",
                  shown: Callable[[float], str] = lambda v: f"{v:g}", peak: float | None = None) -> Markup:
    """One bar per (label, value). `peak` fixes the full-width value (100 for percentages);
    by default the largest value fills the width."""
    top = peak if peak is not None else max((value for _label, value in rows), default=0)
    height = ROW_HEIGHT * len(rows) + 8
    parts = [f'<svg viewBox="0 0 420 {height}" width="100%" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for index, (label, value) in enumerate(rows):
        y = 4 + index * ROW_HEIGHT
        width = value / top * BAR_SPACE if top else 0.0
        parts.append(
            f'<text x="0" y="{y + 17}" font-size="14" fill="#1d2733"><title>{escape(label)}</title>'
            f'{escape(_short(label))}</text>'
            f'<rect x="{BAR_START}" y="{y + 4}" width="{width:.1f}" height="18" rx="3" fill="#0b6e4f"></rect>'
            f'<text x="{BAR_START + 6 + width:.1f}" y="{y + 17}" font-size="14" fill="#1d2733">'
            f'{escape(shown(value))}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
