"""Celery tasks of meldingen (meldpunt.celery). Beat schedules ``meldpunt.notifications.scan``,
``meldpunt.notifications.digest`` (daily) and ``meldpunt.notifications.retry_pending`` (hourly);
``meldpunt.notifications.deliver`` is queued per melding after the write that made it commits."""

from __future__ import annotations

import smtplib
from datetime import date

from celery import shared_task

from . import delivery, signalering


@shared_task(name="meldpunt.notifications.deliver", autoretry_for=(smtplib.SMTPException, OSError),
             retry_backoff=True, max_retries=5)
def deliver(notification_id: int) -> bool:
    return delivery.deliver(notification_id)


@shared_task(name="meldpunt.notifications.digest")
def digest(peildatum: str | None = None) -> int:
    return delivery.send_digests(date.fromisoformat(peildatum) if peildatum else None)


@shared_task(name="meldpunt.notifications.scan")
def scan(peildatum: str | None = None) -> int:
    return signalering.scan(date.fromisoformat(peildatum) if peildatum else None)


@shared_task(name="meldpunt.notifications.retry_pending")
def retry_pending() -> int:
    return delivery.retry_pending()
