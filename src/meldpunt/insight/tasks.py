"""Jobs of the ondermijningsbeeld (docs/adr/0028): a new snapshot on demand — started by the
analist or beheerder from the page, with progress — and the scheduled run, which makes a snapshot
only when one is due under MELDPUNT_BEELD_SCHEDULE (so Celery beat, a timer or cron may call it daily).
The management command `meldpunt beeld regenerate|run-due` calls the same services."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from meldpunt.core import peildatum as core_peildatum
from meldpunt.jobs import runs
from meldpunt.jobs.base import Job

from . import services
from .models import Trigger

# export, four pipeline steps, writing, comparing (as the command's progress bar)
STEPS = 7


def _progress():
    done = {"n": 0}

    def step(label: str) -> None:
        done["n"] += 1
        runs.progress(f"Stap {min(done['n'], STEPS)} van {STEPS}: {label}", min(99, done["n"] * 100 // STEPS))

    return step


def _outcome(snapshot):
    seconds = max(1, round(snapshot.seconds))
    text = (f"Versie {snapshot.version} gemaakt in {seconds} {'seconde' if seconds == 1 else 'seconden'}: "
            f"{snapshot.cell_count} cellen, {snapshot.suppressed_primary + snapshot.suppressed_secondary} afgeschermd.")
    return text, reverse("insight:snapshot", args=[snapshot.version])


@shared_task(base=Job, name="meldpunt.insight.beeld_maken", title="Nieuw ondermijningsbeeld maken")
def beeld_maken(user_id: int | None = None, peildatum: str | None = None):
    user = get_user_model().objects.get(pk=user_id) if user_id else None
    snapshot = services.regenerate(user=user, trigger=Trigger.ON_DEMAND, progress=_progress(),
                                   reference_date=core_peildatum.parse(peildatum))
    return _outcome(snapshot)


@shared_task(base=Job, name="meldpunt.insight.beeld_volgens_schema",
             title="Ondermijningsbeeld volgens schema bijwerken")
def beeld_volgens_schema():
    snapshot = services.run_due(progress=_progress())
    if snapshot is None:
        return "Niets te doen: in deze periode is al een momentopname gemaakt."
    return _outcome(snapshot)


# Kept for callers of the scheduler interface before the queue (`from meldpunt.insight.tasks import run_due`).
run_due = services.run_due
