"""Writes of a job run: start (put on the queue, or run in the process), begin, progress, done,
failed, retry. The lock is the database's: at most one active run per lock key (models.JobRun),
which holds across any number of workers and web processes and on SQLite as on PostgreSQL."""

from __future__ import annotations

import contextvars
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from meldpunt.celery import app
from meldpunt.core.errors import MeldpuntError

from .errors import JobFailed
from .models import ACTIVE, JobRun, State

logger = logging.getLogger(__name__)

# The run the current task works for, so that deep service code can report progress without
# knowing about jobs (``progress(...)``).
CURRENT: contextvars.ContextVar[int | None] = contextvars.ContextVar("meldpunt_job_run", default=None)

# Errors that say the job cannot be done as asked: a retry would fail the same way.

FINAL_ERRORS = (CommandError, MeldpuntError, PermissionDenied, ValidationError, ValueError, ObjectDoesNotExist)


def is_final(error: Exception) -> bool:
    """A refusal or bad input fails at once; a job that did not fully succeed (JobFailed) is tried again."""
    return isinstance(error, FINAL_ERRORS) and not isinstance(error, JobFailed)


def in_process() -> bool:
    """True in the embedded default: no broker, every job runs at once in the calling process."""
    return bool(app.conf.task_always_eager)


def _stale_after() -> timedelta:
    return timedelta(hours=settings.MELDPUNT_JOB_STALE_HOURS)


def _release_stale(lock_key: str) -> None:
    """A run that has been active far longer than any job takes lost its worker (a crash, a
    restart): mark it failed so that the job can run again."""
    limit = timezone.now() - _stale_after()
    JobRun.objects.filter(lock_key=lock_key, state__in=ACTIVE, created_at__lt=limit).update(
        state=State.MISLUKT, finished_at=timezone.now(),
        error_text="Onderbroken: de taak gaf te lang geen teken van leven (werker gestopt?).")


def describe(error: BaseException) -> str:
    """The failure in Dutch, without personal data: our own refusals say what was wrong; anything
    else gets a general sentence (the details go to the worker's log, not to the page)."""
    if isinstance(error, MeldpuntError | PermissionDenied | ValueError | CommandError) and str(error):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, ObjectDoesNotExist):
        return "Wat deze taak moest bewerken, bestaat niet meer."
    if isinstance(error, OSError):
        return "De taak kon een bestand of map niet lezen of schrijven. Controleer de schijf en de rechten."
    if isinstance(error, DatabaseError):
        return "De database gaf een fout. Controleer of de database bereikbaar is."
    return "Er ging iets onverwachts mis. De technische details staan in het logboek van de werker."


def start(task, *, user=None, gemeente=None, retry_of: JobRun | None = None, **arguments) -> JobRun:
    """Start ``task`` for ``user`` (None: the system). ``gemeente`` (a Tenant or its code) is the
    gemeente the job works for, e.g. a destruction list's; None: the whole installation. When the
    same job is already queued or running, start nothing and return that run: a job never runs
    twice at once. In the embedded default the job runs here and now, and the run returned is
    finished."""
    lock_key = task.lock_key(arguments)
    _release_stale(lock_key)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                run = JobRun.objects.create(task_name=task.name, title=task.title_for(arguments), lock_key=lock_key,
                                            arguments=arguments, started_by=user, retry_of=retry_of,
                                            gemeente_id=getattr(gemeente, "pk", gemeente))
            break
        except IntegrityError:
            running = JobRun.objects.filter(lock_key=lock_key, state__in=ACTIVE).first()
            if running is not None:
                return running
            # The run that held the lock ended between our insert and this read: try again.
    else:
        raise IntegrityError(f"Achtergrondtaak {task.name}: geen run kunnen vastleggen")
    if in_process():
        _send(task, run)
    else:
        # The worker must find the row: send once the row is committed.
        transaction.on_commit(lambda: _send(task, run))
    run.refresh_from_db()
    return run


def _send(task, run: JobRun) -> None:
    try:
        task.apply_async(kwargs={**run.arguments, "job_run": run.pk})
    except Exception as error:
        if in_process():
            # The task itself recorded its failure on the run, and the page shows it; a failure
            # before the task began (its arguments) is recorded here.
            logger.warning("Achtergrondtaak %s mislukt in het proces: %s", run.task_name, type(error).__name__)
            JobRun.objects.filter(pk=run.pk, state=State.WACHTRIJ).update(
                state=State.MISLUKT, finished_at=timezone.now(), error_text=describe(error))
            return
        logger.exception("Achtergrondtaak %s kon niet in de wachtrij", run.task_name)
        JobRun.objects.filter(pk=run.pk).update(
            state=State.MISLUKT, finished_at=timezone.now(),
            error_text="De taak kon niet in de wachtrij worden gezet: de wachtrij (Redis) is niet bereikbaar.")


def begin(task, run_id: int | None, arguments: dict) -> JobRun | None:
    """Mark the run as running; None when it must not run (another run of the job is active)."""
    if run_id is None:
        # Sent without start() (Celery beat, a shell): the run row is made here, under the same lock.
        lock_key = task.lock_key(arguments)
        _release_stale(lock_key)
        now = timezone.now()
        fields = {"task_name": task.name, "title": task.title_for(arguments), "lock_key": lock_key,
                  "arguments": arguments}
        try:
            with transaction.atomic():
                return JobRun.objects.create(**fields, state=State.BEZIG, started_at=now, attempts=1)
        except IntegrityError:
            JobRun.objects.create(**fields, state=State.OVERGESLAGEN, started_at=now, finished_at=now,
                                  result_text="Niet uitgevoerd: deze taak liep al.")
            return None
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state not in (State.WACHTRIJ, State.OPNIEUW):
            # Done already, or running in another worker (a message delivered twice): leave it.
            return None
        run.state = State.BEZIG
        run.started_at = run.started_at or timezone.now()
        run.attempts += 1
        run.save(update_fields=["state", "started_at", "attempts"])
    return run


def progress(text: str, percent: int | None = None) -> None:
    """Report how far the current job is (a no-op outside a job, e.g. in a management command)."""
    run_id = CURRENT.get()
    if run_id is not None:
        JobRun.objects.filter(pk=run_id).update(progress_text=text[:200], progress_percent=percent)


def done(run: JobRun, text: str = "", url: str = "") -> None:
    JobRun.objects.filter(pk=run.pk).update(state=State.KLAAR, finished_at=timezone.now(), result_text=text,
                                            result_url=url, progress_percent=100, error_text="")


def will_retry(run: JobRun, error: BaseException, countdown: int) -> None:
    JobRun.objects.filter(pk=run.pk).update(
        state=State.OPNIEUW, error_text=f"{describe(error)} Nieuwe poging over {countdown} seconden.")


def failed(run: JobRun, error: BaseException) -> None:
    JobRun.objects.filter(pk=run.pk).update(state=State.MISLUKT, finished_at=timezone.now(),
                                            error_text=describe(error))


def restart(user, run: JobRun) -> JobRun:
    """'Opnieuw starten': the same job with the same arguments, as a new run — in the name of the
    person who restarts it, never of the one who started it first (the job's own policy check
    then decides whether they may)."""
    if run.active:
        return run
    app.loader.import_default_modules()  # every app's tasks.py, wherever this runs
    arguments = dict(run.arguments)
    if "user_id" in arguments:
        arguments["user_id"] = user.pk
    return start(app.tasks[run.task_name], user=user, gemeente=run.gemeente_id, retry_of=run, **arguments)
