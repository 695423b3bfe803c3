"""Reads of background jobs for the pages (no personal data: titles, states, Dutch texts)."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from meldpunt.celery import app

from .base import Job
from .models import JobRun, State

DAYS = {"0": "zondag", "1": "maandag", "2": "dinsdag", "3": "woensdag", "4": "donderdag", "5": "vrijdag",
        "6": "zaterdag"}


# Scheduled tasks that are not jobs (no JobRun row each minute) by their Dutch name.
TITLES = {"meldpunt.jobs.hartslag": "Hartslag van de werker"}


def recent(limit: int = 50):
    return JobRun.objects.select_related("started_by")[:limit]


def failed(days: int = 14):
    """Failed runs of the last ``days`` that were not started again since."""
    since = timezone.now() - timedelta(days=days)
    restarted = JobRun.objects.filter(retry_of__isnull=False).values("retry_of")
    return (JobRun.objects.filter(state=State.MISLUKT, created_at__gte=since).exclude(pk__in=restarted)
            .select_related("started_by"))


def run(pk: int) -> JobRun | None:
    return JobRun.objects.select_related("started_by").filter(pk=pk).first()


def _when(schedule) -> str:
    if isinstance(schedule, crontab):
        minute, hour = min(schedule.minute), min(schedule.hour)
        if len(schedule.hour) == 24:
            return f"elk uur, {minute} minuten over het hele uur"
        days = sorted(schedule.day_of_week)
        if len(days) == 7:
            return f"elke dag om {hour:02d}:{minute:02d}"
        return f"elke {', '.join(DAYS[str(d)] for d in days)} om {hour:02d}:{minute:02d}"
    seconds = int(getattr(schedule, "total_seconds", lambda: schedule)())
    return "elke minuut" if seconds == 60 else f"elke {seconds} seconden"


def schedule() -> list[dict]:
    """The beat schedule in words: which job, when."""
    app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them
    rows = []
    for key, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = app.tasks.get(entry["task"])
        title = getattr(task, "title", "") or TITLES.get(entry["task"], "")
        rows.append({"key": key, "title": title, "when": _when(entry["schedule"]),
                     "startable": isinstance(task, Job)})
    return rows


def scheduled_job(key: str) -> Job | None:
    """The job of schedule entry ``key``, for 'Nu starten'; None for anything else."""
    entry = settings.CELERY_BEAT_SCHEDULE.get(key)
    if entry is None:
        return None
    app.loader.import_default_modules()
    task = app.tasks.get(entry["task"])
    return task if isinstance(task, Job) else None


def runs_in_process() -> bool:
    return bool(app.conf.task_always_eager)
