"""The ondermijningsbeeld as a report: one HTML page and the same content as PDF (WeasyPrint).
It reads as a report: a summary first (the gemeente's figures, the first hotspots, where the
gemeente stands against similar gemeenten), then what changed since the last snapshot, a table
per wijk, per theme its map and charts with tables, the hotspot list, method, sources, the
suppression note and the date of the snapshot. Every count comes from published cells."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from . import dashboards, exports, kerncijfers, selectors
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
    overall, te_bekijken = _overall_hotspots(snap, code)
    return {"snapshot": snap, "boards": boards, "gemeente": codes.get(code, code), "meta": exports.meta(snap),
            "measures": MEASURES, "printed_at": timezone.localtime(), "period": period,
            "summary": _summary(snap, code, period, overall, te_bekijken), "hotspots": overall,
            "changes": _changes(snap, code), "wijken": _per_wijk(snap, code, period, overall),
            "outside": selectors.outside(snap, code, period),
            "comparison": kerncijfers.compare(code), "comparison_text": kerncijfers.describe(code),
            # The overall hotspot list, in the shape the hotspot include reads.
            "report_board": SimpleNamespace(theme=SimpleNamespace(slug="rapport"), snapshot=snap, hotspots=overall,
                                            te_bekijken=te_bekijken)}


def _overall_hotspots(snap, gemeente: str) -> tuple[list[dict], list[dict]]:
    """The ranked list (published-cell score) and the set "te bekijken" of the gemeente."""
    wijken = sorted({c.area for c in selectors.cells(snap, level="wijk", parent=gemeente, measure="adressen")})
    buurt_cells = selectors.cells(snap, level="buurt", parent=wijken)
    names = selectors.area_names({c.area for c in buurt_cells})
    return dashboards.hotspot_list(buurt_cells, names), dashboards.te_bekijken_list(buurt_cells, names)


def _summary(snap, gemeente: str, period: str, hotspots: list[dict], te_bekijken: list[dict]) -> dict:
    found = {(c.measure, c.period): c for c in selectors.cells(
        snap, level="gemeente", area=gemeente, phenomenon="*", dim="", category="*")}

    def shown(measure, per):
        cell = found.get((measure, per))
        return cell.display if cell else "0"

    figures = [(f"{MEASURES[m]} in {period}", shown(m, period)) for m in ("signalen", "casussen", "interventies")]
    standing = [c for c in kerncijfers.compare(gemeente) if c.verdict.startswith(("hoger", "lager"))]
    return {"figures": figures, "first": [h["naam"] for h in hotspots[:3]],
            "te_bekijken": [h["naam"] for h in te_bekijken], "standing": standing}


def _changes(snap, gemeente: str) -> dict:
    """What changed since the previous snapshot, in words (from the snapshot's diff, which holds
    visible changes only), in the areas of ``gemeente`` (a regio's diff names every member's)."""
    diff = selectors.visible_diff(snap.diff, [gemeente])
    if not diff.get("vorige_versie"):
        return {}
    names = selectors.area_names(set(diff.get("hotspots_nieuw", [])) | set(diff.get("hotspots_weg", []))
                                 | {w["gebied"] for w in diff.get("grootste_wijzigingen", [])})
    largest = [{"gebied": names.get(w["gebied"], w["gebied"]), "maat": MEASURES.get(w["maat"], w["maat"]),
                "periode": w["periode"], "was": int(w["was"]), "nu": int(w["nu"])}
               for w in diff.get("grootste_wijzigingen", [])[:5]]
    return {"vorige_versie": diff["vorige_versie"], "gewijzigd": diff.get("gewijzigd", 0),
            "nieuw": [names.get(b, b) for b in diff.get("hotspots_nieuw", [])],
            "weg": [names.get(b, b) for b in diff.get("hotspots_weg", [])], "grootste": largest}


def _per_wijk(snap, gemeente: str, period: str, hotspots: list[dict]) -> list[dict]:
    """Per wijk: the published signal, casus and intervention counts of the period, how many of
    the listed hotspot buurten lie in it, and the CBS crime figure."""
    cells = selectors.cells(snap, level="wijk", parent=gemeente, phenomenon="*", dim="", category="*")
    found = {(c.area, c.measure, c.period): c for c in cells}
    wijken = sorted({c.area for c in cells})
    names = selectors.area_names(wijken)
    buurt_wijk = {b.code: b.parent for b in kerncijfers.buurten_of_gemeente(gemeente).values()}
    cbs = {w.code: w for w in kerncijfers.children("wijk", gemeente)}
    rows = []
    for w in wijken:
        def shown(measure, per=period, w=w):
            cell = found.get((w, measure, per))
            return cell.display if cell else "0"
        in_wijk = sum(1 for h in hotspots if buurt_wijk.get(h["code"]) == w)
        crime = cbs[w].figures["misdrijven"] if w in cbs else None
        rows.append({"code": w, "naam": names.get(w, w), "signalen": shown("signalen"),
                     "casussen": shown("casussen"), "interventies": shown("interventies"),
                     "hotspots": in_wijk, "misdrijven": kerncijfers.fmt(crime)})
    return sorted(rows, key=lambda r: r["naam"])


def pdf(snap, gemeente: str | None = None) -> bytes:
    html = render_to_string("insight/report_pdf.html", context(snap, gemeente))
    return HTML(string=html).write_pdf()
