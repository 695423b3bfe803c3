"""Every write on inzageverzoeken. Each public function is one transaction: it checks that the
user is the privacyfunctionaris, validates, writes, logs (P2), or changes nothing and raises
:class:`InzageError` with Dutch messages (P8)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from meldpunt.cases.models import Casus
from meldpunt.core import identifiers
from meldpunt.core.dates import add_months
from meldpunt.core.datums import format_date
from meldpunt.privacy import log
from meldpunt.privacy.models import SubjectType
from meldpunt.registries.models import Nummeraanduiding
from meldpunt.tenancy.counters import inzage_reference
from meldpunt.tenancy.defaults import gemeente_or_only
from meldpunt.tenancy.models import Tenant

from . import retention, selectors
from .errors import InzageError  # noqa: F401 (re-exported)
from .models import (
    AccessItem,
    AccessRequest,
    Decision,
    Ground,
    IdentityDocument,
    ItemKind,
    Part,
    RequestStatus,
    RestrictionReview,
    ReviewOutcome,
)

ACTIVITY = "inzage"
MAX_EXTENSION_MONTHS = 2
MIN_REASONING = 20


def _subjects_of(request: AccessRequest) -> list[log.DataSubject]:
    if request.subject_bsn:
        return [log.DataSubject(SubjectType.BSN, request.subject_bsn)]
    # Without a BSN the request itself stands for the subject in the log.
    return [log.DataSubject(SubjectType.INTERNAL, f"inzageverzoek:{request.pk}")]


def _lock(request: AccessRequest) -> AccessRequest:
    return AccessRequest.objects.select_for_update().get(pk=request.pk)


def _require_open(request: AccessRequest) -> None:
    if request.is_closed:
        raise InzageError("Dit verzoek is afgehandeld; de besluiten liggen vast.")


# --------------------------------------------------------------------------- register


@dataclass
class RequestInput:
    received_on: date | None
    requester_name: str
    requester_contact: str
    identity_document: str
    identity_last4: str = ""
    subject_bsn: str = ""
    subject_name: str = ""
    subject_birth_date: date | None = None
    subject_address: str = ""  # BAG nummeraanduiding id
    subject_address_text: str = ""
    subject_email: str = ""


def _validate(data: RequestInput) -> tuple[dict, list[str]]:
    errors: list[str] = []
    clean: dict = {}
    today = timezone.localdate()
    if data.received_on is None:
        errors.append("Vul de datum van ontvangst in.")
    elif data.received_on > today:
        errors.append("De datum van ontvangst kan niet in de toekomst liggen.")
    if not (data.requester_name or "").strip():
        errors.append("Vul de naam van de verzoeker in.")
    if not (data.requester_contact or "").strip():
        errors.append("Vul in waar het antwoord heen moet (postadres of e-mailadres).")
    if data.identity_document not in IdentityDocument.values:
        errors.append("Kies hoe de identiteit is gecontroleerd.")
    last4 = (data.identity_last4 or "").strip().upper()
    if data.identity_document != IdentityDocument.DIGID and not re.fullmatch(r"[A-Z0-9]{4}", last4):
        errors.append("Vul de laatste vier tekens van het documentnummer in (letters en cijfers). "
                      "Bewaar nooit een kopie van het identiteitsbewijs.")
    clean["identity_last4"] = last4 if data.identity_document != IdentityDocument.DIGID else ""
    clean["subject_bsn"] = ""
    if (data.subject_bsn or "").strip():
        try:
            clean["subject_bsn"] = identifiers.parse_bsn(data.subject_bsn)
        except identifiers.InvalidIdentifier as error:
            errors.append(str(error))
    clean["subject_address"] = None
    if (data.subject_address or "").strip():
        try:
            bag = identifiers.parse_bag_id(data.subject_address, "nummeraanduiding")
            clean["subject_address"] = Nummeraanduiding.objects.filter(pk=bag).first()
            if clean["subject_address"] is None:
                errors.append("Dit adres staat niet in de BAG van deze gemeente.")
        except identifiers.InvalidIdentifier as error:
            errors.append(str(error))
    if data.subject_birth_date and data.subject_birth_date > today:
        errors.append("Een geboortedatum kan niet in de toekomst liggen.")
    name, birth = (data.subject_name or "").strip(), data.subject_birth_date
    if bool(name) != bool(birth) and not (clean["subject_bsn"] or data.subject_email):
        errors.append("Zoeken op naam kan alleen samen met de geboortedatum.")
    if not (clean["subject_bsn"] or (name and birth) or clean["subject_address"]
            or (data.subject_address_text or "").strip() or (data.subject_email or "").strip()):
        errors.append("Vul ten minste een BSN, een naam met geboortedatum, een adres of een e-mailadres van de "
                      "betrokkene in.")
    if data.subject_email:
        try:
            validate_email(data.subject_email)
        except ValidationError:
            errors.append("Dit e-mailadres klopt niet.")
    return clean, errors


@transaction.atomic
def register(user, data: RequestInput, gemeente: Tenant | None = None) -> AccessRequest:
    """Register a request to ``gemeente`` as controller (without one: the installation's only
    gemeente); the deadline is one calendar month after receipt (AVG art. 12(3))."""
    selectors.require_handler(user)
    clean, errors = _validate(data)
    if errors:
        raise InzageError(*errors)
    now = timezone.now()
    gemeente = gemeente_or_only(gemeente)
    request = AccessRequest.objects.create(
        # Numbered per gemeente (ADR 0030 §7): IV-ZA-2026-00012.
        gemeente=gemeente, reference=inzage_reference(gemeente, data.received_on.year), received_on=data.received_on,
        requester_name=data.requester_name.strip()[:200], requester_contact=data.requester_contact.strip()[:300],
        identity_document=data.identity_document, identity_last4=clean["identity_last4"],
        identity_checked_by=user, identity_checked_at=now,
        subject_bsn=clean["subject_bsn"], subject_name=(data.subject_name or "").strip()[:200],
        subject_birth_date=data.subject_birth_date, subject_address=clean["subject_address"],
        subject_address_text=(data.subject_address_text or "").strip()[:200],
        subject_email=(data.subject_email or "").strip().lower(),
        deadline=add_months(data.received_on, 1), created_by=user,
    )
    log.record("inzageverzoek_registreren", ACTIVITY, _subjects_of(request), user=user, obj=request,
               basis="AVG art. 15")
    return request


@transaction.atomic
def extend(user, request: AccessRequest, months: int, reason: str, informed_on: date | None) -> AccessRequest:
    """Extend by at most two months; the requester must be told within the first month (AVG art. 12(3))."""
    selectors.require_handler(user)
    request = _lock(request)
    _require_open(request)
    errors = []
    if request.extended_until:
        errors.append("Dit verzoek is al verlengd; een verzoek kan maar één keer worden verlengd.")
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        errors.append("Verleng met één of twee maanden (AVG art. 12 lid 3).")
    if len((reason or "").strip()) < MIN_REASONING:
        errors.append("Geef de reden van de verlenging (complexiteit of aantal verzoeken), in ten minste een zin.")
    if informed_on is None:
        errors.append("Vul in wanneer de verzoeker over de verlenging is geïnformeerd.")
    elif informed_on > request.deadline:
        errors.append("De verzoeker moet binnen een maand na ontvangst over de verlenging worden geïnformeerd; "
                      "die termijn is voorbij.")
    elif informed_on > timezone.localdate():
        errors.append("De datum waarop de verzoeker is geïnformeerd kan niet in de toekomst liggen.")
    elif informed_on < request.received_on:
        errors.append("De verzoeker kan niet vóór de ontvangst van het verzoek zijn geïnformeerd.")
    if errors:
        raise InzageError(*errors)
    request.extended_until = add_months(request.deadline, months)
    request.extension_reason = reason.strip()
    request.extension_informed_on = informed_on
    request.status = RequestStatus.VERLENGD
    request.save(update_fields=["extended_until", "extension_reason", "extension_informed_on", "status"])
    log.record("inzageverzoek_verlengen", ACTIVITY, _subjects_of(request), user=user, obj=request,
               basis="AVG art. 12 lid 3")
    return request


# --------------------------------------------------------------------------- search


def _label(kind: str, obj) -> str:
    if kind == ItemKind.CASUS:
        return f"Casus {obj.reference}"
    received = format_date(timezone.localtime(obj.received_at).date())
    if kind == ItemKind.MELDING:
        return f"Melding {obj.reference} van {received} (door de betrokkene gedaan)"
    return f"Signaal {obj.reference} van {received}"


@transaction.atomic
def search(user, request: AccessRequest) -> list[AccessItem]:
    """Find everything on the subject and record one item per signal, report and casus (again:
    only new items are added; decisions already taken stay). The search is logged per subject."""
    selectors.require_handler(user)
    request = _lock(request)
    _require_open(request)
    findings = selectors.find(request)
    signals = selectors.signals_of(findings)
    wanted = [(ItemKind.SIGNAAL, pk, via) for pk, via in findings.signals.items()]
    wanted += [(ItemKind.MELDING, pk, via) for pk, via in findings.reports.items()]
    cases = {c.pk: c for c in Casus.objects.filter(pk__in=findings.cases)}
    wanted += [(ItemKind.CASUS, pk, via) for pk, via in findings.cases.items()]
    existing = {(i.kind, i.object_id): i for i in request.items.all()}
    created = []
    for kind, pk, via in wanted:
        item = existing.get((kind, str(pk)))
        if item is not None:
            merged = sorted(set(item.found_via) | via)
            if merged != item.found_via:
                item.found_via = merged
                item.save(update_fields=["found_via"])
            continue
        obj = cases[pk] if kind == ItemKind.CASUS else signals[pk]
        created.append(AccessItem(request=request, kind=kind, object_id=str(pk), label=_label(kind, obj),
                                  found_via=sorted(via)))
    if (ItemKind.LOG, "") not in existing:
        created.append(AccessItem(request=request, kind=ItemKind.LOG, object_id="",
                                  label="Overige verwerkingen van uw gegevens (verwerkingslog)",
                                  found_via=[selectors.VIA_LOG]))
    AccessItem.objects.bulk_create(created)
    request.searched_at = timezone.now()
    if request.status == RequestStatus.ONTVANGEN:
        request.status = RequestStatus.IN_BEHANDELING
    request.save(update_fields=["searched_at", "status"])
    subjects = [log.DataSubject(SubjectType.BSN, b) for b in findings.identity.bsns]
    subjects += [log.DataSubject(SubjectType.INTERNAL, f"betrokkene:{pk}") for pk in findings.own_mentions]
    log.record("inzage_zoeken", ACTIVITY, subjects or _subjects_of(request), user=user, obj=request,
               basis=f"AVG art. 15; {len(wanted)} treffer(s)")
    return list(request.items.all())


# --------------------------------------------------------------------------- decisions


@dataclass
class DecisionInput:
    decision: str
    ground: str = ""
    withheld_parts: list[str] | None = None
    reasoning: str = ""
    necessity: str = ""
    review_on: date | None = None


def _check_decision(item: AccessItem, data: DecisionInput) -> list[str]:
    errors = []
    if data.decision not in Decision.values:
        return ["Kies volledig verstrekken, gedeeltelijk beperken, geheel beperken of 'gaat niet over de "
                "betrokkene'."]
    if data.decision == Decision.VOLLEDIG:
        return errors
    if data.decision == Decision.NIET_BETROKKENE:
        if len((data.reasoning or "").strip()) < MIN_REASONING:
            errors.append("Leg uit waarom dit onderdeel niet over de betrokkene gaat (ten minste een zin).")
        return errors
    if data.ground not in Ground.values:
        errors.append("Kies de grond voor de beperking (UAVG art. 41 lid 1, a tot en met e).")
    if len((data.reasoning or "").strip()) < MIN_REASONING:
        errors.append("Motiveer de beperking: waarom is verstrekken nu schadelijk (ten minste een zin)?")
    if len((data.necessity or "").strip()) < MIN_REASONING:
        errors.append("Leg uit waarom de beperking noodzakelijk en evenredig is (ten minste een zin).")
    if data.review_on is None:
        errors.append("Vul de datum in waarop de beperking opnieuw wordt beoordeeld.")
    elif data.review_on <= timezone.localdate():
        errors.append("De datum van herbeoordeling moet in de toekomst liggen.")
    if data.decision == Decision.GEDEELTELIJK:
        parts = data.withheld_parts or []
        if not parts:
            errors.append("Kies welke onderdelen niet worden verstrekt.")
        elif set(parts) - set(Part.values):
            errors.append("Onbekend onderdeel gekozen.")
    return errors


@transaction.atomic
def decide(user, item: AccessItem, data: DecisionInput) -> AccessItem:
    """Record the UAVG art. 41 decision on one item (until the request is closed)."""
    selectors.require_handler(user)
    request = _lock(item.request)
    _require_open(request)
    item = AccessItem.objects.select_for_update().get(pk=item.pk, request=request)
    errors = _check_decision(item, data)
    if errors:
        raise InzageError(*errors)
    restricting = data.decision in (Decision.GEDEELTELIJK, Decision.GEHEEL)
    item.decision = data.decision
    item.ground = data.ground if restricting else ""
    item.withheld_parts = [p for p in Part.values if p in (data.withheld_parts or [])] \
        if data.decision == Decision.GEDEELTELIJK else []
    item.reasoning = (data.reasoning or "").strip()
    item.necessity = data.necessity.strip() if restricting else ""
    item.review_on = data.review_on if restricting else None
    item.next_review_on = item.review_on
    item.lifted_at = None
    item.decided_by, item.decided_at = user, timezone.now()
    item.save()
    basis = item.get_decision_display() + (f"; UAVG art. 41 lid 1 sub {item.ground}" if restricting else "")
    log.record("inzage_besluiten", ACTIVITY, _subjects_of(request), user=user, obj=request, basis=basis)
    return item


@transaction.atomic
def close(user, request: AccessRequest, *, mention_restrictions: bool = True,
          no_mention_reasoning: str = "") -> AccessRequest:
    """Close the request: every item has a decision; the decisions become immutable."""
    selectors.require_handler(user)
    request = _lock(request)
    _require_open(request)
    errors = []
    items = list(request.items.all())
    if request.searched_at is None:
        errors.append("Zoek eerst wat er over de betrokkene is vastgelegd.")
    undecided = [i for i in items if not i.decision]
    if undecided:
        errors.append(f"Neem eerst over elk onderdeel een besluit ({len(undecided)} open).")
    if not mention_restrictions and len((no_mention_reasoning or "").strip()) < MIN_REASONING:
        errors.append("Motiveer waarom het antwoord niet vermeldt dat gegevens zijn beperkt "
                      "(UAVG art. 41 lid 1, ook de bevestiging valt eronder).")
    if errors:
        raise InzageError(*errors)
    request.mention_restrictions = mention_restrictions
    request.no_mention_reasoning = "" if mention_restrictions else no_mention_reasoning.strip()
    request.status = RequestStatus.AFGEHANDELD
    request.closed_at, request.closed_by = timezone.now(), user
    request.save(update_fields=["mention_restrictions", "no_mention_reasoning", "status", "closed_at", "closed_by"])
    retention.recompute(AccessRequest.objects.filter(pk=request.pk))
    request.destroy_after = AccessRequest.objects.filter(pk=request.pk).values_list("destroy_after", flat=True).get()
    log.record("inzageverzoek_afhandelen", ACTIVITY, _subjects_of(request), user=user, obj=request,
               basis="AVG art. 15")
    return request


@transaction.atomic
def review(user, item: AccessItem, outcome: str, reasoning: str, next_review_on: date | None) -> RestrictionReview:
    """Re-evaluate a restriction: keep it (with a new review date) or lift it (provide after all)."""
    selectors.require_handler(user)
    item = AccessItem.objects.select_for_update().select_related("request").get(pk=item.pk)
    errors = []
    if not item.restricted:
        errors.append("Dit onderdeel is niet (meer) beperkt.")
    if outcome not in ReviewOutcome.values:
        errors.append("Kies: beperking handhaven of opheffen.")
    if len((reasoning or "").strip()) < MIN_REASONING:
        errors.append("Motiveer de herbeoordeling (ten minste een zin).")
    if outcome == ReviewOutcome.HANDHAVEN:
        if next_review_on is None:
            errors.append("Vul de datum van de volgende herbeoordeling in.")
        elif next_review_on <= timezone.localdate():
            errors.append("De volgende herbeoordeling moet in de toekomst liggen.")
    if errors:
        raise InzageError(*errors)
    now = timezone.now()
    keep = outcome == ReviewOutcome.HANDHAVEN
    result = RestrictionReview.objects.create(item=item, outcome=outcome, reasoning=reasoning.strip(),
                                              next_review_on=next_review_on if keep else None,
                                              reviewed_by=user, reviewed_at=now)
    item.next_review_on = next_review_on if keep else None
    item.lifted_at = None if keep else now
    item.save(update_fields=["next_review_on", "lifted_at"])
    log.record("inzage_herbeoordelen", ACTIVITY, _subjects_of(item.request), user=user, obj=item.request,
               basis=result.get_outcome_display())
    return result
