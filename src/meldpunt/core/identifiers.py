"""Dutch identifiers as value objects: parse once, then trust the type.

Each ``parse_*`` function normalises its input (strips spaces, dots and dashes where people
write them) and raises ``InvalidIdentifier`` with a Dutch message when the value is not valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidIdentifier  # noqa: F401 (re-exported)

__all__ = [
    "BAG_OBJECT_TYPES",
    "BagId",
    "Bsn",
    "CbsBuurtCode",
    "CbsGemeenteCode",
    "CbsWijkCode",
    "InvalidIdentifier",
    "KvkNummer",
    "Postcode",
    "Rsin",
    "Vestigingsnummer",
    "elfproef",
    "parse_bag_id",
    "parse_bsn",
    "parse_buurtcode",
    "parse_gemeentecode",
    "parse_kvk_nummer",
    "parse_postcode",
    "parse_rsin",
    "parse_vestigingsnummer",
    "parse_wijkcode",
]


_SEPARATORS = re.compile(r"[\s.\-]")


def _digits(value: object, length: int, label: str) -> str:
    text = _SEPARATORS.sub("", str(value or ""))
    if not text:
        raise InvalidIdentifier(f"Vul een {label} in.")
    if not text.isascii() or not text.isdigit():
        raise InvalidIdentifier(f"Een {label} bestaat alleen uit cijfers.")
    if len(text) != length:
        raise InvalidIdentifier(f"Een {label} heeft {length} cijfers, dit zijn er {len(text)}.")
    return text


def elfproef(digits: str) -> bool:
    """The BSN/RSIN eleven test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0


def _nine_digit_elfproef(value: object, label: str) -> str:
    text = _SEPARATORS.sub("", str(value or ""))
    # Leading zeros are often lost in spreadsheets: restore them for 8-digit input.
    if len(text) == 8 and text.isdigit():
        text = "0" + text
    text = _digits(text, 9, label)
    if text == "000000000":
        raise InvalidIdentifier(f"000000000 is geen geldig {label}.")
    if not elfproef(text):
        raise InvalidIdentifier(f"Dit {label} klopt niet: de elfproef faalt. Controleer de cijfers.")
    return text


@dataclass(frozen=True, slots=True)
class Bsn:
    """Burgerservicenummer: 9 digits passing the elfproef."""

    value: str

    def __post_init__(self):
        object.__setattr__(self, "value", _nine_digit_elfproef(self.value, "burgerservicenummer"))

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Rsin:
    """Rechtspersonen en Samenwerkingsverbanden Informatienummer: same elfproef as the BSN."""

    value: str

    def __post_init__(self):
        object.__setattr__(self, "value", _nine_digit_elfproef(self.value, "RSIN"))

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class KvkNummer:
    """KvK-nummer: 8 digits. KvK publishes no check digit, so only the form is checked."""

    value: str

    def __post_init__(self):
        object.__setattr__(self, "value", _digits(self.value, 8, "KvK-nummer"))

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Vestigingsnummer:
    """Vestigingsnummer in the Handelsregister: 12 digits."""

    value: str

    def __post_init__(self):
        text = _SEPARATORS.sub("", str(self.value or ""))
        if text.isdigit() and len(text) < 12:
            text = text.zfill(12)  # KvK writes them with leading zeros
        object.__setattr__(self, "value", _digits(text, 12, "vestigingsnummer"))

    def __str__(self) -> str:
        return self.value


# Object type codes at positions 5-6 of a 16-digit BAG identifier (Catalogus BAG 2018).
BAG_OBJECT_TYPES = {
    "01": "verblijfsobject",
    "02": "ligplaats",
    "03": "standplaats",
    "10": "pand",
    "20": "nummeraanduiding",
    "30": "openbare ruimte",
}


