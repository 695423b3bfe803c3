"""Pages of background jobs: the beheerder's 'Achtergrondtaken' (recent runs, failed ones first,
'Opnieuw starten', the schedule) and the page of one job with its progress (htmx polls a part of
the page every two seconds while the job is active; without JavaScript, reloading shows the same)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from meldpunt import policy
from meldpunt.celery import app
from meldpunt.web.access import page

from . import runs, selectors


@page("beheer")
def achtergrondtaken(request):
    return render(request, "jobs/achtergrondtaken.html", {
        "failed": selectors.failed(), "recent": selectors.recent(), "schedule": selectors.schedule(),
        "in_process": selectors.runs_in_process(),
    })


@page("beheer")
@require_POST
def opnieuw(request, pk):
    run = selectors.run(pk)
    if run is None:
        raise Http404("Deze achtergrondtaak bestaat niet.")
    return redirect("jobs:taak", runs.restart(request.user, run).pk)


@page("beheer")
@require_POST
def nu_starten(request, key):
    """'Nu starten' of a scheduled job: the same run the schedule makes, now (idempotent jobs)."""
    task = selectors.scheduled_job(key)
    if task is None:
        raise Http404("Deze taak staat niet in het schema.")
    return redirect("jobs:taak", task.start(user=request.user).pk)


@page("achtergrondtaak")
def taak(request, pk):
    run = selectors.run(pk)
    if run is None:
        raise Http404("Deze achtergrondtaak bestaat niet.")
    if not policy.may_follow_job(request.user, run):
        raise PermissionDenied("U kunt alleen achtergrondtaken volgen die u zelf hebt gestart.")
    template = "jobs/includes/voortgang.html" if request.headers.get("HX-Request") else "jobs/taak.html"
    return render(request, template, {"run": run, "back": _back(request.user), "again": _again(run)})


def _again(run) -> tuple[str, str] | None:
    """Where to start over after a failure the person can fix (another file), when the job says."""
    if not run.failed:
        return None
    app.loader.import_default_modules()  # every app's tasks.py, wherever this runs
    task = app.tasks.get(run.task_name)
    again = getattr(task, "start_again", None)
    return (again[0], reverse(again[1])) if again else None


def _back(user) -> tuple[str, str]:
    if policy.may_open(user, "beheer"):
        return "jobs:achtergrondtaken", "Naar de achtergrondtaken"
    if policy.may_open(user, "ondermijningsbeeld"):
        return "insight:snapshots", "Naar de versies van het ondermijningsbeeld"
    return "web:start", "Naar de startpagina"
