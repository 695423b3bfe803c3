"""Meldingen made when the domain writes: Django's post_save, inside the write's transaction.

Each receiver only reads the saved row and calls ``services.notify``, which makes the melding in the
same transaction (a rolled-back write leaves none) and queues the e-mail after commit. The domain
apps do not know this module exists; nothing here imports their services."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.urls import reverse

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.cases.models import Participant, ReleaseRequest
from meldpunt.intake.models import Signal
from meldpunt.privacy.retention.models import DestructionList
from meldpunt.protocol.models import StateChange
from meldpunt.protocol.research.models import DetailRequest, SourceRequest

from . import recipients
from .kenmerken import meeting_kenmerk
from .models import Kind
from .services import notify

WAITING = "aangevraagd"  # the state of a request (PC1, details, release) before its decision


def _privacy_officers_but(requester, gemeente) -> list:
    return recipients.with_roles(Role.PRIVACYFUNCTIONARIS, gemeente=gemeente, exclude=requester)


def release_saved(sender, instance, created, **kwargs):
    casus = instance.casus
    if instance.state == WAITING:
        for officer in _privacy_officers_but(instance.requested_by_id, casus.gemeente_id):
            notify(officer, Kind.PRIVACYTOETS_WACHT, casus.reference,
                   reverse("cases:vrijgave_besluiten", args=[instance.pk]), f"vrijgave:{instance.pk}:{officer.pk}",
                   gemeente=casus.gemeente_id)
    elif instance.decided_at:
        notify(instance.requested_by, Kind.BESLUIT, casus.reference,
               reverse("cases:casus", args=[casus.reference]), f"vrijgave-besluit:{instance.pk}",
               gemeente=casus.gemeente_id)


def source_request_saved(sender, instance, created, **kwargs):
    signal = instance.signal
    if instance.state == WAITING:
        for officer in _privacy_officers_but(instance.requested_by_id, signal.gemeente_id):
            notify(officer, Kind.PRIVACYTOETS_WACHT, signal.reference,
                   reverse("protocol:bron_pc1", args=[instance.pk]), f"bronverzoek:{instance.pk}:{officer.pk}",
                   gemeente=signal.gemeente_id)
    elif instance.decided_at:
        notify(instance.requested_by, Kind.BESLUIT, signal.reference,
               reverse("protocol:signaal", args=[signal.reference]), f"bronverzoek-besluit:{instance.pk}",
               gemeente=signal.gemeente_id)


def detail_request_saved(sender, instance, created, **kwargs):
    signal = instance.hit.request.signal
    if instance.state == WAITING:
        for officer in _privacy_officers_but(instance.requested_by_id, signal.gemeente_id):
            notify(officer, Kind.PRIVACYTOETS_WACHT, signal.reference,
                   reverse("protocol:bron_details_besluit", args=[instance.pk]),
                   f"details:{instance.pk}:{officer.pk}", gemeente=signal.gemeente_id)
    elif instance.decided_at:
        notify(instance.requested_by, Kind.BESLUIT, signal.reference,
               reverse("protocol:bron_details", args=[signal.reference, instance.pk]),
               f"details-besluit:{instance.pk}", gemeente=signal.gemeente_id)


def participant_saved(sender, instance, created, **kwargs):
    if not created:
        return
    meeting, user = instance.meeting, instance.user
    link = (reverse("cases:overleg", args=[meeting.pk]) if policy.may_organise_meeting(user, meeting.gemeente_id)
            else reverse("web:mijn_casussen"))
    notify(user, Kind.UITNODIGING, meeting_kenmerk(meeting), link, f"uitnodiging:{meeting.pk}:{user.pk}",
           gemeente=meeting.gemeente_id, meeting=meeting)


def destruction_list_saved(sender, instance, created, **kwargs):
    if instance.status != "ter_beoordeling":
        return
    reviewers = recipients.with_roles(*settings.MELDPUNT_DESTRUCTION_REVIEWER_ROLES, gemeente=instance.gemeente_id,
                                      exclude=instance.composed_by_id)
    for reviewer in reviewers:
        notify(reviewer, Kind.VERNIETIGINGSLIJST, instance.name, reverse("retention:lijst", args=[instance.pk]),
               f"vernietigingslijst:{instance.pk}:{reviewer.pk}", gemeente=instance.gemeente_id)


def signal_saved(sender, instance, created, update_fields=None, **kwargs):
    if not instance.assigned_to_id or (update_fields is not None and "assigned_to" not in update_fields):
        return
    # Taking a signal on oneself (the teamlid who decides W3) is not news to that person.
    last = StateChange.objects.filter(signal=instance).order_by("-at", "-id").values_list("by_id", flat=True).first()
    if last == instance.assigned_to_id:
        return
    notify(instance.assigned_to, Kind.SIGNAAL_TOEGEWEZEN, instance.reference,
           reverse("protocol:signaal", args=[instance.reference]),
           f"toegewezen:{instance.pk}:{instance.assigned_to_id}", gemeente=instance.gemeente_id)


def connect() -> None:
    for model, receiver in ((ReleaseRequest, release_saved), (SourceRequest, source_request_saved),
                            (DetailRequest, detail_request_saved), (Participant, participant_saved),
                            (DestructionList, destruction_list_saved), (Signal, signal_saved)):
        post_save.connect(receiver, sender=model, dispatch_uid=f"notifications_{model.__name__}")
