"""Plant known patterns in the synthetic data and return their ground truth.

Each pattern instance gets its own buurt (a *planted hotspot*), chosen deterministically from
the seed, and a few signals that point at it, so insight features can be measured:

- ``overbewoning``: many adults registered on a small dwelling;
- ``bedrijvencluster``: short-lived companies sharing directors at one residential address;
- ``risicobranche_straat``: one risk branch concentrated in one street;
- ``abc_doorverkoop``: a dwelling resold within six months at a jump in value.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from meldpunt.core.gemeenten import kenmerk_prefix

from . import vocabulary as voc
from .recurring import create_tables, plant_recurring
from .sizes import REFERENCE_DATE, Size

CLUSTER_SBI = ["4120", "78201", "4941", "70221", "6810"]
# New rows are collected here and inserted in bulk (see ``_Planter.flush``): one INSERT per row
# costs about a millisecond each in DuckDB, thousands of times over at size L.
INSERTS = {
    "person": "INSERT INTO person VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "registration": "INSERT INTO registration VALUES (?, ?, ?, NULL)",
    "company": """INSERT INTO company (cid, buurtcode, aid, rechtsvorm, sbi, datum_oprichting, datum_opheffing,
                  kvk_nummer, vestigingsnummer, rsin, naam, director_pid, director2_pid)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
    "officer": "INSERT INTO officer VALUES (?, ?, ?, ?, ?)",
    "signal": "INSERT INTO signal VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), ?, ?, ?)",
    "sale": "INSERT INTO sale VALUES (?, ?, ?, ?)",
    "branch": "INSERT INTO branch VALUES (?, ?, ?)",
    "signal_home": "INSERT INTO signal_home VALUES (?, ?)",
    "mention": "INSERT INTO mention VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
}
PATTERN_PHENOMENA = {
    "overbewoning": "woon_adresfraude",
    "bedrijvencluster": "malafide_onderneming",
    "risicobranche_straat": "malafide_onderneming",
    "abc_doorverkoop": "witwassen_vastgoed",
}


