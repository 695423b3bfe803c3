"""Celery tasks of meldingen (meldpunt.celery). Beat schedules ``meldpunt.notifications.scan``,
``meldpunt.notifications.digest`` (daily) and ``meldpunt.notifications.retry_pending`` (hourly);
``meldpunt.notifications.deliver`` is queued per melding after the write that made it commits."""

from __future__ import annotations

import smtplib

from celery import shared_task

from meldpunt.core import peildatum as core_peildatum
from meldpunt.jobs.base import Job

from . import delivery, signalering


@shared_task(name="meldpunt.notifications.deliver", autoretry_for=(smtplib.SMTPException, OSError),
             retry_backoff=True, max_retries=5)
def deliver(notification_id: int) -> bool:
    return delivery.deliver(notification_id)


# The scheduled ones are jobs (meldpunt.jobs): recorded as runs, never two at once, retried and
# shown to the beheerder when they fail; startable from "Achtergrondtaken".
@shared_task(base=Job, name="meldpunt.notifications.digest", title="Meldingen: dagelijkse samenvatting per e-mail")
def digest(peildatum: str | None = None) -> str:
    sent = delivery.send_digests(core_peildatum.parse(peildatum))
    return f"{sent} samenvatting(en) verstuurd."


@shared_task(base=Job, name="meldpunt.notifications.scan", title="Meldingen: wachtend en te laat werk")
def scan(peildatum: str | None = None) -> str:
    made = signalering.scan(core_peildatum.parse(peildatum))
    return f"{made} nieuwe melding(en)."


@shared_task(base=Job, name="meldpunt.notifications.retry_pending", title="Meldingen: e-mails opnieuw versturen")
def retry_pending() -> str:
    sent = delivery.retry_pending()
    return f"{sent} e-mail(s) opnieuw verstuurd."
