"""Where the pipeline reads from: one set of DuckDB views with fixed names and columns, over either
the registry extracts as the generator writes them (Parquet) or the snapshot export of the
application's own database (CSV, see ``extract.py``).

Views (all the pipeline ever sees):

- ``gemeenten(code, naam, jaar)``, ``wijken(code, naam, gemeente, inwoners, woz, misdrijven_2025,
  misdrijven_per1000)``, ``buurten(code, naam, wijk, inwoners, woz, misdrijven_2025, misdrijven_per1000)``
- ``adressen(obj, adres, oppervlakte, gebruiksdoel, buurt)``: one row per verblijfsobject
- ``straten(adres, straat)``: the street name of an address (for concentrations per street)
- ``inschrijvingen(adres, volwassen)``: current BRP registrations, adult yes/no — no person ids
- ``vestigingen(adres, sbi, datum_aanvang, datum_einde)``
- ``woz(obj, waarde)``, ``overdrachten(obj, datum, koopsom)``
- ``signalen(datum, kanaal, fenomeen, buurt, status)``: ``buurt`` may be ``buiten:<gemeentecode>`` (see
  :data:`OUTSIDE_PREFIX`)
- ``casussen(casus, datum, status, buurt, fenomeen)``, ``interventies(casus, instrument, datum)``
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

# A signal (or casus) of a gemeente about an address outside it (ADR 0030 §11) carries, instead of
# a buurt, this prefix and its own gemeente's code: it counts in that gemeente's "buiten de
# gemeente" total (level ``buiten``), never in a buurt cell of the gemeente where the address lies.
OUTSIDE_PREFIX = "buiten:"

# The CSV files of the snapshot export and their columns (extract.py writes them in this order).
CSV_TABLES = {
    "gemeenten": ["code", "naam", "jaar"],
    "wijken": ["code", "naam", "gemeente"],
    "buurten": ["code", "naam", "wijk", "inwoners", "woz", "misdrijven_2025", "misdrijven_per1000"],
    "verblijfsobjecten": ["adres", "oppervlakte", "gebruiksdoel", "buurt", "straat"],
    "inschrijvingen": ["adres", "volwassen"],
    "vestigingen": ["adres", "sbi", "datum_aanvang", "datum_einde"],
    "woz": ["adres", "waarde"],
    "overdrachten": ["adres", "datum", "koopsom"],
    "signalen": ["datum", "kanaal", "fenomeen", "buurt", "status"],
    "casussen": ["casus", "datum", "status", "buurt", "fenomeen"],
    "interventies": ["casus", "instrument", "datum"],
}
CSV_TYPES = {
    "gemeenten": "{'code': 'VARCHAR', 'naam': 'VARCHAR', 'jaar': 'INTEGER'}",
    "wijken": "{'code': 'VARCHAR', 'naam': 'VARCHAR', 'gemeente': 'VARCHAR'}",
    "buurten": "{'code': 'VARCHAR', 'naam': 'VARCHAR', 'wijk': 'VARCHAR', 'inwoners': 'BIGINT', 'woz': 'DOUBLE', "
               "'misdrijven_2025': 'BIGINT', 'misdrijven_per1000': 'DOUBLE'}",
    "verblijfsobjecten": "{'adres': 'VARCHAR', 'oppervlakte': 'BIGINT', 'gebruiksdoel': 'VARCHAR', "
                         "'buurt': 'VARCHAR', 'straat': 'VARCHAR'}",
    "inschrijvingen": "{'adres': 'VARCHAR', 'volwassen': 'BOOLEAN'}",
    "vestigingen": "{'adres': 'VARCHAR', 'sbi': 'VARCHAR', 'datum_aanvang': 'DATE', 'datum_einde': 'DATE'}",
    "woz": "{'adres': 'VARCHAR', 'waarde': 'BIGINT'}",
    "overdrachten": "{'adres': 'VARCHAR', 'datum': 'DATE', 'koopsom': 'BIGINT'}",
    "signalen": "{'datum': 'DATE', 'kanaal': 'VARCHAR', 'fenomeen': 'VARCHAR', 'buurt': 'VARCHAR', "
                "'status': 'VARCHAR'}",
    "casussen": "{'casus': 'BIGINT', 'datum': 'DATE', 'status': 'VARCHAR', 'buurt': 'VARCHAR', "
                "'fenomeen': 'VARCHAR'}",
    "interventies": "{'casus': 'BIGINT', 'instrument': 'VARCHAR', 'datum': 'DATE'}",
}

EMPTY_CASES = ("SELECT CAST(NULL AS BIGINT) AS casus, CAST(NULL AS DATE) AS datum, CAST(NULL AS VARCHAR) AS status, "
               "CAST(NULL AS VARCHAR) AS buurt, CAST(NULL AS VARCHAR) AS fenomeen WHERE false")
EMPTY_INTERVENTIONS = ("SELECT CAST(NULL AS BIGINT) AS casus, CAST(NULL AS VARCHAR) AS instrument, "
                       "CAST(NULL AS DATE) AS datum WHERE false")


def _adult_cutoff(reference_date: date) -> str:
    try:
        return reference_date.replace(year=reference_date.year - 18).isoformat()
    except ValueError:  # 29 February
        return reference_date.replace(year=reference_date.year - 18, day=28).isoformat()


def _lit(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@dataclass(frozen=True)
class SourceSet:
    """A folder of input files and its layout (``parquet``: generator extracts; ``csv``: snapshot export)."""

    directory: Path
    layout: str
    reference_date: date
    description: str

    def views(self) -> dict[str, str]:
        return _parquet_views(self) if self.layout == "parquet" else _csv_views(self)

    def crowded_sql(self, min_adults: int) -> str:
        """Addresses with at least ``min_adults`` adults registered: (adres, adults). From the
        generator's extracts, the addresses with that many registrations are found first, so
        only their registrations are joined with the persons (18 million rows at size L)."""
        if self.layout != "parquet":
            return (f"SELECT adres, count(*) AS adults FROM inschrijvingen WHERE volwassen GROUP BY adres "
                    f"HAVING count(*) >= {int(min_adults)}")
        d = Path(self.directory)
        registrations = f"read_parquet({_lit(d / 'verblijfplaatsen.parquet')})"
        persons = f"read_parquet({_lit(d / 'personen.parquet')})"
        return f"""
            WITH many AS (SELECT adres FROM {registrations} WHERE datum_einde IS NULL
                          GROUP BY adres HAVING count(*) >= {int(min_adults)})
            SELECT r.adres, count(*) AS adults
            FROM {registrations} r JOIN many USING (adres) JOIN {persons} p USING (pid)
            WHERE r.datum_einde IS NULL AND p.geboortedatum <= DATE '{_adult_cutoff(self.reference_date)}'
            GROUP BY r.adres HAVING count(*) >= {int(min_adults)}"""

    def files(self) -> list[Path]:
        return sorted(p for p in Path(self.directory).iterdir() if p.suffix in (".parquet", ".csv"))


def _csv_views(source: SourceSet) -> dict[str, str]:
    d = Path(source.directory)

    def read(name: str) -> str:
        return f"read_csv({_lit(d / (name + '.csv'))}, header=true, columns={CSV_TYPES[name]})"

    views = {name: f"SELECT * FROM {read(name)}" for name in CSV_TABLES if name != "verblijfsobjecten"}
    views["wijken"] = ("SELECT w.code, w.naam, w.gemeente, sum(b.inwoners) AS inwoners, "
                       "sum(b.woz * b.inwoners) / nullif(sum(b.inwoners) FILTER (WHERE b.woz IS NOT NULL), 0) AS woz, "
                       "sum(b.misdrijven_2025) AS misdrijven_2025, CAST(NULL AS DOUBLE) AS misdrijven_per1000 "
                       f"FROM {read('wijken')} w LEFT JOIN {read('buurten')} b ON b.wijk = w.code GROUP BY ALL")
    views["adressen"] = f"SELECT adres AS obj, adres, oppervlakte, gebruiksdoel, buurt FROM {read('verblijfsobjecten')}"
    views["straten"] = f"SELECT adres, straat FROM {read('verblijfsobjecten')}"
    views["woz"] = f"SELECT adres AS obj, waarde FROM {read('woz')}"
    views["overdrachten"] = f"SELECT adres AS obj, datum, koopsom FROM {read('overdrachten')}"
    return views


def _parquet_views(source: SourceSet) -> dict[str, str]:
    d = Path(source.directory)

    def read(name: str) -> str:
        return f"read_parquet({_lit(d / (name + '.parquet'))})"

    adult = _adult_cutoff(source.reference_date)
    views = {
        "gemeenten": f"SELECT code, naam, 2024 AS jaar FROM {read('gemeenten')}",
        # Some CBS columns come out of the CSV as text in some extracts: cast defensively.
        "wijken": ("SELECT code, naam, gemeente, TRY_CAST(inwoners AS BIGINT) AS inwoners, "
                   "TRY_CAST(woz AS DOUBLE) AS woz, TRY_CAST(misdrijven_2025 AS BIGINT) AS misdrijven_2025, "
                   f"TRY_CAST(misdrijven_per1000_gem5j AS DOUBLE) AS misdrijven_per1000 FROM {read('wijken')}"),
        "buurten": ("SELECT code, naam, wijk, TRY_CAST(inwoners AS BIGINT) AS inwoners, "
                    "TRY_CAST(woz AS DOUBLE) AS woz, TRY_CAST(misdrijven_2025 AS BIGINT) AS misdrijven_2025, "
                    f"TRY_CAST(misdrijven_per1000_gem5j AS DOUBLE) AS misdrijven_per1000 FROM {read('buurten')}"),
        "adressen": ("SELECT identificatie AS obj, hoofdadres AS adres, oppervlakte, gebruiksdoel, buurt "
                     f"FROM {read('verblijfsobjecten')}"),
        "straten": f"SELECT identificatie AS adres, openbare_ruimte AS straat FROM {read('nummeraanduidingen')}",
        "inschrijvingen": (f"SELECT r.adres, p.geboortedatum <= DATE '{adult}' AS volwassen "
                           f"FROM {read('verblijfplaatsen')} r JOIN {read('personen')} p USING (pid) "
                           "WHERE r.datum_einde IS NULL"),
        "vestigingen": f"SELECT adres, sbi, datum_aanvang, datum_einde FROM {read('vestigingen')}",
        "woz": f"SELECT verblijfsobject AS obj, waarde FROM {read('woz')}",
        "overdrachten": f"SELECT verblijfsobject AS obj, datum, koopsom FROM {read('overdrachten')}",
        "signalen": (f"SELECT CAST(timezone('UTC', received_at) AS DATE) AS datum, channel AS kanaal, "
                     f"phenomenon AS fenomeen, buurt, 'ontvangen' AS status FROM {read('signalen')}"),
        "casussen": EMPTY_CASES,
        "interventies": EMPTY_INTERVENTIONS,
    }
    for optional, empty in (("casussen", EMPTY_CASES), ("interventies", EMPTY_INTERVENTIONS)):
        views[optional] = f"SELECT * FROM {read(optional)}" if (d / f"{optional}.parquet").exists() else empty
    return views