class _Planter:
    def __init__(self, con, size: Size, seed: int):
        self.con = con
        self.rng = random.Random(seed * 7919 + 17)
        self.ref = REFERENCE_DATE
        self.next_pid = self._scalar("SELECT coalesce(max(pid), -1) + 1 FROM person")
        self.next_cid = self._scalar("SELECT coalesce(max(cid), -1) + 1 FROM company")
        self.next_sid = self._scalar("SELECT coalesce(max(sid), -1) + 1 FROM signal")
        self.pending: dict[str, list[list]] = defaultdict(list)
        self.pid_by_bsn: dict[str, int] = {}
        self.aid_by_adres: dict[str, int] = {}
        # the pattern ``recurring`` (a dataset of several gemeenten: recurring.py)
        self.pending_branches = self.pending["branch"]
        self.pending_home = self.pending["signal_home"]
        self.pending_mentions = self.pending["mention"]

    def flush(self) -> None:
        """Insert the collected rows (before anything reads the tables they go into)."""
        for table, rows in self.pending.items():
            if rows:
                self.con.executemany(INSERTS[table], rows)
            rows.clear()  # cleared in place: the recurring pattern holds these lists

    def _scalar(self, sql, params=None):
        return self.con.execute(sql, params or []).fetchall()[0][0]

    def _rows(self, sql, params=None):
        return self.con.execute(sql, params or []).fetchall()

    # ------------------------------------------------------------------ building blocks

    def residential_address(self, buurt: dict) -> int:
        return buurt["addr_off"] + self.rng.randrange(buurt["n_res"])

    def address_info(self, aid: int) -> dict:
        row = self._rows(
            "SELECT num_id, vbo_id, straat, huisnummer, postcode, oppervlakte, buurtcode FROM addr WHERE aid = ?",
            [aid],
        )[0]
        keys = ["adres", "verblijfsobject", "straat", "huisnummer", "postcode", "oppervlakte", "buurt"]
        info = dict(zip(keys, row, strict=True))
        self.aid_by_adres[info["adres"]] = aid
        return info

    def address_ids(self, aids: list[int]) -> dict[int, str]:
        """The nummeraanduiding identifiers of several addresses, in one scan."""
        rows = self._rows("SELECT aid, num_id FROM addr WHERE aid IN (SELECT unnest(?::BIGINT[]))", [aids])
        return dict(rows)

    def add_persons(self, aid: int, buurtcode: str, n: int, since_days: int) -> list[str]:
        # build imports this module: a module-level import would be a cycle.
        from .build import bsn_for_index

        first_pid = self.next_pid
        self.next_pid += n
        births, starts = [], []
        for _ in range(n):
            births.append(self.ref - timedelta(days=self.rng.randint(20 * 365, 50 * 365)))
            starts.append(self.ref - timedelta(days=self.rng.randint(10, since_days)))
        firsts = [self.rng.choice(voc.FIRST_NAMES) for _ in range(n)]
        surnames = [self.rng.choice(voc.SURNAMES) for _ in range(n)]
        bsns = []
        for i in range(n):
            pid = first_pid + i
            bsn = bsn_for_index(pid)
            self.pending["person"].append(
                [pid, buurtcode, aid, bsn, firsts[i], surnames[i][0], surnames[i][1], births[i]]
            )
            self.pending["registration"].append([pid, aid, starts[i]])
            self.pid_by_bsn[bsn] = pid
            bsns.append(bsn)
        return bsns

    def pid_of(self, bsn: str) -> int:
        return self.pid_by_bsn[bsn]

    def add_company(self, aid: int, buurtcode: str, sbi: str, rechtsvorm: str, opgericht: date,
                    opgeheven: date | None, director_pids: list[int]) -> dict:
        # build imports this module: a module-level import would be a cycle.
        from .build import bsn_for_index

        cid = self.next_cid
        self.next_cid += 1
        word = self.rng.choice(voc.COMPANY_WORDS)
        suffix = " B.V." if rechtsvorm == "Besloten Vennootschap" else ""
        naam = f"{word} {voc.COMPANY_NOUNS.get(sbi[0], 'Bedrijf')}{suffix}"
        rsin = bsn_for_index(cid, 79_999_998) if rechtsvorm == "Besloten Vennootschap" else ""
        kvk_nummer, vestigingsnummer = str(90000000 + cid), str(900000000000 + cid)
        self.pending["company"].append(
            [cid, buurtcode, aid, rechtsvorm, sbi, opgericht, opgeheven, kvk_nummer, vestigingsnummer, rsin,
             naam, director_pids[0], director_pids[-1]]
        )
        role = "bestuurder" if rechtsvorm == "Besloten Vennootschap" else "eigenaar"
        for pid in director_pids:
            self.pending["officer"].append([cid, pid, role, opgericht, opgeheven])
        return {"kvk_nummer": kvk_nummer, "vestigingsnummer": vestigingsnummer,
                "naam": naam, "datum_oprichting": opgericht.isoformat(),
                "datum_opheffing": opgeheven.isoformat() if opgeheven else None}

    def prefix(self, buurtcode: str) -> str:
        """The kenmerk prefix of the buurt's gemeente (ADR 0030 §7), as its tenant will have it."""
        # A signal without a buurt (an address outside the gemeenten, pattern ``recurring``) has no
        # gemeente of its own here: the loader gives it the prefix of the gemeente it is loaded into.
        rows = self._rows("SELECT gemeentenaam FROM gemeenten WHERE gemeentecode = 'GM' || substr(?, 3, 4)",
                          [buurtcode]) if buurtcode else []
        return kenmerk_prefix(rows[0][0] if rows else "")

    def add_signals(self, buurtcode: str, aid: int | None, phenomenon: str, n: int) -> list[str]:
        text = voc.PHENOMENA[phenomenon][2]
        references = []
        for _ in range(n):
            sid = self.next_sid
            self.next_sid += 1
            received = self.ref - timedelta(days=self.rng.randint(1, 330), hours=self.rng.randint(0, 23))
            channel = self.rng.choice(["webformulier", "intern", "telefoon", "partner"])
            reference = f"{self.prefix(buurtcode)}-{received.year}-{sid + 1:07d}"
            self.pending["signal"].append(
                [sid, buurtcode, phenomenon, channel, f"{received.isoformat()} 09:00:00+00", reference, text, aid]
            )
            references.append(reference)
        return references

    # ------------------------------------------------------------------------ patterns

    def overbewoning(self, buurt: dict) -> dict:
        aid = self.residential_address(buurt)
        surface = self.rng.randint(28, 45)
        self.con.execute("UPDATE addr SET oppervlakte = ? WHERE aid = ?", [surface, aid])
        added = self.add_persons(aid, buurt["buurtcode"], self.rng.randint(10, 16), 540)
        info = self.address_info(aid)
        self.flush()
        registered = self._scalar("SELECT count(*) FROM registration WHERE aid = ? AND datum_einde IS NULL", [aid])
        return {**info, "ingeschrevenen": registered, "toegevoegde_bsns": added}

    def bedrijvencluster(self, buurt: dict) -> dict:
        aid = self.residential_address(buurt)
        home = self.residential_address(buurt)
        directors = self.add_persons(home, buurt["buurtcode"], self.rng.randint(2, 3), 3000)
        director_pids = [self.pid_of(b) for b in directors]
        companies = []
        start = self.ref - timedelta(days=self.rng.randint(900, 1100))
        for _ in range(self.rng.randint(5, 7)):
            founded = start
            lifetime = timedelta(days=self.rng.randint(90, 300))
            ended = founded + lifetime if founded + lifetime < self.ref else None
            companies.append(self.add_company(aid, buurt["buurtcode"], self.rng.choice(CLUSTER_SBI),
                                              "Besloten Vennootschap", founded, ended, director_pids))
            start = founded + timedelta(days=self.rng.randint(60, 150))
            if start >= self.ref:
                break
        return {**self.address_info(aid), "bestuurders_bsn": directors, "ondernemingen": companies}

    def risicobranche_straat(self, buurt: dict) -> dict:
        streets = self._rows(
            """SELECT street_idx, min(aid), count(*) FROM addr WHERE buurtcode = ?
               GROUP BY street_idx HAVING count(*) >= 8 ORDER BY street_idx""",
            [buurt["buurtcode"]],
        )
        if not streets:
            streets = self._rows(
                "SELECT street_idx, min(aid), count(*) FROM addr WHERE buurtcode = ? GROUP BY street_idx "
                "ORDER BY count(*) DESC, street_idx LIMIT 1",
                [buurt["buurtcode"]],
            )
        street_idx, first_aid, n_addr = self.rng.choice(streets)
        sbi = self.rng.choice(voc.RISK_BRANCH_SBI)
        n = min(n_addr, self.rng.randint(6, 9))
        aids = sorted(self.rng.sample(range(first_aid, first_aid + n_addr), n))
        owners = []
        companies = []
        adres_of = self.address_ids(aids)
        for aid in aids:
            owner_home = self.residential_address(buurt)
            owner = self.add_persons(owner_home, buurt["buurtcode"], 1, 3000)[0]
            owners.append(owner)
            founded = self.ref - timedelta(days=self.rng.randint(60, 700))
            company = self.add_company(aid, buurt["buurtcode"], sbi, "Eenmanszaak", founded, None,
                                       [self.pid_of(owner)])
            companies.append({**company, "adres": adres_of[aid]})
        straat = self._scalar("SELECT straat FROM addr WHERE aid = ?", [first_aid])
        return {"buurt": buurt["buurtcode"], "straat": straat, "sbi": sbi, "vestigingen": companies}

    def abc_doorverkoop(self, buurt: dict) -> dict:
        aid = self.residential_address(buurt)
        info = self.address_info(aid)
        waarde = self._scalar("SELECT waarde FROM woz WHERE aid = ?", [aid])
        first_date = self.ref - timedelta(days=self.rng.randint(200, 600))
        second_date = first_date + timedelta(days=self.rng.randint(30, 170))
        first_price = int(round(waarde * self.rng.uniform(0.8, 0.95), -3))
        second_price = int(round(first_price * self.rng.uniform(1.35, 1.7), -3))
        self.con.execute("DELETE FROM sale WHERE aid = ?", [aid])
        for when, price in ((first_date, first_price), (second_date, second_price)):
            self.pending["sale"].append([aid, info["verblijfsobject"], when, price])
        return {**info, "woz_waarde": waarde,
                "verkopen": [{"datum": first_date.isoformat(), "koopsom": first_price},
                             {"datum": second_date.isoformat(), "koopsom": second_price}],
                "dagen_tussen": (second_date - first_date).days,
                "stijging": round(second_price / first_price, 3)}


