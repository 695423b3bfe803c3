"""Server-rendered SVG bar charts: no script, no inline style (strict CSP), readable in the PDF.

Each chart comes with the same figures as a table (``rows``) for screen readers and for
anyone who prefers numbers; the SVG itself is ``role="img"`` with a title and a description.
A hidden (suppressed) value is drawn as an outlined empty bar labelled "<5" or "×". A chart
with no visible count above zero draws nothing: it says "te weinig waarnemingen" (``sparse``)
instead of a row of empty dashed boxes, and its table still lists every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR = "#01689b"  # Rijkshuisstijl hemelblauw, contrast ≥ 4.5:1 on white
HIDDEN_STROKE = "#4d4d4d"
TEXT = "#1a1a1a"


@dataclass
class Chart:
    id: str
    title: str
    svg: SafeString
    rows: list[tuple[str, str]]
    unit: str
    sparse: bool = False


SPARSE_TEXT = "Te weinig waarnemingen voor een grafiek"


def too_few(items) -> bool:
    """No visible count above zero: every value is 0, "<5" or "×"."""
    return not any(not cell.hidden and (cell.number or 0) > 0 for _, cell in items)


def bar_chart(chart_id: str, title: str, items: list[tuple[str, object]], unit: str = "aantal",
              width: int = 560) -> Chart:
    """Horizontal bars; ``items`` are (label, Cell) pairs in display order."""
    rows = [(label, cell.display) for label, cell in items]
    if too_few(items):
        return Chart(chart_id, title, mark_safe(""), rows, unit, sparse=True)  # noqa: S308
    label_width, bar_height, gap, top = 190, 22, 8, 8
    value_width = 70
    plot = width - label_width - value_width
    maximum = max([cell.number for _, cell in items] + [1.0])
    height = top + len(items) * (bar_height + gap) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="mp-chart" focusable="false">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">Staafdiagram; dezelfde cijfers staan in de tabel eronder.</desc>',
    ]
    for i, (label, cell) in enumerate(items):
        y = top + i * (bar_height + gap)
        text_y = y + bar_height * 0.7
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{text_y:.1f}" text-anchor="end" font-size="13" '
                     f'fill="{TEXT}">{escape(short)}</text>')
        if cell.hidden:
            parts.append(f'<rect x="{label_width}" y="{y}" width="{plot * 0.08:.1f}" height="{bar_height}" '
                         f'fill="none" stroke="{HIDDEN_STROKE}" stroke-dasharray="3 2"/>')
            bar_end = label_width + plot * 0.08
        else:
            bar = plot * cell.number / maximum
            parts.append(f'<rect x="{label_width}" y="{y}" width="{bar:.1f}" height="{bar_height}" fill="{BAR}"/>')
            bar_end = label_width + bar
        parts.append(f'<text x="{bar_end + 6:.1f}" y="{text_y:.1f}" font-size="13" fill="{TEXT}">'
                     f'{escape(cell.display)}</text>')
    parts.append("</svg>")
    return Chart(chart_id, title, mark_safe("".join(parts)), rows, unit)  # noqa: S308
