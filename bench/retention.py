"""Benchmark destruction (P4) on PostgreSQL: destroy 100,000 expired signals, then look for residue.

What it does, all in a throw-away database ``meldpunt_bench_retention`` (dropped and created at
the start, dropped at the end, also after a failure):

1. ``migrate``, build and load a generated municipality (``--size``, default M), two archivarissen;
2. add 100,000 signals in end states whose retention has passed (COPY), each with what a real one
   carries: mentioned subjects (BSN, KvK, kenteken, names), reporter contacts, two history rows,
   wegingen whose reasoning names the subject (used by the history row: the PROTECT reference the
   purge must release), forwards with the sent content, a sealed payload (real encryption) for
   'geen actie' signals and some attachment files on disk. Every name and text carries a token
   unique to this run;
3. recompute every destruction date (``dates.recompute_all``), compose one list with every due
   record, approve it as the second archivaris and let the bedenktijd pass;
4. bare baseline: a plain cascading DELETE of the same signals and every row pointing at them
   (``_bare.time_cascade_delete``, rolled back), for ``destroy_100k_seconds_ratio_vs_bare``;
5. **execute the list** (``destruction.execute``, one transaction) — the measured figure — and
   delete the files after the commit;
6. residue: in every table of the database, every text, JSON and binary column is searched for the
   run's token, and every text column for an exact match with any destroyed identifier (BSN,
   KvK, kenteken, e-mail, phone); rows still pointing at a destroyed signal are counted, and
   attachment files left on disk. The sum is the residue count (goal: 0).

Progress goes to stderr; the figures end up on stdout as one JSON line each::

    .venv/bin/python bench/retention.py              # size M
    .venv/bin/python bench/retention.py --size S     # quicker; still 100,000 signals destroyed

Size L is Parquet-only by design (national scale is not loaded into a database), so S and M only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _bare import time_cascade_delete
from _support import admin_execute, analyse, clean_up, log, setup_django

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
DB_NAME = os.environ.get("MELDPUNT_BENCH_DB", "meldpunt_bench_retention")  # another name: runs side by side
SEED = 479
SIGNALS = 100_000
ATTACHMENTS = 500
# End state, share, age range in days (old enough for the state's term: 1 year, forwarded 5 years).
MIX = [("niet_in_behandeling", 35, (380, 2000)), ("geen_actie", 25, (380, 2000)),
       ("doorgezet_afdeling", 20, (1840, 2400)), ("doorgezet_riec", 10, (1840, 2400)),
       ("afdeling_regie", 10, (1840, 2400))]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")




# ------------------------------------------------------------------------ database and Django






def prepare_database(size: str, work: Path):
    from django.core.management import call_command

    from meldpunt.accounts import services as account_services
    from meldpunt.demo import loader
    from meldpunt.demo.generator.build import build

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    out = work / "generated"
    build(size, out, seed=SEED)
    counts = loader.load(out)
    shutil.rmtree(out, ignore_errors=True)
    log(f"  build + load {size}: {time.perf_counter() - started:.1f} s ({counts['signalen']:,} signals)")
    password = secrets.token_urlsafe(16)
    composer = account_services.create_user("bench_archivaris", password, ["archivaris"], first_name="Bench")
    reviewer = account_services.create_user("bench_archivaris_2", password, ["archivaris"], first_name="Tweede")
    staff = account_services.create_user("bench_team", password, ["teamlid", "regisseur"], first_name="Team")
    return composer, reviewer, staff


# ------------------------------------------------------------------------------------ the data


def copy_rows(model, rows: list[dict]) -> None:
    """COPY ``rows`` (dicts by attname) into ``model``'s table; missing fields get their default."""
    from django.db import connection, models

    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {f.attname: f.get_default() for f in fields}
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if isinstance(f, models.JSONField) and value is not None:
                    value = json.dumps(value)
                values.append(value)
            copy.write_row(values)


def reset_sequences(*models) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"COALESCE((SELECT max(id) FROM {table}), 1))")


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def bsn_pool(n: int, rng: random.Random) -> list[str]:
    """Valid (elfproef) BSNs that are not in the generated BRP, so a match is always residue."""
    from meldpunt.core.identifiers import elfproef
    from meldpunt.registries.models import Persoon

    taken = set(Persoon.objects.values_list("bsn", flat=True))
    found: set[str] = set()
    while len(found) < n:
        candidate = f"{rng.randrange(100_000_000, 999_999_999)}"
        if elfproef(candidate) and candidate not in taken:
            found.add(candidate)
    return sorted(found)


