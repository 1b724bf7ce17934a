"""Viet Nam's 34 provincial units as a tile map: one square each, placed roughly where the unit
lies (north at the top, the coast to the right), so every unit is the same size and a small one
(Hà Nội, Cần Thơ) is as visible as a large one. Inline SVG, drawn on the server, no script.

Source: the 34 units of National Assembly Resolution 202/2025/QH15 (assessments/provinces.py);
the layout is this project's own (same licence as the code), made from the units' positions on
the official administrative map: it shows neighbourhood, not shape or area.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from assessments.provinces import PROVINCES_BY_CODE

# code: (column, row, short label). Columns run west to east, rows north to south.
LAYOUT: dict[str, tuple[int, int, str]] = {
    "lai-chau": (1, 0, "Lai Châu"), "lao-cai": (2, 0, "Lào Cai"), "tuyen-quang": (3, 0, "Tuyên Quang"),
    "cao-bang": (4, 0, "Cao Bằng"),
    "dien-bien": (0, 1, "Điện Biên"), "son-la": (1, 1, "Sơn La"), "phu-tho": (2, 1, "Phú Thọ"),
    "thai-nguyen": (3, 1, "Thái Nguyên"), "lang-son": (4, 1, "Lạng Sơn"), "quang-ninh": (5, 1, "Quảng Ninh"),
    "ha-noi": (2, 2, "Hà Nội"), "bac-ninh": (3, 2, "Bắc Ninh"), "hai-phong": (4, 2, "Hải Phòng"),
    "ninh-binh": (2, 3, "Ninh Bình"), "hung-yen": (3, 3, "Hưng Yên"),
    "thanh-hoa": (1, 4, "Thanh Hóa"), "nghe-an": (1, 5, "Nghệ An"), "ha-tinh": (2, 6, "Hà Tĩnh"),
    "quang-tri": (2, 7, "Quảng Trị"), "hue": (3, 8, "Huế"), "da-nang": (3, 9, "Đà Nẵng"),
    "quang-ngai": (3, 10, "Quảng Ngãi"), "gia-lai": (3, 11, "Gia Lai"), "dak-lak": (3, 12, "Đắk Lắk"),
    "lam-dong": (2, 13, "Lâm Đồng"), "khanh-hoa": (3, 13, "Khánh Hòa"),
    "tay-ninh": (1, 14, "Tây Ninh"), "dong-nai": (2, 14, "Đồng Nai"),
    "dong-thap": (1, 15, "Đồng Tháp"), "ho-chi-minh": (2, 15, "TP. HCM"),
    "an-giang": (0, 16, "An Giang"), "can-tho": (1, 16, "Cần Thơ"), "vinh-long": (2, 16, "Vĩnh Long"),
    "ca-mau": (1, 17, "Cà Mau"),
}
TILE = 56
GAP = 4


@dataclass(frozen=True)
class Band:
    """A class of the map's legend: units whose value falls in it share a colour."""

    key: str
    label: str
    fill: str
    ink: str  # text colour on that fill (contrast 4.5:1 or more)


def tile_map_svg(bands: Mapping[str, Band], band_of: Mapping[str, str], title: str, link: Callable[[str], str],
                 describe: Callable[[str], str], lang: str) -> Markup:
    """One tile per unit, filled with the colour of its band (`band_of`: code -> band key, a unit
    missing from it has the band "none"), each a link to `link(code)` whose accessible name is
    the unit's name and `describe(code)`."""
    parts: list[str] = []
    for code, (column, row, label) in LAYOUT.items():
        band = bands[band_of.get(code, "none")]
        x, y = column * (TILE + GAP), row * (TILE + GAP)
        name = PROVINCES_BY_CODE[code].name(lang)
        words = label.split(" ", 1) if len(label) > 8 else [label]
        text = "".join(f'<tspan x="{x + TILE / 2}" dy="{0 if n == 0 else 12}">{escape(w)}</tspan>'
                       for n, w in enumerate(words))
        first_line = y + TILE / 2 + (4 if len(words) == 1 else -2)
        parts.append(
            f'<a href="{escape(link(code))}" aria-label="{escape(name)}: {escape(describe(code))}">'
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{band.fill}" stroke="#ffffff">'
            f'<title>{escape(name)}: {escape(describe(code))}</title></rect>'
            f'<text x="{x + TILE / 2}" y="{first_line}" font-size="10.5" text-anchor="middle" fill="{band.ink}">'
            f'{text}</text></a>')
    # The legend sits in the sea east of the central coast, where no unit has a tile.
    legend_x, legend_y = 4 * (TILE + GAP) - 10, 4 * (TILE + GAP)
    for number, band in enumerate(bands.values()):
        y = legend_y + number * 22
        parts.append(f'<rect x="{legend_x}" y="{y}" width="14" height="14" rx="3" fill="{band.fill}" '
                     f'stroke="#8a969e"></rect><text x="{legend_x + 20}" y="{y + 11}" font-size="11" '
                     f'fill="#1d2733">{escape(band.label)}</text>')
    columns = 1 + max(c for c, _r, _l in LAYOUT.values())
    rows = 1 + max(r for _c, r, _l in LAYOUT.values())
    width, height = columns * (TILE + GAP), rows * (TILE + GAP)
    head = (f'<svg viewBox="0 0 {width} {height}" width="100%" role="group" aria-label="{escape(title)}" '
            f'class="tile-map" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')
    return Markup(head + "".join(parts) + "</svg>")
