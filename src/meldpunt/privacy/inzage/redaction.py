"""Matching names case- and diacritics-insensitively, and redacting third parties from text.

The inzage package may hold nothing on anyone else: names, BSNs, birth dates, contact details
and addresses of other people are replaced by ``[afgeschermd]`` wherever they occur in free text
(descriptions, motiveringen, log reasons).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from meldpunt.core.datums import MONTHS

REDACTED = "[afgeschermd]"
# Name particles and short words are not redacted on their own: they say nothing about a person.
PARTICLES = frozenset({"van", "der", "den", "de", "het", "ter", "ten", "te", "la", "le", "du", "da", "dos", "el",
                       "al", "bin", "von", "zu", "op", "in", "t", "s"})


def normalise(text: str) -> str:
    """Lower case, without diacritics and punctuation, single spaces: 'Ëlla  de Vriës' → 'ella de vries'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


def name_tokens(name: str) -> list[str]:
    return normalise(name).split()


def names_match(a: str, b: str) -> bool:
    """The same person's name written differently: equal after normalising, or one is an
    abbreviation of the other ('J. de Vries' and 'Jan de Vries'): same last name, and every
    other word either occurs in the other name or is an initial of one of its words."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    if ta[-1] != tb[-1]:
        return False

    def covered(short, long):
        rest = long[:-1]
        return all(t in rest or (len(t) == 1 and any(w.startswith(t) for w in rest)) for t in short[:-1])

    return covered(ta, tb) or covered(tb, ta)


_VARIANTS = {}
for _plain, _accented in {"a": "àáâãäå", "e": "èéêë", "i": "ìíîï", "o": "òóôõöø", "u": "ùúûü", "y": "ýÿ",
                          "c": "ç", "n": "ñ"}.items():
    _VARIANTS[_plain] = f"[{_plain}{_accented}]"


def _loose(term: str) -> str:
    """A regex for ``term`` that ignores diacritics and lets separators vary.

    Between two words of letters a separator is required, or a capital where the next word
    starts: 'Han Dhaving' must not match the ordinary word 'handhaving', but a name written
    together ('PietJansen') still goes. Between letters and digits it may be left out ('1234AB',
    'XZ123Q' for '1234 AB', 'XZ-123-Q')."""
    words = normalise(term).split()
    parts = []
    for index, word in enumerate(words):
        if index:
            joined = word[0].isalpha() and words[index - 1][-1].isalpha()
            # The capital is checked case-sensitively inside the IGNORECASE pattern.
            parts.append(r"(?:[\s.\-]+|(?=(?-i:[A-ZÀ-Þ])))" if joined else r"[\s.\-]*")
        parts.append("".join(_VARIANTS.get(char, re.escape(char)) for char in word))
    return "".join(parts)


def _digits(value: str) -> str:
    """Digits with optional spaces, dots or dashes between them ('1234.56.782')."""
    return r"[\s.\-]?".join(re.escape(d) for d in value if d.isdigit())


def date_patterns(day: date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    return [
        rf"{y}-0?{m}-0?{d}",
        rf"0?{d}[-/. ]0?{m}[-/. ]{y}",
        rf"0?{d}\s+{MONTHS[m - 1]}\s+{y}",
    ]


class Redactor:
    """Collects what identifies third parties and removes it from any text."""

    def __init__(self, keep_name: str = ""):
        self._keep = set(name_tokens(keep_name))
        self._patterns: list[str] = []

    def add_name(self, name: str) -> None:
        if not (name or "").strip():
            return
        self._patterns.append(_loose(name))
        # Parts of a name ('De Vries', 'Jan') identify too, unless the subject shares them.
        for token in name_tokens(name):
            if len(token) >= 3 and token not in PARTICLES and token not in self._keep:
                self._patterns.append(_loose(token))

    def add_text(self, text: str) -> None:
        if (text or "").strip():
            self._patterns.append(_loose(text))

    def add_number(self, value: str) -> None:
        if value and sum(c.isdigit() for c in value) >= 4:
            self._patterns.append(_digits(value))

    def add_date(self, day: date | None) -> None:
        if day:
            self._patterns.extend(date_patterns(day))

    def add_email(self, email: str) -> None:
        if email:
            self._patterns.append(re.escape(email))

    def add_all(self, names: Iterable[str] = (), numbers: Iterable[str] = (), dates: Iterable = (),
                texts: Iterable[str] = (), emails: Iterable[str] = ()) -> None:
        for name in names:
            self.add_name(name)
        for number in numbers:
            self.add_number(number)
        for day in dates:
            self.add_date(day)
        for text in texts:
            self.add_text(text)
        for email in emails:
            self.add_email(email)

    def __call__(self, text: str) -> str:
        if not text or not self._patterns:
            return text or ""
        # Longest first, so a full name goes before its parts; word boundaries keep 'Piet' out of 'Pieter'.
        ordered = sorted(set(self._patterns), key=len, reverse=True)
        pattern = re.compile(r"(?<![\w@])(?:" + "|".join(ordered) + r")(?![\w@])", re.IGNORECASE)
        redacted = pattern.sub(REDACTED, text)
        # A name split over two redactions ('[afgeschermd] [afgeschermd]') reads as one.
        return re.sub(rf"{re.escape(REDACTED)}(?:[\s.\-]*{re.escape(REDACTED)})+", REDACTED, redacted)
