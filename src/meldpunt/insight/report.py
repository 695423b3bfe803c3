"""The ondermijningsbeeld as a report: one HTML page and the same content as PDF (WeasyPrint),
with per theme its map and charts with tables, the hotspot list, method, sources, the
suppression note and the date of the snapshot."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from . import dashboards, exports, selectors
from .dashboards import Filters
from .pipeline import MEASURES


def context(snap, gemeente: str | None = None) -> dict:
    gemeenten = selectors.snapshot_gemeenten(snap)
    codes = dict(gemeenten)
    code = gemeente if gemeente in codes else (gemeenten[0][0] if gemeenten else "")
    period = snap.periods[-1] if snap.periods else "actueel"
    boards = []
    for theme in dashboards.THEMES.values():
        measure = theme.registry_measures[0] if theme.registry_measures else "signalen"
        filters = Filters(gemeente=code, wijk="", period=period, phenomenon=theme.phenomena[0], map_measure=measure)
        boards.append(dashboards.build(theme, snap, filters))
    return {"snapshot": snap, "boards": boards, "gemeente": codes.get(code, code), "meta": exports.meta(snap),
            "measures": MEASURES, "printed_at": timezone.localtime()}


def pdf(snap, gemeente: str | None = None) -> bytes:
    html = render_to_string("insight/report_pdf.html", context(snap, gemeente))
    return HTML(string=html).write_pdf()
