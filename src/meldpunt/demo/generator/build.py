"""Build the synthetic municipality with DuckDB and write it as Parquet.

Everything is derived from ``hash(key, salt, seed)``, so a seed always gives the same data,
whatever the number of threads. Tables are built in a DuckDB file next to the output with a
memory limit, so size L (national scale) runs in bounded memory and spills to disk.
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import duckdb

from meldpunt.core.gemeenten import kenmerk_prefix

from . import vocabulary as voc
from .patterns import plant_patterns
from .recurring import export_mentions
from .sizes import REFERENCE_DATE, SIZES, Size, for_gemeente, for_gemeenten

# Addresses of an inhabited buurt: one per household plus 15% for shops, offices, workshops and
# the like (nationally ~9.8 million, the BAG's ~10 million). Where CBS hides the number of
# households, it is estimated from the inhabitants at the national average household size.
# The address density (CBS: around each address, within 1 km) times the land area is only used
# where nobody lives: for rural buurten it overestimates many times over (13 instead of 10 million).
ADDRESSES_PER_HOUSEHOLD = 1.15
PERSONS_PER_HOUSEHOLD = 2.14

TABLES = [
    "gemeenten", "wijken", "buurten", "sbi", "panden", "nummeraanduidingen", "verblijfsobjecten",
    "personen", "verblijfplaatsen", "ondernemingen", "vestigingen", "functionarissen",
    "woz", "overdrachten", "vergunningen", "signalen",
]


def gemeente_inwoners(code: str) -> int:
    """The inhabitants of a gemeente (CBS 2024); ValueError for a code that is not one of the 342."""
    with data_file("cbs", "kwb2024_gemeenten.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["gemeentecode"] == code:
                return int(float(row["inwoners"] or 0))
    raise ValueError(f"{code} is geen gemeentecode van de CBS-indeling 2024 (bijvoorbeeld GM0363 voor Amsterdam).")


def data_file(*parts: str) -> Path:
    return Path(str(resources.files("meldpunt").joinpath("data", *parts)))


@dataclass
class BuildResult:
    out_dir: Path
    size: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ground_truth: dict = field(default_factory=dict)


def _u(key: str, salt: str, seed: int) -> str:
    """SQL for a deterministic uniform number in [0, 1) from a key."""
    return f"((hash({key}, '{salt}', {seed}) % 1000003) / 1000003.0)"


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _h(key: str, salt: str, seed: int) -> str:
    return f"hash({key}, '{salt}', {seed})"


def _values_table(con, name: str, columns: str, rows: list[tuple]) -> None:
    """A small table from Python rows, in one INSERT (executemany runs one statement per row)."""
    con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")
    row_placeholders = "(" + ", ".join("?" for _ in rows[0]) + ")"
    con.execute(f"INSERT INTO {name} VALUES " + ", ".join(row_placeholders for _ in rows),
                [value for row in rows for value in row])


def _weighted_case(u_sql: str, items: list[tuple[str, int]]) -> str:
    """A CASE expression that picks an item with probability proportional to its weight."""
    total = sum(w for _, w in items)
    parts, acc = [], 0
    for value, weight in items[:-1]:
        acc += weight
        parts.append(f"WHEN {u_sql} < {acc / total:.6f} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{items[-1][0]}' END"


def _vocabularies(con) -> None:
    # idx is UBIGINT, the type of hash() % n, so that joining on it needs no HUGEINT casts.
    _values_table(con, "v_first", "idx UBIGINT, name VARCHAR",
                  [(i, n) for i, n in enumerate(voc.FIRST_NAMES)])
    _values_table(con, "v_sur", "idx UBIGINT, vv VARCHAR, name VARCHAR",
                  [(i, vv, n) for i, (vv, n) in enumerate(voc.SURNAMES)])
    _values_table(con, "v_stem", "idx UBIGINT, stem VARCHAR",
                  [(i, s) for i, s in enumerate(voc.STREET_STEMS)])
    _values_table(con, "v_suffix", "idx UBIGINT, suffix VARCHAR",
                  [(i, s) for i, s in enumerate(voc.STREET_SUFFIXES)])
    _values_table(con, "v_word", "idx UBIGINT, word VARCHAR",
                  [(i, s) for i, s in enumerate(voc.COMPANY_WORDS)])
    con.execute(
        "CREATE OR REPLACE TABLE sbi AS SELECT SBI AS code, Omschrijving AS omschrijving FROM "
        "read_csv(?, header=true, all_varchar=true)", [str(data_file("cbs", "sbi2008.csv"))]
    )
    con.execute("CREATE OR REPLACE TABLE v_sbi_all AS SELECT CAST(row_number() OVER (ORDER BY code) - 1 "
                "AS UBIGINT) AS idx, code FROM sbi")
    known = {row[0] for row in con.execute("SELECT code FROM sbi").fetchall()}
    common = [(code, w) for code, w in voc.COMMON_SBI if code in known]
    expanded = [code for code, w in common for _ in range(w)]
    _values_table(con, "v_sbi_common", "idx UBIGINT, code VARCHAR", list(enumerate(expanded)))


def _geography(con, size: Size) -> None:
    where = ""
    if size.gemeenten:
        where = "WHERE gemeentecode IN (" + ", ".join(f"'{g}'" for g in size.gemeenten) + ")"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE cbs_buurt AS
        SELECT * FROM read_csv(?, header=true, types={{'postcode': 'VARCHAR', 'buurtcode': 'VARCHAR',
             'wijkcode': 'VARCHAR', 'gemeentecode': 'VARCHAR'}}) {where}
        """,
        [str(data_file("cbs", "kwb2024_buurten.csv"))],
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE wijken AS SELECT * FROM read_csv(?, header=true,
            types={{'wijkcode': 'VARCHAR', 'gemeentecode': 'VARCHAR'}}) {where}""",
        [str(data_file("cbs", "kwb2024_wijken.csv"))],
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE gemeenten AS SELECT * FROM read_csv(?, header=true,
            types={{'gemeentecode': 'VARCHAR'}}) {where}""",
        [str(data_file("cbs", "kwb2024_gemeenten.csv"))],
    )
    s = size.scale
    con.execute(
        f"""
        CREATE OR REPLACE TABLE buurt AS
        WITH src AS (
          SELECT buurtcode, buurtnaam, wijkcode, gemeentecode, gemeentenaam,
                 substr(gemeentecode, 3, 4) AS gm4,
                 coalesce(inwoners, 0) AS inw, coalesce(inwoners0tot15, 0) AS i015,
                 coalesce(inwoners65plus, 0) AS i65, coalesce(huishoudens, 0) AS hh,
                 coalesce(wozWaarde, 300) AS woz, coalesce(eengezinswoning, 50) AS egw,
                 coalesce(adressendichtheid, 0) * coalesce(oppervlakteLandHa, 0) / 100.0 AS addr_est,
                 coalesce(postcode, CAST(1000 + {_h('buurtcode', 'pc', 0)} % 9000 AS VARCHAR)) AS pc4,
                 coalesce(misdrijven_2025, 0) AS mis
          FROM cbs_buurt
        ), sized AS (
          SELECT *,
            CAST(CASE WHEN inw > 0
                      THEN greatest(1, round(coalesce(nullif(hh, 0), inw / {PERSONS_PER_HOUSEHOLD})
                                             * {ADDRESSES_PER_HOUSEHOLD} * {s}))
                      ELSE round(addr_est * {s}) END AS BIGINT) AS n_addr,
            CAST(round(inw * {s}) AS BIGINT) AS n_pers
          FROM src
        ), shaped AS (
          SELECT *,
            CAST(CASE WHEN n_pers > 0 THEN greatest(1, ceil(n_addr * 0.9)) ELSE 0 END AS BIGINT) AS n_res,
            CAST(CASE WHEN n_addr > 0 THEN round(greatest(inw * 0.13, addr_est * 0.02) * {s})
                      ELSE 0 END AS BIGINT) AS n_comp,
            CAST(greatest(1, ceil(n_addr / 60.0)) AS BIGINT) AS n_streets
          FROM sized
        )
        SELECT *,
          CAST(sum(n_addr) OVER w - n_addr AS BIGINT) AS addr_off,  -- sum() gives HUGEINT: slow arithmetic
          CAST(sum(n_pers) OVER w - n_pers AS BIGINT) AS pers_off,
          CAST(sum(n_comp) OVER w - n_comp AS BIGINT) AS comp_off
        FROM shaped
        WINDOW w AS (ORDER BY buurtcode ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        """
    )


