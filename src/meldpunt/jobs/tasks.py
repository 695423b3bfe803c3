"""The jobs app's own task: the heartbeat through the queue (every minute from Celery beat)."""

from celery import shared_task

from . import heartbeat


@shared_task(name="meldpunt.jobs.hartslag", ignore_result=True)
def hartslag() -> None:
    heartbeat.record()
