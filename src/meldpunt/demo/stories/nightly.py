"""The night before the demo day: the scheduled jobs ran as Celery beat would start them, so the
beheerder's Achtergrondtaken shows real runs and the signalering has told people of late work."""

from __future__ import annotations

from datetime import date

from meldpunt.cases import tasks as case_tasks
from meldpunt.notifications import tasks as notification_tasks


def run(today: date) -> None:
    """The jobs that only add (meldingen, reminders, the digest) — not the retention run, which would
    execute the demo's destruction lists before anyone looked at them, nor a second beeld."""
    peildatum = today.isoformat()
    notification_tasks.scan.start(peildatum=peildatum)
    case_tasks.interventie_herinneringen.start(peildatum=peildatum)
    notification_tasks.digest.start(peildatum=peildatum)
