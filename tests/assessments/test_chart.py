"""The area chart (issue 14 item 12): the same SVG on the page and in the PDF, every label whole,
a 0-100 scale for percentages, and a width that suits both a phone and a desktop."""

from __future__ import annotations

import re

from assessments.report.chart import bar_chart_svg

ROWS = [("A. Nghỉ thai sản, nghỉ chăm con của cha và nghỉ chăm sóc con", 88.0),
        ("B. Hỗ trợ nuôi con bằng sữa mẹ", 100.0), ("C. Hỗ trợ chăm sóc trẻ", 45.0),
        ("D. Các thực hành thân thiện với gia đình khác và trách nhiệm theo CRBP", 0.0)]


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_every_label_is_shown_whole_over_lines() -> None:
    svg = str(bar_chart_svg(ROWS, "Điểm theo phần", " %", peak=100))
    shown = " ".join(texts(svg))
    for label, _value in ROWS:
        for word in label.split():
            assert word in shown, word
    assert "…" not in shown


def test_percentages_have_a_0_to_100_scale_and_values() -> None:
    svg = str(bar_chart_svg(ROWS, "Điểm theo phần", " %", peak=100))
    shown = texts(svg)
    assert {"0", "50", "100 %"} <= set(shown)
    assert "88 %" in shown and "0 %" in shown
    assert svg.count('class="track"') == len(ROWS)  # the full 100 behind each bar


def test_no_scale_without_a_peak_and_a_viewbox_the_page_can_scale() -> None:
    svg = str(bar_chart_svg([("Tháng 9", 12.0)], "Người tham gia"))
    assert "100 %" not in texts(svg)
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg) and 'width="100%"' in svg
