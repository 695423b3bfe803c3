"""Reads for inzageverzoeken: the requests a user may see, and everything on a data subject
across signals, reports, casussen and the processing log.

Finding is itself a processing of personal data: ``services.search`` calls :func:`find` after
the access check and logs it (P2). The privacyfunctionaris searches all signals regardless of
involvement: answering an art. 15 request is a legal duty, and the page is hers alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from meldpunt import policy
from meldpunt.cases.models import CasusSignal
from meldpunt.intake.models import MentionedSubject, ReporterContact, Signal, SubjectKind
from meldpunt.privacy.controllers import processing_lines
from meldpunt.privacy.models import ProcessingLogEntry, SubjectType
from meldpunt.registries.linking import birth_years
from meldpunt.registries.models import Nummeraanduiding, Persoon, Verblijfplaats
from meldpunt.tenancy import current as current_gemeente
from meldpunt.tenancy.keys import ring_for

from .models import AccessItem, AccessRequest, Decision
from .redaction import names_match, normalise

HANDLE = "inzage"
OVERSEE = "inzage_toezicht"

VIA_BSN = "BSN"
VIA_NAME = "naam en geboortedatum"
VIA_BIRTH_YEAR = "naam en geboortejaar"
VIA_AGE = "naam en geschatte leeftijd"
VIA_ADDRESS = "adres"
VIA_BRP_ADDRESS = "adres uit de BRP (in de woonperiode)"
VIA_REPORTER_EMAIL = "e-mailadres van de melder"
VIA_REPORTER_NAME = "naam van de melder"
VIA_LOG = "verwerkingslog"


# ------------------------------------------------------------------------------ requests


def _may(user, *pages) -> bool:
    return any(policy.may_open(user, name) for name in pages)


def requests_for(user, pages=(HANDLE, OVERSEE)):
    """The requests of the gemeenten where the user handles them (privacyfunctionaris) or oversees
    them (the FG, read-only), as ``pages`` says."""
    if not _may(user, *pages):
        return AccessRequest.objects.none()
    found = AccessRequest.objects.none()
    for name in pages:
        found |= policy.on_page(user, name, AccessRequest.objects.all())
    return found.order_by("deadline", "id")


def request_for(user, reference: str, page: str = HANDLE) -> AccessRequest:
    """One request, on a handling page (default) or the FG's oversight page: only of a gemeente where
    the user holds that page's role."""
    request = requests_for(user, (page,)).select_related("subject_address").filter(reference=reference).first()
    if request is None:
        raise Http404("Dit inzageverzoek bestaat niet of u mag het niet zien.")
    return request


def item_of(request: AccessRequest, item_id: int) -> AccessItem:
    item = AccessItem.objects.filter(request=request, pk=item_id).first()
    if item is None:
        raise Http404("Dit onderdeel hoort niet bij dit verzoek.")
    return item


def is_overdue(request: AccessRequest, today: date | None = None) -> bool:
    return not request.is_closed and (today or timezone.localdate()) > request.effective_deadline


def overview(user, gemeenten=None) -> list[dict]:
    """Rows for the request lists: deadline, overdue, open decisions and restrictions; ``gemeenten``:
    the scope the person works for (tenancy.current), None = all."""
    today = timezone.localdate()
    rows = []
    for request in current_gemeente.limit(requests_for(user), gemeenten).prefetch_related("items"):
        items = list(request.items.all())
        rows.append({
            "request": request, "overdue": is_overdue(request, today),
            "open": sum(1 for i in items if not i.decision),
            "restricted": sum(1 for i in items if i.restricted),
            "items": len(items),
        })
    rows.sort(key=lambda r: (r["request"].is_closed, r["request"].effective_deadline, r["request"].pk))
    return rows


def reviews_due(user, today: date | None = None, gemeenten=None):
    """Restrictions whose review date has passed (UAVG art. 41: necessity is re-evaluated)."""
    if not _may(user, HANDLE, OVERSEE):
        return AccessItem.objects.none()
    today = today or timezone.localdate()
    items = policy.on_page(user, HANDLE, AccessItem.objects.all()) | policy.on_page(user, OVERSEE,
                                                                                    AccessItem.objects.all())
    return (current_gemeente.limit(items, gemeenten)
            .filter(decision__in=[Decision.GEDEELTELIJK, Decision.GEHEEL], lifted_at__isnull=True,
                    next_review_on__lte=today)
            .select_related("request").order_by("next_review_on", "id"))


def restriction_for(user, item_id: int) -> AccessItem | None:
    """A restricted item to re-evaluate (privacyfunctionaris only)."""
    if not _may(user, HANDLE):
        return None
    return policy.on_page(user, HANDLE, AccessItem.objects.all()).select_related("request").filter(pk=item_id).first()


def require_handler(user) -> None:
    if not policy.may_open(user, HANDLE):
        raise PermissionDenied("Alleen de privacyfunctionaris behandelt inzageverzoeken.")


# ------------------------------------------------------------------------------ the subject