def _addresses(con, seed: int) -> None:
    nonres = _weighted_case(_u("aid", "gd", seed), voc.GEBRUIKSDOELEN_NON_RESIDENTIAL)
    letters = "ABCDEFGHJKLMNPRTVWXZ"  # no S (SA/SD/SS are never issued), no I/O/Q/U/Y
    n_stem, n_suf = len(voc.STREET_STEMS), len(voc.STREET_SUFFIXES)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE addr AS
        WITH base AS (
          SELECT buurtcode, wijkcode, gm4, gemeentenaam, n_addr, n_res, n_streets, pc4, woz, egw,
                 addr_off, unnest(range(n_addr)) AS k
          FROM buurt WHERE n_addr > 0
        ), placed AS (
          SELECT *, addr_off + k AS aid, (k * n_streets) // n_addr AS street_idx, k < n_res AS woon
          FROM base
        ), numbered AS (
          SELECT *, k - (street_idx * n_addr + n_streets - 1) // n_streets + 1 AS huisnummer,
                 {_h("buurtcode, street_idx", "street", seed)} AS street_hash
          FROM placed
        )
        SELECT n.aid, n.k, n.buurtcode, n.wijkcode, n.gm4, n.street_idx, n.huisnummer, n.woon, n.woz,
               st.stem || sf.suffix AS straat,
               n.gemeentenaam AS woonplaats,
               n.pc4 || substr('{letters}', CAST(n.street_hash % 20 AS INTEGER) + 1, 1)
                     || substr('{letters}', CAST((n.street_hash // 20 + n.huisnummer // 12) % 20 AS INTEGER) + 1, 1)
                     AS postcode,
               CASE WHEN n.woon THEN 'woonfunctie' ELSE {nonres} END AS gebruiksdoel,
               CAST(CASE WHEN n.woon THEN 40 + floor({_u("n.aid", "opp", seed)} * 90) + floor(n.egw * 0.5)
                         ELSE 40 + floor(pow({_u("n.aid", "opp", seed)}, 2) * 1500) END AS INTEGER) AS oppervlakte,
               CASE WHEN n.woon AND {_u("n.aid", "egw", seed)} * 100 < n.egw THEN n.aid
                    ELSE n.aid - ((n.huisnummer - 1) % 8) END AS pand_num,
               n.gm4 || '20' || lpad(CAST(n.aid AS VARCHAR), 10, '0') AS num_id,
               n.gm4 || '01' || lpad(CAST(n.aid AS VARCHAR), 10, '0') AS vbo_id
        FROM numbered n
        JOIN v_stem st ON st.idx = n.street_hash % {n_stem}
        JOIN v_suffix sf ON sf.idx = (n.street_hash // {n_stem}) % {n_suf}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE panden AS
        SELECT gm4 || '10' || lpad(CAST(pand_num AS VARCHAR), 10, '0') AS identificatie,
               CAST(1900 + {_h("pand_num", "bj", seed)} % 125 AS SMALLINT) AS bouwjaar
        FROM (SELECT DISTINCT gm4, pand_num FROM addr)
        """
    )


def _elf_sql(b: str) -> str:
    weights = range(9, 1, -1)
    terms = [f"((({b}) // {10 ** (7 - i)}) % 10) * {w}" for i, w in enumerate(weights)]
    return f"(({' + '.join(terms)}) % 11)"


def _elf(base: int) -> int:
    digits = f"{base:08d}"
    return sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11


def bsn_for_index(index: int, top: int = 99_999_998) -> str:
    """Python twin of :func:`bsn_sql` (the tests check that both agree)."""
    base = top - 2 * index
    if _elf(base) == 10:
        base += 1
    return f"{base * 10 + _elf(base):09d}"


def bsn_sql(index_sql: str, top: int = 99_999_998) -> str:
    """SQL for the BSN of person number ``index``: counted down from the top of the number space
    (even 8-digit bases; when the check digit would be 10, the odd base above always works)."""
    base = f"({top} - 2 * ({index_sql}))"
    alt = f"({base} + 1)"
    return (f"lpad(CAST(CASE WHEN {_elf_sql(base)} < 10 THEN {base} * 10 + {_elf_sql(base)} "
            f"ELSE {alt} * 10 + {_elf_sql(alt)} END AS VARCHAR), 9, '0')")


def _persons(con, seed: int) -> None:
    ref = REFERENCE_DATE.isoformat()
    n_first, n_sur = len(voc.FIRST_NAMES), len(voc.SURNAMES)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE person AS
        WITH base AS (
          SELECT buurtcode, inw, i015, i65, n_res, addr_off, pers_off, unnest(range(n_pers)) AS k
          FROM buurt WHERE n_pers > 0
        ), aged AS (
          SELECT *, pers_off + k AS pid,
            CASE WHEN {_u("pers_off + k", "age", seed)} < i015 / inw THEN floor({_u("pers_off + k", "a2", seed)} * 15)
                 WHEN {_u("pers_off + k", "age", seed)} < (i015 + i65) / inw THEN 65 + floor({_u("pers_off + k", "a2", seed)} * 30)
                 ELSE 15 + floor({_u("pers_off + k", "a2", seed)} * 50) END AS age,
            addr_off + CASE WHEN {_u("pers_off + k", "hh", seed)} < 0.85 THEN k % n_res
                            ELSE {_h("pers_off + k", "ra", seed)} % n_res END AS aid
          FROM base
        )
        SELECT a.pid, a.buurtcode, a.aid,
               {bsn_sql("a.pid")} AS bsn,
               f.name AS voornamen, s.vv AS voorvoegsel, s.name AS geslachtsnaam,
               DATE '{ref}' - CAST(a.age * 365.25 + {_u("a.pid", "bd", seed)} * 364 AS INTEGER) AS geboortedatum
        FROM aged a
        JOIN v_first f ON f.idx = {_h("a.pid", "fn", seed)} % {n_first}
        JOIN v_sur s ON s.idx = CASE WHEN {_u("a.pid", "sn", seed)} < 0.7
                                     THEN {_h("a.aid", "sn", seed)} ELSE {_h("a.pid", "sn2", seed)} END % {n_sur}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE registration AS
        SELECT p.pid, p.aid,
               greatest(p.geboortedatum, DATE '{ref}' - CAST({_u("p.pid", "reg", seed)} * 9000 AS INTEGER)) AS datum_aanvang,
               CAST(NULL AS DATE) AS datum_einde
        FROM person p
        """
    )


def _companies(con, seed: int) -> None:
    ref = REFERENCE_DATE.isoformat()
    total = sum(w for _, w, _ in voc.LEGAL_FORMS)
    form_case, role_case, acc = [], [], 0
    for name, weight, role in voc.LEGAL_FORMS[:-1]:
        acc += weight
        form_case.append(f"WHEN {_u('cid', 'rv', seed)} < {acc / total} THEN '{name}'")
        role_case.append(f"WHEN c.rechtsvorm = '{name}' THEN '{role}'")
    last_name, _, last_role = voc.LEGAL_FORMS[-1]
    n_common = con.execute("SELECT count(*) FROM v_sbi_common").fetchall()[0][0]
    n_all = con.execute("SELECT count(*) FROM v_sbi_all").fetchall()[0][0]
    n_word = len(voc.COMPANY_WORDS)
    nouns = " ".join(f"WHEN '{d}' THEN '{n}'" for d, n in voc.COMPANY_NOUNS.items())
    total_pers = con.execute("SELECT sum(n_pers) FROM buurt").fetchall()[0][0] or 1
    con.execute(
        f"""
        CREATE OR REPLACE TABLE company AS
        WITH base AS (
          SELECT buurtcode, n_addr, n_pers, addr_off, pers_off, comp_off, unnest(range(n_comp)) AS k
          FROM buurt WHERE n_comp > 0
        ), made AS (
          SELECT *, comp_off + k AS cid FROM base
        ), typed AS (
          SELECT m.*,
            CASE {' '.join(form_case)} ELSE '{last_name}' END AS rechtsvorm,
            m.addr_off + {_h("m.cid", "ca", seed)} % m.n_addr AS aid,
            CASE WHEN {_u("m.cid", "sbi", seed)} < 0.75 THEN sc.code ELSE sa.code END AS sbi,
            DATE '{ref}' - CAST(pow({_u("m.cid", "opr", seed)}, 1.7) * 14600 AS INTEGER) AS datum_oprichting
          FROM made m
          JOIN v_sbi_common sc ON sc.idx = {_h("m.cid", "sbc", seed)} % {n_common}
          JOIN v_sbi_all sa ON sa.idx = {_h("m.cid", "sba", seed)} % {n_all}
        )
        SELECT t.cid, t.buurtcode, t.aid, t.rechtsvorm, t.sbi, t.datum_oprichting,
               CASE WHEN {_u("t.cid", "oph", seed)} < 0.08
                    THEN t.datum_oprichting + CAST({_u("t.cid", "oph2", seed)} * (DATE '{ref}' - t.datum_oprichting) AS INTEGER)
               END AS datum_opheffing,
               CAST(90000000 + t.cid AS VARCHAR) AS kvk_nummer,
               CAST(900000000000 + t.cid AS VARCHAR) AS vestigingsnummer,
               CASE WHEN t.rechtsvorm IN ('Besloten Vennootschap', 'Stichting')
                    THEN {bsn_sql("t.cid", 79_999_998)} ELSE '' END AS rsin,
               CASE WHEN t.rechtsvorm = 'Stichting' THEN 'Stichting ' ELSE '' END
                 || w.word || ' ' || (CASE substr(t.sbi, 1, 1) {nouns} ELSE 'Bedrijf' END)
                 || CASE t.rechtsvorm WHEN 'Besloten Vennootschap' THEN ' B.V.'
                                      WHEN 'Vennootschap onder firma' THEN ' V.O.F.' ELSE '' END AS naam,
               CAST(CASE WHEN t.n_pers > 0 THEN t.pers_off + {_h("t.cid", "dir", seed)} % t.n_pers
                    ELSE {_h("t.cid", "dir", seed)} % {total_pers} END AS BIGINT) AS director_pid,
               CAST(CASE WHEN t.n_pers > 0 THEN t.pers_off + {_h("t.cid", "dir2", seed)} % t.n_pers
                    ELSE {_h("t.cid", "dir2", seed)} % {total_pers} END AS BIGINT) AS director2_pid
        FROM typed t JOIN v_word w ON w.idx = {_h("t.cid", "nm", seed)} % {n_word}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE officer AS
        SELECT c.cid, c.director_pid AS pid,
               CASE {' '.join(role_case)} ELSE '{last_role}' END AS functie,
               c.datum_oprichting AS datum_aanvang, c.datum_opheffing AS datum_einde
        FROM company c
        UNION ALL
        SELECT c.cid, c.director2_pid, 'bestuurder', c.datum_oprichting, c.datum_opheffing
        FROM company c
        WHERE c.rechtsvorm = 'Besloten Vennootschap' AND {_u("c.cid", "d2", seed)} < 0.3
          AND c.director2_pid <> c.director_pid
        """
    )


def _woz_sales_permits(con, seed: int) -> None:
    ref = REFERENCE_DATE.isoformat()
    con.execute(
        f"""
        CREATE OR REPLACE TABLE woz AS
        SELECT a.aid, a.vbo_id, DATE '2025-01-01' AS peildatum,
          CAST(CASE WHEN a.woon
                    THEN round(a.woz * 1000 * (0.55 + 0.9 * {_u("a.aid", "woz", seed)}) * pow(a.oppervlakte / 100.0, 0.35), -3)
                    ELSE round(a.oppervlakte * (600 + 1400 * {_u("a.aid", "woz", seed)}), -3) END AS BIGINT) AS waarde
        FROM addr a
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE sale AS
        SELECT w.aid, w.vbo_id, DATE '{ref}' - CAST({_u("w.aid", "sd", seed)} * 1095 AS INTEGER) AS datum,
               CAST(round(w.waarde * (0.95 + 0.3 * {_u("w.aid", "sp", seed)}), -3) AS BIGINT) AS koopsom
        FROM woz w JOIN addr a USING (aid)
        WHERE a.woon AND {_u("w.aid", "sale", seed)} < 0.03
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE permit AS
        SELECT c.aid, c.cid, 'exploitatievergunning horeca' AS soort, c.datum_oprichting AS datum_verlening,
               c.datum_opheffing AS datum_einde,
               CASE WHEN c.datum_opheffing IS NULL THEN 'verleend' ELSE 'ingetrokken' END AS status
        FROM company c WHERE c.sbi IN ('5630', '56101', '56102', '55101', '55102')
        UNION ALL
        SELECT c.aid, c.cid, 'alcoholwetvergunning', c.datum_oprichting, c.datum_opheffing,
               CASE WHEN c.datum_opheffing IS NULL THEN 'verleend' ELSE 'ingetrokken' END
        FROM company c WHERE c.sbi IN ('5630', '56101')
        UNION ALL
        SELECT a.aid, NULL, 'omgevingsvergunning', DATE '{ref}' - CAST({_u("a.aid", "ov", seed)} * 3650 AS INTEGER),
               NULL, 'verleend'
        FROM addr a WHERE {_u("a.aid", "ovp", seed)} < 0.005
        """
    )


def _kenmerk_prefixes(con) -> None:
    """Each gemeente's kenmerk prefix (ADR 0030 §7), as its tenant will have it."""
    rows = con.execute("SELECT gemeentecode, gemeentenaam FROM gemeenten").fetchall()
    con.execute("CREATE OR REPLACE TABLE kenmerk_prefix (gemeentecode VARCHAR, prefix VARCHAR)")
    if rows:
        con.executemany("INSERT INTO kenmerk_prefix VALUES (?, ?)", [(c, kenmerk_prefix(n)) for c, n in rows])


def _signals(con, seed: int, n_signals: int) -> None:
    ref = REFERENCE_DATE.isoformat()
    _kenmerk_prefixes(con)
    channel = _weighted_case(_u("s.sid", "ch", seed), voc.CHANNELS)
    phenomena = [(code, weight) for code, (_, weight, _) in voc.PHENOMENA.items()]
    phenomenon = _weighted_case(_u("s.sid", "ph", seed), phenomena)
    texts = " ".join(f"WHEN '{code}' THEN '{_quote(text)}'" for code, (_, _, text) in voc.PHENOMENA.items())
    con.execute(
        """
        CREATE OR REPLACE TABLE buurt_weight AS
        SELECT buurtcode, n_addr, addr_off,
               sum(mis + 1) OVER (ORDER BY buurtcode ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                 - (mis + 1) AS cum_start
        FROM buurt WHERE n_addr > 0
        """
    )
    total = con.execute("SELECT sum(mis + 1) FROM buurt WHERE n_addr > 0").fetchall()[0][0]
    con.execute(
        f"""
        CREATE OR REPLACE TABLE signal AS
        WITH s AS (
          SELECT range AS sid, {_u("range", "sb", seed)} * {total} AS target FROM range({n_signals})
        ), placed AS (
          SELECT s.sid, b.buurtcode, b.n_addr, b.addr_off FROM s ASOF JOIN buurt_weight b ON s.target >= b.cum_start
        ), described AS (
          SELECT s.*, {phenomenon} AS phenomenon, {channel} AS channel,
                 TIMESTAMPTZ '{ref} 08:00:00+00' - to_seconds(CAST({_u("s.sid", "rt", seed)} * 730 * 86400 AS BIGINT)) AS received_at
          FROM placed s
        )
        SELECT sid, buurtcode, phenomenon, channel, received_at,
               coalesce(k.prefix, 'MO') || '-' || CAST(year(received_at) AS VARCHAR) || '-'
                 || lpad(CAST(sid + 1 AS VARCHAR), 7, '0') AS reference,
               CASE phenomenon {texts} END AS description,
               CASE WHEN {_u("sid", "sa", seed)} < 0.7 THEN addr_off + {_h("sid", "sad", seed)} % n_addr END AS aid
        FROM described LEFT JOIN kenmerk_prefix k ON k.gemeentecode = 'GM' || substr(described.buurtcode, 3, 4)
        """
    )


def _export(con, out_dir: Path) -> dict[str, int]:
    """Write the application-shaped tables as Parquet, one file per table."""
    queries = {
        "gemeenten": "SELECT gemeentecode AS code, gemeentenaam AS naam FROM gemeenten",
        "wijken": """SELECT wijkcode AS code, wijknaam AS naam, gemeentecode AS gemeente, inwoners,
                     inwoners0tot15, inwoners65plus, huishoudens, wozWaarde AS woz, koopwoningen,
                     oppervlakteLandHa AS oppervlakte_ha, misdrijven_2025, misdrijven_per1000_gem5j
                     FROM wijken""",
        "buurten": """SELECT buurtcode AS code, buurtnaam AS naam, wijkcode AS wijk, inwoners,
                      inwoners0tot15, inwoners65plus, huishoudens, wozWaarde AS woz, koopwoningen,
                      oppervlakteLandHa AS oppervlakte_ha, misdrijven_2025, misdrijven_per1000_gem5j,
                      postcode AS pc4 FROM cbs_buurt""",
        "sbi": "SELECT code, omschrijving FROM sbi",
        "panden": "SELECT identificatie, bouwjaar FROM panden",
        "nummeraanduidingen": """SELECT num_id AS identificatie, straat AS openbare_ruimte, huisnummer,
                                 postcode, woonplaats, buurtcode FROM addr""",
        "verblijfsobjecten": """SELECT vbo_id AS identificatie, num_id AS hoofdadres,
                                gm4 || '10' || lpad(CAST(pand_num AS VARCHAR), 10, '0') AS pand,
                                oppervlakte, gebruiksdoel, buurtcode AS buurt FROM addr""",
        "personen": "SELECT pid, bsn, voornamen, voorvoegsel, geslachtsnaam, geboortedatum FROM person",
        "verblijfplaatsen": """SELECT r.pid, a.num_id AS adres, r.datum_aanvang, r.datum_einde
                               FROM registration r JOIN addr a USING (aid)""",
        "ondernemingen": """SELECT cid, kvk_nummer, naam, rechtsvorm, rsin, datum_oprichting,
                            datum_opheffing FROM company""",
        "vestigingen": """SELECT c.cid, c.vestigingsnummer, c.naam AS handelsnaam, a.num_id AS adres, c.sbi,
                          c.datum_oprichting AS datum_aanvang, c.datum_opheffing AS datum_einde
                          FROM company c JOIN addr a USING (aid)
                          UNION ALL
                          SELECT c.cid, b.vestigingsnummer, c.naam, a.num_id, c.sbi, c.datum_oprichting,
                                 c.datum_opheffing
                          FROM branch b JOIN company c USING (cid) JOIN addr a ON a.aid = b.aid""",
        "functionarissen": "SELECT cid, pid, functie, datum_aanvang, datum_einde FROM officer",
        "woz": "SELECT vbo_id AS verblijfsobject, peildatum, waarde FROM woz",
        "overdrachten": "SELECT vbo_id AS verblijfsobject, datum, koopsom FROM sale",
        "vergunningen": """SELECT p.soort, a.num_id AS adres, c.kvk_nummer AS houder, p.datum_verlening,
                           p.datum_einde, p.status FROM permit p JOIN addr a USING (aid)
                           LEFT JOIN company c ON c.cid = p.cid""",
        # The gemeente a signal was made to: the one of its buurt, or (a signal about an address
        # elsewhere, pattern recurring) the one named in signal_home.
        "signalen": """SELECT s.reference, s.received_at, s.channel, s.phenomenon, s.description,
                       s.buurtcode AS buurt, a.num_id AS adres,
                       coalesce(h.gemeente, 'GM' || substr(s.buurtcode, 3, 4)) AS gemeente
                       FROM signal s LEFT JOIN addr a USING (aid) LEFT JOIN signal_home h USING (sid)""",
    }
    counts = {}
    for name in TABLES:
        path = out_dir / f"{name}.parquet"
        con.execute(f"COPY ({queries[name]}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
        counts[name] = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    counts.update(export_mentions(con, out_dir))
    return counts


def build(
    size_name: str,
    out_dir: Path,
    seed: int = 479,
    progress: Callable[[str], None] | None = None,
    memory_limit: str = "2GB",
    threads: int = 2,
    gemeente: str | None = None,
    gemeenten: tuple[str, ...] | None = None,
    signals: int | None = None,
) -> BuildResult:
    """Generate size ``size_name`` into ``out_dir``; S and M for ``gemeente`` (a CBS code such as
    ``GM0363``; default Zaanstad), or for several ``gemeenten`` in one dataset (``--regio``: one
    number space for BSNs, KvK-nummers and kentekens, and the pattern recurring across them).
    ``signals``: another number of signals than the size's."""
    size = SIZES[size_name]
    if gemeenten:
        size = for_gemeenten(size, gemeenten, sum(gemeente_inwoners(code) for code in gemeenten))
    elif gemeente and gemeente != "GM0479":
        size = for_gemeente(size, gemeente, gemeente_inwoners(gemeente))
    if signals is not None:  # a bench that needs more signals than the size has (bench/regional.py)
        size = replace(size, signals=signals)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / "work.duckdb"
    for stale in (work, out_dir / "work.duckdb.wal"):
        stale.unlink(missing_ok=True)
    tmp = out_dir / "duckdb_tmp"
    started = time.perf_counter()
    con = duckdb.connect(str(work))
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET threads = {threads}")
        con.execute(f"SET temp_directory = '{tmp}'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        steps = [
            ("woordenlijsten en SBI-codes", lambda: _vocabularies(con)),
            ("CBS-gebieden en aantallen", lambda: _geography(con, size)),
            ("adressen, verblijfsobjecten en panden (BAG)", lambda: _addresses(con, seed)),
            ("personen en inschrijvingen (BRP)", lambda: _persons(con, seed)),
            ("ondernemingen, vestigingen en functionarissen (NHR)", lambda: _companies(con, seed)),
            ("WOZ-waarden, verkopen en vergunningen", lambda: _woz_sales_permits(con, seed)),
            ("signalen", lambda: _signals(con, seed, size.signals)),
        ]
        for label, step in steps:
            if progress:
                progress(label)
            step()
        if progress:
            progress("patronen planten (grondwaarheid)")
        ground_truth = plant_patterns(con, size, seed)
        if progress:
            progress("wegschrijven als Parquet")
        counts = _export(con, out_dir)
    finally:
        con.close()
        work.unlink(missing_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.perf_counter() - started
    ground_truth["meta"] = {"size": size.name, "seed": seed, "reference_date": REFERENCE_DATE.isoformat()}
    (out_dir / "ground_truth.json").write_text(json.dumps(ground_truth, indent=2, ensure_ascii=False))
    manifest = {
        "size": size.name, "seed": seed, "description": size.description, "gemeenten": list(size.gemeenten or []),
        "reference_date": REFERENCE_DATE.isoformat(), "counts": counts, "seconds": round(seconds, 2),
        "sources": {
            "geography": "CBS Kerncijfers wijken en buurten 2024 (85984NED); Politie via CBS (47022NED); CC BY 4.0",
            "sbi": "CBS Standaard Bedrijfsindeling 2008",
        },
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return BuildResult(out_dir, size.name, seed, counts, seconds, ground_truth)
