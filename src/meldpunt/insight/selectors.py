"""Reads of the ondermijningsbeeld: the indicator matrix and the cells of a snapshot.

Everything here is aggregate or configuration: no personal data, so no processing-log lines.
Pages are gated by the policy's "ondermijningsbeeld" rule (analist, regisseur); a snapshot's
file is verified against its SHA-256 before it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import duckdb
from django.db.models import Prefetch

from meldpunt.intake.models import Phenomenon
from meldpunt.registries.models import Buurt, Gemeente, Wijk

from . import beeldcache, storage
from . import scope as scopes
from .models import Indicator, Snapshot
from .suppression import display

# ------------------------------------------------------------------------------ matrix


def matrix():
    """Active phenomena with their active indicators and vindplaatsen, in catalogue order."""
    indicators = Indicator.objects.filter(active=True).prefetch_related("sources").order_by("kind", "order", "name")
    return Phenomenon.objects.filter(active=True).prefetch_related(Prefetch("indicators", queryset=indicators))


def phenomenon(code: str) -> Phenomenon | None:
    return matrix().filter(code=code).first()


def hotspot_weights() -> dict[str, float]:
    """Per measure, the highest weight among the active indicators that count it."""
    weights: dict[str, Decimal] = {}
    for measure, weight in Indicator.objects.filter(active=True, hotspot_weight__gt=0).exclude(measure="") \
            .values_list("measure", "hotspot_weight"):
        weights[measure] = max(weight, weights.get(measure, Decimal(0)))
    return {m: float(w) for m, w in weights.items()}


# --------------------------------------------------------------------------- snapshots


def _in_scope(scope: scopes.Scope | None = None):
    """The snapshots of ``scope`` (default: the installation's beeld, ADR 0030 §11): a gemeente in a
    regio reads its cells from the regio's snapshot, never from one of its own."""
    return Snapshot.objects.filter(scope.snapshots() if scope else scopes.default_snapshots())


def snapshots(scope: scopes.Scope | None = None):
    return _in_scope(scope).order_by("-version")


def latest_snapshot(scope: scopes.Scope | None = None) -> Snapshot | None:
    return _in_scope(scope).order_by("-version").first()


def snapshot(version: int, scope: scopes.Scope | None = None) -> Snapshot | None:
    return _in_scope(scope).filter(version=version).first()


def regional_snapshot(regio) -> Snapshot | None:
    """The latest snapshot of ``regio``: the regio level and its gemeenten side by side."""
    return latest_snapshot(scopes.of_regio(regio))


@dataclass(frozen=True)
class Cell:
    level: str
    area: str
    parent: str
    phenomenon: str
    period: str
    measure: str
    dim: str
    category: str
    kind: str
    value: float | None
    hidden: bool
    primary_hidden: bool

    @property
    def display(self) -> str:
        return display(self.value, self.kind, self.hidden, self.primary_hidden)

    @property
    def number(self) -> float:
        """The value for drawing (0 when hidden: the chart marks it instead)."""
        return 0.0 if self.hidden or self.value is None else float(self.value)


ZERO = "0"
COLUMNS = "level, area, parent, phenomenon, period, measure, dim, category, kind, value, hidden, primary_hidden"


def cells(snap: Snapshot, **where) -> list[Cell]:
    """Cells of a snapshot matching the given columns; a list or tuple value means IN."""
    path = storage.verified_path(snap)
    clauses, params = [], []
    for column, value in where.items():
        if column not in COLUMNS.split(", "):
            raise ValueError(column)
        if isinstance(value, list | tuple | set):
            values = list(value)
            if not values:
                return []
            clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params += values
        else:
            clauses.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT {COLUMNS} FROM read_parquet('{path}')"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    con = duckdb.connect()
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    return [Cell(*row) for row in rows]


def missing(level: str, area: str, measure: str, phenomenon: str = "*", period: str = "actueel",
            dim: str = "", category: str = "*") -> Cell:
    """A count that is not in the snapshot is zero (only non-zero counts are stored)."""
    return Cell(level, area, "", phenomenon, period, measure, dim, category, "telling", 0.0, False, False)


def snapshot_gemeenten(snap: Snapshot) -> list[tuple[str, str]]:
    """The gemeenten in a snapshot with their names (kept per snapshot: see beeldcache)."""
    return beeldcache.remember(snap, ("gemeenten",), lambda: _snapshot_gemeenten(snap))


def _snapshot_gemeenten(snap: Snapshot) -> list[tuple[str, str]]:
    codes = sorted({c.area for c in cells(snap, level="gemeente", measure="adressen")})
    names = dict(Gemeente.objects.filter(code__in=codes).values_list("code", "naam"))
    return [(code, names.get(code, code)) for code in codes]


def area_names(codes) -> dict[str, str]:
    codes = list(codes)
    names = dict(Buurt.objects.filter(code__in=codes).values_list("code", "naam"))
    names.update(Wijk.objects.filter(code__in=codes).values_list("code", "naam"))
    names.update(Gemeente.objects.filter(code__in=codes).values_list("code", "naam"))
    return names


def gemeente_of_areas(codes) -> dict[str, str]:
    """The gemeente (CBS code) of each gemeente, wijk or buurt code in ``codes``."""
    codes = list(codes)
    found = dict(Buurt.objects.filter(code__in=codes).values_list("code", "wijk__gemeente_id"))
    found.update(Wijk.objects.filter(code__in=codes).values_list("code", "gemeente_id"))
    found.update((code, code) for code in Gemeente.objects.filter(code__in=codes).values_list("code", flat=True))
    return found


def visible_diff(diff: dict | None, gemeenten) -> dict:
    """A snapshot's diff as a person with the beeld of ``gemeenten`` reads it (ADR 0030 §11): the
    largest changes and the hotspots that came and went only in those gemeenten' areas. A regio's
    snapshot holds every member's cells; the areas of the others are never named."""
    diff = dict(diff or {})
    allowed = set(gemeenten)
    largest = diff.get("grootste_wijzigingen", [])
    hotspots = set(diff.get("hotspots_nieuw", [])) | set(diff.get("hotspots_weg", []))
    gemeente_of = gemeente_of_areas({w["gebied"] for w in largest} | hotspots)
    diff["grootste_wijzigingen"] = [w for w in largest if gemeente_of.get(w["gebied"]) in allowed]
    for key in ("hotspots_nieuw", "hotspots_weg"):
        diff[key] = [b for b in diff.get(key, []) if gemeente_of.get(b) in allowed]
    return diff


OUTSIDE_MEASURES = ("signalen", "casussen", "interventies")


def outside(snap: Snapshot, gemeente: str, period: str) -> dict[str, str]:
    """The gemeente's published part "buiten de gemeente" in ``period`` (ADR 0030 §11): its own
    signals, casussen and interventions about an address in another gemeente, as shown (suppressed
    like every count: "<5", "×" or the number; absent: 0)."""
    found = {c.measure: c for c in cells(snap, level="buiten", area=gemeente, phenomenon="*", dim="",
                                         category="*", period=period)}
    return {m: found[m].display if m in found else ZERO for m in OUTSIDE_MEASURES}