@dataclass
class Identity:
    """Everything that identifies the subject, from the request completed with the BRP."""

    bsns: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)
    birth_dates: set[date] = field(default_factory=set)
    # BAG nummeraanduiding id → residence period (None: no period limit, the address came from the request).
    addresses: dict[str, tuple[date, date | None] | None] = field(default_factory=dict)
    address_texts: list[str] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)
    # The controller the request is made to (ADR 0030 §5): its records, its log, its key.
    gemeente: str = ""

    def pseudonymise(self, kind: str, identifier: str) -> str:
        return ring_for(self.gemeente).pseudonymise(kind, identifier)

    def pseudonyms(self) -> dict[str, str]:
        """Log pseudonym → subject type, for the identifiers the gemeente's log uses for this person."""
        result = {self.pseudonymise(SubjectType.BSN, bsn): SubjectType.BSN for bsn in self.bsns}
        result.update({self.pseudonymise(SubjectType.BAG, a): SubjectType.BAG for a in self.addresses})
        return result


def _address_forms(address: Nummeraanduiding) -> list[str]:
    number = f"{address.huisnummer}{address.huisletter}"
    return [normalise(f"{address.openbare_ruimte} {number}"), normalise(f"{address.postcode} {number}")]


def identity_of(request: AccessRequest) -> Identity:
    identity = Identity(gemeente=request.gemeente_id)
    if request.subject_bsn:
        identity.bsns.add(request.subject_bsn)
    if request.subject_name:
        identity.names.append(request.subject_name)
    if request.subject_birth_date:
        identity.birth_dates.add(request.subject_birth_date)
    if request.subject_email:
        identity.emails.add(request.subject_email.lower())
    persons = list(Persoon.objects.filter(bsn__in=identity.bsns)) if identity.bsns else []
    if not persons and request.subject_name and request.subject_birth_date:
        candidates = Persoon.objects.filter(geboortedatum=request.subject_birth_date)
        persons = [p for p in candidates if names_match(p.naam, request.subject_name)]
        if len(persons) > 1:
            persons = []  # not unique: search on what the request says only
    for person in persons:
        identity.bsns.add(person.bsn)
        identity.names.append(person.naam)
        identity.birth_dates.add(person.geboortedatum)
        for stay in Verblijfplaats.objects.filter(persoon=person):
            identity.addresses.setdefault(stay.adres_id, (stay.datum_aanvang, stay.datum_einde))
    if request.subject_address_id:
        identity.addresses[request.subject_address_id] = None
    for address in Nummeraanduiding.objects.filter(pk__in=identity.addresses):
        identity.address_texts.extend(_address_forms(address))
    if request.subject_address_text:
        identity.address_texts.append(normalise(request.subject_address_text))
    return identity


@dataclass
class Findings:
    identity: Identity
    signals: dict[int, set[str]] = field(default_factory=dict)  # signal id → found via
    reports: dict[int, set[str]] = field(default_factory=dict)  # signals the subject reported
    cases: dict[int, set[str]] = field(default_factory=dict)
    own_mentions: set[int] = field(default_factory=set)  # mentions that are the subject

    def add(self, bucket: dict, key: int, via: str) -> None:
        bucket.setdefault(key, set()).add(via)


def _in_period(moment, period) -> bool:
    if period is None:
        return True
    start, end = period
    day = timezone.localtime(moment).date()
    return start <= day and (end is None or day <= end)


def _text_mentions_address(text: str, forms: list[str]) -> bool:
    padded = f" {normalise(text)} "
    return any(form and f" {form} " in padded for form in forms)


def _numbers(forms: list[str]) -> set[str]:
    return {number for form in forms for number in re.findall(r"\d+", form)}


def _partially_identified(found: Findings, mentions, identity) -> None:
    """Persons recorded by name with a birth year or an estimated age, not a birth date (issue 12):
    theirs too when the name matches and the year fits (the privacyfunctionaris reviews every item)."""
    years = {born.year for born in identity.birth_dates}
    partial = (mentions.filter(birth_date__isnull=True).exclude(name="")
               .filter(Q(birth_year__isnull=False) | Q(age_from__isnull=False) | Q(age_to__isnull=False)))
    for mention in partial:
        born_from, born_to = birth_years(mention)
        if born_from is None or not any(born_from <= year <= born_to for year in years):
            continue
        if any(names_match(mention.name, name) for name in identity.names):
            found.add(found.signals, mention.signal_id, VIA_BIRTH_YEAR if mention.birth_year else VIA_AGE)
            found.own_mentions.add(mention.pk)