def fill(rng: random.Random, token: str, staff, media_root: Path) -> dict:
    """Add SIGNALS expired signals with everything hanging from them; returns what to look for."""
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import timezone

    from meldpunt.core import keys
    from meldpunt.intake.models import Attachment, MentionedSubject, Phenomenon, ReporterContact, Signal
    from meldpunt.protocol.models import Destination, StateChange, Weging
    from meldpunt.protocol.models import Forward as ForwardModel
    from meldpunt.registries.models import Onderneming, Verblijfsobject

    now = timezone.now()
    phenomena = list(Phenomenon.objects.filter(active=True).values_list("code", flat=True))
    addresses = list(Verblijfsobject.objects.values_list("hoofdadres_id", "buurt_id")[:20000])
    destination = Destination.objects.get(code="riec")
    states, weights = zip(*[(s, w) for s, w, _ in MIX], strict=True)
    ages = {s: span for s, _, span in MIX}
    bsns = bsn_pool(SIGNALS, rng)
    registered_kvk = set(Onderneming.objects.values_list("kvk_nummer", flat=True))
    kvks = [k for k in (f"{90_000_000 - n:08d}" for n in range(2 * SIGNALS)) if k not in registered_kvk][:SIGNALS]
    ids = {"signal": next_id(Signal), "subject": next_id(MentionedSubject), "contact": next_id(ReporterContact),
           "change": next_id(StateChange), "weging": next_id(Weging), "forward": next_id(ForwardModel),
           "attachment": next_id(Attachment)}
    signals, subjects, contacts, changes, wegingen, forwards, attachments = [], [], [], [], [], [], []
    identifiers = {"bsn": [], "kvk": [], "kenteken": [], "email": [], "phone": []}
    signal_ids = []
    for n in range(SIGNALS):
        pk = ids["signal"] + n
        signal_ids.append(pk)
        state = rng.choices(states, weights)[0]
        since = now - timedelta(days=rng.uniform(*ages[state]))
        received = since - timedelta(days=rng.uniform(1, 30))
        address, buurt = rng.choice(addresses)
        person = f"{token} Persoon {n}"
        bsn, kvk = bsns[n], kvks[n]
        plate = f"Q{n:05d}Z"
        identifiers["bsn"].append(bsn)
        identifiers["kvk"].append(kvk)
        identifiers["kenteken"].append(plate)
        mentions = [
            {"kind": "persoon", "name": person, "bsn": bsn, "role": "bewoner"},
            {"kind": "onderneming", "name": f"{token} BV {n}", "kvk_nummer": kvk},
            {"kind": "voertuig", "kenteken": plate},
        ]
        description = f"{person} (BSN {bsn}) ontvangt veel bezoek; auto {plate}; {token}."
        sealed = None
        if state == "geen_actie":
            payload = {"omschrijving": description, "betrokkenen": mentions, "contact": None,
                       "log_subjects": [["bsn", bsn], ["kvk", kvk], ["bag", address]]}
            sealed = keys.seal(json.dumps(payload).encode())
            description = ""
        else:
            for mention in mentions:
                subjects.append({"id": ids["subject"] + len(subjects), "signal_id": pk, "address_id": None,
                                 "birth_date": None, "bsn": "", "kvk_nummer": "", "kenteken": "", "role": "",
                                 "address_text": "", **mention})
            if rng.random() < 0.3:
                email, phone = f"melder{n}.{token.lower()}@example.org", f"06{n:08d}"
                identifiers["email"].append(email)
                identifiers["phone"].append(phone)
                contacts.append({"id": ids["contact"] + len(contacts), "signal_id": pk,
                                 "name": f"{token} Melder {n}", "email": email, "phone": phone})
        signals.append({
            "id": pk, "reference": f"MO-{received.year}-B{pk:06d}", "received_at": received,
            "channel": "telefoon", "reporter_kind": "burger", "phenomenon_id": rng.choice(phenomena),
            "description": description, "location_text": "", "occurred_text": "", "buurt_id": buurt,
            "address_id": address, "state": state, "state_since": since, "deadline": None, "sealed": sealed,
            "destroy_after": None, "receipt_code": None,
        })
        first = ids["change"] + len(changes)
        changes.append({"id": first, "signal_id": pk, "transition": "ontvangen", "source": "", "target": "ontvangen",
                        "at": received, "by_id": None, "role": "", "note": ""})
        changes.append({"id": first + 1, "signal_id": pk, "transition": f"bench_{state}", "source": "ontvangen",
                        "target": state, "at": since, "by_id": staff.pk, "role": "teamlid",
                        "note": f"Besluit over {person}"})
        wegingen.append({"id": ids["weging"] + len(wegingen), "signal_id": pk, "type": "W1", "decision": "ja",
                         "reasoning": f"{person} en {token} BV {n}: ondermijning aannemelijk.",
                         "purpose": "Bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e",
                         "decided_by_id": staff.pk, "role": "teamlid", "decided_at": since, "used_by_id": first + 1,
                         "protocol_version": "CCV 2020", "trace_id": ""})
        if state.startswith("doorgezet"):
            forwards.append({"id": ids["forward"] + len(forwards), "signal_id": pk, "destination_id": destination.pk,
                             "legal_basis": "AVG art. 6 lid 1 sub e", "items": ["betrokkenen"],
                             "content": {"kenmerk": signals[-1]["reference"], "betrokkenen": mentions},
                             "note": f"Over {person}", "sent_at": since, "sent_by_id": staff.pk})
        if n < ATTACHMENTS:
            name = default_storage.save(f"bijlagen/bench/{token}-{n}.png", _png_with(token))
            attachments.append({"id": ids["attachment"] + n, "signal_id": pk, "file": name,
                                "content_type": "image/png", "size": len(PNG) + len(token), "original_name": ""})
    data = {"signal_ids": signal_ids, "identifiers": identifiers,
            "files": [media_root / a["file"] for a in attachments]}
    # What the municipality's own registers already hold (a generated phone number, say) is not
    # residue: measured before the signals exist and subtracted afterwards.
    data["baseline"] = residue(token, {**data, "files": []})[1]["by_table"]
    started = time.perf_counter()
    with transaction.atomic():
        for model, rows in ((Signal, signals), (MentionedSubject, subjects), (ReporterContact, contacts),
                            (StateChange, changes), (Weging, wegingen), (ForwardModel, forwards),
                            (Attachment, attachments)):
            copy_rows(model, rows)
        reset_sequences(Signal, MentionedSubject, ReporterContact, StateChange, Weging, ForwardModel, Attachment)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  COPY {len(signals):,} signals, {len(subjects):,} subjects, {len(contacts):,} contacts, "
        f"{len(changes):,} history rows, {len(wegingen):,} wegingen, {len(forwards):,} forwards, "
        f"{len(attachments)} files: {time.perf_counter() - started:.1f} s (baseline in the registers: "
        f"{data['baseline'] or 'none'})")
    return data


