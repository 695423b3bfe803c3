"""The pattern ``recurring`` (ADR 0030 §13): a fixed handful of subjects mentioned in signals of
two or three gemeenten of one generated dataset, so hit/no-hit between gemeenten has something to
find. With the gemeenten (A, B, C) of the size — Zaanstad, Wormerland, Oostzaan for ``--regio``:

- a person registered in A, mentioned (by BSN) in a signal of A and a signal of B;
- a company with vestigingen in A and C, mentioned (by KvK-nummer) in a signal of each;
- a kenteken seen in A, B and C;
- an address in B, reported in B and — about the same address — in A. That signal of A has no
  buurt (it is A's signal, and A has no buurt there): a gemeente's beeld counts it nowhere in B.

The signals are split over the gemeenten by their buurt; the one signal about an address elsewhere
carries its gemeente in ``signal_home``. Mentions go to table ``mention`` (Parquet ``vermeldingen``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .sizes import REFERENCE_DATE

TABLES_SQL = [
    "CREATE TABLE IF NOT EXISTS branch (cid BIGINT, vestigingsnummer VARCHAR, aid BIGINT)",
    "CREATE TABLE IF NOT EXISTS signal_home (sid BIGINT, gemeente VARCHAR)",
    """CREATE TABLE IF NOT EXISTS mention (sid BIGINT, kind VARCHAR, role VARCHAR, name VARCHAR, bsn VARCHAR,
       kvk VARCHAR, adres_aid BIGINT, kenteken VARCHAR, birth_date DATE)""",
]
MENTIONS_TABLE = "vermeldingen"  # written only when this pattern planted mentions
BRANCH_OFFSET = 910_000_000_000
_PLATE_LETTERS = "BDFGHJKLNPRSTVXZ"  # the letters of Dutch kentekens (no vowels, no C, Q, M, W)


def create_tables(con) -> None:
    for sql in TABLES_SQL:
        con.execute(sql)


def export_mentions(con, out_dir: Path) -> dict[str, int]:
    """Write the planted mentions as Parquet (signal id as the app numbers it: sid + 1), if any."""
    if not con.execute("SELECT count(*) FROM mention").fetchall()[0][0]:
        return {}
    path = Path(out_dir) / f"{MENTIONS_TABLE}.parquet"
    con.execute(f"""COPY (SELECT m.sid + 1 AS signaal, m.kind, m.role, m.name, m.bsn, m.kvk AS kvk_nummer,
                                 a.num_id AS adres, m.kenteken, m.birth_date
                          FROM mention m LEFT JOIN addr a ON a.aid = m.adres_aid)
                    TO '{path}' (FORMAT parquet, COMPRESSION zstd)""")
    return {MENTIONS_TABLE: con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]}


def _sid(reference: str) -> int:
    return int(reference.split("-")[2]) - 1


def _person_name(row) -> str:
    return " ".join(part for part in (row[2], row[3], row[4]) if part)


class _Recurring:
    def __init__(self, planter, seed: int):
        self.p = planter
        self.con = planter.con
        self.seed = seed

    def buurt(self, gemeente: str, salt: str) -> dict:
        row = self.con.execute(
            f"""SELECT buurtcode, addr_off, n_addr, n_res, n_pers FROM buurt
                WHERE gemeentecode = ? AND n_res >= 1
                ORDER BY n_pers >= 1 DESC, hash(buurtcode, '{salt}', {int(self.seed)}) LIMIT 1""", [gemeente]).fetchall()
        if not row:
            raise ValueError(f"Geen bewoonde buurt in {gemeente} voor het patroon recurring.")
        return dict(zip(["buurtcode", "addr_off", "n_addr", "n_res", "n_pers"], row[0], strict=True))

    def signals(self, buurt: dict | None, aid: int | None, phenomenon: str, gemeente: str) -> str:
        reference = self.p.add_signals(buurt["buurtcode"] if buurt else None, aid, phenomenon, 1)[0]
        if buurt is None:
            self.p.pending_home.append([_sid(reference), gemeente])
        return reference

    def mention(self, reference: str, kind: str, role: str, name: str = "", bsn: str = "", kvk: str = "",
                aid: int | None = None, kenteken: str = "", born: date | None = None) -> None:
        self.p.pending_mentions.append([_sid(reference), kind, role, name, bsn, kvk, aid, kenteken, born])

    def person(self, a: str, b: str) -> dict:
        # An adult registered in A (at a tiny scale a buurt may hold only children: any buurt of A).
        row = self.con.execute(
            f"""SELECT p.pid, p.bsn, p.voornamen, p.voorvoegsel, p.geslachtsnaam, p.geboortedatum, p.aid, p.buurtcode
                FROM person p JOIN buurt b USING (buurtcode) WHERE b.gemeentecode = ?
                ORDER BY p.geboortedatum < ? DESC, hash(p.pid, 'rec-persoon', {int(self.seed)}) LIMIT 1""",
            [a, date(REFERENCE_DATE.year - 25, 1, 1)]).fetchall()[0]
        home = {"buurtcode": row[7]}
        refs = [self.signals(home, row[6], "woon_adresfraude", a),
                self.signals(self.buurt(b, "rec-persoon-b"), None, "woon_adresfraude", b)]
        for ref in refs:
            self.mention(ref, "persoon", "bewoner", name=_person_name(row), bsn=row[1], born=row[5])
        return {"bsn": row[1], "woont_in": a, "gemeenten": [a, b], "signalen": refs}

    def company(self, a: str, c: str) -> dict:
        site_a, site_c = self.buurt(a, "rec-bedrijf"), self.buurt(c, "rec-bedrijf-c")
        aid_a = self.p.residential_address(site_a)
        aid_c = self.p.residential_address(site_c)
        director = self.p.add_persons(self.p.residential_address(site_a), site_a["buurtcode"], 1, 3000)
        opgericht = date(REFERENCE_DATE.year - 2, 3, 1)
        company = self.p.add_company(aid_a, site_a["buurtcode"], "45112", "Besloten Vennootschap", opgericht, None,
                                     [self.p.pid_of(director[0])])
        cid = int(company["kvk_nummer"]) - 90000000
        branch = str(BRANCH_OFFSET + cid)
        self.p.pending_branches.append([cid, branch, aid_c])
        refs = [self.signals(site_a, aid_a, "malafide_onderneming", a),
                self.signals(site_c, aid_c, "malafide_onderneming", c)]
        for ref in refs:
            self.mention(ref, "onderneming", "onderneming", name=company["naam"], kvk=company["kvk_nummer"])
        return {"kvk_nummer": company["kvk_nummer"], "vestigingen": [company["vestigingsnummer"], branch],
                "gemeenten": [a, c], "signalen": refs}

    def kenteken(self, gemeenten: list[str]) -> dict:
        r = self.p.rng
        plate = (r.choice(_PLATE_LETTERS) + r.choice(_PLATE_LETTERS) + f"{r.randrange(100, 1000)}"
                 + r.choice(_PLATE_LETTERS))
        refs = []
        for i, code in enumerate(gemeenten):
            ref = self.signals(self.buurt(code, f"rec-kenteken-{i}"), None, "hennepteelt_drugs", code)
            self.mention(ref, "voertuig", "voertuig", kenteken=plate)
            refs.append(ref)
        return {"kenteken": plate, "gemeenten": gemeenten, "signalen": refs}

    def address(self, a: str, b: str) -> dict:
        place = self.buurt(b, "rec-adres")
        aid = self.p.residential_address(place)
        info = self.p.address_info(aid)
        refs = [self.signals(place, aid, "woon_adresfraude", b), self.signals(None, aid, "woon_adresfraude", a)]
        for ref in refs:
            self.mention(ref, "adres", "adres", aid=aid)
        return {"adres": info["adres"], "ligt_in": b, "gemeenten": [b, a], "signalen": refs,
                "signaal_elders": refs[1]}


def plant_recurring(planter, gemeenten: tuple[str, ...], seed: int) -> dict:
    """Plant the recurring subjects over ``gemeenten`` (A, B[, C]); returns their ground truth."""
    a, b = gemeenten[0], gemeenten[1]
    c = gemeenten[2] if len(gemeenten) > 2 else b
    rec = _Recurring(planter, seed)
    return {"persoon": rec.person(a, b), "onderneming": rec.company(a, c),
            "voertuig": rec.kenteken(list(dict.fromkeys([a, b, c]))), "adres": rec.address(a, b)}
