"""Releases (vrijgaven): the regisseur asks, per participant (PC2A) or per intervention (PC2B),
which items the recipient needs; the privacyfunctionaris decides with a complete weging, never on
their own request (four-eyes per person). Only decided, released items are ever shown (P1/P3).
Free text is shown masked unless the separate item ``veld:ongemaskeerd`` is released too; that
choice is part of the decision and logged on its own (ADR 0021).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from meldpunt import policy
from meldpunt.core.errors import NotAllowed
from meldpunt.privacy import log
from meldpunt.protocol.services import WegingInput

from . import items as release_items
from .errors import CaseError
from .models import AgendaItem, CasusSignal, Intervention, Participant, ReleaseKind, ReleaseRequest, ReleaseState
from .services import casus_weging, check_manager, lock


def _clean_request(casus, keys, purpose) -> list[str]:
    known, unknown = release_items.valid_keys(casus, keys)
    problems = []
    if unknown:
        problems.append("Een of meer gevraagde onderdelen horen niet bij deze casus.")
    if not known:
        problems.append("Kies wat de ontvanger mag zien.")
    if not (purpose or "").strip():
        problems.append("Beschrijf waarvoor de ontvanger deze gegevens nodig heeft.")
    if release_items.unmasked_problem(known):
        problems.append(release_items.unmasked_problem(known))
    if problems:
        raise CaseError(*problems)
    return known


def _no_pending(**target) -> None:
    if ReleaseRequest.objects.filter(state=ReleaseState.AANGEVRAAGD, **target).exists():
        raise CaseError("Er wacht al een verzoek om vrijgave op een besluit.")


@transaction.atomic
def request_pc2a(user, item: AgendaItem, participant: Participant, keys, purpose: str) -> ReleaseRequest:
    """Ask what one participant may see of one casus on the agenda (before the meeting)."""
    check_manager(user, item.casus)
    casus = lock(item.casus)
    if participant.meeting_id != item.meeting_id:
        raise CaseError("Deze deelnemer is niet uitgenodigd voor dit overleg.")
    known = _clean_request(casus, keys, purpose)
    _no_pending(kind=ReleaseKind.PC2A, agenda_item=item, participant=participant)
    request = ReleaseRequest.objects.create(
        casus=casus, kind=ReleaseKind.PC2A, agenda_item=item, participant=participant, recipient=participant.user,
        items=known, purpose=purpose.strip(), requested_by=user, requested_at=timezone.now())
    log.record("vrijgave_vragen", "casus_delen", [log.DataSubject("intern", f"casus:{casus.pk}")], user=user,
               obj=casus)
    return request


@transaction.atomic
def request_pc2b(user, intervention: Intervention, keys, purpose: str) -> ReleaseRequest:
    """Ask exactly what the uitvoerder of one intervention needs."""
    check_manager(user, intervention.casus)
    casus = lock(intervention.casus)
    known = _clean_request(casus, keys, purpose)
    _no_pending(kind=ReleaseKind.PC2B, intervention=intervention)
    request = ReleaseRequest.objects.create(
        casus=casus, kind=ReleaseKind.PC2B, intervention=intervention, recipient=intervention.owner, items=known,
        purpose=purpose.strip(), requested_by=user, requested_at=timezone.now())
    log.record("vrijgave_vragen", "casus_delen", [log.DataSubject("intern", f"casus:{casus.pk}")], user=user,
               obj=casus)
    return request


@transaction.atomic
def decide(user, request: ReleaseRequest, data: WegingInput, approved_keys=None) -> ReleaseRequest:
    """Decide a release with its PC2A/PC2B weging: all, part ('deels', a subset of what was
    asked) or nothing."""
    if not policy.may_decide_release(user, request.casus.gemeente_id):
        raise NotAllowed("Alleen de privacyfunctionaris besluit over een vrijgave.")
    casus = lock(request.casus)
    request = ReleaseRequest.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id == user.pk:
        raise NotAllowed("U kunt niet besluiten over uw eigen verzoek (vier ogen).")
    if request.state != ReleaseState.AANGEVRAAGD:
        raise CaseError("Over deze vrijgave is al besloten.")
    if data.type != request.kind:
        raise CaseError(f"Deze vrijgave vraagt privacytoets {request.kind}.")
    if data.decision == "vrijgeven":
        approved = list(request.items)
    elif data.decision == "deels":
        wanted = set(approved_keys or [])
        approved = [k for k in request.items if k in wanted]
        if not approved or len(approved) == len(request.items) or wanted - set(request.items):
            raise CaseError("Kies bij 'deels vrijgeven' een deel van de gevraagde onderdelen, niet meer.")
        if release_items.unmasked_problem(approved):
            raise CaseError(release_items.unmasked_problem(approved))
    else:
        approved = []
    weging = casus_weging(user, casus, data)
    request.state = ReleaseState.GEWEIGERD if data.decision == "weigeren" else ReleaseState.VRIJGEGEVEN
    request.approved_items, request.weging, request.decided_at = approved, weging, timezone.now()
    # Freeze what 'veld:' items cover: the signals linked now, never one linked later (P1/P3).
    request.signal_scope = sorted(CasusSignal.objects.filter(casus=casus).values_list("signal_id", flat=True))
    request.save(update_fields=["state", "approved_items", "signal_scope", "weging", "decided_at"])
    shown = release_items.released_content(casus, request.items).log_subjects
    log.record(f"vrijgave_{request.kind}", "casus_delen",
               shown or [log.DataSubject("intern", f"casus:{casus.pk}")], user=user, obj=casus,
               basis=weging.legal_basis)
    if release_items.UNMASKED_KEY in approved:
        # Free text as written can name anyone of the casus, released or not (ADR 0021).
        log.record(f"vrijgave_{request.kind}_ongemaskeerd", "casus_delen", release_items.casus_subjects(casus),
                   user=user, obj=casus, basis=weging.legal_basis)
    return request
