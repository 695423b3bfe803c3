"""The answer package of an inzageverzoek is made by a background job (docs/adr/0028), stored
encrypted, handed out only while it matches the request, and destroyed with the request."""

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import test_inzage
from meldpunt.accounts.roles import Role
from meldpunt.jobs.models import JobRun, State
from meldpunt.privacy.inzage import services
from meldpunt.privacy.inzage.models import AccessRequest, AnswerPackage
from meldpunt.privacy.models import ProcessingLogEntry
from test_inzage import _request_on, decide_all, make_package, register

# The fixtures of the inzage tests (the same world: a subject with signals and cases).
world = test_inzage.world
pf = test_inzage.pf


def _stored_files(request) -> list[Path]:
    return sorted((Path(settings.VAR_DIR) / "inzage" / "antwoorden").glob(f"{request.pk}.*"))


def test_the_package_is_made_by_a_job_stored_encrypted_and_handed_out_logged(world, pf, client):
    request = register(pf, world)
    services.search(pf, request)
    decide_all(pf, request)
    client.force_login(pf)
    page = client.get(reverse("inzage:verzoek", args=[request.reference])).content.decode()
    assert "Antwoordpakket maken" in page and "Antwoord als PDF" not in page  # nothing made yet
    make_package(client, request)
    run = JobRun.objects.get(task_name="meldpunt.inzage.antwoordpakket")
    assert run.state == State.KLAAR and run.started_by == pf
    assert world["subject"].bsn not in run.result_text and world["subject"].naam not in run.result_text
    # Stored encrypted: neither file holds the subject's data in the clear.
    files = _stored_files(request)
    assert [f.name for f in files] == [f"{request.pk}.json.versleuteld", f"{request.pk}.pdf.versleuteld"]
    for stored in files:
        raw = stored.read_bytes()
        assert world["subject"].bsn.encode() not in raw and world["subject"].naam.encode() not in raw
    # Each download is logged as handing out the answer, as before.
    before = ProcessingLogEntry.objects.filter(action="inzage_verstrekken").count()
    answer = json.loads(client.get(reverse("inzage:pakket_json", args=[request.reference])).content)
    assert answer["kenmerk"] == request.reference and answer["betrokkene"]["bsn"] == world["subject"].bsn
    assert answer["concept"] is True
    pdf = client.get(reverse("inzage:pakket_pdf", args=[request.reference]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert ProcessingLogEntry.objects.filter(action="inzage_verstrekken").count() == before + 2

    # Closing the request changes the answer (no longer a concept): the old package is not handed out.
    client.post(reverse("inzage:afhandelen", args=[request.reference]), {"mention_restrictions": "ja"})
    page = client.get(reverse("inzage:verzoek", args=[request.reference])).content.decode()
    assert "Het verzoek is gewijzigd nadat het antwoordpakket" in page and "Antwoord als PDF" not in page
    response = client.get(reverse("inzage:pakket_json", args=[request.reference]), follow=True)
    assert "Maak het antwoordpakket opnieuw" in response.content.decode()
    assert ProcessingLogEntry.objects.filter(action="inzage_verstrekken").count() == before + 2
    make_package(client, request)
    answer = json.loads(client.get(reverse("inzage:pakket_json", args=[request.reference])).content)
    assert answer["concept"] is False


def test_only_the_privacyfunctionaris_who_made_it_follows_the_job(world, pf, client, make_user):
    request = register(pf, world)
    services.search(pf, request)
    decide_all(pf, request)
    client.force_login(pf)
    run_url = client.post(reverse("inzage:pakket_maken", args=[request.reference])).url
    assert client.get(run_url).status_code == 200
    client.force_login(make_user(Role.PRIVACYFUNCTIONARIS))
    assert client.get(run_url).status_code == 403
    client.force_login(make_user(Role.FG))
    assert client.post(reverse("inzage:pakket_maken", args=[request.reference])).status_code == 403


def test_anonymising_the_request_destroys_its_stored_package(pf, make_user, client):
    from meldpunt.privacy.retention import jobs
    from test_retention_support import new_signal

    new_signal(make_user(Role.BEOORDELAAR))
    request = _request_on(pf)
    decide_all(pf, request)
    request = services.close(pf, request)
    client.force_login(pf)
    make_package(client, request)
    assert len(_stored_files(request)) == 2
    AccessRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - timedelta(days=2000))
    assert "Inzageverzoeken geanonimiseerd: 1." in str(jobs.run())
    assert _stored_files(request) == [] and not AnswerPackage.objects.filter(request=request).exists()
    response = client.get(reverse("inzage:pakket_pdf", args=[request.reference]), follow=True)
    assert "Maak eerst het antwoordpakket" in response.content.decode()
