"""Reads of registry and geography data. Geography and CBS figures are public aggregates;
personal registry data is read only through connectors after approval (see policy)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch

from meldpunt import policy
from meldpunt.privacy import log
from meldpunt.protocol.research.models import HitResult, RequestState, SourceRequest

from . import models as m
from .errors import SourceResearchNeeded  # noqa: F401 (re-exported)
from .linking import Linker, Mention
from .models import Buurt, Gemeente, LinkJudgement, LinkVerdict, Nummeraanduiding, Wijk


def gemeenten():
    return Gemeente.objects.annotate(n_buurten=Count("wijken__buurten")).order_by("naam")


def wijken(gemeente_code: str | None = None):
    qs = Wijk.objects.select_related("gemeente").order_by("code")
    return qs.filter(gemeente_id=gemeente_code) if gemeente_code else qs


def buurten(gemeente_code: str | None = None, wijk_code: str | None = None):
    qs = Buurt.objects.select_related("wijk").order_by("code")
    if gemeente_code:
        qs = qs.filter(wijk__gemeente_id=gemeente_code)
    if wijk_code:
        qs = qs.filter(wijk_id=wijk_code)
    return qs


def registry_counts() -> dict[str, int]:
    return {
        "adressen": m.Nummeraanduiding.objects.count(),
        "personen": m.Persoon.objects.count(),
        "ondernemingen": m.Onderneming.objects.count(),
        "vestigingen": m.Vestiging.objects.count(),
    }


def address_lookup(postcode: str, huisnummer: int):
    """BAG addresses are public registry data: the public form may look them up."""
    return (Nummeraanduiding.objects.filter(postcode=postcode, huisnummer=huisnummer)
            .order_by("huisletter", "toevoeging"))


def buurt_choices(gemeente_code: str | None = None) -> list[tuple[str, str]]:
    # Three columns, not every CBS figure of buurt and wijk: the intake form asks this on every page.
    rows = buurten(gemeente_code).order_by("naam").values_list("code", "naam", "wijk__naam")
    return [(code, f"{naam} ({wijk})") for code, naam, wijk in rows]


def wijk_choices(gemeente_code: str | None = None) -> list[tuple[str, str]]:
    """(code, naam) of the wijken, by name: a filter's choices."""
    return list(wijken(gemeente_code).order_by("naam").values_list("code", "naam"))


# ------------------------------------------------------- linking mentions to registry records


def latest_judgements(mention) -> dict[tuple[str, str], "LinkJudgement"]:  # noqa: F821
    """The judgement that counts per registry record for this mention: the latest one."""
    latest = {}
    for judgement in LinkJudgement.objects.filter(mention=mention).select_related("judged_by"):
        latest.setdefault((judgement.entity_kind, judgement.entity_key), judgement)  # newest first
    return latest


def confirmed_link(mention):
    """The registry record this mention was confirmed to be (and not since rejected), or None."""
    confirmed = [j for j in latest_judgements(mention).values() if j.verdict == LinkVerdict.BEVESTIGD]
    return confirmed[0] if confirmed else None


# The registry whose records the candidates for a mention of this kind come from (bronnenonderzoek source code).
LINKING_SOURCE = {"persoon": "BRP", "onderneming": "NHR", "adres": "BAG"}


def linking_permitted(mention) -> bool:
    """Whether the signal has an approved privacy check 1 for the registry of this mention's kind
    that covers this very mention (protocol.research_models.SourceRequest). Fails closed."""
    code = LINKING_SOURCE.get(mention.kind)
    return bool(code) and SourceRequest.objects.filter(
        signal_id=mention.signal_id, source__code=code, state=RequestState.TOEGESTAAN, subjects=mention).exists()


