"""'Signalen importeren' on a page: the upload is kept encrypted, a background job imports it all
or nothing (docs/adr/0028), and the job's page lists the new kenmerken or every problem."""

import json
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meldpunt.accounts.roles import Role
from meldpunt.intake import import_uploads
from meldpunt.intake.models import Signal
from meldpunt.jobs.models import JobRun, State
from meldpunt.privacy.retention import jobs

pytestmark = pytest.mark.django_db

GOOD = (b"omschrijving;fenomeen\n"
        b"Hennepgeur uit de schuur achter de boerderij.;hennepteelt_drugs\n"
        b"Vaten en jerrycans in het bos gedumpt.;drugslab_buitengebied\n")


def _uploads() -> list[Path]:
    return list((Path(settings.VAR_DIR) / "imports").glob("*.versleuteld"))


def _upload(client, name: str, content: bytes):
    return client.post(reverse("intake:signalen_importeren"),
                       {"bestand": SimpleUploadedFile(name, content, content_type="text/csv")}, follow=True)


def test_a_beoordelaar_imports_a_file_and_sees_the_new_kenmerken(client, make_user):
    beoordelaar = make_user(Role.BEOORDELAAR)
    client.force_login(beoordelaar)
    queue = client.get(reverse("web:werkvoorraad")).content.decode()
    assert "Signalen importeren (CSV of JSON)" in queue
    assert "Alles of niets" in client.get(reverse("intake:signalen_importeren")).content.decode()
    before = set(Signal.objects.values_list("reference", flat=True))
    leftovers = set(_uploads())
    page = _upload(client, "mma-week-10.csv", GOOD).content.decode()
    new = sorted(set(Signal.objects.values_list("reference", flat=True)) - before)
    assert len(new) == 2
    assert "Klaar" in page and "2 signalen ingelezen in stap 1 (ontvangen)" in page
    assert all(reference in page for reference in new)
    run = JobRun.objects.get(task_name="meldpunt.intake.signalen_importeren")
    assert run.state == State.KLAAR and run.started_by == beoordelaar
    assert "mma-week-10" not in json.dumps(run.arguments)  # the file's name does not travel
    assert set(_uploads()) == leftovers  # the encrypted upload is gone once imported


def test_a_bad_file_imports_nothing_and_says_what_is_wrong_per_line(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    before = Signal.objects.count()
    leftovers = set(_uploads())
    bad = GOOD + b"Te kort;overig\n" + b"Een schuur met verduisterde ramen.;bestaat_niet\n"
    page = _upload(client, "lijst.csv", bad).content.decode()
    assert Signal.objects.count() == before  # all or nothing
    assert "Mislukt" in page and "Het bestand is niet ingelezen: 2 fouten in 2 regels. Er is niets opgeslagen." in page
    assert "regel 4: omschrijving" in page and "regel 5: fenomeen" in page
    assert "Een ander bestand importeren" in page and "kan haar opnieuw starten" not in page
    run = JobRun.objects.get(task_name="meldpunt.intake.signalen_importeren")
    assert run.state == State.MISLUKT and run.attempts == 1  # refused for good: not retried
    assert set(_uploads()) == leftovers
    page = _upload(client, "leeg.csv", b"omschrijving;fenomeen\n").content.decode()
    assert "Het bestand is niet ingelezen: Het bestand bevat geen signalen. Er is niets opgeslagen." in page
    # No file at all: the form says so, no job is started.
    page = client.post(reverse("intake:signalen_importeren"), {}).content.decode()
    assert "Kies een bestand (CSV of JSON)." in page
    assert JobRun.objects.filter(task_name="meldpunt.intake.signalen_importeren").count() == 2


def test_only_who_may_import_gets_the_page(client, make_user):
    client.force_login(make_user(Role.ANALIST))
    assert client.get(reverse("intake:signalen_importeren")).status_code == 403
    assert _upload(client, "a.csv", GOOD).status_code == 403
    client.force_login(make_user(Role.TEAMLID))
    assert client.get(reverse("intake:signalen_importeren")).status_code == 403


def test_an_upload_left_by_a_failed_import_is_removed_by_the_daily_run():
    fresh, old = import_uploads.store(GOOD), import_uploads.store(GOOD)
    week_ago = time.time() - import_uploads.MAX_AGE_SECONDS - 60
    os.utime(Path(settings.VAR_DIR) / "imports" / f"{old}.versleuteld", (week_ago, week_ago))
    summary = jobs.run()
    assert any(line.startswith("Achtergebleven importbestanden verwijderd: ") for line in summary.lines)
    assert import_uploads.load(fresh) == GOOD  # still there, and decrypted as uploaded
    with pytest.raises(ValueError, match="Upload het opnieuw"):
        import_uploads.load(old)
    import_uploads.discard(fresh)
