"""P5 attacked: an anonymous reporter leaves every trace a browser and a camera can leave — a
JPEG with EXIF GPS and camera make, a PNG with text chunks, an IP address behind a proxy, a
User-Agent, and a name typed in the contact field before choosing 'anoniem'. Then we look for
those traces everywhere an attacker (or a subpoena) could: every text, JSON and binary column of
every table, the sessions, the media folder, the processing and security logs, the cache and the
log output. And the form and its receipt must not be kept by a browser or proxy cache."""

import io
import logging
import pickle
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, models
from django.db.models.functions import Cast
from django.urls import reverse
from PIL import Image, PngImagePlugin

from meldpunt.intake.models import Attachment, ReporterContact, Signal

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"
USER_AGENT = "AanvalBrowser/6.6 (X11; uniek-apparaat-7731)"
CONTACT_NAME = "Petronella Verklikker-7731"
CONTACT_EMAIL = "petronella.7731@example.org"
CAMERA = "AanvalCamera-7731"
CAMERA_MODEL = "Spionnetje Z9"
PNG_AUTHOR = "Jan Melder-7731"
GPS_LATITUDE = (52.0, 26.0, 13.5)
NEEDLES = (IP, FORWARDED, USER_AGENT, "uniek-apparaat-7731", CONTACT_NAME, CONTACT_EMAIL, CAMERA, CAMERA_MODEL,
           PNG_AUTHOR)
DESCRIPTION = "Elke nacht om drie uur worden er zakken uit een busje in de loods aan de Dijk gedragen."


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (80, 60), (20, 120, 40))
    exif = image.getexif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0110] = CAMERA_MODEL  # Model
    exif[0x0132] = "2026:10:31 03:04:05"  # DateTime
    exif.get_ifd(0x8825).update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: (4.0, 49.0, 30.25)})  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=PNG_AUTHOR.encode())
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the bait really carries what must go
        assert check.getexif()[0x010F] == CAMERA and check.getexif().get_ifd(0x8825)
    return data


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PNG_AUTHOR)
    info.add_text("Comment", f"gemaakt met {CAMERA}")
    info.add_itxt("GPS", "52.4371 N 4.8251 E")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 10)).save(out, format="PNG", pnginfo=info)
    assert PNG_AUTHOR.encode() in out.getvalue()
    return out.getvalue()


