"""The regional beeld (ADR 0030 §11): the regio level and its member gemeenten side by side, read
from the regio's one snapshot — the same cells, with the same suppression, as each member's own
beeld pages show. Aggregates only."""

from __future__ import annotations

from dataclasses import dataclass

from meldpunt.tenancy.models import Regio

from . import beeldcache, selectors
from . import scope as scopes
from .models import Snapshot
from .pipeline import MEASURES

# The rows of the comparison: the counts of the latest year, the registry indicators, the context.
COUNTED = ("signalen", "casussen", "interventies")
STANDING = ("adressen_overbewoning", "adressen_veel_bedrijven", "vestigingen_kortlevend", "risicobranche_vestigingen",
            "risicobranche_nieuw", "abc_doorverkopen", "woz_afwijkingen", "adressen", "cbs_inwoners")


@dataclass(frozen=True)
class RegionalTable:
    regio: Regio
    snapshot: Snapshot
    columns: list[str]           # the regio's name, then each gemeente's
    rows: list[tuple[str, list[str]]]
    period: str


def requested_regio(code: str | None) -> Regio | None:
    """The regio asked for (``?regio=``), else the installation's own; None when there is none."""
    if code:
        return Regio.objects.filter(code=code).first()
    scope = scopes.default()
    return scope.regio if scope else None


def members(regio: Regio) -> tuple[str, ...]:
    """The codes of the regio's active member gemeenten (whose cells the regional page shows)."""
    return scopes.of_regio(regio).codes


def table(regio: Regio) -> RegionalTable | None:
    snap = selectors.regional_snapshot(regio)
    if snap is None:
        return None
    return beeldcache.remember(snap, ("regio", regio.code), lambda: _table(regio, snap))


def _table(regio: Regio, snap: Snapshot) -> RegionalTable:
    gemeenten = sorted(selectors.snapshot_gemeenten(snap), key=lambda item: item[1])
    areas = [("regio", regio.code)] + [("gemeente", code) for code, _ in gemeenten]
    period = snap.periods[-1] if snap.periods else "actueel"
    found = {(c.level, c.area, c.measure, c.period): c
             for c in selectors.cells(snap, level=["regio", "gemeente"], phenomenon="*", dim="", category="*")}

    def shown(level, area, measure, per):
        cell = found.get((level, area, measure, per)) or selectors.missing(level, area, measure, period=per)
        return cell.display

    rows = [(f"{MEASURES[m]} ({period})", [shown(level, area, m, period) for level, area in areas]) for m in COUNTED]
    rows += [(MEASURES[m], [shown(level, area, m, "actueel") for level, area in areas]) for m in STANDING]
    return RegionalTable(regio, snap, [regio.naam] + [naam for _, naam in gemeenten], rows, period)
