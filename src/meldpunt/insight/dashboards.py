"""The dashboards per theme, after Zicht op Ondermijning: what each shows and how its figures are
assembled from a snapshot's cells (charts, buurt map, hotspot list). Only published cells are
used: a suppressed value stays "<5" or "×" in every chart, map and table.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field, replace

from meldpunt.intake.models import Channel, Phenomenon
from meldpunt.registries.models import SbiCode

from . import beeldcache, charts, kerncijfers, maps, selectors
from .hotspots import LEVEL_LABELS, band
from .pipeline import MEASURES, RISK_BRANCH_SBI

OUTCOME_LABELS = {
    "in_behandeling": "In behandeling", "niet_in_behandeling": "Niet in behandeling", "geen_actie": "Geen actie",
    "doorgezet_afdeling": "Doorgezet naar afdeling", "doorgezet_riec": "Doorgezet naar RIEC", "casus": "Casus",
    "overig": "Overig",
}


ALL, ALL_PHENOMENA = "*", "Alle fenomenen"  # the phenomenon filter's default: the sum over phenomena


@dataclass(frozen=True)
class Theme:
    slug: str
    title: str
    intro: str
    phenomena: tuple[str, ...]
    registry_measures: tuple[str, ...]
    branch_chart: bool = False
    # The CBS figures that put this theme in context (keys of kerncijfers.INDICATORS).
    context: tuple[str, ...] = ("misdrijven", "woz", "dichtheid", "inkomen", "huur")


THEMES = {
    "vastgoed": Theme(
        "vastgoed", "Mogelijk misbruik van vastgoed",
        "Signalen over witwassen via vastgoed en woonfraude naast registratie-indicatoren: snelle doorverkopen "
        "(ABC), koopsommen die sterk afwijken van de WOZ-waarde en overbewoning.",
        ("witwassen_vastgoed", "woon_adresfraude"),
        ("abc_doorverkopen", "woz_afwijkingen", "adressen_overbewoning"),
        context=("woz", "huur", "dichtheid")),
    "drugs": Theme(
        "drugs", "Drugs",
        "Signalen over hennepteelt en drugslabs, de casussen die eruit voortkomen en de interventies "
        "(zoals sluiting op grond van art. 13b Opiumwet).",
        ("hennepteelt_drugs", "drugslab_buitengebied"),
        ("adressen_overbewoning",),
        context=("misdrijven", "dichtheid", "huur")),
    "financieel": Theme(
        "financieel", "Verdachte transacties en financieel",
        "Aanwijzingen voor het witwassen van geld: afwijkende koopsommen, veel kortlevende bedrijven en veel "
        "bedrijven op één woonadres. Gegevens van FIU-Nederland komen alleen geaggregeerd via het RIEC.",
        ("witwassen_vastgoed", "zorgfraude", "malafide_onderneming"),
        ("woz_afwijkingen", "adressen_veel_bedrijven", "vestigingen_kortlevend"),
        context=("inkomen", "woz", "misdrijven")),
    "branches": Theme(
        "branches", "Brancheanalyse (risicobranches)",
        "Risicobranches volgens SBI (kapsalons, nagelstudio's, belwinkels, autohandel, horeca, uitzendbureaus, "
        "vastgoed): dichtheid, verloop en concentratie in één straat.",
        ("malafide_onderneming", "arbeidsuitbuiting"),
        ("risicobranche_vestigingen", "risicobranche_nieuw", "risicobranche_straten", "vestigingen_kortlevend"),
        branch_chart=True, context=("dichtheid", "misdrijven", "inkomen")),
}


@dataclass
class Filters:
    gemeente: str
    wijk: str
    period: str
    phenomenon: str
    map_measure: str


@dataclass
class Dashboard:
    theme: Theme
    snapshot: object
    filters: Filters
    area_name: str
    cards: list[tuple[str, str]] = field(default_factory=list)
    charts: list[charts.Chart] = field(default_factory=list)
    map: maps.Map | None = None
    map_rows: list[tuple[str, str, str]] = field(default_factory=list)
    hotspots: list[dict] = field(default_factory=list)
    te_bekijken: list[dict] = field(default_factory=list)  # the set of ADR 0026 part 9: membership only
    # Context from CBS (public, not our counts): the gemeente against similar gemeenten and its
    # provincie, and the same figures per wijk (or per buurt of the chosen wijk).
    comparison: list[kerncijfers.Comparison] = field(default_factory=list)
    comparison_text: str = ""
    context_labels: list[str] = field(default_factory=list)
    context_rows: list[tuple[str, str, list[str]]] = field(default_factory=list)


def _cell(found: dict, level: str, area: str, measure: str, phenomenon: str = "*", period: str = "actueel",
          dim: str = "", category: str = "*"):
    return found.get((level, area, phenomenon, period, measure, dim, category)) or \
        selectors.missing(level, area, measure, phenomenon, period, dim, category)


def _index(cells) -> dict:
    return {(c.level, c.area, c.phenomenon, c.period, c.measure, c.dim, c.category): c for c in cells}


def map_measure_label(measure: str, phenomenon_name: str, period: str) -> str:
    if measure in ("signalen", "casussen", "interventies"):
        return f"{MEASURES[measure]} {phenomenon_name.lower()} in {period}"
    return MEASURES[measure]


def build(theme: Theme, snap, filters: Filters) -> Dashboard:
    """Assemble one dashboard for the chosen gemeente (and wijk), period and phenomenon."""
    level, area = ("wijk", filters.wijk) if filters.wijk else ("gemeente", filters.gemeente)
    names = selectors.area_names([filters.gemeente] + ([filters.wijk] if filters.wijk else []))
    phen_names = dict(Phenomenon.objects.values_list("code", "name")) | {ALL: ALL_PHENOMENA}
    board = Dashboard(theme, snap, filters, names.get(area, area))

    top = _index(selectors.cells(snap, level=level, area=area))
    p, per = filters.phenomenon, filters.period
    board.cards = [
        (f"Signalen {phen_names.get(p, p).lower()} ({per})", _cell(top, level, area, "signalen", p, per).display),
        (f"Casussen ({per})", _cell(top, level, area, "casussen", p, per).display),
        (f"Interventies ({per})", _cell(top, level, area, "interventies", p, per).display),
    ] + [(MEASURES[m], _cell(top, level, area, m).display) for m in theme.registry_measures]

    board.charts.append(charts.bar_chart(
        f"{theme.slug}-perioden", f"Signalen {phen_names.get(p, p).lower()} per jaar",
        [(period, _cell(top, level, area, "signalen", p, period)) for period in snap.periods]))
    channels = dict(Channel.choices)
    # Per wijk the breakdowns are published for all phenomena together (see the method).
    bp = p if level == "gemeente" else "*"
    which = phen_names.get(p, p).lower() if bp != "*" else "alle fenomenen"
    present = sorted({c.category for c in top.values() if c.dim == "kanaal" and c.phenomenon == bp
                      and c.period == per})
    board.charts.append(charts.bar_chart(
        f"{theme.slug}-kanalen", f"Signalen {which} per kanaal ({per})",
        [(channels.get(k, k), _cell(top, level, area, "signalen", bp, per, "kanaal", k)) for k in present]
        or [("Geen signalen", selectors.missing(level, area, "signalen"))]))
    outcomes = [k for k in OUTCOME_LABELS
                if (level, area, bp, per, "signalen", "uitkomst", k) in top]
    board.charts.append(charts.bar_chart(
        f"{theme.slug}-uitkomsten", f"Signalen {which} per uitkomst ({per})",
        [(OUTCOME_LABELS[k], _cell(top, level, area, "signalen", bp, per, "uitkomst", k)) for k in outcomes]
        or [("Geen signalen", selectors.missing(level, area, "signalen"))]))
    if theme.branch_chart:
        sbi_names = dict(_sbi_names())
        board.charts.append(charts.bar_chart(
            f"{theme.slug}-sbi", "Actieve vestigingen per risicobranche (SBI)",
            [(f"{code} {sbi_names.get(code, '')}".strip(),
              _cell(top, level, area, "risicobranche_vestigingen", dim="sbi", category=code))
             for code in RISK_BRANCH_SBI]))

    buurt_cells = selectors.cells(snap, level="buurt", parent=_wijken_of(snap, filters))
    buurten = _index(buurt_cells)
    codes = sorted({c.area for c in buurt_cells})
    buurt_names = selectors.area_names(codes)
    m = filters.map_measure
    if m in ("signalen", "casussen", "interventies"):
        values = {code: _cell(buurten, "buurt", code, m, p, per) for code in codes}
    else:
        values = {code: _cell(buurten, "buurt", code, m) for code in codes}
    title = f"Kaart: {map_measure_label(m, phen_names.get(p, p), per)} per buurt"
    board.map = maps.choropleth(f"{theme.slug}-kaart", filters.gemeente, title, values, buurt_names)
    board.map_rows = sorted(((code, buurt_names.get(code, code), cell.display) for code, cell in values.items()),
                            key=lambda r: r[1])
    board.hotspots = hotspot_list(buurt_cells, buurt_names, measures=theme_measures(theme))
    board.te_bekijken = te_bekijken_list(buurt_cells, buurt_names, measures=theme_measures(theme))
    add_context(board, theme, filters)
    return board


def cached_build(theme: Theme, snap, filters: Filters) -> Dashboard:
    """``build``, computed once per snapshot, theme and filters (beeldcache: the same for everyone;
    the filters are already checked against their choices, so the keys are few)."""
    board = beeldcache.remember(snap, ("dashboard", theme.slug, *astuple(filters)),
                                lambda: replace(build(theme, snap, filters), snapshot=None))
    return replace(board, snapshot=snap)


def theme_measures(theme: Theme) -> tuple[str, ...]:
    """The hotspot components that belong to a theme: its registry indicators and the signals."""
    return ("signalen", *theme.registry_measures)


def add_context(board: Dashboard, theme: Theme, filters: Filters) -> None:
    board.comparison = kerncijfers.compare(filters.gemeente, theme.context)
    board.comparison_text = kerncijfers.describe(filters.gemeente)
    board.context_labels = [kerncijfers.INDICATORS[k][0] for k in theme.context]
    areas = (kerncijfers.children("buurt", filters.wijk) if filters.wijk
             else kerncijfers.children("wijk", filters.gemeente))
    board.context_rows = [(a.code, a.naam, [kerncijfers.fmt(a.figures[k]) for k in theme.context]) for a in areas]


def _wijken_of(snap, filters: Filters) -> list[str]:
    if filters.wijk:
        return [filters.wijk]
    return sorted({c.area for c in selectors.cells(snap, level="wijk", parent=filters.gemeente, measure="adressen")})


def hotspot_list(buurt_cells, names: dict[str, str], top: int = 10,
                 measures: tuple[str, ...] | None = None) -> list[dict]:
    """The buurten with the highest hotspot score, with their place in the gemeente, their band
    and the indicators that raise it. Everything here is computed from published cells only
    (see hotspots.py), and the page shows the place and the band, not the score.

    With ``measures`` (a theme), only buurten with a raised indicator of the theme are listed,
    first those raised most on the theme's own indicators (sum of their levels), then by the
    overall score — so the vastgoed and the drugs page do not show the same list."""
    scores = [c for c in buurt_cells if c.measure == "hotspotscore"]
    places = {c.area: int(c.value) for c in buurt_cells if c.measure == "hotspotrang" and c.value}
    components: dict[str, list[tuple[str, int]]] = {}
    for c in buurt_cells:
        if c.measure == "hotspot" and c.value and (measures is None or c.category in measures):
            components.setdefault(c.area, []).append((c.category, int(c.value)))
    if measures is not None:
        scores = [c for c in scores if c.area in components]
    theme_level = {area: sum(level for _, level in items) for area, items in components.items()}
    ranked = sorted(scores, key=lambda c: (-theme_level.get(c.area, 0) if measures is not None else 0,
                                           -(c.value or 0), places.get(c.area, 0), c.area))[:top]
    return [{
        "rank": places.get(c.area, i), "code": c.area, "naam": names.get(c.area, c.area), "niveau": band(c.value),
        "indicatoren": [f"{MEASURES.get(m, m)} ({LEVEL_LABELS[level]})"
                        for m, level in sorted(components.get(c.area, []), key=lambda x: (-x[1], x[0]))],
    } for i, c in enumerate(ranked, start=1) if (c.value or 0) > 0]


def te_bekijken_list(buurt_cells, names: dict[str, str], measures: tuple[str, ...] | None = None) -> list[dict]:
    """The buurten "te bekijken" (ADR 0026 part 9): membership only, decided from the exact counts —
    no place, score or level of their own. Listed by name; the reasons are the published
    components (levels of the published-cell score). With ``measures`` (a theme) only members with
    a raised indicator of the theme, so each theme shows its own."""
    members = {c.area for c in buurt_cells if c.measure == "te_bekijken" and c.value}
    reasons: dict[str, list[tuple[str, int]]] = {}
    for c in buurt_cells:
        if c.area in members and c.measure == "hotspot" and c.value and (measures is None or c.category in measures):
            reasons.setdefault(c.area, []).append((c.category, int(c.value)))
    if measures is not None:
        members = {m for m in members if m in reasons}
    return [{"code": code, "naam": names.get(code, code),
             "indicatoren": [MEASURES.get(m, m) for m, _ in sorted(reasons.get(code, []), key=lambda x: (-x[1], x[0]))]}
            for code in sorted(members, key=lambda code: (names.get(code, code), code))]


def _sbi_names():
    return SbiCode.objects.filter(code__in=RISK_BRANCH_SBI).values_list("code", "omschrijving")