@dataclass(frozen=True, slots=True)
class BagId:
    """A BAG object identifier: 4-digit gemeentecode + 2-digit object type + 10-digit number."""

    value: str

    def __post_init__(self):
        text = _digits(self.value, 16, "BAG-identificatie")
        if text[4:6] not in BAG_OBJECT_TYPES:
            raise InvalidIdentifier(
                f"Een BAG-identificatie heeft op plaats 5-6 een objecttypecode "
                f"({', '.join(sorted(BAG_OBJECT_TYPES))}); {text[4:6]} bestaat niet."
            )
        object.__setattr__(self, "value", text)

    @property
    def object_type(self) -> str:
        return BAG_OBJECT_TYPES[self.value[4:6]]

    @property
    def gemeentecode(self) -> str:
        return self.value[:4]

    def __str__(self) -> str:
        return self.value


_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")


@dataclass(frozen=True, slots=True)
class Postcode:
    """Dutch postcode, normalised to ``1234AB``. SA, SD and SS are never issued."""

    value: str

    def __post_init__(self):
        text = str(self.value or "").strip()
        match = _POSTCODE.match(text)
        if not match:
            raise InvalidIdentifier("Een postcode is vier cijfers (niet beginnend met 0) en twee letters, "
                                    "bijvoorbeeld 1506 MA.")
        letters = match.group(2).upper()
        if letters in {"SA", "SD", "SS"}:
            raise InvalidIdentifier(f"Postcodes met de letters {letters} worden niet uitgegeven.")
        object.__setattr__(self, "value", match.group(1) + letters)

    @property
    def pc4(self) -> str:
        return self.value[:4]

    def formatted(self) -> str:
        return f"{self.value[:4]} {self.value[4:]}"

    def __str__(self) -> str:
        return self.value


# CBS area codes. Since the 2023 division the wijk and buurt parts may contain capital
# letters (e.g. Amsterdam WK0363KA, BU0363KA05); the gemeente part is always 4 digits.
_GEMEENTE = re.compile(r"^GM(\d{4})$")
_WIJK = re.compile(r"^WK(\d{4})([0-9A-Z]{2})$")
_BUURT = re.compile(r"^BU(\d{4})([0-9A-Z]{2})([0-9A-Z]{2})$")


def _cbs(value: object, pattern: re.Pattern, label: str, example: str) -> str:
    text = str(value or "").strip().upper()
    if not pattern.match(text):
        raise InvalidIdentifier(f"Dit is geen geldige CBS-{label}code; verwacht bijvoorbeeld {example}.")
    return text


@dataclass(frozen=True, slots=True)
class CbsGemeenteCode:
    value: str

    def __post_init__(self):
        object.__setattr__(self, "value", _cbs(self.value, _GEMEENTE, "gemeente", "GM0479"))

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class CbsWijkCode:
    value: str

    def __post_init__(self):
        object.__setattr__(self, "value", _cbs(self.value, _WIJK, "wijk", "WK047911 of WK0363KA"))

    @property
    def gemeentecode(self) -> str:
        return "GM" + self.value[2:6]

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class CbsBuurtCode:
    value: str

    def __post_init__(self):
        object.__setattr__(
            self, "value", _cbs(self.value, _BUURT, "buurt", "BU04791112 of BU0363KA05")
        )

    @property
    def wijkcode(self) -> str:
        return "WK" + self.value[2:8]

    @property
    def gemeentecode(self) -> str:
        return "GM" + self.value[2:6]

    def __str__(self) -> str:
        return self.value


def parse_bsn(value: object) -> str:
    return Bsn(value).value


def parse_rsin(value: object) -> str:
    return Rsin(value).value


def parse_kvk_nummer(value: object) -> str:
    return KvkNummer(value).value


def parse_vestigingsnummer(value: object) -> str:
    return Vestigingsnummer(value).value


def parse_bag_id(value: object, object_type: str | None = None) -> str:
    bag_id = BagId(value)
    if object_type and bag_id.object_type != object_type:
        raise InvalidIdentifier(
            f"Dit is de identificatie van een {bag_id.object_type}, niet van een {object_type}."
        )
    return bag_id.value


def parse_postcode(value: object) -> str:
    return Postcode(value).value


def parse_gemeentecode(value: object) -> str:
    return CbsGemeenteCode(value).value


def parse_wijkcode(value: object) -> str:
    return CbsWijkCode(value).value


def parse_buurtcode(value: object) -> str:
    return CbsBuurtCode(value).value
