"""Sizes of the synthetic municipality.

S and M use the real CBS geography of one gemeente (Zaanstad, GM0479: 19 wijken, 79 buurten, unless
another of the 342 gemeenten is chosen: ``for_gemeente``);
L uses every buurt in the Netherlands (CBS 2024, 14,574 buurten), which gives national scale
(~18 million persons) from real figures rather than a multiplier.
"""

from dataclasses import dataclass, replace
from datetime import date

# Generated data is dated relative to this fixed day so that a seed always gives the same data.
REFERENCE_DATE = date(2026, 10, 1)


@dataclass(frozen=True)
class Size:
    name: str
    gemeenten: tuple[str, ...] | None  # None: all of them
    scale: float  # fraction of the real inhabitants/addresses generated
    signals: int
    instances_per_pattern: int
    load_into_database: bool
    description: str


SIZES = {
    "S": Size("S", ("GM0479",), 0.02, 300, 2, True,
              "demo: Zaanstad op 2% schaal (±3.200 personen), enkele seconden"),
    "M": Size("M", ("GM0479",), 1.0, 5000, 5, True,
              "een stad: Zaanstad op ware grootte (±161.000 inwoners)"),
    "L": Size("L", None, 1.0, 1_000_000, 100, False,
              "landelijk: alle buurten van Nederland (±18 mln personen), alleen Parquet"),
}


# S is about this many persons whichever gemeente it is made for (2 % of Zaanstad).
S_TARGET_PERSONS = 3_200


def for_gemeente(size: Size, gemeente: str, inwoners: int) -> Size:
    """The size made for another gemeente than Zaanstad. S keeps its ±3.200 persons (a larger
    share of a small gemeente, never more than all of it); M stays at full size; L is always the
    whole country."""
    if size.gemeenten is None:
        return size
    scale = size.scale
    if size.name == "S":
        scale = min(1.0, S_TARGET_PERSONS / max(1, inwoners))
    return replace(size, gemeenten=(gemeente,), scale=scale)


def for_gemeenten(size: Size, gemeenten: tuple[str, ...], inwoners: int) -> Size:
    """One dataset for several gemeenten (a regio, ADR 0030 §13): S keeps its ±3.200 persons over
    all of them together, so the regional demo builds as fast as the one-gemeente demo."""
    if size.gemeenten is None:
        return size
    scale = size.scale
    if size.name == "S":
        scale = min(1.0, S_TARGET_PERSONS / max(1, inwoners))
    return replace(size, gemeenten=tuple(gemeenten), scale=scale)
