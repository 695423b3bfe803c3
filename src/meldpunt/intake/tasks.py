"""Jobs of intake (docs/adr/0028): the data rules (`meldpunt datasignalen run` calls the same
function), weekly from Celery beat; and a bulk import of signals started from the page
'Signalen importeren' (the API's POST /api/v1/imports stays synchronous and calls the same
function)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from meldpunt.core import peildatum as core_peildatum
from meldpunt.jobs import runs
from meldpunt.jobs.base import Job

from . import import_uploads, imports, rules
from .errors import BulkImportError

# Lines of a refused file's report shown on the job's page; the summary always gives the total.
REPORTED_LINES = 50


@shared_task(base=Job, name="meldpunt.intake.datasignalen", title="Signalen uit registraties (dataregels)")
def datasignalen(peildatum: str | None = None):
    runs.progress("Dataregels toepassen op de registraties")
    report = rules.run_rules(reference_date=core_peildatum.parse(peildatum))
    failed = [outcome.name for outcome in report.outcomes if outcome.error]
    if failed:
        raise runs.JobFailed(f"Niet uitgevoerd: {', '.join(failed)}.")
    return f"{report.created} nieuwe signalen in stap 1 (ontvangen)."


class _ImportJob(Job):
    abstract = True
    lock_argument = "upload"  # one file is never imported twice at once
    # A refused file is fixed by the person who uploaded it, not restarted by the beheerder.
    start_again = ("Een ander bestand importeren", "intake:signalen_importeren")


@shared_task(base=_ImportJob, name="meldpunt.intake.signalen_importeren", title="Signalen importeren")
def signalen_importeren(upload: str, extension: str, user_id: int):
    user = get_user_model().objects.get(pk=user_id)
    runs.progress("Het bestand lezen en de signalen vastleggen (alles of niets)")
    try:
        signals = imports.import_signals(user, f"bestand.{extension}", import_uploads.load(upload))
    except BulkImportError as error:
        import_uploads.discard(upload)  # refused for good: the same file would be refused again
        report = error.report()
        more = [f"… en nog {len(report) - REPORTED_LINES} fouten."] if len(report) > REPORTED_LINES else []
        # A ValueError: final, no retry (jobs.runs.is_final); the page shows every line.
        raise ValueError("\n".join([error.summary(), *report[:REPORTED_LINES], *more])) from error
    import_uploads.discard(upload)
    count = "1 signaal" if len(signals) == 1 else f"{len(signals)} signalen"
    return "\n".join([f"{count} ingelezen in stap 1 (ontvangen). De kenmerken:",
                      *(signal.reference for signal in signals)])
