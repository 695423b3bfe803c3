"""P7: no nationality, ethnicity or origin anywhere in indicators, scores or filters.

The matrix is configurable data, so the rule is enforced on the data itself: a functioneel
beheerder cannot save an indicator, source or score weight whose text names such a trait.
"""

from django.core.exceptions import ValidationError

from meldpunt.core.stigmatising import find_stigmatising_terms


def stigmatising_terms(text: str) -> list[str]:
    """The stigmatising terms found in ``text`` (empty when the text is acceptable); the same
    vocabulary as the data rules (``core.stigmatising``)."""
    return find_stigmatising_terms(text)


def validate_not_stigmatising(text: str) -> None:
    found = stigmatising_terms(text)
    if found:
        raise ValidationError(
            "Indicatoren, scores en filters mogen niet naar nationaliteit, etniciteit, herkomst of geloof "
            "verwijzen (regel P7). Gevonden: %(found)s.",
            params={"found": ", ".join(found)}, code="stigmatising",
        )
