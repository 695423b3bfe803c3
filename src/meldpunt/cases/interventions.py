"""Writes of the plan van aanpak: interventions from the instrument catalogue, their progress
(monitoring) and reminders for overdue ones. An intervention starts only with its PC2B release
(P3); each department acts on its own legal power (the instrument's basis)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from meldpunt import policy
from meldpunt.notifications import services as notifications
from meldpunt.notifications.kenmerken import overdue_intervention_key
from meldpunt.notifications.models import Kind
from meldpunt.privacy import log
from meldpunt.protocol.transitions import CasusState

from .errors import CaseError
from .models import (
    Instrument,
    Intervention,
    InterventionStatus,
    InterventionUpdate,
    ReleaseKind,
    ReleaseState,
    Reminder,
)
from .services import check_manager, lock

PLANNING_STATES = (CasusState.CASUSOVERLEG, CasusState.PVA_VASTGESTELD, CasusState.UITVOERING)
# A deadline further ahead than this is a typing error (9999-12-31), not a plan (P8).
MAX_DEADLINE_DAYS = 5 * 365
S = InterventionStatus
# Which status may follow which; the uitvoerder reports, the regisseur may stop.
NEXT = {S.GEPLAND: {S.IN_UITVOERING, S.GESTOPT}, S.IN_UITVOERING: {S.AFGEROND, S.GESTOPT}}


def _subject(intervention: Intervention) -> list[log.DataSubject]:
    return [log.DataSubject("intern", f"interventie:{intervention.pk}")]


@transaction.atomic
def add(user, casus, instrument: Instrument, description: str, owner, deadline: date,
        department: str = "") -> Intervention:
    check_manager(user, casus)
    casus = lock(casus)
    problems = []
    if casus.state not in PLANNING_STATES:
        problems.append("Interventies horen bij het plan van aanpak: vanaf het casusoverleg tot de uitvoering.")
    if instrument is None or not instrument.active:
        problems.append("Kies een instrument uit de catalogus.")
    if owner is None or not policy.may_own_intervention(owner, casus.gemeente_id):
        problems.append("De eigenaar van een interventie heeft de rol uitvoerder.")
    if not (description or "").strip():
        problems.append("Beschrijf wat er gebeurt.")
    if deadline is None:
        problems.append("Kies een uiterste datum.")
    elif deadline < timezone.localdate():
        problems.append("De uiterste datum ligt in het verleden.")
    elif deadline > timezone.localdate() + timedelta(days=MAX_DEADLINE_DAYS):
        problems.append(f"De uiterste datum ligt meer dan {MAX_DEADLINE_DAYS // 365} jaar vooruit; kies een "
                        "haalbare datum.")
    if problems:
        raise CaseError(*problems)
    intervention = Intervention.objects.create(
        casus=casus, instrument=instrument, description=description.strip(), owner=owner,
        department=(department or instrument.department).strip()[:200], deadline=deadline,
        created_at=timezone.now(), created_by=user)
    log.record("interventie_toevoegen", "interventie", _subject(intervention), user=user, obj=casus,
               basis=instrument.legal_basis)
    return intervention


def has_pc2b(intervention: Intervention) -> bool:
    return intervention.release_requests.filter(kind=ReleaseKind.PC2B, state=ReleaseState.VRIJGEGEVEN).exists()


@transaction.atomic
def report(user, intervention: Intervention, status: str, note: str = "", result: str = "") -> InterventionUpdate:
    """Progress by the uitvoerder (or the regisseur): start, finish with a result, or stop."""
    lock(intervention.casus)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.owner_id != user.pk:
        check_manager(user, intervention.casus)
    problems = []
    if status not in NEXT.get(intervention.status, set()):
        raise CaseError(f"Een interventie met status '{intervention.get_status_display()}' kan niet naar "
                        f"'{S(status).label if status in S.values else status}'.")
    if status == S.IN_UITVOERING and not has_pc2b(intervention):
        problems.append("Deze interventie kan pas starten als de privacyfunctionaris heeft vrijgegeven wat de "
                        "uitvoerder nodig heeft (privacytoets 2B).")
    if status == S.AFGEROND and not (result or "").strip():
        problems.append("Beschrijf het resultaat van de interventie.")
    if status == S.GESTOPT and not (note or "").strip():
        problems.append("Licht toe waarom de interventie stopt.")
    if problems:
        raise CaseError(*problems)
    now = timezone.now()
    intervention.status = status
    fields = ["status"]
    if status == S.IN_UITVOERING:
        intervention.started_at = now
        fields.append("started_at")
    if status in (S.AFGEROND, S.GESTOPT):
        intervention.finished_at, intervention.result = now, (result or note).strip()
        fields += ["finished_at", "result"]
    intervention.save(update_fields=fields)
    update = InterventionUpdate.objects.create(intervention=intervention, at=now, by=user, status=status,
                                               note=(note or "").strip())
    log.record(f"interventie_{status}", "interventie", _subject(intervention), user=user, obj=intervention.casus,
               basis=intervention.instrument.legal_basis)
    return update


def overdue(today: date | None = None):
    today = today or timezone.localdate()
    return (Intervention.objects.filter(status__in=[S.GEPLAND, S.IN_UITVOERING], deadline__lt=today)
            .select_related("casus", "owner", "instrument"))


def remind_overdue(today: date | None = None) -> int:
    """One reminder per overdue intervention per day, to its uitvoerder; running it twice on one
    day sends nothing new (idempotent). The reminder is a melding (meldpunt.notifications): in the
    application and, by the uitvoerder's preference, by e-mail — the casus kenmerk and a link only."""
    today = today or timezone.localdate()
    sent = 0
    for intervention in overdue(today):
        try:
            with transaction.atomic():
                Reminder.objects.create(intervention=intervention, sent_on=today, recipient=intervention.owner)
                notifications.notify(intervention.owner, Kind.INTERVENTIE_VERLOPEN, intervention.casus.reference,
                                     reverse("cases:actie", args=[intervention.pk]),
                                     overdue_intervention_key(intervention.pk, today),
                                     gemeente=intervention.casus.gemeente_id)
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
