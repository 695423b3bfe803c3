"""Masking of free text under a release (ADR 0021, P1/P3).

A description, a weging's explanation or a working title is free text: it can name anyone. A
recipient released "fenomeen + locatie + omschrijving" must not read the name, BSN, KvK-nummer,
address or kenteken of a subject that was not released to them. ``Masker`` replaces those in a
text by a word for what was there ("[persoon]", "[BSN]", ...).

What is masked:

- the *hidden terms*: names and numbers of subjects known to the system (mentioned subjects,
  registry records a person confirmed, approved registry details, the reporter) that were not
  released to this recipient;
- every number shaped like a BSN (elfproef), KvK-nummer, phone number, e-mail address, postcode
  (with house number), street with house number or kenteken, unless it is a *shown term*: a
  name or number of a subject (or the location) that was released to this recipient.

Matching is on a folded text (case and accents ignored) and tolerates punctuation and spaces
between and inside the parts of a name or number ("JANSEN", "Jan-sen", "P. Jansen",
"999 99 3653"). Where matches overlap, the longest wins; at equal length a hidden term beats a
shown one (two people with the same surname: masked), and a shown term beats a mere shape (the
released subject's own BSN stays readable). Masking errs on the side of masking too much.

This module is pure (no database): ``items.release_masker`` builds the terms of one casus and one
release, and ``items.released_content`` masks every free text with it, so page, print, export
and API cannot differ.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from meldpunt.core.datums import MONTHS
from meldpunt.core.identifiers import elfproef

PERSOON, BEDRIJF, ADRES, VOERTUIG = "[persoon]", "[bedrijf]", "[adres]", "[voertuig]"
BSN, KVK, KENTEKEN, GEBOORTEDATUM = "[BSN]", "[KvK-nummer]", "[kenteken]", "[geboortedatum]"
MELDER, TELEFOON, EMAIL = "[melder]", "[telefoonnummer]", "[e-mailadres]"
# The Dutch word for what a mask hides, for warnings ("noemt een persoon en een BSN").
DESCRIPTIONS = {PERSOON: "persoon", BEDRIJF: "bedrijf", ADRES: "adres", VOERTUIG: "voertuig", BSN: "BSN",
                KVK: "KvK-nummer", KENTEKEN: "kenteken", GEBOORTEDATUM: "geboortedatum", MELDER: "melder",
                TELEFOON: "telefoonnummer", EMAIL: "e-mailadres"}
KIND_LABELS = {"persoon": PERSOON, "onderneming": BEDRIJF, "adres": ADRES, "voertuig": VOERTUIG}

# Words of a name that identify no one on their own: never masked alone, only as part of a name.
PARTICLES = {"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "t", "s", "von", "vom", "zu",
             "la", "le", "du", "da", "di", "dos", "das", "del", "des", "el", "al", "bin", "ben", "en", "and"}
GENERIC_COMPANY_WORDS = {"bv", "nv", "vof", "cv", "b", "v", "n", "o", "f", "c", "holding", "beheer", "groep",
                         "group", "bedrijf", "bedrijven", "onderneming", "handel", "handelsonderneming",
                         "services", "service", "diensten", "international", "internationaal", "nederland",
                         "stichting", "vereniging", "cooperatie", "ua", "ba", "wa", "eenmanszaak", "en", "co",
                         "the", "company", "trading", "import", "export", "investments", "vastgoed"}

_W = r"[^\W_]"  # a letter or digit
_SEP = r"[\W_]"  # anything else: space, punctuation, underscore
_START, _END = rf"(?<!{_W})", rf"(?!{_W})"


def fold(text: str) -> tuple[str, list[int]]:
    """The text in lower case without accents, and for each folded character the index of the
    original character it came from (so a match is cut out of the original text)."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).casefold()
        for c in base:
            out.append(c)
            index.append(i)
    return "".join(out), index


