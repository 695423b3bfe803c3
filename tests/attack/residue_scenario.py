"""Run by test_attack_p4_residue.py in a subprocess (not a test module itself).

Against a fresh, file-based SQLite database in MELDPUNT_VAR_DIR — the embedded default as it runs
in production, with its persistent connection and write-ahead log — this registers a signal with
everything (description, a named person with BSN, reporter contact, an attachment), seals it
('geen actie'), and destroys it through the real workflow: a list composed by one archivaris,
approved by a second, the bedenktijd passed, the daily job. After each step it copies the raw
database files (main file, -wal and -shm) byte for byte while the app's connection is still open,
so the test sees what someone reading the disk at that moment would see.

    python residue_scenario.py NEEDLES_JSON    (prints a JSON result on the last line of stdout)
"""

import json
import os
import sys
from pathlib import Path

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def snapshot(var: Path, name: str) -> None:
    """Copy the database files and the media folder as they are on disk now."""
    out = var / "snapshots" / name
    out.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        source = var / f"meldpunt.sqlite3{suffix}"
        if source.exists():
            (out / source.name).write_bytes(source.read_bytes())
    media = var / "media"
    for path in media.rglob("*") if media.exists() else []:
        if path.is_file():
            target = out / "media" / path.relative_to(media)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())


def main() -> None:
    needles = json.loads(sys.argv[1])
    var = Path(os.environ["MELDPUNT_VAR_DIR"])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the retention helpers

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from meldpunt.accounts import services as accounts
    from meldpunt.intake import services as intake
    from meldpunt.privacy.retention import jobs, services
    from meldpunt.registries.models import Buurt, Gemeente, Wijk
    from test_retention_support import age, geen_actie, pass_cooling_off

    password = "een-lang-wachtwoord-voor-tests"

    # No demo municipality here: one buurt to place the signal in (the protocol asks for it).
    gemeente = Gemeente.objects.create(code="GM0479", naam="Zaanstad")
    Buurt.objects.create(code="BU04790000", naam="Residubuurt",
                         wijk=Wijk.objects.create(code="WK047900", naam="Residuwijk", gemeente=gemeente))
    # Roles are held in a gemeente (ADR 0030 §3): the users after the gemeente is known.
    staff = accounts.create_user("staf", password, ["beoordelaar", "regisseur", "teamlid"])
    archivaris = accounts.create_user("archivaris-1", password, ["archivaris"])
    tweede = accounts.create_user("archivaris-2", password, ["archivaris"])
    signal = intake.create_signal(intake.SignalInput(
        channel="telefoon", buurt="BU04790000", description=needles["description"], phenomenon="hennepteelt_drugs",
        reporter_kind="burger", location_text=needles["location"], occurred_text=needles["occurred"],
        contact_name=needles["contact_name"], contact_email=needles["contact_email"],
        contact_phone=needles["contact_phone"],
        subjects=[intake.SubjectInput(kind="persoon", name=needles["name"], bsn=needles["bsn"], role="bewoner")],
        uploads=[intake.UploadInput("bijlage.png", PNG)]), user=staff)
    attachment = signal.attachments.get()
    with attachment.file.open("rb") as handle:
        clear_attachment = handle.read()
    # What SQLite's automatic checkpoint (every 1000 pages) does at some moment in production: the
    # clear text is now in the database file itself, not only in the write-ahead log.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
    snapshot(var, "ontvangen")

    signal = geen_actie(staff, signal)
    snapshot(var, "verzegeld")

    age(signal, 400)
    destruction_list = services.compose(archivaris, "Residu")
    services.review(tweede, destruction_list, True)
    pass_cooling_off(destruction_list)
    summary = jobs.run()
    snapshot(var, "vernietigd")

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        secure_delete = cursor.fetchone()[0]
    print(json.dumps({
        "receipt_code": signal.receipt_code, "reference": signal.reference, "summary": str(summary),
        "attachment_hex": clear_attachment.hex(), "secure_delete": secure_delete,
        "sealed": bool(signal.sealed),
    }))


if __name__ == "__main__":
    main()