def file(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def submit(client, **extra):
    """The public form, anonymous, with a contact name typed anyway and two metadata-laden files."""
    data = {
        "phenomenon": "hennepteelt_drugs", "description": DESCRIPTION, "location_text": "loods aan de Dijk",
        "occurred_text": "elke nacht", "anonymous": "ja", "contact_name": CONTACT_NAME,
        "contact_email": CONTACT_EMAIL, "contact_phone": "0612347731",
        "uploads": [file(f"IMG_{CONTACT_NAME}.jpg", jpeg_with_exif(), "image/jpeg"),
                    file(f"scherm-{PNG_AUTHOR}.png", png_with_text(), "image/png")],
    }
    return client.post(reverse("intake:melden"), data, REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR=f"{FORWARDED}, {IP}",
                       HTTP_USER_AGENT=USER_AGENT, **extra)


@pytest.fixture
def reported(client, caplog):
    cache.clear()  # the form is throttled per address: start with a clean count
    caplog.set_level(logging.DEBUG)
    started = time.time()
    before = set(Signal.objects.values_list("pk", flat=True))
    response = submit(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = client.get(response["Location"], REMOTE_ADDR=IP, HTTP_USER_AGENT=USER_AGENT)
    assert receipt.status_code == 200
    (signal,) = Signal.objects.exclude(pk__in=before)
    return {"signal": signal, "post": response, "receipt": receipt, "started": started, "caplog": caplog}


def _text_columns(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField | models.JSONField | models.GenericIPAddressField):
            yield field


def test_no_trace_in_any_column_of_any_table(reported):
    """Every text and JSON column of every model, searched for every needle."""
    found = []
    for model in apps.get_models():
        manager = model._base_manager
        for field in _text_columns(model):
            queryset = manager.annotate(_as_text=Cast(field.name, models.TextField()))
            for needle in NEEDLES:
                if queryset.filter(_as_text__icontains=needle).exists():
                    found.append(f"{model._meta.db_table}.{field.column}: {needle}")
        for field in model._meta.concrete_fields:
            if isinstance(field, models.BinaryField):
                for value in manager.values_list(field.name, flat=True):
                    blob = bytes(value or b"")
                    found += [f"{model._meta.db_table}.{field.column}: {n}" for n in NEEDLES if n.encode() in blob]
    assert found == []
    # Tables without a model (if any) are read raw.
    known = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    with connection.cursor() as cursor:
        for table in set(connection.introspection.table_names()) - known:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the DB
            text = repr(cursor.fetchall())
            assert not [n for n in NEEDLES if n in text], table


def test_the_signal_is_anonymous_and_keeps_no_file_names(reported):
    signal = reported["signal"]
    assert signal.reporter_kind == "anoniem" and signal.channel == "webformulier"
    assert not ReporterContact.objects.filter(signal=signal).exists()
    assert signal.reported_by_id is None and signal.partner_id is None
    attachments = list(Attachment.objects.filter(signal=signal))
    assert len(attachments) == 2 and all(a.original_name == "" for a in attachments)
    for attachment in attachments:
        assert CONTACT_NAME not in attachment.file.name and "7731" not in attachment.file.name


def test_stored_files_carry_no_exif_gps_camera_or_text_chunks(reported):
    """The raw bytes on disk, and every file written to the media folder during the request."""
    stored = [Path(a.file.path) for a in Attachment.objects.filter(signal=reported["signal"])]
    media = Path(settings.MEDIA_ROOT)
    fresh = [p for p in media.rglob("*") if p.is_file() and p.stat().st_mtime >= reported["started"] - 1]
    assert set(stored) <= set(fresh)
    for path in fresh:
        raw = path.read_bytes()
        for needle in (*NEEDLES, "2026:10:31"):
            assert needle.encode() not in raw, f"{needle} in {path.name}"
        assert b"Exif" not in raw and b"GPS" not in raw
        assert b"tEXt" not in raw and b"iTXt" not in raw and b"zTXt" not in raw
        with Image.open(path) as image:
            assert len(image.getexif()) == 0
            assert not image.getexif().get_ifd(0x8825)
            assert not {k for k in image.info if k.lower() in ("author", "comment", "gps", "exif", "xmp")}


def test_no_trace_in_sessions_cache_or_log_output(reported):
    for session in Session.objects.all():
        decoded = repr(session.get_decoded())
        assert not [n for n in NEEDLES if n in decoded]
    # The throttle counter lives in the cache under a keyed hash, never the address itself.
    local = getattr(cache, "_cache", {})
    for key, value in local.items():
        blob = key.encode() + (value if isinstance(value, bytes) else pickle.dumps(value))
        assert not [n for n in NEEDLES if n.encode() in blob], key
    logged = reported["caplog"].text
    assert not [n for n in NEEDLES if n in logged]


def test_processing_and_security_logs_name_no_reporter(reported):
    from meldpunt.privacy.models import ProcessingLogEntry, SecurityLogEntry

    signal = reported["signal"]
    lines = ProcessingLogEntry.objects.filter(object_id=str(signal.pk))
    assert lines.exists()  # the intake itself is logged ...
    text = repr(list(lines.values()))
    assert not [n for n in NEEDLES if n in text]  # ... without who sent it
    assert not SecurityLogEntry.objects.filter(ip_address__in=[IP, FORWARDED]).exists()
    assert not SecurityLogEntry.objects.filter(user_agent__icontains="AanvalBrowser").exists()


def test_the_public_form_and_its_receipt_are_never_cached(client, reported):
    """A shared computer or a proxy must not keep the form, the answer to the POST or the receipt
    (with its ontvangstcode)."""
    assert reported["signal"].receipt_code in reported["receipt"].content.decode()
    for response in (client.get(reverse("intake:melden")), reported["post"], reported["receipt"]):
        assert response["Cache-Control"] == "no-store"
        assert response["Pragma"] == "no-cache"
    refused = client.post(reverse("intake:melden"), {"description": "te kort"}, REMOTE_ADDR="192.0.2.9")
    assert refused.status_code == 200 and refused["Cache-Control"] == "no-store"
    # Static files keep their caching.
    static = client.get(f"{settings.STATIC_URL}meldpunt/meldpunt.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_every_page_for_a_logged_in_user_is_no_store(client, make_user):
    """Item 9: pages, exports and letters with personal data for a logged-in user."""
    client.force_login(make_user("beoordelaar", "regisseur", "analist"))
    for url in (reverse("web:werkvoorraad"), reverse("web:start"), reverse("intake:signaal_nieuw"),
                reverse("web:werkvoorraad_export"), reverse("web:gebieden")):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache", url
