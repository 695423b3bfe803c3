"""Buurt choropleth maps as server-rendered SVG, from the schematic buurt outlines of all 342
gemeenten in ``meldpunt/data/maps/svg-buurten.zip`` (one ``<gemeentecode>.json`` each; CBS/PDOK,
CC BY 4.0). No tile server.

Five classes on the visible values (quantiles), a separate hatched class for suppressed
values ("<5" or "×") and a light class for zero. Every buurt has a ``<title>`` with its name
and value; the figures are also in a table next to the map.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources

from django.utils.safestring import SafeString, mark_safe

# ColorBrewer "Reds" (5 classes); zero and hidden get their own fills.
CLASS_FILLS = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]
ZERO_FILL = "#f7f7f7"
OUTSIDE_FILL = "#ffffff"
STROKE = "#4d4d4d"


@dataclass
class Map:
    id: str
    title: str
    svg: SafeString
    rows: list[tuple[str, str, str]]  # code, naam, value shown


ATTRIBUTION = "Kaart: CBS/PDOK, wijk- en buurtkaart 2024 (CC BY 4.0), schematisch."


@lru_cache(maxsize=1)
def _archive_names() -> frozenset[str]:
    with resources.files("meldpunt").joinpath("data", "maps", "svg-buurten.zip").open("rb") as raw, \
            zipfile.ZipFile(raw) as archive:
        return frozenset(archive.namelist())


@lru_cache(maxsize=64)
def outlines(gemeente: str) -> dict | None:
    """The schematic buurt outlines of one gemeente (``GM0479``), or None for an unknown code."""
    name = f"{gemeente}.json"
    if name not in _archive_names():
        return None
    with resources.files("meldpunt").joinpath("data", "maps", "svg-buurten.zip").open("rb") as raw, \
            zipfile.ZipFile(raw) as archive:
        return json.loads(archive.read(name).decode("utf-8"))


def gemeenten_with_maps() -> list[str]:
    return sorted(name.removesuffix(".json") for name in _archive_names())


def _breaks(values: list[float]) -> list[float]:
    """Upper bounds of the five quantile classes of the positive visible values."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds = []
    for k in range(1, 6):
        bounds.append(positive[min(len(positive) - 1, int(len(positive) * k / 5 + 0.5) - 1)])
    return bounds


def _fill(cell, bounds: list[float], hatch: str) -> str:
    if cell is None:
        return OUTSIDE_FILL
    if cell.hidden:
        return hatch
    if cell.number <= 0:
        return ZERO_FILL
    for bound, fill in zip(bounds, CLASS_FILLS, strict=False):
        if cell.number <= bound:
            return fill
    return CLASS_FILLS[-1]


def _fmt(x: float) -> str:
    return f"{int(x)}" if x == int(x) else f"{x:.1f}".replace(".", ",")


def choropleth(map_id: str, gemeente: str, title: str, cells: dict, names: dict[str, str]) -> Map | None:
    """``cells``: buurtcode → Cell for the buurten shown (others are drawn white)."""
    shape = outlines(gemeente)
    if shape is None:
        return None
    bounds = _breaks([c.number for c in cells.values() if not c.hidden])
    hatch = f"url(#{map_id}-hatch)"  # one pattern per map: ids stay unique with several maps on a page
    x0, y0, w, h = (float(v) for v in shape["viewBox"].split())
    legend_h = 150
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {w + 190} {max(h, legend_h)}" '
        f'width="{w + 190:.0f}" height="{max(h, legend_h):.0f}" '
        f'role="img" aria-labelledby="{map_id}-t {map_id}-d" class="mp-map" focusable="false">',
        f'<title id="{map_id}-t">{escape(title)}</title>',
        f'<desc id="{map_id}-d">Kaart van de buurten; dezelfde cijfers staan in de tabel bij de kaart.</desc>',
        f'<defs><pattern id="{map_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0e0e0"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#7a7a7a" stroke-width="2"/></pattern></defs>',
        '<g class="mp-map__buurten">',
    ]
    for feature in shape["features"]:
        code = feature["code"]
        cell = cells.get(code)
        label = names.get(code, feature.get("naam", code))
        value = "buiten de selectie" if cell is None else cell.display
        parts.append(f'<path d="{escape(feature["d"])}" fill="{_fill(cell, bounds, hatch)}" stroke="{STROKE}" '
                     f'stroke-width="0.6"><title>{escape(label)}: {escape(value)}</title></path>')
    parts.append("</g>")
    lx, ly = x0 + w + 12, y0 + 14
    parts.append(f'<text x="{lx}" y="{ly}" font-size="13" font-weight="bold" fill="#1a1a1a">Legenda</text>')
    entries = [(ZERO_FILL, "0")]
    lower = 0
    for bound, fill in zip(bounds, CLASS_FILLS, strict=False):
        if bound > lower:  # counts: class (lower, bound] is lower + 1 … bound
            first = int(lower) + 1
            entries.append((fill, _fmt(bound) if first >= bound else f"{first}–{_fmt(bound)}"))
        lower = bound
    entries.append((hatch, "afgeschermd (<5 of ×)"))
    for i, (fill, text) in enumerate(entries):
        y = ly + 10 + i * 20
        parts.append(f'<rect x="{lx}" y="{y}" width="14" height="14" fill="{fill}" stroke="{STROKE}" '
                     'stroke-width="0.6"/>')
        parts.append(f'<text x="{lx + 20}" y="{y + 12}" font-size="12" fill="#1a1a1a">{escape(text)}</text>')
    parts.append("</svg>")
    rows = sorted(((code, names.get(code, code), cell.display) for code, cell in cells.items()),
                  key=lambda r: r[1])
    return Map(map_id, title, mark_safe("".join(parts)), rows)  # noqa: S308
