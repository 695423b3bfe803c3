"""Jobs of inzageverzoeken (docs/adr/0028): making the answer package. Building it reads every
signal, casus and log line on the subject and renders a PDF: too slow for a request on a large
installation. One package per request at a time (lock per request)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from meldpunt.core.datums import format_date
from meldpunt.jobs import runs
from meldpunt.jobs.base import Job

from . import answers
from .models import AccessRequest


class _PackageJob(Job):
    abstract = True
    lock_argument = "request_id"

    def title_for(self, arguments: dict) -> str:
        found = AccessRequest.objects.filter(pk=arguments.get("request_id")).first()
        return f"Antwoordpakket maken: {found.reference}" if found else "Antwoordpakket maken"


@shared_task(base=_PackageJob, name="meldpunt.inzage.antwoordpakket")
def antwoordpakket(request_id: int, user_id: int):
    user = get_user_model().objects.get(pk=user_id)
    access_request = AccessRequest.objects.get(pk=request_id)
    runs.progress("Gegevens over de betrokkene verzamelen en afschermen; PDF en JSON opmaken")
    stored = answers.make(user, access_request)
    return (f"Antwoordpakket voor {access_request.reference} gemaakt op {format_date(stored.made_at, with_time=True)} "
            f"({stored.released_items} onderdelen). Download het als PDF of JSON bij het verzoek.",
            reverse("inzage:verzoek", args=[access_request.reference]) + "#antwoord")
