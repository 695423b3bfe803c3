"""The worker's heartbeat (meldpunt.health.heartbeat, read by /gezondheid/werker): recorded by a
bootstep of every worker at start and every MELDPUNT_WORKER_HEARTBEAT_SECONDS (30) while it runs, and by the beat task
'meldpunt.jobs.hartslag' that goes through the queue."""

from __future__ import annotations

import logging

from celery import bootsteps

logger = logging.getLogger(__name__)


def record() -> None:
    # Imported when a worker runs: this module loads with the Celery app, before Django is set up.
    from meldpunt.health import heartbeat

    try:
        heartbeat.record()
    except Exception:
        # A cache that does not answer must not stop the worker; the missing heartbeat alerts.
        logger.warning("Hartslag van de werker kon niet worden vastgelegd", exc_info=True)


class Heartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker):
        # Imported when the worker starts: this module loads with the Celery app, before Django is set up.
        from django.conf import settings

        record()
        self.timer_ref = worker.timer.call_repeatedly(settings.MELDPUNT_WORKER_HEARTBEAT_SECONDS, record, priority=10)

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
