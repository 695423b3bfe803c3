"""Jobs of the casus (docs/adr/0028): reminders for interventions past their deadline
(`meldpunt interventie_herinneringen` calls the same function), daily from Celery beat."""

from __future__ import annotations

from celery import shared_task

from meldpunt.core import peildatum as core_peildatum
from meldpunt.jobs.base import Job

from .interventions import remind_overdue


@shared_task(base=Job, name="meldpunt.cases.interventie_herinneringen", title="Herinneringen interventies")
def interventie_herinneringen(peildatum: str | None = None):
    sent = remind_overdue(core_peildatum.parse(peildatum))
    return f"{sent} herinnering(en) verstuurd."