def source_research_needed_message(mention) -> str:
    code = LINKING_SOURCE.get(mention.kind)
    if not code:
        return "Dit soort betrokkene kan niet aan een basisregistratie worden gekoppeld."
    return (f"Kandidaten uit de {code} worden pas getoond na bronnenonderzoek met een goedgekeurde privacytoets 1 "
            f"voor de bron {code} waarin deze betrokkene is opgenomen. Vraag dat eerst aan op de signaalpagina.")


# Which approved detail fields (of the source in LINKING_SOURCE) open which part of a candidate: identities
# only for the fields approved in a details request (design §3, step 3). "key" is the registry number a
# judgement is recorded on: without it a candidate is never confirmed or rejected.
CANDIDATE_FIELDS = {
    "persoon": {"key": frozenset({"burgerservicenummer", "ingeschrevenen.burgerservicenummer"}),
                "voornamen": frozenset({"naam.voornamen"}), "voorvoegsel": frozenset({"naam.voorvoegsel"}),
                "geslachtsnaam": frozenset({"naam.geslachtsnaam"}), "birth_date": frozenset({"geboorte.datum"}),
                "address": frozenset({"verblijfplaats.adres"})},
    "onderneming": {"key": frozenset({"naam", "vestigingen"}), "name": frozenset({"naam", "vestigingen"})},
    "adres": {"key": frozenset({"adres"}), "name": frozenset({"adres"})},
}
# A candidate that would show as 0 % is never listed (a co-resident at the same address is no candidate).
MIN_SCORE_SHOWN = 0.005


@dataclass(frozen=True)
class ShownCandidate:
    """A candidate as this user may see it: only the parts the approved details open."""

    number: int
    kind: str
    key: str  # the registry number, "" unless its field is approved
    label: str
    score: float
    reasons: tuple[str, ...]
    birth_date: date | None = None
    address: str = ""


@dataclass
class LinkCandidates:
    """What the linking page (or any other reader) may show for one mention."""

    source: str
    kind: str  # the mention's kind (persoon, onderneming, adres)
    hit: bool | None  # the hit/no-hit answer of the approved PC1 (None: not answered yet)
    hit_id: int | None  # the HitResult behind ``hit`` (where details are asked), None without an answer
    # Candidates found (score above 0 %), None until approved detail fields exist: before that the
    # registry is not even searched, since a count tells more than hit/no-hit (one exact match or many).
    count: int | None
    fields: frozenset[str]  # the approved detail fields this user may read
    rows: list = field(default_factory=list)  # (ShownCandidate, latest judgement), empty before details

    @property
    def identities(self) -> bool:
        return bool(self.rows)

    @property
    def may_judge(self) -> bool:
        return identity_approved(self.fields, self.kind)

    @property
    def hit_text(self) -> str:
        if self.hit is None:
            return f"De {self.source} heeft nog niet geantwoord of er een treffer is voor deze betrokkene."
        if not self.hit:
            return f"De {self.source} heeft geen treffer voor deze betrokkene."
        return f"De {self.source} heeft een treffer voor deze betrokkene."


def identity_approved(fields, kind: str) -> bool:
    """Whether ``fields`` open the registry number of a candidate for a mention of ``kind``."""
    return bool(CANDIDATE_FIELDS.get(kind, {}).get("key", frozenset()) & set(fields))


def details_needed_message(mention) -> str:
    code = LINKING_SOURCE.get(mention.kind, "")
    return (f"Wie de kandidaten zijn, ziet u pas na een goedgekeurd verzoek om details bij de {code} "
            "(privacytoets 1), en alleen de goedgekeurde gegevens. Vraag de details aan bij de hit op de "
            "signaalpagina.")


def _hit_of(mention, code: str):
    return (HitResult.objects.filter(subject=mention, request__signal_id=mention.signal_id, request__source__code=code,
                                     request__state=RequestState.TOEGESTAAN).order_by("pk").first())