def _png_with(token: str):
    from django.core.files.base import ContentFile

    # The token after the PNG end: a file that survives would be found by its content too.
    return ContentFile(PNG + token.encode())


# ------------------------------------------------------------------------------------- residue


def residue(token: str, data: dict) -> tuple[int, dict]:
    """Rows anywhere that still hold the token or a destroyed identifier, rows still pointing at a
    destroyed signal, and files left on disk."""
    from django.db import connection

    quote = connection.ops.quote_name
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        # Enough memory for the IN (SELECT ...) lists to be hashed instead of scanned per row.
        cursor.execute("SET work_mem = '512MB'")
        cursor.execute("CREATE TEMP TABLE residue_ids (v text PRIMARY KEY)")
        values = sorted({v for group in data["identifiers"].values() for v in group})
        with cursor.cursor.copy("COPY residue_ids (v) FROM STDIN") as copy:
            for value in values:
                copy.write_row((value,))
        cursor.execute("CREATE TEMP TABLE residue_signals (id bigint PRIMARY KEY)")
        with cursor.cursor.copy("COPY residue_signals (id) FROM STDIN") as copy:
            for pk in data["signal_ids"]:
                copy.write_row((pk,))
        cursor.execute("ANALYZE residue_ids; ANALYZE residue_signals")
        cursor.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = current_schema() AND table_name NOT LIKE 'residue_%'")
        tables: dict[str, list[tuple[str, str]]] = {}
        for table, column, kind in cursor.fetchall():
            tables.setdefault(table, []).append((column, kind))
        for table, columns in sorted(tables.items()):
            conditions, params = [], []
            for column, kind in columns:
                col = quote(column)
                if kind == "bytea":
                    conditions.append(f"position(%s::bytea in {col}) > 0")
                    params.append(token.encode())
                elif kind in ("text", "character varying", "character", "json", "jsonb"):
                    conditions.append(f"CAST({col} AS TEXT) LIKE %s")
                    params.append(f"%{token}%")
                    if kind in ("text", "character varying", "character"):
                        conditions.append(f"{col} IN (SELECT v FROM residue_ids)")
                if column in ("signal_id",) or (table == "intake_signal" and column == "id"):
                    conditions.append(f"{col} IN (SELECT id FROM residue_signals)")
            if not conditions:
                continue
            cursor.execute(f"SELECT count(*) FROM {quote(table)} WHERE {' OR '.join(conditions)}", params)
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
        scanned = len(tables)
        cursor.execute("DROP TABLE residue_ids; DROP TABLE residue_signals")
    for table, count in (data.get("baseline") or {}).items():
        if table in found:
            found[table] = max(0, found[table] - count)
    found = {table: count for table, count in found.items() if count}
    files_left = sum(1 for path in data["files"] if path.exists())
    if files_left:
        found["files"] = files_left
    return sum(found.values()), {"tables_scanned": scanned, "by_table": found}