def find(request: AccessRequest) -> Findings:
    """Everything on the subject. Pure read: the caller checks access and logs."""
    identity = identity_of(request)
    found = Findings(identity)
    # An inzageverzoek is made to one controller: only its own records are searched.
    mentions = MentionedSubject.objects.filter(signal__gemeente_id=request.gemeente_id).select_related("signal")
    signals = Signal.objects.filter(gemeente_id=request.gemeente_id)
    if identity.bsns:
        for mention in mentions.filter(bsn__in=identity.bsns):
            found.add(found.signals, mention.signal_id, VIA_BSN)
            found.own_mentions.add(mention.pk)
    if identity.names and identity.birth_dates:
        for mention in mentions.filter(birth_date__in=identity.birth_dates).exclude(name=""):
            if any(names_match(mention.name, name) for name in identity.names):
                found.add(found.signals, mention.signal_id, VIA_NAME)
                found.own_mentions.add(mention.pk)
    if identity.names and identity.birth_dates:
        _partially_identified(found, mentions, identity)
    for address_id, period in identity.addresses.items():
        via = VIA_ADDRESS if period is None else VIA_BRP_ADDRESS
        for mention in mentions.filter(address_id=address_id):
            if _in_period(mention.signal.received_at, period):
                found.add(found.signals, mention.signal_id, via)
                if mention.kind == SubjectKind.ADRES:
                    found.own_mentions.add(mention.pk)
        for signal in signals.filter(address_id=address_id).only("id", "received_at"):
            if _in_period(signal.received_at, period):
                found.add(found.signals, signal.pk, via)
    numbers = _numbers(identity.address_texts)
    if numbers:
        number_filter = Q()
        for number in numbers:
            number_filter |= Q(address_text__contains=number)
        for mention in mentions.filter(number_filter):
            if _text_mentions_address(mention.address_text, identity.address_texts):
                found.add(found.signals, mention.signal_id, VIA_ADDRESS)
                if mention.kind == SubjectKind.ADRES:
                    found.own_mentions.add(mention.pk)
        location_filter = Q()
        for number in numbers:
            location_filter |= Q(location_text__contains=number)
        for signal in signals.filter(location_filter).only("id", "location_text"):
            if _text_mentions_address(signal.location_text, identity.address_texts):
                found.add(found.signals, signal.pk, VIA_ADDRESS)
    _find_reports(request, identity, found)
    _find_sealed(identity, found)
    for link in CasusSignal.objects.filter(signal_id__in=found.signals).select_related("signal"):
        found.add(found.cases, link.casus_id, f"signaal {link.signal.reference}")
    return found


def _find_reports(request: AccessRequest, identity: Identity, found: Findings) -> None:
    if identity.emails:
        by_email = Q()
        for email in identity.emails:
            by_email |= Q(email__iexact=email)
        for contact in ReporterContact.objects.filter(by_email, signal__gemeente_id=request.gemeente_id):
            found.add(found.reports, contact.signal_id, VIA_REPORTER_EMAIL)
    if request.subject_name:
        last = request.subject_name.split()[-1]
        contacts = ReporterContact.objects.filter(Q(name__icontains=last) | Q(name__icontains=normalise(last)),
                                                  signal__gemeente_id=request.gemeente_id)
        wanted = normalise(request.subject_name)
        for contact in contacts:
            # A reporter has no birth date on record: only the exact name counts.
            if normalise(contact.name) == wanted:
                found.add(found.reports, contact.signal_id, VIA_REPORTER_NAME)


def _find_sealed(identity: Identity, found: Findings) -> None:
    """Sealed 'geen actie' signals keep no clear-text subjects, but their log lines name the
    subject's BSN: such a signal is found through the log."""
    bsn_pseudonyms = [identity.pseudonymise(SubjectType.BSN, bsn) for bsn in identity.bsns]
    if not bsn_pseudonyms:
        return
    ids = (processing_lines([identity.gemeente]).filter(subject_pseudonym__in=bsn_pseudonyms, object_type="signal")
           .values_list("object_id", flat=True).distinct())
    for signal_id in Signal.objects.filter(pk__in=[i for i in ids if i.isdigit()], sealed__isnull=False,
                                           gemeente_id=identity.gemeente) \
            .values_list("pk", flat=True):
        found.add(found.signals, signal_id, VIA_LOG)


def log_pseudonyms(findings: Findings) -> list[str]:
    """Every pseudonym under which the log holds lines on this subject."""
    values = set(findings.identity.pseudonyms())
    identity = findings.identity
    values.update(identity.pseudonymise(SubjectType.INTERNAL, f"betrokkene:{pk}") for pk in findings.own_mentions)
    values.update(identity.pseudonymise(SubjectType.INTERNAL, f"signaal:{pk}") for pk in findings.signals)
    return sorted(values)


def log_lines(findings: Findings) -> list[ProcessingLogEntry]:
    """The log lines on the subject, oldest first. Lines on an address count only when they are
    about a signal that was found (the address may have had other residents before)."""
    address_pseudonyms = {p for p, kind in findings.identity.pseudonyms().items() if kind == SubjectType.BAG}
    found_signals = {str(pk) for pk in findings.signals}
    lines = []
    lines_of_gemeente = processing_lines([findings.identity.gemeente])
    for line in lines_of_gemeente.filter(subject_pseudonym__in=log_pseudonyms(findings)).order_by(
            "started_at", "id"):
        if line.subject_pseudonym in address_pseudonyms and not (
                line.object_type == "signal" and line.object_id in found_signals):
            continue
        lines.append(line)
    return lines


def signals_of(findings: Findings):
    ids = set(findings.signals) | set(findings.reports)
    return {s.pk: s for s in Signal.objects.filter(pk__in=ids).select_related("phenomenon", "address", "buurt")}
