"""Benchmark the masking of free text under a release (``meldpunt.cases.masking``, ADR 0021).

Pure Python, no database: it builds its own subjects and text (seeded, so every run is the same),
the terms of each subject the way ``items.release_masker`` does (name, BSN, KvK-nummer, birth
date, BAG address, address in own words, kenteken, phone and e-mail of the reporter), half of the
subjects hidden and the other half shown, and a description that names them in several spellings
between filler words, numbers and identifier shapes. Then it times:

- ``build_ms``: building the masker (the terms) and its first use (compiling);
- ``mask_<n>k_ms``: masking one text as ``items.released_content`` does (the masked text and the
  count of masks for the warning), median of ``--runs`` runs after a warm-up.

Sizes: S = 10 subjects and 5,000 characters, M = 40 subjects and 20,000 characters (goal: under
200 ms), L = 200 subjects and 100,000 characters. Figures go to stdout as one JSON line each::

    .venv/bin/python bench/masking.py                  # size M
    .venv/bin/python bench/masking.py --size L
    .venv/bin/python bench/masking.py --src /tmp/old/src   # time another version of the code
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIZES = {"S": (10, 5_000), "M": (40, 20_000), "L": (200, 100_000)}
SEED = 21
FIRST = ["Piet", "Jan", "Kees", "Mohamed", "Anna", "Sophie", "Willem", "Fatima", "Jozef", "Maria", "Henk",
         "Ömer", "Daan", "Lotte", "Bram", "Sanne", "Ruud", "Ingrid", "Thijs", "Noor"]
MIDDLE = ["Adriaan", "Johannes", "Cornelis", "Pieter", "Elisabeth", "Hendrik", ""]
PREFIX = ["van der", "de", "van den", "van", "ter", "", "", ""]
SURNAME = ["Berg", "Jansen", "Visser", "Bakker", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters",
           "Hendriks", "Dekker", "Brouwer", "Çelik", "Heuvelrug", "Zwartgeld", "Kuipers", "Veenstra"]
COMPANY = ["Zwartgeld", "Schaduw", "Noordzee", "Polder", "Kade", "Goudvis", "Lelie", "Tulp", "Molen"]
COMPANY_FORM = ["Holding B.V.", "Vastgoed B.V.", "Handelsonderneming", "Beheer B.V.", "V.O.F.", "Import Export"]
STREET = ["Dorpsstraat", "Kerkweg", "Lijsterkade", "Molenlaan", "Stationsplein", "Havenstraat", "Nieuwe Gracht"]
CITY = ["Utrecht", "Amersfoort", "Zeist", "Houten", "Nieuwegein"]
FILLER = str.split(
    "de het een bij naar loods pand wietlucht ramen afgeplakt 's nachts auto's busje gezien melding "
    "buurman vermoedt hennep stroom verbruik hoog ingang achterom gisteren vorige week rond middernacht "
    "twee mannen dozen geladen sterke lucht en ook met om 23:00 uur zo'n 1000 kg in 2024 ordernummer "
    "123456789 meerdere keren per week")


def elfproef_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and digits[0]:
            return "".join(map(str, digits)) + str(last)


def subjects(n: int, rng: random.Random) -> list[dict]:
    out = []
    for i in range(n):
        street, number = rng.choice(STREET), rng.randint(1, 250)
        postcode = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRTVWXZ')}"
        address = {"street": street, "number": number, "letter": rng.choice(["", "", "a", "b"]),
                   "postcode": postcode, "city": rng.choice(CITY)}
        if i % 4 == 3:
            out.append({"kind": "onderneming", "name": f"{rng.choice(COMPANY)} {rng.choice(COMPANY)} "
                                                       f"{rng.choice(COMPANY_FORM)}",
                        "kvk": str(rng.randint(10_000_000, 99_999_999)), "address": address,
                        "address_text": f"{street} {number}, {address['city']}"})
        else:
            name = " ".join(x for x in (rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(PREFIX),
                                        rng.choice(SURNAME)) if x)
            out.append({"kind": "persoon", "name": name, "bsn": elfproef_number(rng), "address": address,
                        "birth": date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)),
                        "address_text": f"{street} {number} {address['postcode']} {address['city']}",
                        "kenteken": f"{rng.choice('GHJKLNPRSTXZ')}{rng.choice('GHJKLNPRSTXZ')}-"
                                    f"{rng.randint(10, 99)}-{rng.choice('BDFGHJ')}{rng.choice('BDFGHJ')}"})
    return out


def terms_of(masking, subject: dict) -> list:
    label = masking.KIND_LABELS[subject["kind"]]
    a = subject["address"]
    terms = masking.name_terms(subject["name"], label, subject["kind"])
    terms += masking.number_terms(subject.get("bsn", ""), masking.BSN)
    terms += masking.number_terms(subject.get("kvk", ""), masking.KVK)
    terms += masking.kenteken_terms(subject.get("kenteken", ""))
    terms += masking.address_text_terms(subject["address_text"])
    terms += masking.date_terms(subject.get("birth"))
    terms += masking.address_terms(a["street"], a["number"], a["letter"], "", a["postcode"], a["city"])
    return terms


def spellings(subject: dict, rng: random.Random) -> list[str]:
    name = subject["name"]
    parts = name.split()
    out = [name, name.upper(), "-".join(parts), f"{parts[-1]}, {parts[0]}", parts[-1]]
    if subject.get("bsn"):
        b = subject["bsn"]
        out += [f"BSN {b}", f"{b[:3]} {b[3:5]} {b[5:]}"]
    if subject.get("kvk"):
        out.append(f"KvK {subject['kvk'][:4]} {subject['kvk'][4:]}")
    if subject.get("birth"):
        out.append(subject["birth"].strftime("%d-%m-%Y"))
    if subject.get("kenteken"):
        out.append(subject["kenteken"].lower())
    a = subject["address"]
    out += [f"{a['street']} {a['number']}{a['letter']}", f"{a['postcode']} {a['number']}"]
    return out


def text_of(size: int, people: list[dict], rng: random.Random) -> str:
    words: list[str] = []
    length = 0
    while length < size:
        if rng.random() < 0.06:
            piece = rng.choice(spellings(rng.choice(people), rng))
        elif rng.random() < 0.01:
            piece = rng.choice(["bel 06-12345678", "mail iemand@voorbeeld.nl", "BSN 111222333", "1234 AB 56",
                                "kenteken 99-ZZT-9", "KvK 11223344"])
        else:
            piece = rng.choice(FILLER)
        words.append(piece)
        length += len(piece) + 1
        if rng.random() < 0.08:
            words[-1] += "."
    return " ".join(words)[:size]


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=tuple(SIZES), default="M", help="default: %(default)s")
    parser.add_argument("--runs", type=int, default=0, help="timed runs (default: 15 for S/M, 5 for L)")
    parser.add_argument("--src", default=str(REPO / "src"), help="the code to time (default: this checkout)")
    args = parser.parse_args()
    sys.path.insert(0, args.src)
    from meldpunt.cases import masking

    n_subjects, size = SIZES[args.size]
    runs = args.runs or (5 if args.size == "L" else 15)
    rng = random.Random(SEED)
    people = subjects(n_subjects, rng)
    text = text_of(size, people, rng)

    def build():
        hidden, shown = [], []
        for i, subject in enumerate(people):
            (hidden if i % 2 == 0 else shown).extend(terms_of(masking, subject))
        hidden += (masking.name_terms("Mevrouw Melder", masking.MELDER) + masking.phone_terms("0612345678")
                   + masking.email_terms("melder@voorbeeld.nl"))
        return masking.Masker(hidden=hidden, shown=[t.shown() for t in shown])

    def mask_once(masker, value=text):
        # As items.released_content: the masked text and what was masked (for the warning).
        if hasattr(masker, "mask_and_count"):
            return masker.mask_and_count(value)
        return masker.mask(value), masker.findings(value)

    start = time.perf_counter()
    masker = build()
    masked, found = mask_once(masker)
    build_ms = (time.perf_counter() - start) * 1000
    mask_once(masker)  # warm-up
    # A text differing in its last character per run: nothing of an earlier scan is reused.
    variants = iter([text[:-1] + str(i % 10) for i in range(runs)])
    times = timed(lambda: mask_once(masker, next(variants)), runs)
    n_terms = len(masker.hidden) + len(masker.shown)
    print(f"{args.size}: {n_subjects} subjects, {n_terms} terms, {len(text)} characters, "
          f"{sum(found.values())} masks", file=sys.stderr)
    for metric, value, unit in (("terms", n_terms, "count"), ("masks", sum(found.values()), "count"),
                                ("build_ms", round(build_ms, 1), "ms"),
                                (f"mask_{size // 1000}k_ms", round(statistics.median(times), 1), "ms")):
        print(json.dumps({"metric": metric, "value": value, "unit": unit, "size": args.size}))


if __name__ == "__main__":
    main()
