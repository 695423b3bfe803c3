"""P4 attack: deleted is gone — also for someone who reads the disk, not the database.

tests/test_residue.py searches every table and column through SQL after a destruction. An attacker
with the files does not ask SQL: they read the SQLite database file, its write-ahead log (-wal)
and shared-memory index (-shm) byte by byte, where old page versions and freed cells of deleted
rows survive until a checkpoint overwrites them. These tests run the embedded default as in
production — a file-based SQLite database with a persistent connection, in a subprocess against a
temporary MELDPUNT_VAR_DIR (residue_scenario.py) — register a signal with sealed content, an
attachment and a receipt code, seal it, destroy it through the real workflow, and read the raw
files copied at each step. On PostgreSQL the daily job VACUUMs the tables of the destruction or
reports the dead tuples (docs/adr/0018)."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

import meldpunt
from meldpunt.core.identifiers import elfproef
from meldpunt.privacy.retention import jobs, services
from meldpunt.privacy.retention.models import DestructionStatement
from meldpunt.settings.env import database_from_url
from test_retention_support import age, new_signal, niet_in_behandeling, pass_cooling_off

pytestmark = pytest.mark.attack

SCENARIO = Path(__file__).with_name("residue_scenario.py")
DB_FILES = ("meldpunt.sqlite3", "meldpunt.sqlite3-wal", "meldpunt.sqlite3-shm")
# The scenario migrates a fresh database in a subprocess (~15 s, once per module). It tests the
# embedded SQLite default whatever the test database is, so the PostgreSQL run may skip it.
SCENARIO_TEST = pytest.mark.slow


def _bsn(rng: random.Random) -> str:
    while True:
        bsn = f"{rng.randrange(100_000_000, 999_999_999)}"
        if elfproef(bsn):
            return bsn


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Run the scenario once for this module; returns the needles, the result and the snapshots."""
    rng = random.Random()
    tag = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(8)).capitalize()
    needles = {
        "description": f"{tag}teelt in de kelder, ramen afgeplakt", "location": f"Achterom {tag}laan",
        "occurred": f"Zaterdagnacht bij {tag}", "contact_name": f"Melder {tag}sma",
        "contact_email": f"{tag.lower()}.melder@example.org", "contact_phone": f"06{rng.randrange(10**7, 10**8)}",
        "name": f"Zwanette {tag}", "bsn": _bsn(rng),
    }
    var = tmp_path_factory.mktemp("residu")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MELDPUNT_", "DJANGO_")) and key not in {"PYTHONPATH"}}
    env.update(MELDPUNT_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="meldpunt.settings.base",
               MELDPUNT_LOG_LEVEL="DEBUG", PYTHONPATH=str(Path(meldpunt.__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, str(SCENARIO), json.dumps(needles)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    *logged, last = done.stdout.strip().splitlines()
    result = json.loads(last)  # the scenario's own answer to this test; the rest is its log output
    return {"needles": needles, "result": result, "var": var, "output": "\n".join(logged) + done.stderr,
            "snapshots": var / "snapshots"}


def _hits(folder: Path, needles: dict[str, str]) -> list[tuple[str, str]]:
    """(file, needle name) for every needle found in clear text in any file under ``folder``."""
    hits = []
    for path in sorted(folder.rglob("*")) if folder.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            hits += [(str(path.relative_to(folder)), name) for name, value in needles.items()
                     if value.encode() in data]
    return hits


def _content(scenario) -> dict[str, str]:
    """What the sealed signal held in clear text (the receipt code stays while the signal exists)."""
    return dict(scenario["needles"])


@SCENARIO_TEST
def test_the_attacker_finds_everything_before_sealing(scenario):
    """The search works: right after intake every needle is in the database files (and the
    attachment in the media folder). Without this, the tests below would prove nothing."""
    received = scenario["snapshots"] / "ontvangen"
    needles = {**_content(scenario), "receipt_code": scenario["result"]["receipt_code"]}
    assert {name for _, name in _hits(received, needles)} == set(needles)
    attachment = bytes.fromhex(scenario["result"]["attachment_hex"])
    assert any(attachment in p.read_bytes() for p in (received / "media").rglob("*") if p.is_file())


@SCENARIO_TEST
def test_sealing_leaves_no_clear_text_in_the_database_file_wal_or_shm(scenario):
    """A 'geen actie' signal is sealed: description, free texts, the named person with BSN and the
    reporter's contact go into the sealed blob. None of it may still be readable in the raw
    database file or in old page versions in the write-ahead log."""
    sealed = scenario["snapshots"] / "verzegeld"
    assert scenario["result"]["sealed"]
    assert {p.name for p in sealed.iterdir()} >= {"meldpunt.sqlite3"}
    assert _hits(sealed, _content(scenario)) == []
    wal = sealed / "meldpunt.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0, "the write-ahead log is checkpointed and truncated"


@SCENARIO_TEST
def test_sealing_leaves_only_the_sealed_attachment_in_the_media_folder(scenario):
    sealed = scenario["snapshots"] / "verzegeld" / "media"
    attachment = bytes.fromhex(scenario["result"]["attachment_hex"])
    files = [p for p in sealed.rglob("*") if p.is_file()]
    assert files, "the sealed attachment is kept (a year, encrypted)"
    assert not [p for p in files if attachment in p.read_bytes() or p.read_bytes().startswith(b"\x89PNG")]


@SCENARIO_TEST
def test_destruction_leaves_no_receipt_code_or_content_in_any_database_file(scenario):
    """After the destruction the receipt code (with which a reporter asks after the signal), the
    sealed content and every identifier are gone from the database file, -wal and -shm alike."""
    destroyed = scenario["snapshots"] / "vernietigd"
    needles = {**_content(scenario), "receipt_code": scenario["result"]["receipt_code"]}
    db_files = [destroyed / name for name in DB_FILES if (destroyed / name).exists()]
    assert destroyed / "meldpunt.sqlite3" in db_files
    hits = [(path.name, name) for path in db_files for name, value in needles.items()
            if value.encode() in path.read_bytes()]
    assert hits == []
    # The tombstone keeps the kenmerk (metadata), which is allowed; it proves the file is the real one.
    assert scenario["result"]["reference"].encode() in (destroyed / "meldpunt.sqlite3").read_bytes()


@SCENARIO_TEST
def test_destruction_leaves_nothing_in_media_or_the_log_output(scenario):
    destroyed = scenario["snapshots"] / "vernietigd"
    assert not [p for p in (destroyed / "media").rglob("*") if p.is_file()], "every attachment file is deleted"
    needles = {**_content(scenario), "receipt_code": scenario["result"]["receipt_code"]}
    # Everything the process wrote to its log (DEBUG level) and every file it left in its var dir.
    assert [name for name, value in needles.items() if value in scenario["output"]] == []
    others = [p for p in scenario["var"].rglob("*") if p.is_file() and "snapshots" not in p.parts
              and p.name not in DB_FILES]
    assert [(str(p), n) for p in others for n, v in needles.items() if v.encode() in p.read_bytes()] == []


@SCENARIO_TEST
def test_every_sqlite_connection_runs_with_secure_delete_and_the_job_reports_the_checkpoint(scenario):
    options = database_from_url("sqlite:///meldpunt.sqlite3", scenario["var"])["OPTIONS"]
    assert "secure_delete=ON" in options["init_command"].replace(" ", "")
    assert scenario["result"]["secure_delete"] == 1
    summary = scenario["result"]["summary"]
    assert "uitgevoerd: 1 vernietigd" in summary
    assert "wal_checkpoint TRUNCATE" in summary and "LET OP" not in summary


@pytest.fixture
def destroyed_list(make_user):
    """A due signal on an approved list past its bedenktijd, ready for the daily job."""
    staff = make_user("beoordelaar", "regisseur", "teamlid")
    signal = age(niet_in_behandeling(staff, new_signal(staff)), 400)
    destruction_list = services.compose(make_user("archivaris"), "Residu in de database")
    services.review(make_user("archivaris"), destruction_list, True)
    return signal, pass_cooling_off(destruction_list)


@pytest.mark.django_db
def test_the_job_reports_what_the_database_still_holds_inside_a_transaction(destroyed_list,
                                                                              django_capture_on_commit_callbacks):
    """Run inside a caller's transaction (as here, in the test's), VACUUM cannot run: the job says
    so, names the dead tuples and what the operator must do, instead of keeping quiet."""
    signal, destruction_list = destroyed_list
    with django_capture_on_commit_callbacks(execute=True):
        summary = str(jobs.run())
    assert "uitgevoerd: 1 vernietigd" in summary
    if connection.vendor == "postgresql":
        assert "VACUUM is niet uitgevoerd" in summary and "Dode rijen" in summary
        assert "intake_signal" in summary and "Back-ups en het WAL-archief" in summary
    else:
        assert "write-ahead log" in summary
    statement = DestructionStatement.objects.get(destruction_list=destruction_list)
    assert "back-ups" in statement.method and "uiterlijk 30 dagen" in statement.method


@pytest.mark.django_db(transaction=True)
def test_after_the_commit_the_job_vacuums_the_tables_of_the_destruction(demo_reloaded, destroyed_list):
    """The daily job as it runs in production, outside any transaction: on PostgreSQL the
    destruction is followed by a VACUUM of exactly the tables rows were deleted from."""
    signal, _ = destroyed_list
    summary = str(jobs.run())
    assert "uitgevoerd: 1 vernietigd" in summary
    if connection.vendor == "postgresql":
        assert "PostgreSQL: VACUUM uitgevoerd op" in summary
        with connection.cursor() as cursor:
            cursor.execute("SELECT vacuum_count + autovacuum_count, last_vacuum FROM pg_stat_user_tables "
                           "WHERE relname = 'intake_signal' AND schemaname = current_schema()")
            count, last_vacuum = cursor.fetchone()
        assert count >= 1 and last_vacuum is not None
    else:
        assert "wal_checkpoint TRUNCATE" in summary
