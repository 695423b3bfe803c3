"""Planted mentions with realistic typos, and which registry record each one means (ground
truth for linking, issue 5 part 3).

Reads a generated municipality (the Parquet files of ``build``) and writes nothing into it:
``build`` and its outputs are unchanged. For a seed it picks persons, companies and addresses
and describes each as a reporter would: a name with or without first name, tussenvoegsel
written any way, a birth date or an address or both, a KvK-nummer now and then. Each
description is first checked to identify exactly one record (a careful reader could link it);
then noise is added: transposed, dropped or doubled letters, diacritics, tussenvoegsel
variants, initials, day and month swapped, postcode spacing, street abbreviations and
house-number suffixes. Some mentions describe nobody in the registry (a person living at an
address without being registered, a company that does not exist): they must not be linked.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import duckdb

from . import vocabulary as voc
from .sizes import REFERENCE_DATE

SIZES = {"S": (240, 100, 100, 60), "M": (2000, 800, 800, 400), "L": (2000, 800, 800, 400)}
_VOWELS = "aeiou"
_ACCENTS = {"e": "é", "o": "ö", "u": "ü", "i": "ï", "a": "á"}
_PLAIN = str.maketrans("éëèöüïáàçÖÜËÉ", "eeeouiaacOUEE")
_UNKNOWN_NOUNS = ["Logistiek", "Vastgoed", "Beheer", "Transport", "Bouw", "Schoonmaak", "Import"]


def _fold(text: str) -> str:
    return " ".join(text.translate(_PLAIN).lower().replace(".", " ").split())


class _Noise:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def word(self, word: str) -> tuple[str, str]:
        """One keyboard slip in a word of four letters or more."""
        r, n = self.rng, len(word)
        if n < 4:
            return word, ""
        i = r.randrange(1, n - 1)
        kind = r.choice(["transpositie", "weggelaten", "verdubbeld", "vervangen"])
        if kind == "transpositie":
            return word[:i] + word[i + 1] + word[i] + word[i + 2:], kind
        if kind == "weggelaten":
            return word[:i] + word[i + 1:], kind
        if kind == "verdubbeld":
            return word[:i] + word[i] + word[i:], kind
        vowel = word[i].lower() in _VOWELS
        pool = _VOWELS if vowel else "bcdfghklmnprstvwz"
        return word[:i] + r.choice([c for c in pool if c != word[i].lower()]) + word[i + 1:], kind

    def diacritics(self, word: str) -> tuple[str, str]:
        plain = word.translate(_PLAIN)
        if plain != word:
            return plain, "diakriet weggelaten"
        spots = [i for i, c in enumerate(word) if c in _ACCENTS]
        if not spots:
            return word, ""
        i = self.rng.choice(spots)
        return word[:i] + _ACCENTS[word[i]] + word[i + 1:], "diakriet toegevoegd"


def _tussenvoegsel_variant(rng: random.Random, vv: str, surname: str) -> tuple[str, str, str]:
    """(voorvoegsel, surname, what) as a reporter may write them."""
    if not vv:
        return vv, surname, ""
    choice = rng.choice(["afgekort", "vast", "weggelaten", "hoofdletter"])
    if choice == "afgekort" and " " in vv:
        return ".".join(p[0] for p in vv.split()) + ".", surname, "tussenvoegsel afgekort"
    if choice == "vast":
        return "", vv.replace(" ", "").capitalize() + surname.lower(), "tussenvoegsel vastgeschreven"
    if choice == "weggelaten":
        return "", surname, "tussenvoegsel weggelaten"
    return vv.title(), surname, "tussenvoegsel met hoofdletter"


def _typo_date(rng: random.Random, d: date) -> tuple[date, str]:
    if d.day <= 12 and d.day != d.month and rng.random() < 0.7:
        return d.replace(month=d.day, day=d.month), "dag en maand omgewisseld"
    for _ in range(10):
        text = d.isoformat()
        i = rng.choice([2, 3, 6, 8, 9])  # a digit of the year, month or day
        candidate = text[:i] + str(rng.randrange(10)) + text[i + 1:]
        try:
            new = date.fromisoformat(candidate)
        except ValueError:
            continue
        if new != d and new <= REFERENCE_DATE:
            return new, "tikfout in geboortedatum"
    return d, ""


class _Planter:
    def __init__(self, out_dir: Path, seed: int):
        self.rng = random.Random(seed * 104729 + 5)
        self.noise = _Noise(self.rng)
        con = duckdb.connect()
        try:
            read = lambda name: f"read_parquet('{Path(out_dir) / (name + '.parquet')}')"  # noqa: E731
            self.addresses = con.execute(
                f"SELECT identificatie, openbare_ruimte, huisnummer, postcode, woonplaats FROM {read('nummeraanduidingen')} "
                "ORDER BY identificatie").fetchall()
            self.persons = con.execute(
                f"""SELECT p.bsn, p.voornamen, p.voorvoegsel, p.geslachtsnaam, p.geboortedatum, v.adres
                    FROM {read('personen')} p JOIN {read('verblijfplaatsen')} v USING (pid)
                    WHERE v.datum_einde IS NULL ORDER BY p.bsn""").fetchall()
            self.companies = con.execute(
                f"""SELECT o.kvk_nummer, o.naam, v.adres FROM {read('ondernemingen')} o
                    JOIN {read('vestigingen')} v USING (cid) ORDER BY o.kvk_nummer""").fetchall()
        finally:
            con.close()
        self.address_by_id = {a[0]: a for a in self.addresses}
        # The generated BAG can hold the same street and number (or postcode and number) twice;
        # a description must name one address, so each form is checked before it is used.
        self.street_number = Counter((a[1], a[2]) for a in self.addresses)
        self.postcode_number = Counter((a[3], a[2]) for a in self.addresses)
        self.street_postcode_number = Counter((a[1], a[3], a[2]) for a in self.addresses)
        self.name_date = Counter((_fold(f"{p[1]} {p[2]} {p[3]}"), p[4]) for p in self.persons)
        self.name_address = Counter((_fold(f"{p[1]} {p[2]} {p[3]}"), p[5]) for p in self.persons)
        self.surname_address = Counter((_fold(f"{p[2]} {p[3]}"), p[5]) for p in self.persons)
        self.company_name_address = Counter((_fold(c[1]), c[2]) for c in self.companies)
        self.company_names = Counter(_fold(c[1]) for c in self.companies)
        self.max_number = Counter()
        for a in self.addresses:
            self.max_number[a[1]] = max(self.max_number[a[1]], a[2])

    # ------------------------------------------------------------------------- addresses

    def random_describable(self) -> str:
        while True:
            address_id = self.rng.choice(self.addresses)[0]
            if self.describable(address_id):
                return address_id

    def describable(self, address_id: str) -> bool:
        _, street, number, postcode, _ = self.address_by_id[address_id]
        return self.street_postcode_number[(street, postcode, number)] == 1

    def address_text(self, address_id: str, noise: list[str]) -> str:
        _, street, number, postcode, woonplaats = self.address_by_id[address_id]
        r = self.rng
        unique = {"straat": self.street_number[(street, number)] == 1,
                  "straat_pc": self.street_postcode_number[(street, postcode, number)] == 1,
                  "pc": self.postcode_number[(postcode, number)] == 1}
        forms = [(f, w) for f, w in (("straat", 5), ("straat_pc", 3), ("pc", 2)) if unique[f]]
        form = r.choices([f for f, _ in forms], weights=[w for _, w in forms])[0]
        if r.random() < 0.35:
            street, what = self.noise.word(street)
            noise.append(f"straat: {what}" if what else "")
        if r.random() < 0.15 and street.endswith("straat"):
            street = street[: -len("straat")] + r.choice(["str.", "str"])
            noise.append("straat afgekort")
        number_text = str(number)
        if r.random() < 0.15:
            number_text += r.choice(["a", "-1", " hs", " bv", "-2", "B"])
            noise.append("huisnummertoevoeging die niet in de BAG staat")
        pc = postcode if r.random() < 0.5 else f"{postcode[:4]} {postcode[4:]}"
        if r.random() < 0.2:
            pc = pc.lower()
            noise.append("postcode in kleine letters")
        if form == "straat":
            return f"{street} {number_text}"
        if form == "straat_pc":
            return f"{street} {number_text}, {pc}" + (f" {woonplaats}" if r.random() < 0.5 else "")
        return f"{pc} {number_text}"

    # --------------------------------------------------------------------------- persons

    def person_name(self, voornamen: str, vv: str, surname: str, noise: list[str]) -> str:
        r = self.rng
        first = voornamen
        if r.random() < 0.12:
            first = first[0] + "."
            noise.append("voorletter")
        elif r.random() < 0.08:
            first = ""
            noise.append("voornaam ontbreekt")
        if vv and r.random() < 0.5:
            vv, surname, what = _tussenvoegsel_variant(r, vv, surname)
            noise.append(what)
        roll = r.random()
        if roll < 0.45:
            surname, what = self.noise.word(surname)
            noise.append(f"achternaam: {what}")
        elif roll < 0.6 and len(first) > 3:
            first, what = self.noise.word(first)
            noise.append(f"voornaam: {what}")
        elif roll < 0.75:
            target = r.choice(["first", "surname"])
            if target == "first":
                first, what = self.noise.diacritics(first)
            else:
                surname, what = self.noise.diacritics(surname)
            noise.append(what)
        if r.random() < 0.1:
            text = f"{surname}, {' '.join(p for p in (first, vv) if p)}"
            noise.append("achternaam eerst")
        else:
            text = " ".join(p for p in (first, vv, surname) if p)
        if r.random() < 0.05:
            text = text.upper()
            noise.append("hoofdletters")
        return text

    def person(self, row) -> dict:
        bsn, voornamen, vv, surname, born, home = row
        r = self.rng
        full = _fold(f"{voornamen} {vv} {surname}")
        pattern = r.choices(["datum", "adres", "beide", "bsn"], weights=[35, 35, 20, 10])[0]
        with_date = pattern in ("datum", "beide") or (pattern == "adres" and self.name_address[(full, home)] > 1)
        with_address = pattern in ("adres", "beide") or (pattern == "datum" and self.name_date[(full, born)] > 1)
        if pattern == "bsn" or not self.describable(home):
            with_date = True
        with_address = with_address and self.describable(home)
        noise: list[str] = []
        mention = {"kind": "persoon", "name": self.person_name(voornamen, vv, surname, noise)}
        if "voornaam ontbreekt" in noise and with_address and self.surname_address[(_fold(f"{vv} {surname}"), home)] > 1:
            with_date = True  # the surname alone does not tell the residents apart
        if pattern == "bsn":
            mention["bsn"] = bsn
        if with_date:
            shown = born
            if r.random() < 0.12:
                shown, what = _typo_date(r, born)
                noise.append(what)
            mention["birth_date"] = shown.isoformat()
        if with_address:
            mention["address_text"] = self.address_text(home, noise)
        mention["noise"] = [n for n in noise if n]
        mention["truth"] = {"kind": "persoon", "key": bsn}
        return mention

    def unknown_person(self) -> dict:
        """Someone living at an address without being registered there, or anywhere."""
        r = self.rng
        while True:
            first = r.choice(voc.FIRST_NAMES)
            vv, surname = r.choice(voc.SURNAMES)
            born = date(1950, 1, 1) + timedelta(days=r.randrange(365 * 55))
            home = self.random_describable()
            full = _fold(f"{first} {vv} {surname}")
            if self.name_date[(full, born)] == 0 and self.name_address[(full, home)] == 0:
                break
        noise: list[str] = []
        return {"kind": "persoon", "name": self.person_name(first, vv, surname, noise),
                "birth_date": born.isoformat(), "address_text": self.address_text(home, noise),
                "noise": [n for n in noise if n] + ["niet ingeschreven"], "truth": None}

    # ------------------------------------------------------------------------- companies

    def company_name(self, naam: str, noise: list[str]) -> str:
        r = self.rng
        if naam.endswith(" B.V.") and r.random() < 0.5:
            naam = naam[:-5] + r.choice(["", " BV", " bv", " B.V"])
            noise.append("rechtsvorm anders geschreven")
        if r.random() < 0.4:
            words = naam.split()
            i = max(range(len(words)), key=lambda k: len(words[k]))
            words[i], what = self.noise.word(words[i])
            naam = " ".join(words)
            noise.append(f"naam: {what}")
        if r.random() < 0.15:
            naam = naam.lower()
            noise.append("kleine letters")
        return naam

    def company(self, row) -> dict:
        kvk, naam, site = row
        r = self.rng
        noise: list[str] = []
        mention = {"kind": "onderneming", "name": self.company_name(naam, noise)}
        with_kvk = r.random() < 0.35
        with_address = (not with_kvk or r.random() < 0.5) and self.describable(site)
        if not with_address or self.company_name_address[(_fold(naam), site)] > 1:
            with_kvk = True
        if with_kvk:
            shown = kvk
            if r.random() < 0.05:
                i = r.randrange(8)
                shown = kvk[:i] + str((int(kvk[i]) + r.randrange(1, 10)) % 10) + kvk[i + 1:]
                noise.append("tikfout in KvK-nummer")
            mention["kvk_nummer"] = shown
        if with_address:
            mention["address_text"] = self.address_text(site, noise)
        mention["noise"] = [n for n in noise if n]
        mention["truth"] = {"kind": "onderneming", "key": kvk}
        return mention

    def unknown_company(self) -> dict:
        r = self.rng
        naam = f"{r.choice(voc.COMPANY_WORDS)} {r.choice(_UNKNOWN_NOUNS)}" + r.choice(["", " B.V."])
        noise: list[str] = []
        site = self.random_describable()
        return {"kind": "onderneming", "name": self.company_name(naam, noise),
                "address_text": self.address_text(site, noise), "noise": noise + ["bestaat niet"], "truth": None}

    # ------------------------------------------------------------------------- addresses

    def address(self, row) -> dict:
        noise: list[str] = []
        text = self.address_text(row[0], noise)
        return {"kind": "adres", "address_text": text, "noise": [n for n in noise if n],
                "truth": {"kind": "adres", "key": row[0]}}

    def unknown_address(self) -> dict:
        street = self.rng.choice(self.addresses)[1]
        number = self.max_number[street] + self.rng.randint(40, 400)
        return {"kind": "adres", "address_text": f"{street} {number}", "noise": ["huisnummer bestaat niet"],
                "truth": None}


def plant_mentions(out_dir: Path, size: str = "S", seed: int = 1) -> dict:
    """Mentions with realistic typos and their ground truth, for a generated municipality."""
    n_persons, n_companies, n_addresses, n_unknown = SIZES[size]
    planter = _Planter(Path(out_dir), seed)
    rng = planter.rng
    mentions = [planter.person(row) for row in rng.sample(planter.persons, min(n_persons, len(planter.persons)))]
    mentions += [planter.company(row) for row in rng.sample(planter.companies, min(n_companies, len(planter.companies)))]
    describable = [row for row in planter.addresses if planter.describable(row[0])]
    mentions += [planter.address(row) for row in rng.sample(describable, min(n_addresses, len(describable)))]
    for i in range(n_unknown):
        mentions.append([planter.unknown_person, planter.unknown_company, planter.unknown_address][i % 3]())
    rng.shuffle(mentions)
    return {"meta": {"size": size, "seed": seed, "mentions": len(mentions),
                     "linkable": sum(1 for x in mentions if x["truth"])},
            "mentions": mentions}
