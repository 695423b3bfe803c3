"""Meldingen do not stay for ever (ADR 0029, "Bewaren").

- Daily (registered with retention's registry, like the other apps' own parts): a melding that was
  read goes MELDPUNT_NOTIFY_KEEP_DAYS (90) after it was made; one never read stays until
  MELDPUNT_NOTIFY_KEEP_UNREAD_DAYS (365), so nobody loses work they have not seen yet by being
  away for a while. A melding whose e-mail still waits is kept until it is sent or given up: the
  retry job owes it.
- When signals and casussen are destroyed, the meldingen about them go in the same transaction
  (a destroy hook): their kenmerk is no personal data, but a link to a dossier that no longer
  exists only confuses. An invitation goes with its casusoverleg (Notification.meeting cascades).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from meldpunt.core import peildatum
from meldpunt.privacy.retention import destroy_hooks, registry

from .models import EmailState, Notification

TASK = "meldingen"


def _old(today: date | None):
    now = peildatum.moment(today)
    read_limit = now - timedelta(days=settings.MELDPUNT_NOTIFY_KEEP_DAYS)
    unread_limit = now - timedelta(days=settings.MELDPUNT_NOTIFY_KEEP_UNREAD_DAYS)
    return (Notification.objects.exclude(email_state=EmailState.PENDING)
            .filter(Q(read_at__isnull=False, created_at__lt=read_limit) | Q(created_at__lt=unread_limit)))


def daily(dry_run: bool, today: date | None = None) -> str:
    if dry_run:
        return f"Meldingen die zouden worden opgeruimd: {_old(today).count()}."
    deleted, _ = _old(today).delete()
    return f"Meldingen opgeruimd: {deleted}."


def forget_destroyed(destroyed: destroy_hooks.Destroyed) -> None:
    """Delete the meldingen about destroyed signals and casussen (their kenmerk is the reference)."""
    if destroyed.references:
        Notification.objects.filter(kenmerk__in=destroyed.references).delete()


def register() -> None:
    destroy_hooks.register(forget_destroyed)
    registry.register_daily_task(TASK, daily)