def tokens(text: str) -> list[str]:
    return re.findall(rf"{_W}+", fold(text or "")[0])


def _token_pattern(token: str) -> str:
    # A longer word may be split by punctuation or spaces ("Jan-sen", "J.A.N.S.E.N").
    if len(token) >= 4 or (any(c.isdigit() for c in token) and any(c.isalpha() for c in token)):
        return f"{_SEP}{{0,2}}".join(re.escape(c) for c in token)
    return re.escape(token)


def sequence_pattern(parts: list[str]) -> str:
    """Words in this order, with any punctuation or spaces (or none) between them."""
    # An abbreviation at the end ("B.V.") takes its full stop with it.
    tail = r"\.?" if len(parts[-1]) == 1 else ""
    return _START + f"{_SEP}*".join(_token_pattern(t) for t in parts) + tail + _END


def digits_pattern(digits: str) -> str:
    """A number, with spaces, dots or dashes anywhere between its digits."""
    return r"(?<!\d)" + f"{_SEP}{{0,2}}".join(digits) + r"(?!\d)"


@dataclass(frozen=True)
class Term:
    """A name or number known to the system. ``label`` is the mask; None marks a shown term."""

    pattern: str
    label: str | None

    def shown(self) -> Term:
        return Term(self.pattern, None)


def _subsequences(parts: list[str], significant) -> list[list[str]]:
    """Every run of consecutive words that holds at least one significant word, longest first."""
    runs = []
    for length in range(len(parts), 0, -1):
        for start in range(len(parts) - length + 1):
            run = parts[start:start + length]
            if any(significant(t) for t in run):
                runs.append(run)
    return runs


def name_terms(name: str, label: str, kind: str = "persoon") -> list[Term]:
    """A name, and every part of it that identifies on its own (a surname, "van der Berg"); for a
    company not its legal form or generic words ("Holding", "B.V.")."""
    parts = tokens(name)[:8]
    if not parts:
        return []
    if kind == "adres":
        return address_text_terms(name, label)
    if kind == "onderneming":
        def significant(t):
            return len(t) >= 3 and t not in GENERIC_COMPANY_WORDS and t not in PARTICLES
    else:
        def significant(t):
            return len(t) >= 3 and t not in PARTICLES and not t.isdigit()
    terms = [Term(sequence_pattern(parts), label)]
    terms += [Term(sequence_pattern(run), label) for run in _subsequences(parts, significant) if run != parts]
    return terms


def address_text_terms(text: str, label: str = ADRES) -> list[Term]:
    """An address in someone's own words: the whole, and each run with a street and a number."""
    parts = tokens(text)[:10]
    if not parts:
        return []
    terms = [Term(sequence_pattern(parts), label)]
    for run in _subsequences(parts, lambda t: True):
        if run != parts and len(run) >= 2 and any(t.isdigit() for t in run) and any(
                len(t) >= 3 and t.isalpha() for t in run):
            terms.append(Term(sequence_pattern(run), label))
    return terms


def address_terms(street: str, number, letter: str = "", addition: str = "", postcode: str = "",
                  city: str = "") -> list[Term]:
    """A BAG address: "Dorpsstraat 12a", "1234 AB 12", and the full line."""
    house = f"{number}{letter}{addition}"
    terms = []
    street_parts, house_parts = tokens(street), tokens(house)
    if street_parts and house_parts:
        terms.append(Term(sequence_pattern(street_parts + house_parts), ADRES))
        terms.append(Term(sequence_pattern(street_parts + house_parts + tokens(postcode) + tokens(city)), ADRES))
    if postcode and house_parts:
        pc = tokens(postcode)
        terms.append(Term(sequence_pattern(pc + house_parts), ADRES))
        terms.append(Term(sequence_pattern(house_parts + pc), ADRES))
    return terms


def number_terms(value: str, label: str) -> list[Term]:
    digits = re.sub(r"\D", "", value or "")
    return [Term(digits_pattern(digits), label)] if len(digits) >= 6 else []


