"""Jobs of the retention module (docs/adr/0028): the daily run (`meldpunt retention run` calls the
same function) and the execution of one approved destruction list, started by the archivaris from
the list's page. Each list has its own lock: one list is never executed twice at once."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from meldpunt.core import peildatum as core_peildatum
from meldpunt.jobs import runs
from meldpunt.jobs.base import Job

from . import destruction, jobs, services
from .models import DestructionList


@shared_task(base=Job, name="meldpunt.retention.dagelijks", title="Bewaartermijnen (dagelijkse taak)")
def dagelijks(peildatum: str | None = None):
    runs.progress("Bewaartermijnen herberekenen, anonimiseren en vernietigen")
    summary = jobs.run(peildatum=core_peildatum.parse(peildatum))
    if summary.failed:
        # Retried with backoff, then shown to the beheerder; the summary says which part failed.
        raise runs.JobFailed("Niet alle onderdelen van de bewaartermijnentaak zijn gelukt.")
    return "\n".join(summary.lines) or "Niets te doen."


class _ListJob(Job):
    abstract = True
    lock_argument = "list_id"

    def title_for(self, arguments: dict) -> str:
        found = DestructionList.objects.filter(pk=arguments.get("list_id")).first()
        return f"Vernietigingslijst uitvoeren: {found.name}" if found else "Vernietigingslijst uitvoeren"


@shared_task(base=_ListJob, name="meldpunt.retention.vernietigen")
def vernietigen(list_id: int, user_id: int | None = None):
    user = get_user_model().objects.get(pk=user_id) if user_id else None
    runs.progress("Dossiers vernietigen en de verklaring opmaken")
    destruction_list = DestructionList.objects.get(pk=list_id)
    outcome = services.execute(user, destruction_list) if user else destruction.execute(destruction_list)
    return (f"{sum(outcome.destroyed.values())} dossiers vernietigd. "
            f"De verklaring van vernietiging is {outcome.statement.number}.",
            reverse("retention:lijst", args=[list_id]))
