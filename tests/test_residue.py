"""Residue test (P4): destroy a signal and a casus through the real services and the real list
workflow, then search EVERY table and column (raw SQL, SQLite and PostgreSQL alike), every file
under MEDIA_ROOT and the log output for the destroyed subjects' identifiers in clear text.
None may remain; the tombstones and the verklaring van vernietiging remain."""

import logging
import random
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from meldpunt.cases.models import Casus
from meldpunt.core.identifiers import elfproef
from meldpunt.intake import services as intake
from meldpunt.intake.models import Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.retention import jobs, services
from meldpunt.privacy.retention.models import DestructionStatement, Tombstone
from meldpunt.protocol import services as protocol
from meldpunt.protocol.models import Destination
from test_retention_support import (
    age,
    close_casus,
    geen_actie,
    new_signal,
    pass_cooling_off,
    weging,
)

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def _columns() -> list[tuple[str, str, str]]:
    """(table, column, type) for every column of every table in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema = current_schema()")
            return list(cursor.fetchall())
        found = []
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"PRAGMA table_info({connection.ops.quote_name(table)})")
            found += [(table, row[1], row[2] or "") for row in cursor.fetchall()]
        return found


def clear_text_hits(needles: list[str]) -> list[tuple[str, str, str]]:
    """Every (table, column, needle) where a column value contains the needle in clear text —
    text, JSON and binary columns alike."""
    quote = connection.ops.quote_name
    hits = []
    with connection.cursor() as cursor:
        for table, column, kind in _columns():
            col = f"{quote(column)}"
            for needle in needles:
                if connection.vendor == "postgresql":
                    if kind == "bytea":
                        sql, param = f"position(%s::bytea in {col}) > 0", needle.encode()
                    else:
                        sql, param = f"CAST({col} AS TEXT) LIKE %s", f"%{needle}%"
                else:
                    sql, param = f"instr(CAST({col} AS BLOB), CAST(%s AS BLOB)) > 0", needle
                cursor.execute(f"SELECT 1 FROM {quote(table)} WHERE {sql} LIMIT 1", [param])
                if cursor.fetchone():
                    hits.append((table, column, needle))
    return hits


def file_hits(root: Path, needles: list[str]) -> list[tuple[str, str]]:
    hits = []
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            hits += [(str(path), n) for n in needles if n.encode() in data]
    return hits


def media_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def unused_bsn() -> str:
    rng = random.Random()
    while True:
        candidate = f"{rng.randrange(10_000_000, 99_999_999):08d}"
        for last in range(10):
            bsn = candidate + str(last)
            if elfproef(bsn) and not clear_text_hits([bsn]):
                return bsn


def test_no_clear_text_residue_after_destroying_a_signal_and_a_casus(make_user, caplog, settings, tmp_path,
                                                                      django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's files only, whatever else runs
    staff = make_user("beoordelaar", "regisseur", "teamlid")
    archivaris, tweede = make_user("archivaris"), make_user("archivaris")
    bsn = unused_bsn()
    name, company, kvk, plate = "Zwanette Residuvic", "Residuvic Holding BV", "73106945", "XQ77ZR"
    contact_name, email, phone = "Melder Vlaskamp-Qorr", "vlaskamp.qorr@example.org", "0687654321"
    needles = [bsn, name, "Residuvic", kvk, plate, contact_name, email, phone]
    assert clear_text_hits(needles) == [], "the identifiers must be unique to this test"
    files_before = media_files()

    subjects = [intake.SubjectInput(kind="persoon", name=name, bsn=bsn, role="bewoner"),
                intake.SubjectInput(kind="onderneming", name=company, kvk_nummer=kvk),
                intake.SubjectInput(kind="voertuig", kenteken="XQ-77-ZR")]
    contact = {"reporter_kind": "burger", "channel": "telefoon", "contact_name": contact_name,
               "contact_email": email, "contact_phone": phone}
    reasoning = f"{name} (BSN {bsn}) exploiteert via {company} (KvK {kvk}) een loods; auto {plate}."

    # 1. The casus: a signal with everything, a forward, wegingen naming the subject, a casus.
    signal = new_signal(staff, subjects=subjects, description=f"Veel verkeer bij {name}, {plate}.",
                        uploads=[intake.UploadInput("residu.png", PNG)], **contact)
    protocol.decide(staff, signal, [weging("W1", "ja", reasoning), weging("W2A", "ja", reasoning),
                                    weging("W2B", "ja", reasoning)], "intake_doorzetten")
    protocol.forward(staff, signal, Destination.objects.get(code="riec"), "AVG art. 6 lid 1 sub e",
                     ["fenomeen", "omschrijving", "betrokkenen"], note=f"Over {name}")
    protocol.decide(staff, signal, [weging("W3", "bronnenonderzoek", reasoning)], "zwaarte_bronnenonderzoek")
    protocol.decide(staff, signal, [weging("W4", "casus", reasoning)], "hits_casus")
    casus = signal.casus_links.get().casus
    casus.evaluation = f"Aanpak van {name} en {company} afgerond."
    casus.save(update_fields=["evaluation"])
    casus = close_casus(casus, "toezicht-afgebroken", days_ago=400)

    # 2. A second signal about the same people, sealed ('geen actie'): the sealed blob and the
    # sealed attachment file must go too.
    sealed = new_signal(staff, subjects=subjects, description=f"Weer {name}.",
                        uploads=[intake.UploadInput("residu2.png", PNG)], **contact)
    sealed = age(geen_actie(staff, sealed), 400)
    found = clear_text_hits(needles)
    assert {needle for _, _, needle in found} == set(needles), "every identifier is findable before destruction"
    assert {"intake_signal", "intake_mentionedsubject", "intake_reportercontact", "protocol_weging",
            "protocol_forward", "cases_casus"} <= {table for table, _, _ in found}
    assert media_files() - files_before, "the attachments are on disk before destruction"

    # 3. The real workflow: compose, review by a second archivaris, bedenktijd, the daily job.
    destruction_list = services.compose(archivaris, "Residutest")
    assert set(destruction_list.items.values_list("reference", flat=True)) == {casus.reference, sealed.reference}
    services.review(tweede, destruction_list, True)
    pass_cooling_off(destruction_list)
    with django_capture_on_commit_callbacks(execute=True):
        summary = jobs.run()
    assert "uitgevoerd: 3 vernietigd" in str(summary)

    # 4. Nothing remains in clear text: no table, no column, no file, no log output.
    assert clear_text_hits(needles) == []
    assert media_files() - files_before == set()
    assert file_hits(Path(django_settings.MEDIA_ROOT), needles) == []
    assert not [n for n in needles if n in caplog.text]
    assert not Signal.objects.filter(pk__in=[signal.pk, sealed.pk]).exists()
    assert not Casus.objects.filter(pk=casus.pk).exists()

    # 5. What must remain does: tombstones, the statement, and the log lines (pseudonymous).
    assert set(Tombstone.objects.values_list("reference", flat=True)) == {signal.reference, sealed.reference,
                                                                         casus.reference}
    statement = DestructionStatement.objects.get(destruction_list=destruction_list)
    assert statement.destroyed_count == 3
    assert ProcessingLogEntry.objects.filter(action="vernietigen", subject_type="bsn").count() == 1
