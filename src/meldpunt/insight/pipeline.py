"""The ondermijningsbeeld pipeline: DuckDB over the registry extracts and the app's data.

Output: one Parquet file of *cells* — per CBS area (gemeente, wijk, buurt, with the year of the
area division) × phenomenon × period × measure × category — with small counts suppressed, plus
the hotspot ranking. No cell is finer than a buurt; person, company and address identifiers are
only used inside the queries to count per address and never reach the output.

Periods are calendar years (of the signal, casus or intervention date); registry indicators and
CBS context are a stand on the reference date (period ``actueel``). Phenomenon ``*`` and
category ``*`` are totals.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from . import te_bekijken
from .audit import recoverable_cells
from .errors import DisclosureError
from .hotspots import BANDS, SECONDARY_STAND_IN, SMALL_STAND_IN, hotspot_rows
from .pinning import close_joint_pins, close_pins, joint_pins, pinned
from .sources import OUTSIDE_PREFIX, SourceSet
from .suppression import THRESHOLD, pad_zeros, suppress

# 1.3: zero padding and the gate; 1.4: padded "<5" share the wijk; 1.5: "te bekijken" (ADR 0026);
# 1.6: "buiten de gemeente" (ADR 0030 §11); 1.7: the closing of pins (ADR 0026 part 10)
PIPELINE_VERSION = "1.7"
MAX_RESCORES = 3  # rounds of closing what the set pins, each followed by score and set again
CURRENT = "actueel"

# SBI codes of the risk branches named in the domain reference (kapsalons, nagelstudio's,
# zonnestudio's, belwinkels, autohandel, horeca, uitzendbureaus, vastgoed).
RISK_BRANCH_SBI = ("96021", "96022", "9604", "4742", "45112", "5630", "56102", "78201", "6810")
OVERCROWDED_MIN_ADULTS = 6
OVERCROWDED_MAX_M2_PER_ADULT = 10
MANY_COMPANIES_MIN = 3
RECENT_YEARS = 3
SHORT_LIVED_DAYS = 365
NEW_BRANCH_YEARS = 2
STREET_CONCENTRATION_MIN = 5
ABC_MAX_DAYS = 183
ABC_MIN_RISE = 1.30
WOZ_HIGH, WOZ_LOW = 1.35, 0.65

OUTCOME_SQL = """CASE
  WHEN status IN ('ontvangen', 'zwaarte', 'bronnenonderzoek') THEN 'in_behandeling'
  WHEN status = 'niet_in_behandeling' THEN 'niet_in_behandeling'
  WHEN status = 'geen_actie' THEN 'geen_actie'
  WHEN status IN ('doorgezet_afdeling', 'afdeling_regie') THEN 'doorgezet_afdeling'
  WHEN status = 'doorgezet_riec' THEN 'doorgezet_riec'
  WHEN status = 'casus' THEN 'casus'
  ELSE 'overig' END"""

MEASURES = {
    "signalen": "Signalen",
    "casussen": "Casussen",
    "interventies": "Interventies",
    "adressen_overbewoning": f"Woonadressen met ≥ {OVERCROWDED_MIN_ADULTS} volwassenen en ≤ "
                             f"{OVERCROWDED_MAX_M2_PER_ADULT} m² per volwassene",
    "adressen_veel_bedrijven": f"Woonadressen met ≥ {MANY_COMPANIES_MIN} vestigingen (laatste {RECENT_YEARS} jaar)",
    "vestigingen_kortlevend": f"Vestigingen opgeheven binnen een jaar (gestart in de laatste {RECENT_YEARS} jaar)",
    "risicobranche_vestigingen": "Actieve vestigingen in risicobranches",
    "risicobranche_nieuw": f"Vestigingen in risicobranches gestart in de laatste {NEW_BRANCH_YEARS} jaar",
    "risicobranche_straten": f"Straten met ≥ {STREET_CONCENTRATION_MIN} actieve vestigingen van één risicobranche",
    "abc_doorverkopen": f"Woningen binnen {ABC_MAX_DAYS} dagen doorverkocht met ≥ 30% stijging",
    "woz_afwijkingen": "Verkopen met een koopsom ≥ 1,35 of ≤ 0,65 × de WOZ-waarde (laatste 3 jaar)",
    "adressen": "Adressen (verblijfsobjecten, BAG)",
    "cbs_inwoners": "Inwoners (CBS)",
    "cbs_woz_gemiddeld": "Gemiddelde WOZ-waarde (× € 1.000, CBS)",
    "cbs_misdrijven_per_1000": "Geregistreerde misdrijven per 1.000 inwoners (Politie via CBS)",
}
REGISTRY_MEASURES = ("adressen_overbewoning", "adressen_veel_bedrijven", "vestigingen_kortlevend",
                     "risicobranche_vestigingen", "risicobranche_nieuw", "risicobranche_straten",
                     "abc_doorverkopen", "woz_afwijkingen")



def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _bands() -> str:
    return ", ".join(f"{label} vanaf {_num(bound)}" for bound, label in BANDS if bound > 0)


METHOD = f"""Methode ondermijningsbeeld (versie {PIPELINE_VERSION})