def phone_terms(value: str, label: str = TELEFOON) -> list[Term]:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) < 6:
        return []
    variants = {digits}
    for prefix in ("0031", "31"):
        if digits.startswith(prefix):
            variants.add("0" + digits[len(prefix):])
    if digits.startswith("0") and not digits.startswith("00"):
        variants.add("31" + digits[1:])
    return [Term(digits_pattern(v), label) for v in sorted(variants)]


def kenteken_terms(value: str, label: str = KENTEKEN) -> list[Term]:
    chars = "".join(tokens(value))
    if len(chars) < 4:
        return []
    return [Term(_START + f"{_SEP}{{0,2}}".join(re.escape(c) for c in chars) + _END, label)]


def email_terms(value: str, label: str = EMAIL) -> list[Term]:
    value = fold((value or "").strip())[0]
    return [Term(re.escape(value), label)] if "@" in value else []


def date_terms(day: date | None, label: str = GEBOORTEDATUM) -> list[Term]:
    if day is None:
        return []
    d, m, y = day.day, day.month, day.year
    sep = f"{_SEP}{{1,3}}"
    month = f"(?:{MONTHS[m - 1]}|{MONTHS[m - 1][:3]}\\.?)"
    return [Term(rf"(?<!\d)0?{d}{sep}0?{m}{sep}{y}(?!\d)", label),
            Term(rf"(?<!\d){y}{sep}0?{m}{sep}0?{d}(?!\d)", label),
            Term(rf"(?<!\d)0?{d}{_SEP}*{month}{_SEP}*{y}(?!\d)", label)]


# ---------------------------------------------------------------------------------- shapes

