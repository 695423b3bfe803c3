"""The daily signalering (like Signalen's): work that waits too long or whose deadline nears makes a
melding for whoever has to act. Every melding has a dedupe key, so running the scan twice on one day
(or on every day of a week) tells a person of the same thing once; the overdue intervention is the
exception that is told again each day, like the reminder job (cases/interventions.py) always did.

Signals that became late more than MELDPUNT_NOTIFY_CATCH_UP_DAYS before the peildatum are left to
the werkvoorraad: the first scan of an installation with a backlog must not mail hundreds of
meldingen. Interventions and inzageverzoeken are few and each one counts: those are always told.

``peildatum`` is the day the scan takes as today (``meldpunt meldingen scan --peildatum``): only the
decisions use it, every timestamp written is the real moment."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.cases.models import Intervention
from meldpunt.core import peildatum as peildata
from meldpunt.intake.models import Signal
from meldpunt.privacy.inzage.models import AccessRequest
from meldpunt.privacy.retention.models import DestructionList

from . import recipients
from .kenmerken import overdue_intervention_key
from .models import Kind, Notification
from .receivers import destruction_list_saved
from .services import notify

OPEN_INTERVENTION = ("gepland", "in_uitvoering")
# What a scan reads of a signal: enough for the melding (its gemeente included) and its recipients.
SIGNAL_FIELDS = ("pk", "reference", "state", "assigned_to", "gemeente")


class _Holders:
    """Role holders, looked up once per scan."""

    def __init__(self):
        self._cache: dict[tuple, list] = {}

    def __call__(self, *roles, gemeente=None) -> list:
        key = (roles, gemeente)
        if key not in self._cache:
            self._cache[key] = recipients.with_roles(*roles, gemeente=gemeente)
        return self._cache[key]


def _signal_recipients(signal, holders) -> list:
    if signal.assigned_to_id and signal.assigned_to.is_active:
        return [signal.assigned_to]
    return holders(*policy.QUEUE_ROLES[signal.state], gemeente=signal.gemeente_id)


def _waiting_signals(day: date, holders) -> int:
    since = peildata.moment(day) - timedelta(days=settings.MELDPUNT_NOTIFY_QUEUE_DAYS)
    catch_up = since - timedelta(days=settings.MELDPUNT_NOTIFY_CATCH_UP_DAYS)
    made = 0
    for signal in (Signal.objects.filter(state__in=policy.QUEUE_ROLES, state_since__lte=since, state_since__gt=catch_up)
                   .select_related("assigned_to").only(*SIGNAL_FIELDS, "state_since")):
        link = reverse("protocol:signaal", args=[signal.reference])
        for user in _signal_recipients(signal, holders):
            key = f"wacht:{signal.pk}:{signal.state}:{signal.state_since:%Y%m%d}:{user.pk}"
            made += notify(user, Kind.SIGNAAL_WACHT, signal.reference, link, key,
                           gemeente=signal.gemeente_id) is not None
    return made


def _signal_deadlines(day: date, holders) -> int:
    horizon = day + timedelta(days=settings.MELDPUNT_NOTIFY_DEADLINE_DAYS)
    catch_up = day - timedelta(days=settings.MELDPUNT_NOTIFY_CATCH_UP_DAYS)
    made = 0
    for signal in (Signal.objects.filter(state__in=policy.QUEUE_ROLES, deadline__lte=horizon, deadline__gte=catch_up)
                   .select_related("assigned_to").only(*SIGNAL_FIELDS, "deadline")):
        link = reverse("protocol:signaal", args=[signal.reference])
        for user in _signal_recipients(signal, holders):
            key = f"termijn:{signal.pk}:{signal.deadline:%Y%m%d}:{user.pk}"
            made += notify(user, Kind.TERMIJN_NADERT, signal.reference, link, key,
                           gemeente=signal.gemeente_id) is not None
    return made


def _interventions(day: date) -> int:
    horizon = day + timedelta(days=settings.MELDPUNT_NOTIFY_DEADLINE_DAYS)
    made = 0
    for intervention in (Intervention.objects.filter(status__in=OPEN_INTERVENTION, deadline__lte=horizon)
                         .select_related("casus", "owner")):
        link = reverse("cases:actie", args=[intervention.pk])
        if intervention.deadline < day:
            kind, key = Kind.INTERVENTIE_VERLOPEN, overdue_intervention_key(intervention.pk, day)
        else:
            kind, key = Kind.INTERVENTIE_BIJNA, f"interventie-bijna:{intervention.pk}:{intervention.deadline:%Y%m%d}"
        made += notify(intervention.owner, kind, intervention.casus.reference, link, key,
                       gemeente=intervention.casus.gemeente_id) is not None
    return made


def _inzage(day: date, holders) -> int:
    horizon = day + timedelta(days=settings.MELDPUNT_NOTIFY_DEADLINE_DAYS)
    made = 0
    due = (Q(extended_until__isnull=True, deadline__lte=horizon) | Q(extended_until__lte=horizon))
    for request in (AccessRequest.objects.exclude(status="afgehandeld").filter(due)
                    .only("pk", "reference", "deadline", "extended_until", "gemeente")):
        deadline = request.effective_deadline
        link = reverse("inzage:verzoek", args=[request.reference])
        for user in holders(Role.PRIVACYFUNCTIONARIS, gemeente=request.gemeente_id):
            key = f"inzage:{request.pk}:{deadline:%Y%m%d}:{user.pk}"
            made += notify(user, Kind.INZAGE_TERMIJN, request.reference, link, key,
                           gemeente=request.gemeente_id) is not None
    return made


def _destruction_lists() -> int:
    before = Notification.objects.filter(kind=Kind.VERNIETIGINGSLIJST).count()
    for destruction_list in DestructionList.objects.filter(status="ter_beoordeling"):
        destruction_list_saved(DestructionList, destruction_list, created=False)
    return Notification.objects.filter(kind=Kind.VERNIETIGINGSLIJST).count() - before


def scan(peildatum: date | None = None) -> int:
    """Make the meldingen of the day; returns how many are new. The e-mails go after each part's
    commit (direct) or with the daily digest."""
    day = peildatum or peildata.moment(None).date()
    holders = _Holders()
    made = 0
    for part in (lambda: _waiting_signals(day, holders), lambda: _signal_deadlines(day, holders),
                 lambda: _interventions(day), lambda: _inzage(day, holders), _destruction_lists):
        with transaction.atomic():
            made += part()
    return made
