"""P7: no nationality, ethnicity or origin anywhere in indicators, scores or filters.

The matrix is configurable data, so the rule is enforced on the data itself: a functioneel
beheerder cannot save an indicator, source or score weight whose text names such a trait.
"""

import re

from django.core.exceptions import ValidationError

# Word stems (Dutch and English) that point at nationality, ethnicity or origin.
STIGMATISING_STEMS = (
    "nationalit", "etnic", "etnisch", "ethnic", "afkomst", "herkomst", "origin", "geboorteland",
    "land van geboorte", "allochto", "autochto", "migratieachtergrond", "migrant", "buitenlands",
    "huidskleur",
)
_PATTERN = re.compile("|".join(re.escape(stem) for stem in STIGMATISING_STEMS), re.IGNORECASE)


def stigmatising_terms(text: str) -> list[str]:
    """The stigmatising stems found in ``text`` (empty when the text is acceptable)."""
    return sorted({match.group(0).lower().strip() for match in _PATTERN.finditer(f"{text} ")})


def validate_not_stigmatising(text: str) -> None:
    found = stigmatising_terms(text)
    if found:
        raise ValidationError(
            "Indicatoren, scores en filters mogen niet naar nationaliteit, etniciteit of herkomst "
            "verwijzen (regel P7). Gevonden: %(found)s.",
            params={"found": ", ".join(found)}, code="stigmatising",
        )