def _persons_of(candidates, fields: frozenset[str]) -> dict:
    """The Persoon records behind person candidates by BSN, loaded at once (their current homes
    prefetched only when the address is approved): the page's queries do not grow with the candidates."""
    keys = [c.key for c in candidates if c.kind == "persoon"]
    if not keys:
        return {}
    persons = m.Persoon.objects.filter(bsn__in=keys)
    if CANDIDATE_FIELDS["persoon"]["address"] & fields:
        persons = persons.prefetch_related(Prefetch(
            "verblijfplaatsen", to_attr="current_homes",
            queryset=m.Verblijfplaats.objects.filter(datum_einde__isnull=True).select_related("adres").order_by("pk")))
    return {p.bsn: p for p in persons}


def _shown(number: int, candidate, fields: frozenset[str], persons: dict) -> ShownCandidate:
    """Mask a candidate to the approved fields (nothing of it leaves this function otherwise).
    ``persons``: the Persoon records of the candidates by BSN (``_persons_of``)."""
    opens = {part: bool(needed & fields) for part, needed in CANDIDATE_FIELDS.get(candidate.kind, {}).items()}
    key = candidate.key if opens.get("key") else ""
    label, birth_date, address = "", None, ""
    if candidate.kind == "persoon":
        persoon = persons.get(candidate.key)
        if persoon is not None:
            label = " ".join(getattr(persoon, part) for part in ("voornamen", "voorvoegsel", "geslachtsnaam")
                             if opens.get(part) and getattr(persoon, part))
            birth_date = persoon.geboortedatum if opens.get("birth_date") else None
            if opens.get("address"):
                address = "; ".join(str(v.adres) for v in persoon.current_homes)
    elif opens.get("name"):
        label = candidate.label
    return ShownCandidate(number, candidate.kind, key, label or f"Kandidaat {number}", candidate.score,
                          candidate.reasons, birth_date, address)


def shown_candidates(mention, linker=None) -> list:
    """The linker's candidates for ``mention`` that may be listed (score above 0 %), best first.
    No access check and no log: callers (link_candidates, services.judge_link) do both."""
    result = (linker or Linker()).link(Mention.from_subject(mention))
    return [c for c in result.candidates if c.score >= MIN_SCORE_SHOWN]


def link_candidates(user, mention, linker=None) -> LinkCandidates:
    """What this user may see of the candidates in the registries for a subject mentioned in a
    signal (P1, design §3 step 3): after an approved PC1 only hit/no-hit (the registry is not
    searched: no count, nothing read, nothing logged); each candidate (best first, score and
    reasons, the latest judgement) only once a details request for the mention is approved, and
    of it only the approved fields. Candidates scored 0 % are never listed. Checks access and logs
    the read (P2). Raises SourceResearchNeeded (nothing read, nothing logged) without an approved PC1."""
    # services imports this module: a module-level import would be a cycle.
    from .services import LOG_SUBJECT_TYPE, check_access

    check_access(user, mention)
    if not linking_permitted(mention):
        # Candidates reveal registry data: only after an approved privacy check 1 (design §3).
        raise SourceResearchNeeded(source_research_needed_message(mention))
    code = LINKING_SOURCE[mention.kind]
    hit = _hit_of(mention, code)
    fields = policy.approved_detail_fields(user, mention, code)
    found = LinkCandidates(code, mention.kind, hit.hit if hit else None, hit.pk if hit else None, None, fields)
    if not fields:
        return found  # hit/no-hit only (issue 13 finding 1; review f3: not even how many)
    candidates = shown_candidates(mention, linker)
    found.count = len(candidates)
    log.record("koppelkandidaten_zoeken", "koppelen",
               [log.DataSubject(LOG_SUBJECT_TYPE[c.kind], c.key) for c in candidates], user=user, obj=mention)
    judgements = latest_judgements(mention)
    persons = _persons_of(candidates, fields)
    found.rows = [(_shown(i, c, fields, persons), judgements.get((c.kind, c.key)))
                  for i, c in enumerate(candidates, start=1)]
    return found
