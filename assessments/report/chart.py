"""Horizontal bar charts as inline SVG: the same picture on a web page and in the PDF plan.

No script and no external file, so WeasyPrint draws it exactly as the browser does. Each label is
written whole above its bar (wrapped over lines: cut labels said "A. Nghỉ thai sản, n..."), each
bar sits on a light track of the full scale, and percentages get a 0-50-100 scale. The drawing is
340 units wide and scales to its box: full width on a phone (14-unit text reads at about 12 px),
capped on a desktop by the page's stylesheet and set to 90 mm in the PDF (about 10 pt).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 340
LINE = 17  # a label line
BAR = 16
GAP = 12  # between rows
LINE_CHARS = 40  # characters per label line at 14 units
VALUE_SPACE = 58  # room right of the bars for the value


def _lines(label: str) -> list[str]:
    """The label over as many lines as it needs, broken between words."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        candidate = f"{current} {word}".strip()
        if current and len(candidate) > LINE_CHARS:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines or [""]


def bar_chart_svg(rows: Sequence[tuple[str, float]], title: str, unit: str = "",
                  shown: Callable[[float], str] = lambda v: f"{v:g}", peak: float | None = None) -> Markup:
    """One bar per (label, value). `peak` fixes the full-width value (100 for percentages, which
    then get a scale); by default the largest value fills the width."""
    top = peak if peak is not None else max((value for _label, value in rows), default=0)
    space = WIDTH - VALUE_SPACE
    parts: list[str] = []
    y = 4
    for label, value in rows:
        for line in _lines(label):
            parts.append(f'<text x="0" y="{y + 13}" font-size="14" fill="#1d2733">{escape(line)}</text>')
            y += LINE
        width = max(value, 0) / top * space if top else 0.0
        parts.append(
            f'<rect class="track" x="0" y="{y + 2}" width="{space}" height="{BAR}" rx="3" fill="#e6ece9"></rect>'
            f'<rect x="0" y="{y + 2}" width="{width:.1f}" height="{BAR}" rx="3" fill="#0b6e4f"></rect>'
            f'<text x="{space + 6}" y="{y + 15}" font-size="14" fill="#1d2733">{escape(shown(value))}{escape(unit)}'
            f'</text>')
        y += BAR + GAP
    if peak is not None:
        parts.append(f'<line x1="0" y1="{y}" x2="{space}" y2="{y}" stroke="#8a969e" stroke-width="1"></line>')
        for fraction, text in ((0.0, "0"), (0.5, shown(peak / 2)), (1.0, f"{shown(peak)}{unit}")):
            x = fraction * space
            anchor = "start" if fraction == 0 else "end" if fraction == 1 else "middle"
            parts.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 4}" stroke="#8a969e"></line>'
                         f'<text x="{x:.1f}" y="{y + 18}" font-size="12" fill="#5b6670" '
                         f'text-anchor="{anchor}">{escape(text)}</text>')
        y += 24
    head = (f'<svg viewBox="0 0 {WIDTH} {y}" width="100%" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')
    return Markup(head + "".join(parts) + "</svg>")


SHARE_COLOURS = ("#0b6e4f", "#b3261e", "#9aa5ae", "#d5dce3")  # yes, no, do not know, does not concern me


def share_bar_svg(parts: Sequence[tuple[str, int]], title: str) -> Markup:
    """One bar split into the shares of (label, count) parts, with a legend beneath: how the
    workers who answered one question divided. Colours in the order of SHARE_COLOURS."""
    total = sum(count for _label, count in parts)
    pieces: list[str] = []
    x = 0.0
    for (label, count), colour in zip(parts, SHARE_COLOURS, strict=False):
        width = count / total * WIDTH if total else 0.0
        if width:
            pieces.append(f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="{BAR + 4}" fill="{colour}">'
                          f'<title>{escape(label)}: {count}</title></rect>')
        x += width
    y = BAR + 10
    legend_x = 0
    for (label, count), colour in zip(parts, SHARE_COLOURS, strict=False):
        text = f"{label} {count}"
        if legend_x + 18 + len(text) * 7 > WIDTH:
            legend_x, y = 0, y + LINE + 2
        pieces.append(f'<rect x="{legend_x}" y="{y + 2}" width="11" height="11" fill="{colour}"></rect>'
                      f'<text x="{legend_x + 15}" y="{y + 12}" font-size="12" fill="#1d2733">{escape(text)}</text>')
        legend_x += 18 + len(text) * 7 + 10
    height = y + LINE + 2
    head = (f'<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')
    return Markup(head + "".join(pieces) + "</svg>")


SERIES_COLOURS = ("#0b6e4f", "#f2a900", "#3a6ea5", "#b3261e", "#7a5a9e", "#5b6670")


def stacked_bar_chart_svg(rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[str], title: str,
                          shown: Callable[[float], str] = lambda v: f"{v:g}") -> Markup:
    """One bar per row, split into its series (colours in the order of SERIES_COLOURS), the
    row's total at its end, and a legend of the series above the bars."""
    top = max((sum(values) for _label, values in rows), default=0)
    space = WIDTH - VALUE_SPACE
    parts: list[str] = []
    y = 4
    for name, colour in zip(series, SERIES_COLOURS, strict=False):  # the legend: a series a line, whole
        parts.append(f'<rect x="0" y="{y + 2}" width="11" height="11" fill="{colour}"></rect>')
        for line in _lines(name):
            parts.append(f'<text x="16" y="{y + 12}" font-size="12" fill="#1d2733">{escape(line)}</text>')
            y += LINE - 2
    y += 6
    for label, values in rows:
        for line in _lines(label):
            parts.append(f'<text x="0" y="{y + 13}" font-size="14" fill="#1d2733">{escape(line)}</text>')
            y += LINE
        x = 0.0
        for name, value, colour in zip(series, values, SERIES_COLOURS, strict=False):
            width = max(value, 0) / top * space if top else 0.0
            if width:
                parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="{BAR}" fill="{colour}">'
                             f'<title>{escape(label)} · {escape(name)}: {escape(shown(value))}</title></rect>')
            x += width
        parts.append(f'<text x="{space + 6}" y="{y + 15}" font-size="14" fill="#1d2733">'
                     f'{escape(shown(sum(values)))}</text>')
        y += BAR + GAP
    head = (f'<svg viewBox="0 0 {WIDTH} {y}" width="100%" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')
    return Markup(head + "".join(parts) + "</svg>")
