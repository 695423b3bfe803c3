"""The core of hit/no-hit between gemeenten (ADR 0030 §8): canonical values, keyed digests, and an
answer that is one bit per gemeente.

A subject is asked about by what identifies it across gemeenten: a BSN, a KvK-nummer, an address
or a kenteken. Each becomes one canonical string, so that the same subject written differently in
two gemeenten ("1506 ma", "1506MA") gives the same string. The string is never compared in clear:
it is hashed with the **answering** gemeente's match key (HMAC-SHA256), so the index of one
gemeente cannot be joined with another's, nor with the processing log's pseudonyms (the match key
is derived from the gemeente's pseudonym key with a label of its own).

Pure: no models, no settings. The regio app's index and job (planned) call these functions; the
same functions answer in one installation and, with the digest replaced by an OPRF, between
installations (ADR 0030 §9).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from meldpunt.core.identifiers import (
    InvalidIdentifier,
    parse_bsn,
    parse_gemeentecode,
    parse_kvk_nummer,
    parse_postcode,
)

# Versioned: a change of the derivation or the canonical forms is a rebuild of every index.
MATCH_KEY_LABEL = b"meldpunt/regio/match-key/v1"

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_KENTEKEN = re.compile(r"^[0-9A-Z]{4,8}$")
_HUISLETTER = re.compile(r"^[A-Z]$")
_TOEVOEGING = re.compile(r"^[0-9A-Z]{1,4}$")


class Kind(StrEnum):
    """What a question can be about. Names and birth dates are not: no fuzzy matching across
    gemeenten."""

    BSN = "bsn"
    KVK = "kvk"
    ADRES = "adres"
    KENTEKEN = "kenteken"


@dataclass(frozen=True, slots=True)
class Canonical:
    """One subject value in its canonical form; ``str()`` is what is hashed."""

    kind: Kind
    value: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.value}"


def canonical_bsn(value: object) -> Canonical:
    """Nine digits that pass the elfproef (spaces, dots and dashes removed, a lost leading zero
    restored)."""
    return Canonical(Kind.BSN, parse_bsn(value))


def canonical_kvk(value: object) -> Canonical:
    """Eight digits."""
    return Canonical(Kind.KVK, parse_kvk_nummer(value))


def canonical_address(postcode: object, huisnummer: object, huisletter: object = "",
                      toevoeging: object = "") -> Canonical:
    """Postcode, huisnummer, huisletter and toevoeging: the four parts that name one address in
    the BAG. The same form comes from a BAG nummeraanduiding (its fields) and from an address a
    person typed, so both meet; a BAG id alone is not used, because a typed address has none."""
    code = parse_postcode(postcode)
    number_text = str(huisnummer if huisnummer is not None else "").strip()
    if not number_text.isascii() or not number_text.isdigit() or not 1 <= int(number_text) <= 99999:
        raise InvalidIdentifier("Een huisnummer is een getal van 1 tot en met 99999.")
    letter = str(huisletter or "").strip().upper()
    if letter and not _HUISLETTER.match(letter):
        raise InvalidIdentifier("Een huisletter is één letter.")
    addition = _NOT_ALNUM.sub("", str(toevoeging or "")).upper()
    if addition and not _TOEVOEGING.match(addition):
        raise InvalidIdentifier("Een huisnummertoevoeging is hoogstens vier letters of cijfers.")
    return Canonical(Kind.ADRES, f"{code}|{int(number_text)}|{letter}|{addition}")


def canonical_kenteken(value: object) -> Canonical:
    """Letters and digits in capitals, without dashes or spaces: the rule intake stores
    (``intake.services``), so every stored kenteken has its canonical form."""
    plate = _NOT_ALNUM.sub("", str(value or "")).upper()
    if not _KENTEKEN.match(plate):
        raise InvalidIdentifier("Een kenteken bestaat uit 4 tot 8 letters en cijfers.")
    return Canonical(Kind.KENTEKEN, plate)


@dataclass(frozen=True, slots=True)
class Address:
    """The parts of an address, as a BAG nummeraanduiding holds them."""

    postcode: str
    huisnummer: int
    huisletter: str = ""
    toevoeging: str = ""


_POSTCODE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{3})\s?([A-Za-z]{2})(?![0-9A-Za-z])")
_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{0,4})(?:\s?([A-Za-z])(?![0-9A-Za-z]))?"
                             r"(?:(?:\s?-\s?|\s)([0-9A-Za-z]{1,4})(?![0-9A-Za-z]))?")


def address_from_text(text: str) -> Address | None:
    """The address in a typed text ("Dorpsstraat 12a, 1506 MA Zaandam") when it names exactly one
    postcode and one house number; else None — a guess would make a false hit, so an unclear text
    is not findable. A word of up to four letters or digits after the number is its toevoeging
    ("7 II", "3 bis"), so "Laan 7 II" never meets "Laan 7". (A postcode's letters are not a huisletter.)"""
    text = str(text or "")
    postcodes = _POSTCODE_IN_TEXT.findall(text)
    if len(postcodes) != 1:
        return None
    rest = _POSTCODE_IN_TEXT.sub(" ", text)
    numbers = _NUMBER_IN_TEXT.findall(rest)
    if len(numbers) != 1:
        return None
    number, letter, addition = numbers[0]
    return Address(f"{postcodes[0][0]}{postcodes[0][1].upper()}", int(number), letter.upper(), addition.upper())


def canonicals_of(*, bsn: str = "", kvk_nummer: str = "", address: Address | None = None,
                  kenteken: str = "") -> list[Canonical]:
    """Every value of one mentioned subject that a question can be about (a subject can carry a
    BSN *and* an address). Empty fields are skipped; a bad value raises ``InvalidIdentifier``."""
    found = []
    if bsn:
        found.append(canonical_bsn(bsn))
    if kvk_nummer:
        found.append(canonical_kvk(kvk_nummer))
    if address is not None:
        found.append(canonical_address(address.postcode, address.huisnummer, address.huisletter,
                                       address.toevoeging))
    if kenteken:
        found.append(canonical_kenteken(kenteken))
    return found


def match_key_label(gemeente: str) -> bytes:
    """The label that derives a gemeente's match key from its pseudonym key. The gemeente code
    separates two gemeenten even if they were ever given the same key material."""
    return MATCH_KEY_LABEL + b"|" + parse_gemeentecode(gemeente).encode()


def derive_match_key(pseudonym_key: bytes, gemeente: str) -> bytes:
    """The match key of a gemeente, from that gemeente's own pseudonym key: one way (it tells
    nothing about the pseudonym key) and labelled, so a digest never equals a log pseudonym of the
    same subject. ``core.keys.KeyRing.derive`` computes the same from the key ring; this form takes
    the key itself, for the HTTP exchange's tooling and the tests."""
    if not pseudonym_key:
        raise ValueError("Er is geen sleutel om de koppelsleutel van af te leiden.")
    return hmac.new(pseudonym_key, match_key_label(gemeente), hashlib.sha256).digest()


def digest(match_key: bytes, canonical: Canonical) -> str:
    """HMAC-SHA256 of the canonical string under one gemeente's match key, in hex (64)."""
    return hmac.new(match_key, str(canonical).encode(), hashlib.sha256).hexdigest()


# The index of the answering gemeenten: given (gemeente, kind, digest) triples, which of them it
# holds. One call per question, so an implementation can answer all gemeenten in one query.
Lookup = Callable[[list[tuple[str, str, str]]], Iterable[tuple[str, str, str]]]


def hits(subject: Canonical, match_keys: Mapping[str, bytes], lookup: Lookup, *,
         asking: str) -> dict[str, bool]:
    """Does each other gemeente know ``subject``? One bit per gemeente, nothing else: not how many
    records, which, or since when. Every gemeente gets the same work (a digest and one entry in
    the one lookup), the asking gemeente none: it is never asked about itself."""
    if asking in match_keys:
        raise ValueError("De vragende gemeente hoort niet bij de gemeenten die antwoorden.")
    wanted = [(gemeente, subject.kind.value, digest(key, subject)) for gemeente, key in sorted(match_keys.items())]
    present = set(lookup(wanted))
    return {gemeente: triple in present for gemeente, triple in zip(sorted(match_keys), wanted, strict=True)}