Gebieden: CBS-gemeenten, -wijken en -buurten (indeling met jaartal). Elke telling is per buurt
gemaakt en opgeteld naar wijk en gemeente; signalen zonder buurt tellen niet mee in de
gebiedscijfers. Signalen en casussen van de gemeente over een adres buiten de gemeente tellen in het
deel "buiten de gemeente" (met de wijken samen het gemeentetotaal), nooit in een buurt van een andere
gemeente. Per buurt staan alleen totalen per fenomeen en periode; de uitsplitsingen (kanaal,
uitkomst, instrument, branche) staan per wijk en gemeente.
Perioden: kalenderjaren van de ontvangstdatum (signalen), de startdatum (casussen) en de
aanmaakdatum (interventies). Registratie-indicatoren en CBS-context zijn een stand op de peildatum.
Signalen: per kanaal en per uitkomst (in behandeling, niet in behandeling, geen actie, doorgezet
naar afdeling, doorgezet naar RIEC, casus); per wijk voor alle fenomenen samen. Interventies per
instrument, in de buurt en het fenomeen van het eerste signaal van de casus.
Registratie-indicatoren (stand op de peildatum): {'; '.join(MEASURES[m] for m in REGISTRY_MEASURES)}.
Risicobranches (SBI): {', '.join(RISK_BRANCH_SBI)}.
CBS-context: inwoners, gemiddelde WOZ-waarde en geregistreerde misdrijven per 1.000 inwoners
(vijfjaarsgemiddelde) uit CBS Kerncijfers wijken en buurten 2024 en Politie via CBS (CC BY 4.0).
Afscherming (regel P6): tellingen van 1 tot en met 4 worden getoond als "<5". Daarnaast worden
zo nodig andere cellen afgeschermd ("×"), zodat een kleine telling niet uit totalen of
deeltotalen (kanalen, fenomenen, buurten van een wijk, wijken van een gemeente) is terug te rekenen.
Is het totaal van zo'n optelling afgeschermd, dan staan ook de nullen erin als "<5" ("<5" is daar 0 tot
en met 4). Een momentopname wordt alleen opgeslagen als geen afgeschermde telling precies is te herleiden.
Hotspotscore: berekend uit de gepubliceerde (afgeschermde) tellingen, zodat de score geen
afgeschermde telling kan verraden: een telling "<5" telt mee als {_num(SMALL_STAND_IN)}, een telling "×" als
{_num(SECONDARY_STAND_IN)}; is ook de telling van de wijk afgeschermd (daar kan "<5" een 0 zijn), dan wordt
die van de wijk ({_num(SMALL_STAND_IN)} of {_num(SECONDARY_STAND_IN)}) gelijk verdeeld over de buurten met "<5".
Per buurt en indicator het verschil tussen de waargenomen en de verwachte telling
(het gemeentelijk gemiddelde per inwoner voor signalen en per adres voor de registratie-
indicatoren), gedeeld door de wortel van verwachting + 0,25, begrensd op 0 tot 3, gewogen met het
gewicht uit de indicatormatrix en met de zeldzaamheid van de indicator (de natuurlijke logaritme van
het aantal buurten gedeeld door het aantal buurten waar de indicator niet 0 is, minstens 0,25), en
opgeteld. Signalen: de telling van het jaar van de peildatum plus
naar rato het deel van het jaar ervoor dat in de laatste twaalf maanden valt. Dashboards en rapport
tonen de plaats in de gemeente en een niveau ({_bands()}). Een hoge score is een
aanwijzing om te kijken, nooit een oordeel over personen: mensen beslissen.
Te bekijken: dezelfde score, maar met de werkelijke tellingen van de buurt (en de gepubliceerde
verwachting, zeldzaamheid en gewichten). Buurten met ten minste {te_bekijken.MIN_INHABITANTS} inwoners (CBS)
waarvan die score ten minste {_num(te_bekijken.THRESHOLD_FACTOR)} × het grootste product van gewicht en
zeldzaamheid is, staan op de lijst "te bekijken" — zonder score, plaats of niveau. Een buurt krijgt
alleen een uitspraak (wel of niet te bekijken) als geen van beide uitspraken een afgeschermde
telling van die buurt zou verraden; zolang de gepubliceerde cijfers van een buurt niet veranderen,
blijft haar uitspraak staan.
Geen persoonsgegevens: de pijplijn telt per adres en per buurt; namen, BSN's, KvK-nummers en
huisnummers komen niet in het beeld."""


@dataclass
class PipelineResult:
    cells_path: Path
    cell_count: int
    primary: int
    secondary: int
    rounds: int
    periods: list[str]
    area_year: int
    hotspots: list[dict]
    totals: dict
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    padded: int = 0  # zeros published as "<5" (ADR 0026); not in ``primary``, which counts 1 … 4
    te_bekijken: int = 0  # buurten in the set "te bekijken" (ADR 0026 part 9)
    closing: dict = field(default_factory=dict)  # what the closing of pins did (ADR 0026 part 10)


def _connect(threads: int, memory_limit: str, temp_dir: Path | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    if temp_dir:
        con.execute(f"SET temp_directory = '{temp_dir}'")
    return con


def create_views(con, source: SourceSet) -> None:
    for name, sql in source.views().items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")


def aggregate(con, ref: date, crowded_sql: str | None = None) -> None:
    """The bare aggregation: every count per buurt (table ``base``) and the CBS context."""
    ref_sql = f"DATE '{ref.isoformat()}'"
    recent = f"DATE '{(ref - timedelta(days=365 * RECENT_YEARS)).isoformat()}'"
    new_branch = f"DATE '{(ref - timedelta(days=365 * NEW_BRANCH_YEARS)).isoformat()}'"
    risk = ", ".join(f"'{code}'" for code in RISK_BRANCH_SBI)
    crowded = crowded_sql or (f"SELECT adres, count(*) AS adults FROM inschrijvingen WHERE volwassen "
                              f"GROUP BY adres HAVING count(*) >= {OVERCROWDED_MIN_ADULTS}")
    con.execute("""CREATE OR REPLACE TEMP TABLE geo AS
                   SELECT b.code AS buurt, b.wijk, w.gemeente FROM buurten b JOIN wijken w ON w.code = b.wijk""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE sig AS
        SELECT buurt, fenomeen, CAST(year(datum) AS VARCHAR) AS period, kanaal, {OUTCOME_SQL} AS uitkomst,
               count(*) AS n, count(*) FILTER (WHERE datum > {ref_sql} - INTERVAL 365 DAY) AS n_recent
        FROM signalen WHERE buurt IS NOT NULL AND datum <= {ref_sql} GROUP BY ALL
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cas AS
        SELECT casus, buurt, fenomeen, CAST(year(datum) AS VARCHAR) AS period FROM casussen WHERE buurt IS NOT NULL
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE ves AS
        SELECT a.buurt, a.gebruiksdoel, v.adres, v.sbi, v.datum_aanvang, v.datum_einde
        FROM vestigingen v JOIN adressen a ON a.adres = v.adres
        WHERE v.datum_aanvang >= {recent} OR v.datum_einde IS NULL
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE reg AS
        WITH crowded AS ({crowded}), sold AS (
          SELECT s.obj, a.buurt, s.datum, s.koopsom FROM overdrachten s JOIN adressen a USING (obj)
        ), sales AS (
          SELECT obj, buurt, datum, koopsom, lag(datum) OVER w AS prev_datum, lag(koopsom) OVER w AS prev_koopsom
          FROM sold WINDOW w AS (PARTITION BY obj ORDER BY datum)
        ), street AS (
          SELECT v.buurt, s.straat, v.sbi FROM ves v JOIN straten s ON s.adres = v.adres
          WHERE v.sbi IN ({risk}) AND v.datum_einde IS NULL
          GROUP BY ALL HAVING count(*) >= {STREET_CONCENTRATION_MIN}
        )
        SELECT a.buurt, 'adressen_overbewoning' AS measure, count(*) AS n
        FROM crowded c JOIN adressen a ON a.adres = c.adres
        WHERE a.gebruiksdoel = 'woonfunctie' AND a.oppervlakte <= {OVERCROWDED_MAX_M2_PER_ADULT} * c.adults
        GROUP BY ALL
        UNION ALL
        SELECT buurt, 'adressen_veel_bedrijven', count(*) FROM (
          SELECT buurt, adres FROM ves WHERE gebruiksdoel = 'woonfunctie' AND datum_aanvang >= {recent}
          GROUP BY ALL HAVING count(*) >= {MANY_COMPANIES_MIN}) GROUP BY ALL
        UNION ALL
        SELECT buurt, 'vestigingen_kortlevend', count(*) FROM ves
        WHERE datum_aanvang >= {recent} AND datum_einde IS NOT NULL AND datum_einde - datum_aanvang < {SHORT_LIVED_DAYS}
        GROUP BY ALL
        UNION ALL
        SELECT buurt, 'risicobranche_vestigingen', count(*) FROM ves WHERE sbi IN ({risk}) AND datum_einde IS NULL
        GROUP BY ALL
        UNION ALL
        SELECT buurt, 'risicobranche_nieuw', count(*) FROM ves WHERE sbi IN ({risk}) AND datum_aanvang >= {new_branch}
        GROUP BY ALL
        UNION ALL
        SELECT buurt, 'risicobranche_straten', count(*) FROM street GROUP BY ALL
        UNION ALL
        SELECT buurt, 'abc_doorverkopen', count(DISTINCT obj) FROM sales
        WHERE prev_datum IS NOT NULL AND datum - prev_datum <= {ABC_MAX_DAYS}
          AND koopsom >= {ABC_MIN_RISE} * prev_koopsom
        GROUP BY ALL
        UNION ALL
        SELECT s.buurt, 'woz_afwijkingen', count(DISTINCT s.obj)
        FROM sold s JOIN woz w USING (obj)
        WHERE s.datum >= {recent} AND (s.koopsom >= {WOZ_HIGH} * w.waarde OR s.koopsom <= {WOZ_LOW} * w.waarde)
        GROUP BY ALL
        UNION ALL
        SELECT buurt, 'adressen', count(*) FROM adressen GROUP BY ALL
        UNION ALL
        SELECT buurt, 'vestigingen', count(*) FROM ves WHERE datum_einde IS NULL OR datum_aanvang >= {recent}
        GROUP BY ALL
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE base AS
        SELECT buurt, fenomeen AS phenomenon, period, 'signalen' AS measure, '' AS dim, '*' AS category, sum(n) AS n
        FROM sig GROUP BY ALL
        UNION ALL SELECT buurt, fenomeen, period, 'signalen', 'kanaal', kanaal, sum(n) FROM sig GROUP BY ALL
        UNION ALL SELECT buurt, fenomeen, period, 'signalen', 'uitkomst', uitkomst, sum(n) FROM sig GROUP BY ALL
        UNION ALL SELECT buurt, fenomeen, period, 'casussen', '', '*', count(*) FROM cas GROUP BY ALL
        UNION ALL SELECT c.buurt, c.fenomeen, CAST(year(i.datum) AS VARCHAR), 'interventies', '', '*', count(*)
        FROM interventies i JOIN cas c USING (casus) GROUP BY ALL
        UNION ALL SELECT c.buurt, c.fenomeen, CAST(year(i.datum) AS VARCHAR), 'interventies', 'instrument',
               i.instrument, count(*)
        FROM interventies i JOIN cas c USING (casus) GROUP BY ALL
        UNION ALL SELECT buurt, '*', 'actueel', measure, '', '*', n FROM reg
        WHERE measure NOT IN ('adressen', 'vestigingen')
        UNION ALL SELECT buurt, '*', 'actueel', 'risicobranche_vestigingen', 'sbi', sbi, count(*) FROM ves
        WHERE sbi IN ({risk}) AND datum_einde IS NULL GROUP BY ALL
    """)


def _quoted(code: str) -> str:
    if not code.replace("-", "").replace("_", "").isalnum():
        raise ValueError(code)
    return f"'{code}'"


def build_cells(con, regio: str | None = None) -> None:
    """Roll the buurt counts up to wijk and gemeente (and over phenomena), add the CBS context.
    With ``regio`` (a Regio code; the geography holds exactly its member gemeenten) one more level
    on top: the regio, the parent of every gemeente (ADR 0030 §11), so one suppression covers the
    gemeenten and the regio together."""
    regio_sql = _quoted(regio) if regio else "''"
    # Buurt level: totals per measure only (breakdowns by channel, outcome, instrument or SBI would
    # be almost all below 5 there); wijk: totals, and breakdowns over all phenomena together;
    # gemeente: everything. Each level is summed from the one below, which is already aggregated.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE counts_buurt AS
        WITH b AS (SELECT x.*, g.wijk FROM base x JOIN geo g USING (buurt))
        SELECT buurt AS area, wijk AS parent, phenomenon, period, measure, dim, category, sum(n) AS value
        FROM b GROUP BY ALL
        UNION ALL
        SELECT buurt, wijk, '*', period, measure, dim, category, sum(n) FROM b WHERE phenomenon <> '*' GROUP BY ALL
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE counts_wijk AS
        SELECT g.wijk AS area, any_value(g.gemeente) AS parent, phenomenon, period, measure, dim, category,
               sum(value) AS value
        FROM counts_buurt c JOIN (SELECT DISTINCT wijk, gemeente FROM geo) g ON g.wijk = c.parent
        GROUP BY g.wijk, phenomenon, period, measure, dim, category
    """)
    # "Buiten de gemeente" (ADR 0030 §11): a gemeente's own signals and casussen about an address
    # outside it, one pseudo-area per gemeente (level ``buiten``, area and parent: the gemeente),
    # broken down like a wijk. The gemeente's total is its wijken plus this part, so the geography
    # line "wijken + buiten = gemeente" holds and the suppression covers it like any wijk.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE counts_buiten AS
        WITH b AS (SELECT substr(buurt, {len(OUTSIDE_PREFIX) + 1}) AS area, phenomenon, period, measure, dim,
                          category, n
                   FROM base WHERE starts_with(buurt, '{OUTSIDE_PREFIX}'))
        SELECT area, phenomenon, period, measure, dim, category, sum(n) AS value
        FROM b WHERE area IN (SELECT code FROM gemeenten) GROUP BY ALL
        UNION ALL
        SELECT area, '*', period, measure, dim, category, sum(n) FROM b
        WHERE phenomenon <> '*' AND area IN (SELECT code FROM gemeenten) GROUP BY ALL
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE counts_part AS
        SELECT parent AS gemeente, phenomenon, period, measure, dim, category, value FROM counts_wijk
        UNION ALL
        SELECT area, phenomenon, period, measure, dim, category, value FROM counts_buiten
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE counts AS
        SELECT 'buurt' AS level, area, parent, phenomenon, period, measure, dim, category, value
        FROM counts_buurt WHERE dim = ''
        UNION ALL
        SELECT 'wijk', area, parent, phenomenon, period, measure, dim, category, value FROM counts_wijk
        WHERE dim = '' OR phenomenon = '*'
        UNION ALL
        SELECT 'buiten', area, area, phenomenon, period, measure, dim, category, value FROM counts_buiten
        WHERE dim = '' OR phenomenon = '*'
        UNION ALL
        SELECT 'gemeente', gemeente, {regio_sql}, phenomenon, period, measure, dim, category, sum(value)
        FROM counts_part GROUP BY ALL
    """.replace("{regio_sql}", regio_sql))
    if regio:
        con.execute(f"""
            INSERT INTO counts
            SELECT 'regio', {regio_sql}, '', phenomenon, period, measure, dim, category, sum(value)
            FROM counts_part GROUP BY phenomenon, period, measure, dim, category
        """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE context AS
        WITH addr AS (SELECT r.buurt, g.wijk, g.gemeente, r.n FROM reg r JOIN geo g USING (buurt)
                      WHERE r.measure = 'adressen'),
        gem AS (SELECT gemeente, sum(inwoners) AS inwoners,
                       sum(woz * inwoners) / nullif(sum(inwoners) FILTER (WHERE woz IS NOT NULL), 0) AS woz,
                       1000.0 * sum(misdrijven_2025) / nullif(sum(inwoners), 0) AS per1000
                FROM wijken GROUP BY gemeente)
        SELECT 'buurt' AS level, buurt AS area, wijk AS parent, 'adressen' AS measure, sum(n) AS value
        FROM addr GROUP BY ALL
        UNION ALL SELECT 'wijk', wijk, gemeente, 'adressen', sum(n) FROM addr GROUP BY ALL
        UNION ALL SELECT 'gemeente', gemeente, {regio_sql}, 'adressen', sum(n) FROM addr GROUP BY ALL
        UNION ALL SELECT 'buurt', code, wijk, 'cbs_inwoners', inwoners FROM buurten
        UNION ALL SELECT 'buurt', code, wijk, 'cbs_woz_gemiddeld', woz FROM buurten
        UNION ALL SELECT 'buurt', code, wijk, 'cbs_misdrijven_per_1000', misdrijven_per1000 FROM buurten
        UNION ALL SELECT 'wijk', code, gemeente, 'cbs_inwoners', inwoners FROM wijken
        UNION ALL SELECT 'wijk', code, gemeente, 'cbs_woz_gemiddeld', woz FROM wijken
        UNION ALL SELECT 'wijk', code, gemeente, 'cbs_misdrijven_per_1000', misdrijven_per1000 FROM wijken
        UNION ALL SELECT 'gemeente', gemeente, {regio_sql}, 'cbs_inwoners', inwoners FROM gem
        UNION ALL SELECT 'gemeente', gemeente, {regio_sql}, 'cbs_woz_gemiddeld', woz FROM gem
        UNION ALL SELECT 'gemeente', gemeente, {regio_sql}, 'cbs_misdrijven_per_1000', per1000 FROM gem
    """.replace("{regio_sql}", regio_sql))
    if regio:
        con.execute(f"""
            INSERT INTO context
            SELECT 'regio', {regio_sql}, '', 'adressen', sum(n) FROM reg WHERE measure = 'adressen'
            UNION ALL SELECT 'regio', {regio_sql}, '', 'cbs_inwoners', sum(inwoners) FROM wijken
            UNION ALL SELECT 'regio', {regio_sql}, '', 'cbs_woz_gemiddeld',
                   sum(woz * inwoners) / nullif(sum(inwoners) FILTER (WHERE woz IS NOT NULL), 0) FROM wijken
            UNION ALL SELECT 'regio', {regio_sql}, '', 'cbs_misdrijven_per_1000',
                   1000.0 * sum(misdrijven_2025) / nullif(sum(inwoners), 0) FROM wijken
        """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cells AS
        -- Ids from the key: suppression breaks ties by id, so the same data gives the same snapshot.
        SELECT CAST(hash(level, area, phenomenon, period, measure, dim, category) >> 1 AS BIGINT) AS id,
               level, area, parent, phenomenon, period, measure, dim, category,
               CAST(value AS DOUBLE) AS value, 'telling' AS kind,
               value < {THRESHOLD} AS hidden, value < {THRESHOLD} AS primary_hidden  -- primary suppression
        FROM counts WHERE value > 0
        UNION ALL
        SELECT -CAST(hash(level, area, measure) >> 1 AS BIGINT), level, area, parent, '*', 'actueel', measure,
               '', '*', CAST(value AS DOUBLE), 'context', false, false
        FROM context WHERE value IS NOT NULL
    """)


def _refuse_disclosure(partial: Path, weights: dict[str, float] | None = None,
                       reference_date: date | None = None) -> None:
    """The gate of ADR 0026: attack the file as it would be published (its cells and the set "te
    bekijken" together); when any suppressed count can be pinned down, delete it and refuse (no
    snapshot is better than one that leaks)."""
    result = recoverable_cells(partial, weights=weights, reference_date=reference_date)
    if result["recovered"]:
        partial.unlink(missing_ok=True)
        raise DisclosureError(
            f"Het beeld is niet opgeslagen: uit de gepubliceerde cijfers zijn {result['recovered']} afgeschermde "
            "tellingen precies te herleiden (regel P6). Er is niets gewijzigd; meld dit aan de beheerder.")


def _close(con, close_pinned: bool) -> dict[str, int]:
    """The attack by the cells alone on the cell table (``bound``), then the closing of what it
    pins (ADR 0026 part 10)."""
    left = pinned(con)
    if not close_pinned or not left:
        return {"padded": 0, "pinned": left}
    return close_pins(con, "cells")


def _close_with_set(con, close_pinned: bool) -> dict[str, int]:
    """The attack with the set's statements; what it pins is closed by hiding more cells, after
    which the caller computes score and set again (``rescore``)."""
    left = joint_pins(con)
    if not close_pinned or not left:
        return {"padded": 0, "pinned": left, "rescore": 0}
    return close_joint_pins(con, "cells")


def _suppressed(con) -> dict[str, int]:
    primary, total = con.execute("SELECT count(*) FILTER (WHERE primary_hidden AND value > 0), "
                                 "count(*) FILTER (WHERE hidden AND NOT primary_hidden) FROM cells").fetchall()[0]
    return {"primary": primary, "secondary": total}


def run(source: SourceSet, out_path: Path, weights: dict[str, float],
        progress: Callable[[str], None] | None = None, threads: int = 2, memory_limit: str = "3GB",
        temp_dir: Path | None = None, close_pinned: bool = True, regio: str | None = None,
        previous: Path | None = None, withhold_set: bool = False) -> PipelineResult:
    """Compute the beeld from ``source`` into ``out_path`` (Parquet). Returns what the snapshot records.
    ``regio``: the code of the regio whose member gemeenten ``source`` holds (one table, §11 ADR 0030).
    ``close_pinned``: hide the cheapest extra leaf where the interval attack pins a count, by the
    cells alone and then with the set "te bekijken" (``pinning``, ADR 0026 part 10); off only to
    measure what the suppression alone leaves (the gate then refuses where anything is pinned).
    ``previous``: the previous snapshot's cell file, whose "te bekijken" statements carry over
    where a buurt's published input cells are unchanged (ADR 0026 part 9); ``withhold_set``: there
    is a previous snapshot but its file cannot be read, so no statement is made."""
    started = time.perf_counter()
    steps: dict[str, float] = {}
    con = _connect(threads, memory_limit, temp_dir)

    def step(label: str, work: Callable[[], object]):
        if progress:
            progress(label)
        t0 = time.perf_counter()
        value = work()
        steps[label] = round(steps.get(label, 0) + time.perf_counter() - t0, 3)
        return value

    try:
        create_views(con, source)
        step("tellen per buurt (DuckDB)",
             lambda: aggregate(con, source.reference_date, source.crowded_sql(OVERCROWDED_MIN_ADULTS)))
        step("optellen naar wijk en gemeente", lambda: build_cells(con, regio))
        counts = step("kleine aantallen afschermen", lambda: suppress(con, "cells", primary_done=True))
        counts["padded"] = step("nullen als <5 tonen", lambda: pad_zeros(con, "cells"))
        closing = step("vastgepinde tellingen extra afschermen", lambda: _close(con, close_pinned))
        counts["padded"] += closing["padded"]
        for attempt in range(MAX_RESCORES + 1):
            if attempt:  # cells were hidden for the set: score and set again from the cells as now
                con.execute("DELETE FROM cells WHERE kind = 'score'")
            hotspots = step("hotspotscore", lambda: hotspot_rows(con, weights, source.reference_date))
            members = step("te bekijken (uit de exacte tellingen)",
                           lambda: te_bekijken.build(con, source.reference_date, previous, withhold=withhold_set))
            joint = step("met de lijst vastgepinde tellingen extra afschermen",
                         lambda a=attempt: _close_with_set(con, close_pinned and a < MAX_RESCORES))
            counts["padded"] += joint.get("padded", 0)
            if not joint.get("rescore"):
                break
        counts.update(_suppressed(con))
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        partial = out_path.with_suffix(".partial")
        step("wegschrijven", lambda: con.execute(
            f"""COPY (SELECT level, area, parent, phenomenon, period, measure, dim, category, kind,
                             CASE WHEN hidden THEN NULL ELSE value END AS value, hidden, primary_hidden
                      FROM cells)
                TO '{partial}' (FORMAT parquet, COMPRESSION zstd)"""))
        step("controle: geen telling te herleiden",
             lambda: _refuse_disclosure(partial, weights, source.reference_date))
        partial.replace(out_path)
        periods = [row[0] for row in con.execute(
            "SELECT DISTINCT period FROM cells WHERE period <> 'actueel' ORDER BY period").fetchall()]
        area_year = con.execute("SELECT coalesce(max(jaar), 2024) FROM gemeenten").fetchall()[0][0]
        n_cells = con.execute("SELECT count(*) FROM cells").fetchall()[0][0]
        totals = dict(con.execute(
            "SELECT measure, sum(value) FROM cells WHERE level = ? AND phenomenon = '*' "
            "AND dim = '' AND kind = 'telling' AND NOT hidden GROUP BY measure",
            ["regio" if regio else "gemeente"]).fetchall())
    finally:
        con.close()
    return PipelineResult(out_path, n_cells, counts["primary"], counts["secondary"], counts["rounds"], periods,
                          int(area_year), hotspots, {k: int(v) for k, v in totals.items()},
                          time.perf_counter() - started, steps, counts["padded"], members,
                          {"cells": closing, "with_set": joint})
