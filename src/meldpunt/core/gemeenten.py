"""The 342 gemeenten of the CBS indeling 2024 (code and name), read from the packaged CBS file.

Lives in core so that every layer (the tenant model and its migration, the generator) can ask
whether a code is a gemeente without importing the demo generator.
"""

import csv
from functools import cache
from importlib import resources


@cache
def names() -> dict[str, str]:
    """{"GM0479": "Zaanstad", ...} for the 342 gemeenten."""
    path = resources.files("meldpunt").joinpath("data", "cbs", "kwb2024_gemeenten.csv")
    with path.open(encoding="utf-8") as handle:
        return {row["gemeentecode"]: row["gemeentenaam"] for row in csv.DictReader(handle)}


def name(code: str) -> str:
    """The name of a gemeente; ValueError (a Dutch sentence) for a code that is not one of the 342."""
    try:
        return names()[code]
    except KeyError:
        raise ValueError(f"{code} is geen gemeentecode van de CBS-indeling 2024 "
                         "(bijvoorbeeld GM0479 voor Zaanstad).") from None


def kenmerk_prefix(naam: str) -> str:
    """The first two letters of a gemeente's name ("ZA" for Zaanstad): the prefix of its kenmerken
    (ADR 0030 §7), unless another aangesloten gemeente has it (tenancy.home.reference_prefix)."""
    return "".join(c for c in naam.upper() if c.isalpha())[:2] or "GM"
