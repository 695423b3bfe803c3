"""Writes of the registries app: a person's judgement on a link between a subject mentioned in
a signal and a registry record. The linker only proposes; this is the only way a link comes
to exist, and nothing is ever merged."""

from __future__ import annotations

from django.db import transaction

from meldpunt import policy
from meldpunt.core import identifiers
from meldpunt.privacy import log
from meldpunt.protocol import sources

from . import models as m
from . import selectors
from .errors import DetailsNeeded, LinkingError, NotAllowed, SourceResearchNeeded  # noqa: F401 (re-exported)

# The page (and API resource) name of linking in the access policy (meldpunt/policy/pages.py).
LINKING_PAGE = "koppelen"

ENTITY_OF_MENTION = {"persoon": m.LinkedEntityKind.PERSOON, "onderneming": m.LinkedEntityKind.ONDERNEMING,
                     "adres": m.LinkedEntityKind.ADRES}
LOG_SUBJECT_TYPE = {m.LinkedEntityKind.PERSOON: "bsn", m.LinkedEntityKind.ONDERNEMING: "kvk",
                    m.LinkedEntityKind.ADRES: "bag"}


# What the details request must open before a person may judge a candidate of each kind.
IDENTITY_LABEL = {"persoon": "het BSN", "onderneming": "de naam of de vestigingen", "adres": "het adres"}


def check_access(user, mention) -> None:
    if not (policy.may_open(user, LINKING_PAGE) and policy.may_read_signal(user, mention.signal)):
        raise NotAllowed("U mag betrokkenen bij dit signaal niet koppelen aan registraties.")


# One refusal for a record that is not a candidate of the mention and for one that does not exist:
# otherwise a judgement would tell whether any BSN, KvK-nummer or BAG-id exists (review f3, finding 4).
NOT_A_CANDIDATE = "Deze registratie staat niet (meer) bij de kandidaten. Er is niets vastgelegd."


def _normalised(kind: str, key: str) -> str:
    """The key in its normal form, or a Dutch error for one that cannot be a registry number at all."""
    try:
        if kind == m.LinkedEntityKind.PERSOON:
            return identifiers.parse_bsn(key)
        if kind == m.LinkedEntityKind.ONDERNEMING:
            return identifiers.parse_kvk_nummer(key)
        return identifiers.parse_bag_id(key, "nummeraanduiding")
    except identifiers.InvalidIdentifier as error:
        raise LinkingError(str(error)) from None


def _exists(kind: str, key: str) -> bool:
    if kind == m.LinkedEntityKind.PERSOON:
        return m.Persoon.objects.filter(bsn=key).exists()
    if kind == m.LinkedEntityKind.ONDERNEMING:
        return m.Onderneming.objects.filter(kvk_nummer=key).exists()
    return m.Nummeraanduiding.objects.filter(pk=key).exists()


def _judgeable_keys(mention, kind: str, verdict: str) -> set[str]:
    """The registry records a judgement on ``mention`` may name: the candidates the linking page lists
    for it, the record its approved details were fetched for (its own registry number, when it was
    asked by number), and, to take a link back, the record it is confirmed to now."""
    keys = {c.key for c in selectors.shown_candidates(mention) if c.kind == kind}
    if sources.subject_kind(mention) == kind and sources.identifier(mention):
        keys.add(sources.identifier(mention))
    current = selectors.confirmed_link(mention)
    if verdict == m.LinkVerdict.AFGEWEZEN and current is not None and current.entity_kind == kind:
        keys.add(current.entity_key)
    return keys


def _entity(mention, kind: str, key: str, verdict: str) -> str:
    """The normalised key of an existing registry record among those ``mention`` may be judged
    against, or a Dutch error; the same one whether the record is elsewhere or does not exist."""
    key = _normalised(kind, key)
    if key not in _judgeable_keys(mention, kind, verdict) or not _exists(kind, key):
        raise LinkingError(NOT_A_CANDIDATE)
    return key


def check_may_judge(user, mention) -> str:
    """Refuse (Dutch, nothing changed) unless this user may judge links of ``mention``: access to the
    signal, an approved PC1 for the registry, and an approved details request that opens the identity.
    Returns the registry kind of the mention."""
    check_access(user, mention)
    kind = ENTITY_OF_MENTION.get(mention.kind)
    if kind is None:
        raise LinkingError("Een voertuig kan niet aan een basisregistratie worden gekoppeld: er is geen "
                           "kentekenregister aangesloten.")
    if not selectors.linking_permitted(mention):
        # Judging a record means having read it: only after the approved PC1 (as link_candidates).
        raise SourceResearchNeeded(selectors.source_research_needed_message(mention) + " Er is niets vastgelegd.")
    code = selectors.LINKING_SOURCE[mention.kind]
    if not selectors.identity_approved(policy.approved_detail_fields(user, mention, code), mention.kind):
        # Hit/no-hit first: who a candidate is opens only through an approved details request.
        raise DetailsNeeded(f"Bevestigen of afwijzen kan pas na een goedgekeurd verzoek om details bij de {code} "
                            f"dat {IDENTITY_LABEL[mention.kind]} van deze betrokkene opent. Er is niets vastgelegd.")
    return kind


@transaction.atomic
def judge_link(user, mention, *, entity_key: str, verdict: str, explanation: str = "",
               score: float | None = None, reasons: list[str] | tuple[str, ...] = ()) -> m.LinkJudgement:
    """Record that ``mention`` is (``bevestigd``) or is not (``afgewezen``) the registry record
    ``entity_key`` of the kind that fits the mention."""
    kind = check_may_judge(user, mention)
    if verdict not in m.LinkVerdict.values:
        raise LinkingError("Kies bevestigen of afwijzen.")
    key = _entity(mention, kind, entity_key, verdict)
    if verdict == m.LinkVerdict.BEVESTIGD:
        current = selectors.confirmed_link(mention)
        if current is not None and current.entity_key != key:
            raise LinkingError("Deze betrokkene is al gekoppeld aan een andere registratie. Wijs die koppeling eerst "
                               "af; er is niets vastgelegd.")
    elif not explanation.strip():
        raise LinkingError("Geef bij afwijzen in een zin aan waarom het niet dezelfde is.")
    judgement = m.LinkJudgement.objects.create(
        mention=mention, entity_kind=kind, entity_key=key, verdict=verdict, score=score,
        reasons=list(reasons), explanation=explanation.strip(), judged_by=user,
    )
    log.record(f"koppeling_{verdict}", "koppelen", [log.DataSubject(LOG_SUBJECT_TYPE[kind], key)],
               user=user, obj=judgement)
    return judgement


def confirm_link(user, mention, entity_key: str, **kwargs) -> m.LinkJudgement:
    return judge_link(user, mention, entity_key=entity_key, verdict=m.LinkVerdict.BEVESTIGD, **kwargs)


def reject_link(user, mention, entity_key: str, explanation: str, **kwargs) -> m.LinkJudgement:
    return judge_link(user, mention, entity_key=entity_key, verdict=m.LinkVerdict.AFGEWEZEN,
                      explanation=explanation, **kwargs)
