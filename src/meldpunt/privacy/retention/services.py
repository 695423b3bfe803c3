"""Writes of the retention workflow: destruction lists (compose, review, cancel, execute) and
legal holds. One transaction each, checked against the access policy; refusals are Dutch.

The archivaris works on metadata only (reference, kind, result class, dates), never on content,
so composing and reviewing a list touch no personal data and are recorded on the list itself
(who, when, why). Executing it and legal holds are logged per data subject.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meldpunt import policy
from meldpunt.privacy import log
from meldpunt.tenancy import ownership
from meldpunt.tenancy.defaults import gemeente_or_only
from meldpunt.tenancy.models import Tenant

from . import dates, destruction, registry, selectors
from .errors import NotAllowed, RetentionError  # noqa: F401 (re-exported)
from .models import (
    OPEN_LIST_STATES,
    DestructionList,
    DestructionListItem,
    LegalHold,
    ListStatus,
    RecordKind,
)

MIN_REASON = 10




def cooling_off() -> timedelta:
    return timedelta(days=settings.MELDPUNT_DESTRUCTION_COOLING_OFF_DAYS)


def _require(allowed: bool, message: str) -> None:
    """Refuse with ``message`` when the policy said no (who may do what: meldpunt.policy.actions)."""
    if not allowed:
        raise NotAllowed(message)


def _lock(destruction_list: DestructionList) -> DestructionList:
    return DestructionList.objects.select_for_update().get(pk=destruction_list.pk)


@transaction.atomic
def compose(user, name: str, *, kind: str = "", result_class: str = "", until: date | None = None,
            references: list[str] | None = None, peildatum: date | None = None,
            gemeente: Tenant | None = None) -> DestructionList:
    """Put every record that is due (date passed, no hold, not on another open list) and matches
    the filters on a new list, and send it for review. ``peildatum``: what is due on that day (a
    rehearsal, `meldpunt retention lijst --peildatum`); the review and bedenktijd stay the same.
    The list is ``gemeente``'s (without one: the installation's only gemeente) and holds only that
    gemeente's records: each gemeente is its own controller (ADR 0030 §7)."""
    gemeente = gemeente_or_only(gemeente)
    _require(policy.may_compose_destruction_list(user, gemeente.code),
             "Alleen de archivaris stelt vernietigingslijsten op.")
    name = (name or "").strip()
    today = peildatum or timezone.localdate()
    problems = []
    if not name:
        problems.append("Geef de lijst een naam.")
    if until is not None and until > today:
        problems.append("Alleen dossiers waarvan de bewaartermijn al is verstreken kunnen op een lijst.")
    if problems:
        raise RetentionError(*problems)
    due = selectors.due_records(until=until or today, kind=kind, result_class=result_class,
                                references=references, include_listed=False, gemeente=gemeente)
    if not due:
        raise RetentionError("Er zijn geen dossiers die aan deze keuze voldoen en vernietigd mogen worden.")
    destruction_list = DestructionList.objects.create(gemeente=gemeente, name=name[:200],
                                                      composed_by=user, composed_at=timezone.now())
    DestructionListItem.objects.bulk_create(
        (DestructionListItem(destruction_list=destruction_list, kind=r.kind, object_id=r.pk, reference=r.reference,
                             result_class_code=r.result_class_code, destroy_after=r.destroy_after) for r in due),
        batch_size=5000)
    return destruction_list


@transaction.atomic
def review(user, destruction_list: DestructionList, approve: bool, note: str = "") -> DestructionList:
    """Four-eyes per person: anyone with a reviewer role except the composer approves or rejects.
    Approval starts the bedenktijd; rejection needs a reason and frees the records."""
    _require(policy.may_review_destruction_list(user, destruction_list.gemeente_id),
             "Uw rol mag vernietigingslijsten niet beoordelen.")
    destruction_list = _lock(destruction_list)
    if destruction_list.composed_by_id == user.pk:
        raise NotAllowed("U hebt deze lijst zelf opgesteld; een ander moet haar beoordelen.")
    if destruction_list.status != ListStatus.TER_BEOORDELING:
        raise RetentionError("Deze lijst staat niet ter beoordeling.")
    note = (note or "").strip()
    if not approve and len(note) < MIN_REASON:
        raise RetentionError("Geef bij afwijzen de reden (ten minste een zin).")
    now = timezone.now()
    destruction_list.reviewed_by = user
    destruction_list.reviewed_at = now
    destruction_list.review_note = note
    if approve:
        destruction_list.status = ListStatus.BEDENKTIJD
        destruction_list.cooling_off_until = now + cooling_off()
    else:
        destruction_list.status = ListStatus.AFGEWEZEN
    destruction_list.save()
    return destruction_list


