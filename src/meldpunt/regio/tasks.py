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
        services.ask_region(source_request)
    except RegioError as error:
        # The regisseur sees why nothing was asked, on the signal page; nothing else changed.
        with transaction.atomic():
            HitResult.objects.filter(request_id=source_request, hit__isnull=True).update(error=str(error)[:300])
        raise
    return "De andere gemeenten in de regio zijn gevraagd."
