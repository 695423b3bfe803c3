"""The base class of every job: a Celery task that records itself as a JobRun, holds the job's
lock while it runs, reports progress, and is retried with backoff before it is shown as failed."""

from __future__ import annotations

import logging

from celery import Task
from django.conf import settings

from meldpunt.privacy import trace

from . import runs

logger = logging.getLogger(__name__)


class Job(Task):
    """Subclass attributes: ``title`` (the job in Dutch words, as people see it), for jobs on
    one object ``lock_argument`` (the argument whose value makes its own lock), and optionally
    ``start_again``."""

    abstract = True
    title = ""
    lock_argument = ""
    # For a job a person starts from a form: (link text, url name) offered on the job's page when it
    # failed, e.g. to upload another file ("" : none).
    start_again: tuple[str, str] | None = None
    # Celery's own acknowledgement: late, so a job whose worker dies is delivered again.
    acks_late = True
    # The run's id travels as the extra argument ``job_run``; Celery must not refuse it.
    typing = False

    def lock_key(self, arguments: dict) -> str:
        if self.lock_argument:
            return f"{self.name}:{arguments.get(self.lock_argument)}"
        return self.name

    def title_for(self, arguments: dict) -> str:
        return self.title or self.name

    def start(self, *, user=None, gemeente=None, **arguments):
        """Start this job (see runs.start): queued, or at once in the embedded default. ``gemeente``:
        the gemeente it works for (None: the whole installation); it is not a task argument."""
        return runs.start(self, user=user, gemeente=gemeente, **arguments)

    def __call__(self, *args, job_run: int | None = None, **kwargs):
        run = runs.begin(self, job_run, kwargs)
        if run is None:
            return None
        token = runs.CURRENT.set(run.pk)
        try:
            # A span of its own, and failure lines for the writes an exception rolls back
            # (Logboek Dataverwerkingen, docs/adr/0025), as the management commands have.
            with trace.job_span(self.title_for(kwargs)):
                outcome = self.run(*args, **kwargs)
        except Exception as error:
            logger.exception("Achtergrondtaak %s mislukt (poging %s)", self.name, run.attempts)
            retries = settings.MELDPUNT_JOB_RETRIES
            if not runs.in_process() and not runs.is_final(error) and self.request.retries < retries:
                countdown = settings.MELDPUNT_JOB_RETRY_SECONDS * 2 ** self.request.retries
                runs.will_retry(run, error, countdown)
                raise self.retry(kwargs={**kwargs, "job_run": run.pk}, countdown=countdown, exc=error,
                                 max_retries=retries) from error
            runs.failed(run, error)
            raise
        finally:
            runs.CURRENT.reset(token)
        text, url = outcome if isinstance(outcome, tuple) else (outcome or "", "")
        runs.done(run, text, url)
        return text
