"""Related items around a signal, a mentioned subject or an address (issue 5, part 4).

What is found, each group bounded (``GROUP_LIMIT`` shown, the rest counted as "en N meer"):

- other signals on the same address, BSN, KvK-nummer or kenteken — only those the user may open;
- casussen holding this signal or one of those — only those the user may open;
- persons registered at the address now (BRP), companies with an active vestiging there or
  named by KvK-nummer (NHR), the directors (functionarissen) of those companies and the
  directors' other companies: two hops, address → company → director → other company.

Need to know (P1): nothing is returned unless the user may open the signal page and read the
signal (or, for an address, a signal on it). Registry identities are personal data opened only
through source research (PC1): ``policy.related_identity_groups`` says per group which names an
approved details request on this signal opened; every other group is a count only ("3 personen
nu ingeschreven"), never names. For an address without a signal: counts only.

Processing log (P2, activity ``gerelateerd``): one line per person (BSN) and company (KvK) shown
by name; with counts only, one line per address counted; for other signals shown, one line per
subject (address, BSN, KvK, vehicle) through which they were found.

Cost: a fixed handful of indexed queries whatever the data (no query per row); the hops expand
at most ``HOP_LIMIT`` records per step so a business centre with thousands of vestigingen stays
bounded. Measured by bench/related.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import F, Q
from django.utils import timezone

from meldpunt import policy
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.intake import subjects
from meldpunt.intake.models import MentionedSubject, Signal
from meldpunt.privacy import log
from meldpunt.privacy.models import SubjectType

from .models import Functionaris, Nummeraanduiding, Onderneming, Persoon, Verblijfplaats, Vestiging

# Shown per group; the rest is counted.
GROUP_LIMIT = 25
# Records expanded per hop (companies at the address, their directors).
HOP_LIMIT = 200
# Signals sharing a key that are considered at all (an address with thousands of signals stays bounded).
CANDIDATE_LIMIT = 2000
# The page whose roles may see related items: they are part of the signal page.
RELATED_PAGE = "signaal"
ACTIVITY = "gerelateerd"


@dataclass
class Group:
    """A group of registry records: always the count, the records only when identities are shown."""

    count: int = 0
    items: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items)) if self.items else 0


@dataclass
class Related:
    allowed: bool = False
    named_groups: frozenset[str] = frozenset()
    signals: list[Signal] = field(default_factory=list)
    signals_count: int = 0
    casussen: list = field(default_factory=list)
    casussen_count: int = 0
    addresses: list[Nummeraanduiding] = field(default_factory=list)
    # Addresses outside the gemeente of the signal: no registry records counted (ADR 0030 §2).
    outside: list[Nummeraanduiding] = field(default_factory=list)
    persons: Group = field(default_factory=Group)
    companies: Group = field(default_factory=Group)
    directors: Group = field(default_factory=Group)
    other_companies: Group = field(default_factory=Group)

    @property
    def signals_more(self) -> int:
        return max(0, self.signals_count - len(self.signals))

    @property
    def casussen_more(self) -> int:
        return max(0, self.casussen_count - len(self.casussen))

    @property
    def has_registry(self) -> bool:
        return any(g.count for g in (self.persons, self.companies, self.directors, self.other_companies))

    @property
    def names_withheld(self) -> bool:
        """Some group is counted without its names (no approved details for it)."""
        return any(g.count and not g.items for g in (self.persons, self.companies, self.directors,
                                                      self.other_companies))


@dataclass(frozen=True)
class Seeds:
    """Where the search starts: the keys of a signal, a subject or an address."""

    addresses: frozenset[str] = frozenset()
    bsns: frozenset[str] = frozenset()
    kvks: frozenset[str] = frozenset()
    kentekens: frozenset[str] = frozenset()
    mentions: tuple = ()  # the MentionedSubjects the keys came from (for the log)
    signal: Signal | None = None

    @classmethod
    def of(cls, mentions, signal: Signal | None = None) -> Seeds:
        addresses = {m.address_id for m in mentions if m.address_id}
        if signal is not None and signal.address_id:
            addresses.add(signal.address_id)
        return cls(frozenset(addresses), frozenset(m.bsn for m in mentions if m.bsn),
                   frozenset(m.kvk_nummer for m in mentions if m.kvk_nummer),
                   frozenset(m.kenteken for m in mentions if m.kenteken), tuple(mentions), signal)

    def log_subjects(self) -> list[log.DataSubject]:
        found = [s for s in (subjects.of_mention(m) for m in self.mentions) if s]
        found += [log.DataSubject(SubjectType.BAG, a) for a in sorted(self.addresses)]
        return found


# ------------------------------------------------------------------------------ entry points


def related_for_signal(user, signal: Signal) -> Related:
    if not _may_see(user, signal):
        return Related()
    seeds = Seeds.of(list(signal.subjects.all()), signal=signal)
    return _collect(user, seeds, obj=signal, names=policy.related_identity_groups(user, signal),
                    gemeenten=frozenset({signal.gemeente_id}))


def related_for_subject(user, mention: MentionedSubject) -> Related:
    """Around one subject mentioned in a signal (its address, BSN, KvK-nummer or kenteken)."""
    if not _may_see(user, mention.signal):
        return Related()
    seeds = Seeds.of([mention])
    return _collect(user, seeds, obj=mention, exclude_signal=mention.signal_id,
                    names=policy.related_identity_groups(user, mention.signal),
                    gemeenten=frozenset({mention.signal.gemeente_id}))


def related_for_address(user, nummeraanduiding_id: str) -> Related:
    """Around an address, for a user who may read a signal on that address (need to know)."""
    if not policy.may_open(user, RELATED_PAGE):
        return Related()
    on_address = _visible_candidates(user, Seeds(addresses=frozenset({nummeraanduiding_id})), None)
    gemeenten = frozenset(on_address.values_list("gemeente_id", flat=True).distinct())
    if not gemeenten:
        return Related()
    return _collect(user, Seeds(addresses=frozenset({nummeraanduiding_id})), obj=None, names=frozenset(),
                    gemeenten=gemeenten)


def other_signals(user, signal: Signal, limit: int = GROUP_LIMIT) -> list[Signal]:
    """Only the other visible signals (the former ``intake.selectors.related_hints``); no log line,
    as before: the caller shows kenmerk, fenomeen and date."""
    if not policy.may_read_signal(user, signal):
        return []
    seeds = Seeds.of(list(signal.subjects.all()), signal=signal)
    return list(_visible_candidates(user, seeds, signal.pk).select_related("phenomenon")
                .order_by("-received_at", "-pk")[:limit])


def _may_see(user, signal: Signal) -> bool:
    return policy.may_open(user, RELATED_PAGE) and policy.may_read_signal(user, signal)


# --------------------------------------------------------------------------------- collecting


def _collect(user, seeds: Seeds, *, obj, names: frozenset[str], gemeenten: frozenset[str],
             exclude_signal: int | None = None) -> Related:
    exclude = exclude_signal if exclude_signal is not None else getattr(seeds.signal, "pk", None)
    result = Related(allowed=True, named_groups=names)
    signals = _visible_candidates(user, seeds, exclude)
    result.signals = list(signals.select_related("phenomenon").order_by("-received_at", "-pk")[:GROUP_LIMIT])
    result.signals_count = len(result.signals) if len(result.signals) < GROUP_LIMIT else signals.count()
    # All visible signals are already read when fewer than a group's limit: their casussen need no new query.
    complete = result.signals if len(result.signals) < GROUP_LIMIT else None
    result.casussen, result.casussen_count = _casussen(user, signals, exclude, complete)
    result.addresses, result.outside = _split_by_gemeente(seeds.addresses, gemeenten)
    _registry(result, replace(seeds, addresses=frozenset(a.pk for a in result.addresses)))
    _log(user, result, seeds, obj)
    return result


def _split_by_gemeente(addresses, gemeenten: frozenset[str]) -> tuple[list, list]:
    """The addresses inside one of ``gemeenten`` (the signal's) and those outside, in one query: the
    registry extracts are shared, but a gemeente reads only its own; another gemeente's are reached
    only through hit/no-hit (ADR 0030 §2, §8). An address whose buurt is unknown counts as outside."""
    found = (Nummeraanduiding.objects.filter(pk__in=sorted(addresses)).order_by("pk")
             .annotate(gemeente_code=F("verblijfsobject__buurt__wijk__gemeente_id")))
    inside = [a for a in found if a.gemeente_code in gemeenten]
    return inside, [a for a in found if a.gemeente_code not in gemeenten]


def _visible_candidates(user, seeds: Seeds, exclude: int | None):
    """Other signals sharing a key, then the policy. The candidates are read first by two indexed
    lookups (an OR of a semi-join and a column would scan every signal), at most CANDIDATE_LIMIT."""
    mention_match = Q(pk__in=[])
    if seeds.addresses:
        mention_match |= Q(address_id__in=seeds.addresses)
    for name, values in (("bsn", seeds.bsns), ("kvk_nummer", seeds.kvks), ("kenteken", seeds.kentekens)):
        if values:
            mention_match |= Q(**{f"{name}__in": values})
    if mention_match == Q(pk__in=[]):
        return Signal.objects.none()
    ids = set(MentionedSubject.objects.filter(mention_match).values_list("signal_id", flat=True)[:CANDIDATE_LIMIT])
    if seeds.addresses:
        ids |= set(Signal.objects.filter(address_id__in=seeds.addresses).values_list("pk", flat=True)
                   [:CANDIDATE_LIMIT])
    ids.discard(exclude)
    return policy.signals_visible_to(user, Signal.objects.filter(pk__in=sorted(ids)))


def _casussen(user, signals, this_signal: int | None, complete: list[Signal] | None = None):
    """The casussen (visible to ``user``) holding one of ``signals`` or ``this_signal``. ``complete``:
    every row of ``signals``, already read (at most a group's limit, so within HOP_LIMIT)."""
    if complete is not None and len(complete) <= HOP_LIMIT:
        ids = [signal.pk for signal in complete]
    else:
        ids = list(signals.values_list("pk", flat=True)[:HOP_LIMIT])
    if this_signal is not None:
        ids.append(this_signal)
    if not ids:
        return [], 0
    holding = CasusSignal.objects.filter(signal_id__in=ids).values("casus_id")
    casussen = policy.cases_visible_to(user, Casus.objects.filter(pk__in=holding))
    shown = list(casussen.order_by("-opened_at", "-pk")[:GROUP_LIMIT])
    return shown, len(shown) if len(shown) < GROUP_LIMIT else casussen.count()


def _active(prefix: str, today: date) -> Q:
    """A registration, vestiging or function that runs today."""
    return Q(**{f"{prefix}datum_aanvang__lte": today}) & (
        Q(**{f"{prefix}datum_einde__isnull": True}) | Q(**{f"{prefix}datum_einde__gt": today}))


def _registry(result: Related, seeds: Seeds) -> None:
    """Persons and companies at the addresses, directors and their other companies."""
    today = timezone.localdate()
    names = result.named_groups
    if seeds.addresses:
        residents = (Verblijfplaats.objects.filter(_active("", today), adres_id__in=seeds.addresses)
                     .values_list("persoon_id", flat=True).distinct())
        result.persons = _persons(residents, "persons" in names)
    first_hop: set[int] = set()
    if seeds.addresses:
        first_hop |= set(Vestiging.objects.filter(_active("", today), adres_id__in=seeds.addresses)
                         .values_list("onderneming_id", flat=True).distinct()[:HOP_LIMIT])
    if seeds.kvks:
        first_hop |= set(Onderneming.objects.filter(kvk_nummer__in=seeds.kvks).values_list("pk", flat=True))
    if seeds.bsns:
        first_hop |= set(Functionaris.objects.filter(_active("", today), persoon__bsn__in=seeds.bsns)
                         .values_list("onderneming_id", flat=True)[:HOP_LIMIT])
    if not first_hop:
        return
    result.companies = _companies(sorted(first_hop), "companies" in names)
    functions = Functionaris.objects.filter(_active("", today))
    directors = sorted(set(functions.filter(onderneming_id__in=first_hop)
                           .values_list("persoon_id", flat=True)[:HOP_LIMIT]))
    if not directors:
        return
    result.directors = _persons(directors, "directors" in names)
    second_hop = (functions.filter(persoon_id__in=directors).exclude(onderneming_id__in=first_hop)
                  .values_list("onderneming_id", flat=True).distinct())
    result.other_companies = _companies(second_hop, "other_companies" in names)


def _persons(ids, names: bool) -> Group:
    count = len(ids) if isinstance(ids, list) else ids.count()
    if not names or not count:
        return Group(count)
    shown = ids[:GROUP_LIMIT] if isinstance(ids, list) else list(ids.order_by("persoon_id")[:GROUP_LIMIT])
    people = Persoon.objects.filter(pk__in=shown).order_by("geslachtsnaam", "voornamen", "pk")
    return Group(count, list(people.only("bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum")))


def _companies(ids, names: bool) -> Group:
    count = len(ids) if isinstance(ids, list) else ids.count()
    if not names or not count:
        return Group(count)
    shown = ids[:GROUP_LIMIT] if isinstance(ids, list) else list(ids.order_by("onderneming_id")[:GROUP_LIMIT])
    return Group(count, list(Onderneming.objects.filter(pk__in=shown).order_by("naam", "pk")))


# ------------------------------------------------------------------------------------ logging


def _log(user, result: Related, seeds: Seeds, obj) -> None:
    basis = "gerelateerde gegevens bij een signaal dat de gebruiker mag inzien"
    if result.signals:
        log.record("gerelateerd_signalen", ACTIVITY, seeds.log_subjects(), user=user, obj=obj, basis=basis,
                   data="kenmerk, fenomeen en datum van andere signalen over dezelfde betrokkene of hetzelfde adres")
    shown = [log.DataSubject(SubjectType.BSN, p.bsn) for g in (result.persons, result.directors) for p in g.items]
    shown += [log.DataSubject(SubjectType.KVK, c.kvk_nummer) for g in (result.companies, result.other_companies)
              for c in g.items]
    if shown:
        log.record("gerelateerd_inzien", ACTIVITY, shown, user=user, obj=obj,
                   basis="goedgekeurd verzoek om details (privacytoets 1) bij dit signaal")
    if result.names_withheld:
        # Counts of residents, companies and directors still say something about the address or subject.
        log.record("gerelateerd_tellen", ACTIVITY, seeds.log_subjects(), user=user, obj=obj, basis=basis,
                   data="aantallen ingeschrevenen, ondernemingen en bestuurders")