def plant_patterns(con, size: Size, seed: int) -> dict:
    create_tables(con)  # empty unless the recurring pattern plants something
    con.execute("BEGIN TRANSACTION")  # one commit for all the small changes below
    planter = _Planter(con, size, seed)
    kinds = ["overbewoning", "bedrijvencluster", "risicobranche_straat", "abc_doorverkoop"]
    needed = len(kinds) * size.instances_per_pattern
    candidates = con.execute(
        f"""SELECT buurtcode, addr_off, n_addr, n_res, n_pers FROM buurt
            WHERE n_res >= 8 AND n_pers >= 15
            ORDER BY hash(buurtcode, 'hotspot', {seed}) LIMIT {needed}"""
    ).fetchall()
    buurten = [dict(zip(["buurtcode", "addr_off", "n_addr", "n_res", "n_pers"], row, strict=True))
               for row in candidates]
    truth: dict = {kind: [] for kind in kinds}
    hotspots = []
    for i, buurt in enumerate(buurten):
        kind = kinds[i % len(kinds)]
        instance = getattr(planter, kind)(buurt)
        address_aid = None
        if kind != "risicobranche_straat":
            address_aid = planter.aid_by_adres[instance["adres"]]
        instance["signalen"] = planter.add_signals(
            buurt["buurtcode"], address_aid, PATTERN_PHENOMENA[kind], planter.rng.randint(3, 8)
        )
        instance["buurt"] = buurt["buurtcode"]
        truth[kind].append(instance)
        hotspots.append({"buurt": buurt["buurtcode"], "patroon": kind})
    truth["hotspot_buurten"] = hotspots
    if size.gemeenten and len(size.gemeenten) > 1:
        planter.flush()  # the recurring pattern reads persons and addresses planted above
        truth["recurring"] = plant_recurring(planter, size.gemeenten, seed)
    planter.flush()
    con.execute("COMMIT")
    return truth