_L, _D = "[a-z]", r"\d"
KENTEKEN_SIDECODES = ["LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL", "DD-LLL-D",
                      "D-LLL-DD", "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "L-DD-LLL", "D-LL-DDD", "DDD-LL-D"]
STREET_SUFFIXES = ("straat", "weg", "laan", "plein", "gracht", "kade", "singel", "dijk", "steeg", "pad", "hof",
                   "dreef", "park", "baan", "markt", "plantsoen", "boulevard", "erf", "veld", "burg", "wal",
                   "haven", "dam", "hoek", "pleintje", "straatje")


def _sidecode(code: str) -> str:
    groups = ["".join(_L if c == "L" else _D for c in group) for group in code.split("-")]
    return r"[\s\-]?".join(groups)


@dataclass(frozen=True)
class Shape:
    pattern: str
    label: str
    check: object = None  # (folded match, original match) -> bool


def _bsn_check(folded: str, original: str) -> bool:
    digits = re.sub(r"\D", "", folded)
    return digits != "000000000" and elfproef(digits)


def _kvk_check(folded: str, original: str) -> bool:
    return bool(re.fullmatch(r"\d{8}|\d{4} \d{4}", folded))


def _postcode_check(folded: str, original: str) -> bool:
    letters = re.sub(r"[^a-z]", "", folded)[:2]
    if letters in ("sa", "sd", "ss"):
        return False
    # "1234 AB" or "1234ab", not "2024 om 12" or "1000 kg"; without a house number only as "1234 AB".
    code = re.match(r"[1-9]\d{3}(\s?)([^\W\d_]{2})", original)
    if code is None or not (code.group(2).isupper() or not code.group(1)):
        return False
    return bool(re.search(r"[a-z]{2}[\s,.\-]{1,3}\d", folded) or code.group(2).isupper())


def _kenteken_check(folded: str, original: str) -> bool:
    # Both letters and digits; written with spaces only in capitals ("XK 12 BZ", not "in 20 24").
    return bool(re.search("[a-z]", folded) and re.search(r"\d", folded)
                and (not re.search(r"\s", original) or not re.search("[a-z]", original)))


SHAPES = [
    Shape(r"(?<![\d+])(?:\+31|0031|0)[\s\-.()]{0,3}\d(?:[\s\-.]{0,2}\d){8}(?!\d)", TELEFOON),
    Shape(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", EMAIL),
    Shape(r"(?<!\d)\d(?:[\s.\-]{0,2}\d){8}(?!\d)", BSN, _bsn_check),
    Shape(r"kvk[\W_]{0,3}(?:nummer|nr)?[\W_]{0,3}\d(?:[\s.\-]{0,2}\d){7}(?!\d)", KVK),
    Shape(r"(?<!\d)\d{4}\s?\d{4}(?!\d)", KVK, _kvk_check),
    Shape(rf"{_START}[1-9]\d{{3}}\s?[a-z]{{2}}(?:[\s,.\-]{{1,3}}\d{{1,5}}(?:-?[a-z]{{1,2}})?)?{_END}",
          ADRES, _postcode_check),
    Shape(rf"{_START}{_W}+(?:{'|'.join(STREET_SUFFIXES)})\s+\d{{1,5}}(?:-?[a-z]{{1,2}})?{_END}", ADRES),
    Shape(_START + "(?:" + "|".join(_sidecode(c) for c in KENTEKEN_SIDECODES) + ")" + _END, KENTEKEN,
          _kenteken_check),
]


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# ------------------------------------------------------------------- one regex per kind of term

def _atoms(pattern: str) -> list[str]:
    """A term's pattern cut into its atoms (a character, an escape, a class or a group, each with
    its quantifier), so that terms with the same beginning share it in one regex."""
    atoms, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            j = i + 2
        elif c == "[":
            j = i + 1
            while pattern[j] != "]" or j == i + 1 or (j == i + 2 and pattern[i + 1] == "^"):
                j += 2 if pattern[j] == "\\" else 1
            j += 1
        elif c == "(":
            depth, j = 0, i
            while True:
                if pattern[j] == "\\":
                    j += 2
                    continue
                if pattern[j] == "[":
                    j += 1
                    while pattern[j] != "]":
                        j += 2 if pattern[j] == "\\" else 1
                elif pattern[j] == "(":
                    depth += 1
                elif pattern[j] == ")":
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                j += 1
        else:
            j = i + 1
        if j < n and pattern[j] in "?*+":
            j += 1
        elif j < n and pattern[j] == "{":
            j = pattern.index("}", j) + 1
        atoms.append(pattern[i:j])
        i = j
    return atoms


_END_OF_TERM = ""


def _alternation(patterns) -> str:
    """One regex for many terms: a tree of their atoms (a shared beginning is tried once), where a
    longer continuation is tried before a term ends, so the longest term matches."""
    root: dict = {}
    for pattern in patterns:
        node = root
        for atom in _atoms(pattern):
            node = node.setdefault(atom, {})
        node[_END_OF_TERM] = {}

    def regex(node) -> tuple[str, int]:
        """The regex of a subtree, and how many atoms its longest term still has."""
        children = sorted(((atom, *regex(child)) for atom, child in node.items() if atom != _END_OF_TERM),
                          key=lambda item: -item[2])
        alternatives = [atom + rest for atom, rest, _ in children]
        longest = 1 + children[0][2] if children else 0
        if _END_OF_TERM in node:
            alternatives.append("")
        if len(alternatives) == 1:
            return alternatives[0], longest
        return "(?:" + "|".join(alternatives) + ")", longest

    return regex(root)[0]


@lru_cache(maxsize=64)
def _group_regex(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile(_alternation(patterns))


@dataclass
class Masker:
    """Masks the hidden terms and shapes in a text, keeping the shown terms.

    The terms are matched with one regex per mask (and one for the shown terms), compiled once
    per masker; a text is scanned once, however often its mask and findings are asked."""

    hidden: list[Term]
    shown: list[Term]
    _groups: list | None = field(default=None, init=False, repr=False, compare=False)
    _last: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _compiled_groups(self) -> list[tuple[int, str | None, re.Pattern, tuple[str, ...]]]:
        if self._groups is None:
            by_group: dict[tuple[int, str | None], dict[str, None]] = {}
            for term in self.hidden:
                by_group.setdefault((0, term.label), {})[term.pattern] = None
            for term in self.shown:
                by_group.setdefault((1, None), {})[term.pattern] = None
            self._groups = [(priority, label, _group_regex(tuple(patterns)), tuple(patterns))
                            for (priority, label), patterns in by_group.items()]
        return self._groups

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        if self._last is not None and self._last[0] == text:
            return self._last[1]
        folded, index = fold(text)
        # Candidates (-length, priority, start, order, end, label, group): for every term group the
        # longest match at each start, and every shape that passes its check.
        heap = []
        groups = self._compiled_groups()
        for number, (priority, label, regex, _) in enumerate(groups):
            at = 0
            while (m := regex.search(folded, at)) is not None:
                if m.end() > m.start():
                    heap.append((m.start() - m.end(), priority, m.start(), len(heap), m.end(), label, number))
                at = m.start() + 1
        for shape in SHAPES:
            for m in _compiled(shape.pattern).finditer(folded):
                if m.end() <= m.start():
                    continue
                original = text[index[m.start()]:index[m.end() - 1] + 1]
                if shape.check is None or shape.check(m.group(0), original):
                    heap.append((m.start() - m.end(), 2, m.start(), len(heap), m.end(), shape.label, None))
        # The longest first; at equal length hidden before shown before a shape. A candidate that
        # overlaps one already taken is dropped, or, when what was taken starts inside it, tried
        # again as the longest shorter term at the same start.
        heapq.heapify(heap)
        starts: list[int] = []
        ends: list[int] = []
        chosen = []
        while heap:
            _, priority, start, order, end, label, number = heapq.heappop(heap)
            i = bisect.bisect_right(starts, start)
            if i and ends[i - 1] > start:
                continue  # its start is taken: every match from here overlaps
            if i < len(starts) and starts[i] < end:
                if number is not None:
                    shorter = self._longest_before(groups[number][3], folded, start, starts[i])
                    if shorter:
                        heapq.heappush(heap, (start - shorter, priority, start, order, shorter, label, number))
                continue
            starts.insert(i, start)
            ends.insert(i, end)
            if label is not None:
                chosen.append((index[start], index[end - 1] + 1, label))
        chosen.sort()
        self._last = (text, chosen)
        return chosen

    @staticmethod
    def _longest_before(patterns, folded: str, start: int, limit: int) -> int:
        """The end of the longest term of ``patterns`` that matches at ``start`` and ends by ``limit``."""
        best = 0
        for pattern in patterns:
            m = _compiled(pattern).match(folded, start)
            if m is not None and best < m.end() <= limit:
                best = m.end()
        return best

    def mask_and_count(self, text: str) -> tuple[str, Counter]:
        """The masked text and how often each mask was applied (one scan of the text)."""
        if not text:
            return text or "", Counter()
        out, at = [], 0
        spans = self._spans(text)
        for start, end, label in spans:
            out.append(text[at:start])
            out.append(label)
            at = end
        out.append(text[at:])
        return "".join(out), Counter(label for _, _, label in spans)

    def mask(self, text: str) -> str:
        return self.mask_and_count(text)[0]

    def findings(self, text: str) -> Counter:
        """How often each mask would be applied to ``text``."""
        return self.mask_and_count(text)[1]


def describe(found: Counter) -> str:
    """'persoon (2), BSN' for a warning."""
    return ", ".join(f"{DESCRIPTIONS.get(label, label)}" + (f" ({n}×)" if n > 1 else "")
                     for label, n in sorted(found.items(), key=lambda item: (-item[1], item[0])))
