"""Link what a signal mentions (a person, company or address as the reporter wrote it) to
records in the registry extracts: candidates, each with a score and Dutch reasons.

Two steps, as in Aleph's cross-referencing and nomenklatura (see docs/adr/0014):

1. *Blocking*: find a small set of candidates cheaply, by exact identifiers (BSN, KvK-nummer,
   nummeraanduiding), birth date (and the date with day and month swapped), address (postcode
   and house number, or a street name found by fuzzy search and house number) and, only when
   nothing else is known, the surname or company name.
2. *Scoring*: each piece of evidence adds or subtracts log-odds (a name that matches, a birth
   date that differs, ...); the sum becomes a score between 0 and 1 with the reasons.

A *proposal* is the best candidate when it scores at least ``PROPOSE_AT`` and clearly beats the
next one. It is only a proposal: a person confirms or rejects it (``services.judge_link``);
nothing is merged automatically.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz, process

from meldpunt.core import identifiers
from meldpunt.core.datums import format_date

from . import matching as mt
from . import models as m

PROPOSE_AT = 0.80  # minimum score of a proposal
# A proposal beats the runner-up by at least this much log-odds (odds 4.5 times higher). In
# log-odds, not score: near 1 scores crowd together (0.97 against 0.83 is a clear difference).
LOGIT_MARGIN = 1.5
PRIOR = -3.0  # log-odds before any evidence: most candidates from a block are not the one meant
# An address block holds only addresses with the written house number: far fewer wrong ones.
ADDRESS_PRIOR = 0.0
MAX_BLOCK = 300  # a block larger than this is too unspecific to be worth scoring
STREET_CUTOFF = 80


class Kind:
    PERSOON = "persoon"
    ONDERNEMING = "onderneming"
    ADRES = "adres"


@dataclass(frozen=True)
class Mention:
    """A subject as the reporter described it (``intake.MentionedSubject`` or a planted one)."""

    kind: str
    name: str = ""
    birth_date: date | None = None
    bsn: str = ""
    kvk_nummer: str = ""
    address_text: str = ""
    address_id: str = ""  # a nummeraanduiding the form already looked up
    # Partial identification: the birth years that fit a birth year or an estimated age (inclusive).
    born_from: int | None = None
    born_to: int | None = None

    @classmethod
    def from_subject(cls, subject) -> Mention:
        born_from, born_to = birth_years(subject)
        return cls(kind=subject.kind, name=subject.name, birth_date=subject.birth_date, bsn=subject.bsn,
                   kvk_nummer=subject.kvk_nummer, address_text=subject.address_text,
                   address_id=subject.address_id or "", born_from=born_from, born_to=born_to)

    @property
    def born_range(self) -> bool:
        return self.birth_date is None and self.born_from is not None


OLDEST = 120


def birth_years(subject) -> tuple[int | None, int | None]:
    """The birth years that fit what is known of a person without birth date: the birth year itself,
    or an age (van/tot en met) estimated when the signal came in. (None, None) when nothing is known."""
    if subject.birth_date is not None:
        return None, None
    year = getattr(subject, "birth_year", None)
    if year is not None:
        return year, year
    age_from, age_to = getattr(subject, "age_from", None), getattr(subject, "age_to", None)
    if age_from is None and age_to is None:
        return None, None
    signal = getattr(subject, "signal", None) if getattr(subject, "signal_id", None) else None
    then = timezone.localtime(signal.received_at).year if signal is not None else timezone.localdate().year
    # Someone of 30 to 40 was born between then-41 (turned 41 later that year) and then-30.
    return then - (OLDEST if age_to is None else age_to) - 1, then - (age_from or 0)


@dataclass(frozen=True)
class Candidate:
    kind: str
    key: str  # BSN, KvK-nummer or nummeraanduiding-id: natural keys survive a reload of the extracts
    label: str
    score: float
    reasons: tuple[str, ...]
    logit: float = 0.0  # the score before the logistic function, to compare candidates


@dataclass
class LinkResult:
    mention: Mention
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def any_match(self) -> bool:
        """Some candidate scores as high as a proposal (a search on what is known may fit several)."""
        return any(c.score >= PROPOSE_AT for c in self.candidates)

    @property
    def proposal(self) -> Candidate | None:
        if not self.candidates or self.candidates[0].score < PROPOSE_AT:
            return None
        if len(self.candidates) > 1 and self.candidates[0].logit - self.candidates[1].logit < LOGIT_MARGIN:
            return None
        return self.candidates[0]


class _Evidence:
    def __init__(self, prior: float = PRIOR):
        self.logit = prior
        self.reasons: list[str] = []

    def add(self, weight: float, reason: str) -> None:
        self.logit += weight
        self.reasons.append(reason)

    @property
    def score(self) -> float:
        return round(1 / (1 + math.exp(-self.logit)), 4)


def _valid(parse, value: str) -> str:
    try:
        return parse(value) if value else ""
    except identifiers.InvalidIdentifier:
        return ""


def _name_weight(similarity: float) -> float:
    return max(-5.0, min(4.0, (similarity - 80.0) / 5.0))


class Linker:
    """Finds and scores candidates in the registry tables. One instance may link many
    mentions; it keeps the list of street names for fuzzy street search."""

    def __init__(self, limit: int = 5):
        self.limit = limit
        self._streets: dict[str, list[str]] | None = None
        self._surnames: dict[str, list[str]] | None = None
        self._company_names: dict[str, list[int]] | None = None

    # ------------------------------------------------------------------------ entry point

    def link(self, mention: Mention) -> LinkResult:
        if mention.kind == Kind.PERSOON:
            candidates = self._persons(mention)
        elif mention.kind == Kind.ONDERNEMING:
            candidates = self._companies(mention)
        elif mention.kind == Kind.ADRES:
            candidates = self._addresses(mention)
        else:
            candidates = []  # vehicles: there is no vehicle registry among the extracts
        candidates.sort(key=lambda c: (-c.logit, c.key))
        return LinkResult(mention, candidates[: self.limit])

    # -------------------------------------------------------------------------- addresses

    def _street_names(self) -> dict[str, list[str]]:
        if self._streets is None:
            streets: dict[str, list[str]] = defaultdict(list)
            for name in m.Nummeraanduiding.objects.values_list("openbare_ruimte", flat=True).distinct():
                streets[mt.street_key(name)].append(name)
            self._streets = dict(streets)
        return self._streets

    def surname_spellings(self, core: str) -> list[str]:
        """The registry's spellings of the surnames that look like ``core`` (typos allowed)."""
        if self._surnames is None:
            surnames: dict[str, list[str]] = defaultdict(list)
            for name in m.Persoon.objects.values_list("geslachtsnaam", flat=True).distinct():
                surnames[mt.fold(name).replace(" ", "")].append(name)
            self._surnames = dict(surnames)
        found = process.extract(core, list(self._surnames), scorer=fuzz.ratio, limit=10, score_cutoff=60)
        keys = [key for key, _, _ in found if mt.similarity(core, key) >= 85][:3]
        return [name for key in keys for name in self._surnames[key]]

    def companies_named(self, name: str) -> list[int]:
        """Companies whose name (without legal form) looks like ``name``; none when that name is
        so common that the block would say nothing."""
        if self._company_names is None:
            names: dict[str, list[int]] = defaultdict(list)
            for pk, naam in m.Onderneming.objects.values_list("pk", "naam"):
                names[mt.company_key(naam)].append(pk)
            self._company_names = dict(names)
        key = mt.company_key(name)
        if not key:
            return []
        found = process.extract(key, list(self._company_names), scorer=fuzz.ratio, limit=5, score_cutoff=85)
        ids = [pk for k, _, _ in found for pk in self._company_names[k]]
        return ids if len(ids) <= MAX_BLOCK else []

    def address_block(self, written: mt.WrittenAddress, address_id: str = "") -> list[m.Nummeraanduiding]:
        # One indexed query per way in (an OR across columns would scan the table).
        ids = {address_id} if address_id else set()
        if written.huisnummer is not None:
            if written.postcode:
                ids.update(m.Nummeraanduiding.objects.filter(postcode=written.postcode, huisnummer=written.huisnummer)
                           .values_list("pk", flat=True)[:MAX_BLOCK])
            if written.street:
                streets = self._street_names()
                found = process.extract(written.street, list(streets), scorer=fuzz.ratio, limit=5,
                                        score_cutoff=STREET_CUTOFF)
                names = [name for key, _, _ in found for name in streets[key]]
                if names:
                    ids.update(m.Nummeraanduiding.objects.filter(openbare_ruimte__in=names,
                                                                 huisnummer=written.huisnummer)
                               .values_list("pk", flat=True)[:MAX_BLOCK])
        return list(m.Nummeraanduiding.objects.filter(pk__in=list(ids)[:MAX_BLOCK])) if ids else []

    @staticmethod
    def address_evidence(ev: _Evidence, written: mt.WrittenAddress, adres: m.Nummeraanduiding,
                         exact_id: str = "", weight: float = 1.0) -> None:
        if exact_id and exact_id == adres.pk:
            ev.add(3.5 * weight, "zelfde adres (BAG)")
            return
        same_number = written.huisnummer == adres.huisnummer
        street = fuzz.ratio(written.street, mt.street_key(adres.openbare_ruimte)) if written.street else None
        postcode = (written.postcode == adres.postcode) if written.postcode else None
        if not same_number or postcode is False or (street is not None and street < STREET_CUTOFF):
            ev.add(-1.5 * weight, "ander adres")
            return
        if postcode:
            ev.add(3.0 * weight, "postcode en huisnummer gelijk")
        if street is not None:
            if street >= 95:
                ev.add((1.0 if postcode else 2.5) * weight, "straat gelijk")
            elif street >= 85:
                ev.add((0.5 if postcode else 2.0) * weight, f"straatnaam lijkt erop ({street:.0f}%)")
            else:
                ev.add((0.0 if postcode else 1.0) * weight, f"straatnaam lijkt enigszins ({street:.0f}%)")
        suffix_written = (written.huisletter + written.toevoeging).upper()
        suffix_registry = (adres.huisletter + adres.toevoeging).upper()
        if suffix_written != suffix_registry:
            if suffix_written and suffix_registry:
                ev.add(-2.0 * weight, "andere huisletter of toevoeging")
            else:
                ev.add(-0.3 * weight, "huisletter of toevoeging niet in beide")

    def _addresses(self, mention: Mention) -> list[Candidate]:
        written = mt.parse_address(mention.address_text or mention.name)
        out = []
        for adres in self.address_block(written, mention.address_id):
            ev = _Evidence(ADDRESS_PRIOR)
            self.address_evidence(ev, written, adres, mention.address_id)
            out.append(Candidate(Kind.ADRES, adres.pk, str(adres), ev.score, tuple(ev.reasons), ev.logit))
        return out

    # ---------------------------------------------------------------------------- persons

    def _persons(self, mention: Mention) -> list[Candidate]:
        bsn = _valid(identifiers.parse_bsn, mention.bsn)
        written = mt.parse_address(mention.address_text)
        people = m.Persoon.objects.values_list("pk", flat=True)
        ids: set[int] = set()
        if bsn:
            ids.update(people.filter(bsn=bsn))
        if mention.birth_date:
            dates = [mention.birth_date] + [d for d in [mt.swapped(mention.birth_date)] if d]
            ids.update(people.filter(geboortedatum__in=dates)[:MAX_BLOCK])
        adressen = self.address_block(written, mention.address_id) if (written.usable or mention.address_id) else []
        if adressen:
            ids.update(self._residents([a.pk for a in adressen]))
        name = mt.split_mentioned_name(mention.name)
        if name.core and not (bsn or adressen):
            # Only a name and perhaps a date (with a slip in it?): the surname with the birth year
            # or the day and month, or the surname alone when nothing else is known.
            by_surname = people.filter(geslachtsnaam__in=self.surname_spellings(name.core))
            if mention.birth_date:
                d = mention.birth_date
                by_surname = by_surname.filter(
                    Q(geboortedatum__gte=date(d.year, 1, 1), geboortedatum__lte=date(d.year, 12, 31))
                    | Q(geboortedatum__month=d.month, geboortedatum__day=d.day))
            elif mention.born_range:
                by_surname = by_surname.filter(geboortedatum__gte=date(mention.born_from, 1, 1),
                                               geboortedatum__lte=date(mention.born_to, 12, 31))
            ids.update(by_surname[:MAX_BLOCK])
        persons = list(m.Persoon.objects.filter(pk__in=list(ids)[:MAX_BLOCK])) if ids else []
        homes = self._current_addresses([p.pk for p in persons])
        return [self._score_person(mention, name, bsn, written, p, homes.get(p.pk, [])) for p in persons]

    @staticmethod
    def _residents(address_ids: list[str]) -> list[int]:
        today = timezone.localdate()
        return list(m.Verblijfplaats.objects.filter(adres_id__in=address_ids)
                    .filter(Q(datum_einde__isnull=True) | Q(datum_einde__gt=today))
                    .values_list("persoon_id", flat=True)[:MAX_BLOCK])

    @staticmethod
    def _current_addresses(person_ids: list[int]) -> dict[int, list[m.Nummeraanduiding]]:
        today = timezone.localdate()
        homes: dict[int, list] = defaultdict(list)
        for v in (m.Verblijfplaats.objects.filter(persoon_id__in=person_ids)
                  .filter(Q(datum_einde__isnull=True) | Q(datum_einde__gt=today)).select_related("adres")):
            homes[v.persoon_id].append(v.adres)
        return homes

    def _score_person(self, mention, name: mt.PersonName, bsn: str, written: mt.WrittenAddress,
                      p: m.Persoon, homes: list) -> Candidate:
        ev = _Evidence()
        if bsn:
            if bsn == p.bsn:
                ev.add(8.0, "BSN gelijk")
            else:
                ev.add(-6.0, "ander BSN")
        registered = mt.registry_name(p.voornamen, p.voorvoegsel, p.geslachtsnaam)
        surname = mt.surname_similarity(name, registered)
        first = mt.first_name_similarity(name.first, registered.first)
        similarity = 0.65 * surname + 0.35 * first if name.first else surname
        if name.core:
            if surname >= 99 and first >= 99:
                reason = "naam gelijk"
            elif surname >= 99:
                reason = "achternaam gelijk" + (", voornaam ontbreekt" if not name.first else
                                                f", voornaam lijkt {first:.0f}%")
            else:
                reason = f"naam lijkt {similarity:.0f}% (achternaam {surname:.0f}%, voornaam {first:.0f}%)"
            # A surname without first name says less about who is meant.
            ev.add(_name_weight(similarity) * (1.0 if name.first else 0.6), reason)
            if name.first and first < 80:
                ev.add(-1.5, "andere voornaam")  # the average above would hide it behind the surname
        if mention.birth_date:
            relation = mt.date_relation(mention.birth_date, p.geboortedatum)
            weight, reason = {"gelijk": (4.0, "geboortedatum gelijk"),
                              "omgewisseld": (2.5, "geboortedatum met dag en maand omgewisseld"),
                              "tikfout": (2.2, "geboortedatum op één cijfer na gelijk"),
                              "anders": (-4.0, "andere geboortedatum")}[relation]
            ev.add(weight, reason)
        elif mention.born_range:
            ev.add(*self._born_evidence(mention, p.geboortedatum))
        if written.usable or mention.address_id:
            if homes:
                best = max(homes, key=lambda a: self._address_logit(written, a, mention.address_id))
                self.address_evidence(ev, written, best, mention.address_id)
            else:
                ev.add(-1.0, "geen actueel adres in de BRP")
        return Candidate(Kind.PERSOON, p.bsn, p.naam, ev.score, tuple(ev.reasons), ev.logit)

    @staticmethod
    def _born_evidence(mention: Mention, born: date | None) -> tuple[float, str]:
        """A birth year says less than a date, an age range less still (the wider, the less)."""
        single = mention.born_from == mention.born_to
        if born is None or not mention.born_from <= born.year <= mention.born_to:
            return -4.0, "ander geboortejaar" if single else "leeftijd past niet"
        if single:
            return 2.0, "geboortejaar gelijk"
        return (1.5 if mention.born_to - mention.born_from <= 6 else 0.8), "leeftijd past"

    def _address_logit(self, written, adres, exact_id) -> float:
        ev = _Evidence()
        self.address_evidence(ev, written, adres, exact_id)
        return ev.logit

    # -------------------------------------------------------------------------- companies

    def _companies(self, mention: Mention) -> list[Candidate]:
        kvk = _valid(identifiers.parse_kvk_nummer, mention.kvk_nummer)
        written = mt.parse_address(mention.address_text)
        ids: set[int] = set()
        if kvk:
            ids.update(m.Onderneming.objects.filter(kvk_nummer=kvk).values_list("pk", flat=True))
        adressen = self.address_block(written, mention.address_id) if (written.usable or mention.address_id) else []
        if adressen:
            ids.update(m.Vestiging.objects.filter(adres_id__in=[a.pk for a in adressen])
                       .values_list("onderneming_id", flat=True)[:MAX_BLOCK])
        if not adressen and mention.name:
            ids.update(self.companies_named(mention.name))
        companies = list(m.Onderneming.objects.filter(pk__in=list(ids)[:MAX_BLOCK])) if ids else []
        sites: dict[int, list] = defaultdict(list)
        for v in m.Vestiging.objects.filter(onderneming__in=companies).select_related("adres"):
            sites[v.onderneming_id].append(v.adres)
        return [self._score_company(mention, kvk, written, o, sites.get(o.pk, [])) for o in companies]

    def _score_company(self, mention, kvk: str, written, o: m.Onderneming, sites: list) -> Candidate:
        ev = _Evidence()
        if kvk:
            if kvk == o.kvk_nummer:
                ev.add(5.0, "KvK-nummer gelijk")
            else:
                ev.add(-2.0, "ander KvK-nummer")
        if mention.name:
            similarity = mt.company_similarity(mention.name, o.naam)
            ev.add(_name_weight(similarity), "naam gelijk" if similarity >= 99 else f"naam lijkt {similarity:.0f}%")
        if (written.usable or mention.address_id) and sites:
            best = max(sites, key=lambda a: self._address_logit(written, a, mention.address_id))
            self.address_evidence(ev, written, best, mention.address_id)
        if o.datum_opheffing:
            ev.reasons.append(f"opgeheven op {format_date(o.datum_opheffing)}")
        return Candidate(Kind.ONDERNEMING, o.kvk_nummer, str(o), ev.score, tuple(ev.reasons), ev.logit)