@transaction.atomic
def cancel(user, destruction_list: DestructionList, note: str = "") -> DestructionList:
    """Stop a list before it is executed (during review or the bedenktijd)."""
    _require(policy.may_cancel_destruction_list(user, destruction_list.gemeente_id),
             "Uw rol mag vernietigingslijsten niet annuleren.")
    destruction_list = _lock(destruction_list)
    if destruction_list.status not in OPEN_LIST_STATES:
        raise RetentionError("Deze lijst kan niet meer worden geannuleerd.")
    destruction_list.status = ListStatus.GEANNULEERD
    destruction_list.cancelled_by = user
    destruction_list.cancelled_at = timezone.now()
    if note.strip():
        destruction_list.review_note = (destruction_list.review_note + "\n" + note.strip()).strip()
    destruction_list.save()
    return destruction_list


def execute(user, destruction_list: DestructionList):
    """Execute an approved list once its bedenktijd has passed (the archivaris; the daily job
    calls destruction.execute with no user)."""
    _require(policy.may_execute_destruction_list(user, destruction_list.gemeente_id),
             "Alleen de archivaris voert vernietigingslijsten uit.")
    return destruction.execute(destruction_list, user=user)


def _target(kind: str, reference: str):
    Casus, Signal = registry.model(registry.CASUS), registry.model(registry.SIGNAL)
    model = Signal if kind == RecordKind.SIGNAAL else Casus
    record = model.objects.filter(reference=(reference or "").strip()).first()
    if record is None:
        raise RetentionError(f"Er is geen {RecordKind(kind).label.lower()} met kenmerk {reference}.")
    return record


@transaction.atomic
def place_hold(user, kind: str, reference: str, reason: str, until: date | None = None) -> LegalHold:
    """Block destruction of one record (bezwaar, beroep, lopende procedure)."""
    _require(policy.may_place_legal_hold(user), "Uw rol mag geen bewaarplicht plaatsen.")
    if kind not in RecordKind.values:
        raise RetentionError("Kies een signaal of een casus.")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise RetentionError("Geef de reden van de bewaarplicht (ten minste een zin).")
    if until is not None and until < timezone.localdate():
        raise RetentionError("De einddatum van de bewaarplicht ligt in het verleden.")
    record = _target(kind, reference)
    if not policy.may_place_legal_hold(user, record.gemeente_id):
        # A record of a gemeente where the role is not held is answered like one that does not exist.
        raise RetentionError(f"Er is geen {RecordKind(kind).label.lower()} met kenmerk {reference}.")
    hold = LegalHold.objects.create(
        signal=record if kind == RecordKind.SIGNAAL else None, casus=record if kind == RecordKind.CASUS else None,
        reason=reason[:300], placed_by=user, placed_at=timezone.now(), until=until)
    log.record("bewaarplicht_plaatsen", "vernietigen", [log.DataSubject("intern", f"{kind}:{record.pk}")],
               user=user, obj=hold, basis=reason[:300])
    return hold


@transaction.atomic
def lift_hold(user, hold: LegalHold) -> LegalHold:
    _require(policy.may_place_legal_hold(user), "Uw rol mag geen bewaarplicht opheffen.")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    _require(policy.may_place_legal_hold(user, ownership.gemeente_code_of(hold)),
             "Uw rol mag geen bewaarplicht opheffen.")
    if hold.lifted_at is not None:
        raise RetentionError("Deze bewaarplicht is al opgeheven.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = user
    hold.save()
    kind, target = ("signaal", hold.signal_id) if hold.signal_id else ("casus", hold.casus_id)
    log.record("bewaarplicht_opheffen", "vernietigen", [log.DataSubject("intern", f"{kind}:{target}")],
               user=user, obj=hold)
    dates.recompute_hold_target(hold)
    return hold
