"""The job that asks the other gemeenten of the regio (ADR 0030 §8.4): never in the request that
allowed it, so no page's timing depends on what another gemeente holds."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from meldpunt.jobs.base import Job
from meldpunt.protocol.research.models import HitResult

from . import services
from .errors import RegioError


@shared_task(base=Job, name="meldpunt.regio.ask_region", title="Andere gemeenten in de regio bevragen",
             lock_argument="source_request")
def ask_region(source_request: int):
    try:
        question = services.ask_region(source_request, members_too=False)
    except RegioError as error:
        # The regisseur sees why nothing was asked, on the signal page; nothing else changed.
        with transaction.atomic():
            HitResult.objects.filter(request_id=source_request, hit__isnull=True).update(error=str(error)[:300])
        raise
    # A has its answer; each member's part (its requests and its log line) is a job of its own.
    answer_members.start(gemeente=question.gemeente_id, question=question.pk)
    return "De andere gemeenten in de regio zijn gevraagd."


@shared_task(base=Job, name="meldpunt.regio.answer_members", title="Regionale vraag vastleggen bij de andere gemeenten",
             lock_argument="question")
def answer_members(question: int):
    services.answer_members(question)
    return "De andere gemeenten hebben de vraag in hun eigen log; een treffer wacht bij hun privacyfunctionaris."
