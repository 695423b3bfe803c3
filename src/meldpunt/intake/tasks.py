"""Jobs of intake (docs/adr/0028): the data rules (`meldpunt datasignalen run` calls the same
function), weekly from Celery beat."""

from __future__ import annotations

from celery import shared_task

from meldpunt.core import peildatum as core_peildatum
from meldpunt.jobs import runs
from meldpunt.jobs.base import Job

from . import rules


@shared_task(base=Job, name="meldpunt.intake.datasignalen", title="Signalen uit registraties (dataregels)")
def datasignalen(peildatum: str | None = None):
    runs.progress("Dataregels toepassen op de registraties")
    report = rules.run_rules(reference_date=core_peildatum.parse(peildatum))
    failed = [outcome.name for outcome in report.outcomes if outcome.error]
    if failed:
        raise runs.JobFailed(f"Niet uitgevoerd: {', '.join(failed)}.")
    return f"{report.created} nieuwe signalen in stap 1 (ontvangen)."
