"""Writes of the registries app: a person's judgement on a link between a subject mentioned in
a signal and a registry record. The linker only proposes; this is the only way a link comes
to exist, and nothing is ever merged."""

from __future__ import annotations

from django.db import transaction

from meldpunt.accounts import policy
from meldpunt.core import identifiers
from meldpunt.privacy import log

from . import models as m
from . import selectors

# The page (and API resource) name of linking in the access policy (accounts/policy.py).
LINKING_PAGE = "koppelen"

ENTITY_OF_MENTION = {"persoon": m.LinkedEntityKind.PERSOON, "onderneming": m.LinkedEntityKind.ONDERNEMING,
                     "adres": m.LinkedEntityKind.ADRES}
LOG_SUBJECT_TYPE = {m.LinkedEntityKind.PERSOON: "bsn", m.LinkedEntityKind.ONDERNEMING: "kvk",
                    m.LinkedEntityKind.ADRES: "bag"}


class LinkingError(ValueError):
    """A judgement that cannot be recorded; the message is user-facing Dutch. Nothing changed."""


class NotAllowed(LinkingError):
    pass


class SourceResearchNeeded(LinkingError):
    """No approved privacy check 1 for the registry of this mention that covers it (design §3)."""


class DetailsNeeded(SourceResearchNeeded):
    """A PC1 allows hit/no-hit only: judging a record needs its identity, opened only by an approved
    details request for the mention (design §3, step 3)."""


# What the details request must open before a person may judge a candidate of each kind.
IDENTITY_LABEL = {"persoon": "het BSN", "onderneming": "de naam of de vestigingen", "adres": "het adres"}


def check_access(user, mention) -> None:
    if not (policy.may_open(user, LINKING_PAGE) and policy.may_read_signal(user, mention.signal)):
        raise NotAllowed("U mag betrokkenen bij dit signaal niet koppelen aan registraties.")


def _entity(kind: str, key: str) -> str:
    """The normalised key of an existing registry record, or a Dutch error."""
    try:
        if kind == m.LinkedEntityKind.PERSOON:
            key = identifiers.parse_bsn(key)
            exists = m.Persoon.objects.filter(bsn=key).exists()
        elif kind == m.LinkedEntityKind.ONDERNEMING:
            key = identifiers.parse_kvk_nummer(key)
            exists = m.Onderneming.objects.filter(kvk_nummer=key).exists()
        else:
            key = identifiers.parse_bag_id(key, "nummeraanduiding")
            exists = m.Nummeraanduiding.objects.filter(pk=key).exists()
    except identifiers.InvalidIdentifier as error:
        raise LinkingError(str(error)) from None
    if not exists:
        raise LinkingError("Die registratie bestaat niet (meer) in de basisregistratie. Er is niets vastgelegd.")
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
    key = _entity(kind, entity_key)
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