# ------------------------------------------------------------------------------------------ run


def run(size: str, pg_url: str, work: Path) -> list[dict]:
    admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(pg_url, f"CREATE DATABASE {DB_NAME}")
    setup_django(pg_url, DB_NAME, work)
    from django.conf import settings
    from django.db import connection

    from meldpunt.privacy.retention import dates, destruction, services
    from meldpunt.privacy.retention.models import Tombstone

    rng = random.Random(SEED)
    token = "RESIDU" + secrets.token_hex(4).upper()
    log(f"Preparing size {size} (token {token}) ...")
    composer, reviewer, staff = prepare_database(size, work)
    data = fill(rng, token, staff, Path(settings.MEDIA_ROOT))

    started = time.perf_counter()
    changed = dates.recompute_all()
    recompute_seconds = time.perf_counter() - started
    log(f"  recompute_all: {changed:,} dates set in {recompute_seconds:.1f} s")
    # Statistics after the dates are set (fill's VACUUM ANALYZE saw them empty): composing selects on them.
    analyse()
    started = time.perf_counter()
    destruction_list = services.compose(composer, "Benchmark")
    compose_seconds = time.perf_counter() - started
    listed = destruction_list.items.count()
    log(f"  compose: {listed:,} records on the list in {compose_seconds:.1f} s")
    destruction_list = services.review(reviewer, destruction_list, True)
    destruction_list.__class__.objects.filter(pk=destruction_list.pk).update(
        cooling_off_until=destruction_list.cooling_off_until - timedelta(days=30))

    # Bare baseline, same run, same signals: a plain cascading DELETE of every signal on the list and
    # every row pointing at them (foreign keys checked at once), rolled back so the real run follows.
    from meldpunt.intake.models import Signal

    ids = f"SELECT object_id FROM {destruction_list.items.model._meta.db_table} WHERE kind = 'signaal' " \
          f"AND destruction_list_id = {destruction_list.pk}"
    bare_seconds, bare_rows = time_cascade_delete(Signal, f"id IN ({ids})")
    log(f"  bare: plain cascading DELETE of the same signals, {bare_rows:,} rows in {bare_seconds:.1f} s "
        "(rolled back)")

    log("Destroying ...")
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - began, sql[:160]))

    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        outcome = destruction.execute(destruction_list)  # commits; on_commit deletes the files
    destroy_seconds = time.perf_counter() - started
    sql_seconds = sum(d for d, _ in statements)
    log(f"  {len(statements)} statements, {sql_seconds:.1f} s in the database; slowest:")
    for duration, sql in sorted(statements, reverse=True)[:8]:
        log(f"    {duration:6.2f} s  {sql}")
    log(f"  destroyed {sum(outcome.destroyed.values()):,} in {destroy_seconds:.1f} s (commit included); "
        f"phases: {outcome.seconds}; rows: {outcome.rows}")

    started = time.perf_counter()
    residue_count, detail = residue(token, data)
    log(f"  residue search over {detail['tables_scanned']} tables in {time.perf_counter() - started:.1f} s: "
        f"{residue_count} ({detail['by_table']})")
    tombstones = Tombstone.objects.count()
    return [
        {"metric": "destroy_100k_seconds", "value": round(destroy_seconds, 2), "unit": "s", "size": size},
        {"metric": "destroy_100k_seconds_ratio_vs_bare", "value": round(destroy_seconds / bare_seconds, 2),
         "unit": "ratio", "size": size, "bare_seconds": round(bare_seconds, 2), "bare_rows": bare_rows,
         "note": "destruction.execute / a plain cascading DELETE of the same signals (rolled back), same run"},
        {"metric": "destroy_residue_count", "value": residue_count, "unit": "rows+files", "size": size},
        {"metric": "destroyed_signals", "value": outcome.destroyed.get("signaal", 0), "unit": "signals",
         "size": size},
        {"metric": "tombstones", "value": tombstones, "unit": "rows", "size": size},
        {"metric": "retention_recompute_seconds", "value": round(recompute_seconds, 2), "unit": "s", "size": size},
        {"metric": "compose_list_seconds", "value": round(compose_seconds, 2), "unit": "s", "size": size},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M"), default="M", help="municipality to load (default: M)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pg_url = args.pg_url.rstrip("/")
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-retention-"))
    started = time.perf_counter()
    try:
        metrics = run(args.size, pg_url, work)
    finally:
        clean_up(pg_url, DB_NAME, work)
    log(f"Done in {time.perf_counter() - started:.0f} s.")
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
