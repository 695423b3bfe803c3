"""Comparing what a reporter wrote with a registry record: normalisation and similarity.

Pure functions without the database, so linking (``linking.py``) and the generator of planted
mentions can share them and they can be tested on their own. Names are compared on folded
text (no case, diacritics or punctuation), with Dutch tussenvoegsels set apart because reporters
write them in every way ("van der Meer", "v.d. Meer", "Vandermeer", "Meer, van der").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

TUSSENVOEGSELS = frozenset({
    "van", "de", "der", "den", "het", "ter", "ten", "te", "in", "t", "op", "aan", "la", "le", "el", "da", "du",
    "vd", "vander", "vanden", "vande",
})
LEGAL_FORMS = frozenset({"bv", "nv", "vof", "cv", "stichting", "holding", "eenmanszaak", "bvba", "ltd"})
_POSTCODE = re.compile(r"\b([1-9][0-9]{3})\s?([a-zA-Z]{2})\b")
_NUMBER = re.compile(r"\b(\d{1,5})(?:\s*-?\s*([a-zA-Z])\b)?(?:\s*[-/ ]\s*([a-zA-Z0-9]{1,4}))?")
_STREET_ABBREVIATIONS = {"str": "straat", "ln": "laan", "pln": "plein", "gr": "gracht", "sngl": "singel"}


def _tokens(text: str) -> list[str]:
    """Folded tokens, with "v d" (from "v.d.") joined into the tussenvoegsel "vd"."""
    tokens = fold(text).split()
    joined: list[str] = []
    for part in tokens:
        if joined and joined[-1] == "v" and part == "d":
            joined[-1] = "vd"
        else:
            joined.append(part)
    return joined


def fold(text: str) -> str:
    """Lower case, no diacritics, punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


# ------------------------------------------------------------------------------- persons


@dataclass(frozen=True)
class PersonName:
    first: str  # folded first names (may be initials)
    core: str  # folded surname without tussenvoegsel, spaces removed
    joined: str  # tussenvoegsel and surname written together ("vandermeer")


def split_mentioned_name(text: str) -> PersonName:
    """Split a written name into first names and surname, whatever order and tussenvoegsel form."""
    raw = text or ""
    if "," in raw:  # "Meer, van der, Jan" or "de Jong, Jan"
        head, _, tail = raw.partition(",")
        tail_tokens = _tokens(tail)
        vv = [t for t in tail_tokens if t in TUSSENVOEGSELS]
        first = [t for t in tail_tokens if t not in TUSSENVOEGSELS]
        surname = [t for t in _tokens(head) if t not in TUSSENVOEGSELS]
        vv_head = [t for t in _tokens(head) if t in TUSSENVOEGSELS]
        vv = vv_head + vv
    else:
        tokens = _tokens(raw)
        first, vv, surname = [], [], []
        # The surname is the last token; tussenvoegsels sit between first names and surname.
        if tokens:
            surname = [tokens[-1]]
            rest = tokens[:-1]
            while rest and rest[-1] in TUSSENVOEGSELS:
                vv.insert(0, rest.pop())
            first = rest
    core = "".join(surname)
    return PersonName(" ".join(first), core, "".join(vv) + core)


def registry_name(voornamen: str, voorvoegsel: str, geslachtsnaam: str) -> PersonName:
    core = fold(geslachtsnaam).replace(" ", "")
    return PersonName(fold(voornamen), core, fold(voorvoegsel).replace(" ", "") + core)


def similarity(a: str, b: str) -> float:
    """0-100: the edit ratio, but one slip (a transposed, dropped, doubled or wrong letter)
    costs at most 12 points whatever the length, so short names survive a typo."""
    if not a or not b:
        return 0.0
    distance = DamerauLevenshtein.distance(a, b)
    return max(fuzz.ratio(a, b), 100.0 - 12.0 * distance if distance <= 2 else 0.0)


def first_name_similarity(mentioned: str, registered: str) -> float:
    """0-100. An initial ("J") matches a first name that starts with it; missing gives 50."""
    if not mentioned:
        return 50.0
    if not registered:
        return 0.0
    m_tokens, r_tokens = mentioned.split(), registered.split()
    if all(len(t) == 1 for t in m_tokens):
        initials = "".join(t[0] for t in r_tokens)
        return 90.0 if initials.startswith("".join(m_tokens)) else 10.0
    return max(similarity(mentioned, registered), similarity(m_tokens[0], r_tokens[0]))


def surname_similarity(mentioned: PersonName, registered: PersonName) -> float:
    """0-100, the best of the surname alone and the surname written with its tussenvoegsel."""
    return max(similarity(mentioned.core, registered.core), similarity(mentioned.joined, registered.joined),
               similarity(mentioned.core, registered.joined), similarity(mentioned.joined, registered.core))


# --------------------------------------------------------------------------------- dates


def swapped(d: date) -> date | None:
    """The date with day and month swapped (a common slip), if that is a date."""
    if d.day > 12 or d.day == d.month:
        return None
    try:
        return d.replace(month=d.day, day=d.month)
    except ValueError:
        return None


def date_relation(mentioned: date, registered: date) -> str:
    """"gelijk", "omgewisseld", "tikfout" (one digit differs) or "anders"."""
    if mentioned == registered:
        return "gelijk"
    if swapped(mentioned) == registered:
        return "omgewisseld"
    if DamerauLevenshtein.distance(mentioned.isoformat(), registered.isoformat()) == 1:
        return "tikfout"
    return "anders"


# ----------------------------------------------------------------------------- addresses


@dataclass(frozen=True)
class WrittenAddress:
    street: str  # folded, abbreviations expanded, spaces removed
    huisnummer: int | None
    huisletter: str
    toevoeging: str
    postcode: str  # "1234AB" or ""

    @property
    def usable(self) -> bool:
        return self.huisnummer is not None and bool(self.street or self.postcode)


def parse_address(text: str) -> WrittenAddress:
    """Read "Eikenstraat 12a, 1501 AB Zaandam", "1501ab 12-2", "Eikenstr. 12 hs" and the like."""
    text = text or ""
    postcode = ""
    match = _POSTCODE.search(text)
    if match:
        postcode = (match.group(1) + match.group(2)).upper()
        text = text[: match.start()] + " , " + text[match.end():]
    street_part, number = text, None
    letter = toevoeging = ""
    for m in _NUMBER.finditer(text):
        number = int(m.group(1))
        letter = (m.group(2) or "").upper()
        toevoeging = (m.group(3) or "").upper()
        street_part = text[: m.start()]
        break
    street_tokens = [(_STREET_ABBREVIATIONS.get(t, t)) for t in fold(street_part.split(",")[0]).split()]
    return WrittenAddress(street_key("".join(street_tokens)), number, letter, toevoeging, postcode)


def street_key(street: str) -> str:
    key = fold(street).replace(" ", "")
    for short, full in _STREET_ABBREVIATIONS.items():
        if key.endswith(short) and not key.endswith(full):
            return key[: -len(short)] + full
    return key


# ----------------------------------------------------------------------------- companies


def company_key(name: str) -> str:
    """Folded company name without legal form ("Zaan Handel B.V." -> "zaan handel")."""
    folded = fold(name)
    folded = re.sub(r"\bb v\b|\bn v\b|\bv o f\b|\bc v\b", lambda m: m.group(0).replace(" ", ""), folded)
    return " ".join(t for t in folded.split() if t not in LEGAL_FORMS)


def company_similarity(mentioned: str, registered: str) -> float:
    a, b = company_key(mentioned), company_key(registered)
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))
