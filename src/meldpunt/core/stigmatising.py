"""P7: one vocabulary of stigmatising terms for every gate (data rules, indicators, sources).

No nationality, ethnicity, origin or religion in indicators, scores, rules or filters. Before
this module the data-rule gate and the indicator gate each had their own list, and each let
through words the other refused. A leaf module: it imports nothing from the project.

The text is normalised first (lower case, accents dropped, every run of characters that is not a
letter or digit read as one space), so ``Land_van-Geboorte``, ``NATIONALITEIT`` and ``Etniciteit``
are found alike. Long stems are also looked for with every space taken out, which finds
``n a t i o n a l i t e i t`` and ``landvangeboorte``.
"""

from __future__ import annotations

import re
import unicodedata

# Found anywhere inside a word (Dutch compounds: ``bewonersherkomst``, ``percentagemigranten``).
INSIDE_WORDS = (
    "nationalit", "etnisch", "etnici", "ethnic", "afkomst", "herkomst", "geboorteland", "allochto", "autochto",
    "migratieachtergrond", "migrant", "buitenlands", "buitenlander", "huidskleur", "skincolo", "religie",
    "religieu", "religio", "moslim", "islamit", "geloofsovertuiging", "levensovertuiging",
)
# Found at the start of a word only: shorter stems that also begin innocent words elsewhere.
WORD_STARTS = ("etni", "ethni", "immigra", "emigra", "migratie", "christelijk", "christen", "islam")
# Whole words only (``ras`` is in ``terras``, ``geloof`` in ``geloofwaardig``, ``origin`` in ``original``).
WHOLE_WORDS = ("ras", "rassen", "race", "races", "raciaal", "geloof", "joods", "jood", "joden", "origin", "origins",
               "origine")
PHRASES = ("land van geboorte", "land van herkomst", "country of birth", "country of origin", "geboren in het "
           "buitenland", "niet westers", "niet westerse")
# Looked for in the text without any spaces: long enough never to appear by accident.
COMPACT_MIN = 7

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text) -> str:
    """Lower case, without accents, every other character run as one space."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", plain).strip()


def find_stigmatising_terms(text) -> list[str]:
    """The stigmatising terms found in ``text``, sorted (empty when the text is acceptable)."""
    words = normalise(text).split()
    if not words:
        return []
    joined = f" {' '.join(words)} "
    compact = "".join(words)
    found = set()
    for stem in INSIDE_WORDS:
        if any(stem in word for word in words) or (len(stem) >= COMPACT_MIN and stem in compact):
            found.add(stem)
    for stem in WORD_STARTS:
        if any(word.startswith(stem) for word in words):
            found.add(stem)
    found.update(word for word in WHOLE_WORDS if f" {word} " in joined)
    for phrase in PHRASES:
        if f" {phrase} " in joined or phrase.replace(" ", "") in compact:
            found.add(phrase)
    return sorted(found)
