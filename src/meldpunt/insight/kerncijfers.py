"""Context from outside our own data: the public CBS key figures of every gemeente, wijk and
buurt (Kerncijfers wijken en buurten 2024, Politie via CBS; CC BY 4.0, shipped in
``meldpunt/data/cbs``), and where a gemeente stands among similar gemeenten and its provincie.

A beeld built on the gemeente's own signals alone is blind to how the place compares; these
figures are published by CBS already, so showing them next to the beeld reveals nothing about
anyone (they are not our counts and need no suppression).

"Similar gemeenten" are those with the same CBS stedelijkheid class (1 zeer sterk … 5 niet
stedelijk) and the same size band (inhabitants, ``SIZE_BANDS``). Comparisons use the median of
the group, so one large city does not pull a group along.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

ATTRIBUTION = "Bron: CBS Kerncijfers wijken en buurten 2024; Politie via CBS (CC BY 4.0)."

# (column, label, unit, derived from another column?) — the figures an analist compares.
INDICATORS = {
    "misdrijven": ("Geregistreerde misdrijven per 1.000 inwoners (gemiddelde 2021–2025)", "per 1.000"),
    "woz": ("Gemiddelde WOZ-waarde (× € 1.000)", "× € 1.000"),
    "dichtheid": ("Inwoners per km² land", "per km²"),
    "inkomen": ("Gemiddeld inkomen per inwoner (× € 1.000)", "× € 1.000"),
    "huur": ("Huurwoningen (% van de woningen)", "%"),
}
_COLUMNS = {"misdrijven": "misdrijven_per1000_gem5j", "woz": "wozWaarde", "dichtheid": "dichtheid",
            "inkomen": "inkomenPerInwoner", "huur": "koopwoningen"}
SIZE_BANDS = ((0, "tot 20.000 inwoners"), (20_000, "20.000 tot 50.000 inwoners"),
              (50_000, "50.000 tot 100.000 inwoners"), (100_000, "100.000 tot 250.000 inwoners"),
              (250_000, "250.000 inwoners of meer"))


@dataclass(frozen=True)
class Area:
    code: str
    naam: str
    parent: str  # wijk of a buurt, gemeente of a wijk, provincie of a gemeente
    inwoners: int
    stedelijkheid: int | None
    stedelijkheid_label: str
    provincie: str
    figures: dict  # indicator key -> float | None


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    own: float | None
    similar: float | None
    provincie: float | None
    nederland: float | None
    verdict: str  # "hoger dan de meeste vergelijkbare gemeenten", …

    @property
    def own_text(self) -> str:
        return fmt(self.own)

    @property
    def similar_text(self) -> str:
        return fmt(self.similar)

    @property
    def provincie_text(self) -> str:
        return fmt(self.provincie)

    @property
    def nederland_text(self) -> str:
        return fmt(self.nederland)


def _float(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _figures(row: dict) -> dict:
    figures = {key: _float(row.get(column, "")) for key, column in _COLUMNS.items()}
    if figures["huur"] is not None:  # CBS gives the share of owner-occupied dwellings
        figures["huur"] = round(100 - figures["huur"], 1)
    return figures


@lru_cache(maxsize=3)
def _read(level: str) -> dict[str, Area]:
    name = {"gemeente": "kwb2024_gemeenten.csv", "wijk": "kwb2024_wijken.csv", "buurt": "kwb2024_buurten.csv"}[level]
    text = resources.files("meldpunt").joinpath("data", "cbs", name).read_text(encoding="utf-8")
    areas = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row[f"{level}code"]
        parent = {"gemeente": row.get("provinciecode", ""), "wijk": row.get("gemeentecode", ""),
                  "buurt": row.get("wijkcode", "")}[level]
        sted = _float(row.get("stedelijkheid", ""))
        areas[code] = Area(code, row[f"{level}naam"], parent, int(_float(row.get("inwoners", "")) or 0),
                           int(sted) if sted else None, row.get("stedelijkheidLabel", ""),
                           row.get("provincienaam", ""), _figures(row))
    return areas


def gemeenten() -> dict[str, Area]:
    return _read("gemeente")


def gemeente(code: str) -> Area | None:
    return gemeenten().get(code)


def is_gemeentecode(code: str) -> bool:
    return code in gemeenten()


def size_band(inwoners: int) -> str:
    label = SIZE_BANDS[0][1]
    for bound, text in SIZE_BANDS:
        if inwoners >= bound:
            label = text
    return label


def similar(code: str) -> list[Area]:
    """The other gemeenten with the same stedelijkheid class and size band."""
    own = gemeente(code)
    if own is None:
        return []
    band = size_band(own.inwoners)
    return sorted((g for g in gemeenten().values() if g.code != code and g.stedelijkheid == own.stedelijkheid
                   and size_band(g.inwoners) == band), key=lambda g: g.naam)


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def _verdict(own: float | None, group: list[float | None]) -> str:
    group = [v for v in group if v is not None]
    if own is None or not group:
        return "onbekend"
    below = sum(1 for v in group if v < own)
    share = below / len(group)
    if share >= 0.75:
        return "hoger dan de meeste vergelijkbare gemeenten"
    if share <= 0.25 and sum(1 for v in group if v > own) / len(group) >= 0.75:
        return "lager dan de meeste vergelijkbare gemeenten"
    return "vergelijkbaar met soortgelijke gemeenten"


def compare(code: str, keys: tuple[str, ...] = tuple(INDICATORS)) -> list[Comparison]:
    """Per indicator: this gemeente, the median of similar gemeenten, of its provincie and of the
    Netherlands, and a plain verdict against the similar gemeenten."""
    own = gemeente(code)
    if own is None:
        return []
    peers = similar(code)
    same_province = [g for g in gemeenten().values() if g.parent == own.parent]
    rows = []
    for key in keys:
        rows.append(Comparison(
            key, INDICATORS[key][0], own.figures[key], _median(g.figures[key] for g in peers),
            _median(g.figures[key] for g in same_province),
            _median(g.figures[key] for g in gemeenten().values()),
            _verdict(own.figures[key], [g.figures[key] for g in peers])))
    return rows


def children(level: str, parent: str) -> list[Area]:
    """The wijken of a gemeente (``level="wijk"``) or the buurten of a wijk (``level="buurt"``)."""
    return sorted((a for a in _read(level).values() if a.parent == parent), key=lambda a: a.naam)


def buurten_of_gemeente(code: str) -> dict[str, Area]:
    wijken = {w.code for w in children("wijk", code)}
    return {b.code: b for b in _read("buurt").values() if b.parent in wijken}


def describe(code: str) -> str:
    """One sentence: which gemeenten this one is compared with."""
    own = gemeente(code)
    if own is None:
        return ""
    return (f"{own.naam} ({own.provincie}) is {own.stedelijkheid_label or 'onbekend stedelijk'} en heeft "
            f"{own.inwoners:,} inwoners ({size_band(own.inwoners)}); vergeleken met {len(similar(code))} "
            "gemeenten met dezelfde stedelijkheid en grootte.").replace(",", ".")


def fmt(value: float | None) -> str:
    if value is None:
        return "onbekend"
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
