"""Runs of background jobs are kept MELDPUNT_JOB_KEEP_DAYS (365) after they finished; the daily
retention run removes older ones (registered with retention's registry, like the apps' own parts).
A run holds no personal data — who started it is a user link — but an endless list helps nobody."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from meldpunt.core import peildatum
from meldpunt.privacy.retention import registry

from .models import ACTIVE, JobRun

TASK = "achtergrondtaken"


def _old(today: date | None):
    limit = peildatum.moment(today) - timedelta(days=settings.MELDPUNT_JOB_KEEP_DAYS)
    return JobRun.objects.exclude(state__in=ACTIVE).filter(created_at__lt=limit)


def daily(dry_run: bool, today: date | None = None) -> str:
    if dry_run:
        return f"Achtergrondtaken die zouden worden opgeruimd: {_old(today).count()}."
    deleted, _ = _old(today).delete()
    return f"Achtergrondtaken opgeruimd: {deleted}."


def register() -> None:
    registry.register_daily_task(TASK, daily)
