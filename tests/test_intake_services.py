"""Intake: P5 (anonymous means anonymous, no file metadata) and P8 (bad input changes nothing)
at the service level, which every channel goes through."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter

from meldpunt.intake import files, selectors
from meldpunt.intake import services as intake
from meldpunt.intake.models import Attachment, MentionedSubject, ReporterContact, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol.models import StateChange
from meldpunt.registries.models import Nummeraanduiding

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), "green")
    exif = image.getexif()
    exif[0x010F] = "CameraVanJanJansen"  # Make
    exif[0x0132] = "2026:11:01 23:59:00"  # DateTime
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"gemaakt door Jan Jansen")
    return out.getvalue()


def pdf_with_author() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Jan Jansen", "/Creator": "Laptop van Jan"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def counts():
    return (Signal.objects.count(), MentionedSubject.objects.count(), ReporterContact.objects.count(),
            Attachment.objects.count(), StateChange.objects.count(), ProcessingLogEntry.objects.count())


def test_anonymous_signal_keeps_nothing_identifying():
    """P5: inspect the stored rows and files of an anonymous signal with an EXIF-tagged photo."""
    signal = intake.create_signal(intake.SignalInput(
        channel="webformulier", description="Sterke wietlucht en afgeplakte ramen.", phenomenon="hennepteelt_drugs",
        uploads=[intake.UploadInput("IMG_20261101_Jan_Jansen.jpg", jpeg_with_exif()),
                 intake.UploadInput("aangifte-jan.pdf", pdf_with_author())]))
    assert signal.reporter_kind == "anoniem" and signal.reported_by is None
    assert not ReporterContact.objects.filter(signal=signal).exists()
    stored = list(signal.attachments.all())
    assert len(stored) == 2
    for attachment in stored:
        assert attachment.original_name == ""
        assert "Jan" not in attachment.file.name
        data = attachment.file.read()
        for secret in (b"CameraVanJanJansen", b"Jan Jansen", b"2026:11:01", b"Laptop van Jan"):
            assert secret not in data
        if attachment.content_type == "image/jpeg":
            with Image.open(io.BytesIO(data)) as image:
                assert not image.getexif() and "comment" not in image.info
        else:
            assert not (PdfReader(io.BytesIO(data)).metadata or {}).get("/Author")
    row_text = " ".join(str(v) for v in Signal.objects.filter(pk=signal.pk).values().first().values())
    assert "127.0.0.1" not in row_text and "Mozilla" not in row_text
    assert signal.receipt_code and len(signal.receipt_code) == 14


def test_staff_signal_keeps_file_names_and_contact(make_user):
    melder = make_user("melder_intern")
    signal = intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description="Loods met zware beveiliging en weinig activiteit.",
        contact_name="Mick", uploads=[intake.UploadInput("loods.jpg", jpeg_with_exif())]), user=melder)
    assert signal.attachments.get().original_name == "loods.jpg"
    assert signal.contact.name == "Mick"
    assert list(selectors.own_signals(melder)) == [signal]


@pytest.mark.parametrize("change, field", [
    ({"description": "kort"}, "description"),
    ({"description": "x" * 5001}, "description"),
    ({"phenomenon": "nationaliteit"}, "phenomenon"),
    ({"address": "0479209999999999"}, "address"),
    ({"address": "12345"}, "address"),
    ({"buurt": "BU99999999"}, "buurt"),
    ({"occurred_on": timezone.localdate() + timedelta(days=3)}, "occurred_on"),
    ({"contact_email": "jan@example.org"}, "contact"),
    ({"channel": "fax"}, "channel"),
    ({"subjects": [intake.SubjectInput(kind="persoon", bsn="123456789")]}, "subjects.0"),
    ({"subjects": [intake.SubjectInput(kind="onderneming", kvk_nummer="12")]}, "subjects.0"),
    ({"subjects": [intake.SubjectInput(kind="voertuig", kenteken="!!")]}, "subjects.0"),
    ({"subjects": [intake.SubjectInput(kind="ufo", name="x")]}, "subjects.0"),
    ({"subjects": [intake.SubjectInput(kind="persoon")]}, "subjects.0"),
    ({"uploads": [intake.UploadInput("virus.jpg", b"MZ\x90\x00 not an image")]}, "uploads"),
    ({"uploads": [intake.UploadInput("leeg.png", b"")]}, "uploads"),
    ({"uploads": [intake.UploadInput("kapot.jpg", b"\xff\xd8\xff\xe0 kapot")]}, "uploads"),
])
def test_bad_input_gets_a_dutch_error_and_changes_nothing(change, field):
    """P8 for every field every channel shares (the forms, API, partner API and import all call this)."""
    before = counts()
    data = {"channel": "webformulier", "description": "Een goede omschrijving van wat er gebeurt.",
            "phenomenon": "overig", **change}
    if field == "contact":
        data["reporter_kind"] = "anoniem"
    with pytest.raises(intake.IntakeError) as raised:
        intake.create_signal(intake.SignalInput(**data))
    assert field in raised.value.field_errors
    assert all(message and message[0].isupper() for message in raised.value.field_errors[field])
    assert counts() == before


def test_attachment_limits(settings):
    settings.MELDPUNT_MAX_ATTACHMENT_MB = 0
    with pytest.raises(files.AttachmentError, match="hoogstens"):
        files.clean(jpeg_with_exif())
    settings.MELDPUNT_MAX_ATTACHMENT_MB = 10
    settings.MELDPUNT_MAX_ATTACHMENTS = 1
    with pytest.raises(intake.IntakeError):
        intake.create_signal(intake.SignalInput(
            channel="webformulier", description="Twee foto's van de loods achter het station.",
            uploads=[intake.UploadInput("a.jpg", jpeg_with_exif()), intake.UploadInput("b.jpg", jpeg_with_exif())]))


def test_location_from_the_bag_sets_the_buurt():
    address = Nummeraanduiding.objects.select_related("verblijfsobject").order_by("pk").first()
    signal = intake.create_signal(intake.SignalInput(channel="webformulier", address=address.pk,
                                                     description="Veel bezoek op rare tijden bij dit adres."))
    assert signal.buurt_id == address.verblijfsobject.buurt_id
    # Kenmerken per gemeente (ADR 0030 §7): Zaanstad's prefix and its own running number.
    assert re.fullmatch(rf"ZA-{signal.received_at.year}-[0-9]{{7}}", signal.reference)
    assert signal.deadline is not None and signal.deadline > signal.received_at.date()


def test_related_hints_only_show_what_the_user_may_see(make_user):
    address = Nummeraanduiding.objects.order_by("pk").first()
    beoordelaar, melder = make_user("beoordelaar"), make_user("melder_intern")
    first = intake.create_signal(intake.SignalInput(channel="intern", address=address.pk,
                                                    description="Eerste signaal op dit adres."), user=melder)
    second = intake.create_signal(intake.SignalInput(channel="intern", address=address.pk,
                                                     description="Tweede signaal op dit adres."))
    assert first in selectors.related_hints(beoordelaar, second)
    assert selectors.related_hints(melder, first) == []  # the melder may not see the other report


def test_public_form_is_throttled_without_storing_the_address(client, settings):
    from django.core.cache import cache

    settings.MELDPUNT_PUBLIC_RATE = "2/hour"
    cache.clear()
    data = {"phenomenon": "overig", "description": "Een goede omschrijving van wat er gebeurt.", "anonymous": "ja"}
    before = Signal.objects.count()
    statuses = [client.post("/melden/", data, REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Signal.objects.count() == before + 2
    assert all("203.0.113.9" not in str(key) for key in getattr(cache, "_cache", {}))
    assert client.post("/melden/", data, REMOTE_ADDR="203.0.113.10").status_code == 302  # others go on
    cache.clear()


def test_admin_never_shows_signal_content():
    from django.contrib import admin

    from meldpunt.intake.models import MentionedSubject as Mention

    registered = set(admin.site._registry)
    assert not registered & {Signal, Mention, ReporterContact, Attachment, ProcessingLogEntry}
