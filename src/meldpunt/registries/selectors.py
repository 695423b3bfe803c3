"""Reads of registry and geography data. Geography and CBS figures are public aggregates;
personal registry data is read only through connectors after approval (see policy)."""

from django.db.models import Count

from .models import Buurt, Gemeente, Wijk


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
    from . import models as m

    return {
        "adressen": m.Nummeraanduiding.objects.count(),
        "personen": m.Persoon.objects.count(),
        "ondernemingen": m.Onderneming.objects.count(),
        "vestigingen": m.Vestiging.objects.count(),
    }


def address_lookup(postcode: str, huisnummer: int):
    """BAG addresses are public registry data: the public form may look them up."""
    from .models import Nummeraanduiding

    return (Nummeraanduiding.objects.filter(postcode=postcode, huisnummer=huisnummer)
            .order_by("huisletter", "toevoeging"))


def buurt_choices(gemeente_code: str | None = None) -> list[tuple[str, str]]:
    return [(b.code, f"{b.naam} ({b.wijk.naam})") for b in buurten(gemeente_code).order_by("naam")]


# ------------------------------------------------------- linking mentions to registry records


def latest_judgements(mention) -> dict[tuple[str, str], "LinkJudgement"]:  # noqa: F821
    """The judgement that counts per registry record for this mention: the latest one."""
    from .models import LinkJudgement

    latest = {}
    for judgement in LinkJudgement.objects.filter(mention=mention).select_related("judged_by"):
        latest.setdefault((judgement.entity_kind, judgement.entity_key), judgement)  # newest first
    return latest


def confirmed_link(mention):
    """The registry record this mention was confirmed to be (and not since rejected), or None."""
    from .models import LinkVerdict

    confirmed = [j for j in latest_judgements(mention).values() if j.verdict == LinkVerdict.BEVESTIGD]
    return confirmed[0] if confirmed else None


# The registry whose records the candidates for a mention of this kind come from (bronnenonderzoek source code).
LINKING_SOURCE = {"persoon": "BRP", "onderneming": "NHR", "adres": "BAG"}


class SourceResearchNeeded(Exception):
    """Candidates may not be shown yet; the message is user-facing Dutch."""


def linking_permitted(mention) -> bool:
    """Whether the signal has an approved privacy check 1 for the registry of this mention's kind
    that covers this very mention (protocol.research_models.SourceRequest). Fails closed."""
    from meldpunt.protocol.research_models import RequestState, SourceRequest

    code = LINKING_SOURCE.get(mention.kind)
    return bool(code) and SourceRequest.objects.filter(
        signal_id=mention.signal_id, source__code=code, state=RequestState.TOEGESTAAN, subjects=mention).exists()


def source_research_needed_message(mention) -> str:
    code = LINKING_SOURCE.get(mention.kind)
    if not code:
        return "Dit soort betrokkene kan niet aan een basisregistratie worden gekoppeld."
    return (f"Kandidaten uit de {code} worden pas getoond na bronnenonderzoek met een goedgekeurde privacytoets 1 "
            f"voor de bron {code} waarin deze betrokkene is opgenomen. Vraag dat eerst aan op de signaalpagina.")


def link_candidates(user, mention, linker=None):
    """Candidates in the registries for a subject mentioned in a signal, best first, each with
    its score, reasons and the latest judgement on it. Checks access and logs the read (P2).
    Raises SourceResearchNeeded (nothing read, nothing logged) without an approved PC1."""
    from meldpunt.privacy import log

    from .linking import Linker, Mention
    from .services import LOG_SUBJECT_TYPE, check_access

    check_access(user, mention)
    if not linking_permitted(mention):
        # Candidates reveal registry data: only after an approved privacy check 1 (design §3).
        raise SourceResearchNeeded(source_research_needed_message(mention))
    result = (linker or Linker()).link(Mention.from_subject(mention))
    judgements = latest_judgements(mention)
    log.record("koppelkandidaten_zoeken", "koppelen",
               [log.DataSubject(LOG_SUBJECT_TYPE[c.kind], c.key) for c in result.candidates], user=user, obj=mention)
    return result, [(c, judgements.get((c.kind, c.key))) for c in result.candidates]
