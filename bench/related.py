"""Benchmark the related-items lookup (``meldpunt.registries.related``) on PostgreSQL.

What it does, all in a throw-away database ``meldpunt_bench_related`` (dropped and created at the
start, dropped at the end, also after a failure):

1. ``migrate`` (the product's tables and indexes), then generate a municipality (``--size``,
   default L: every buurt of the Netherlands, ~9.8 million addresses, ~17.9 million persons,
   ~2.4 million companies, 1 million signals; or reuse ``--data-dir``);
2. load only the tables the lookup reads, with COPY (DuckDB writes CSV from the Parquet files,
   psycopg streams it): addresses, persons, registrations (verblijfplaatsen), companies,
   vestigingen, functionarissen, the generator's signals (in a mix of steps) with mentioned
   subjects (the address, a person registered there by BSN, a company there by KvK-nummer, a
   kenteken shared by a few signals) and casussen holding the signals in step 'casus'. Before
   the COPY the tables' indexes and constraints are dropped; afterwards every index and unique or
   primary key the migrations created is built again (foreign keys are not: the lookup only
   reads), then ``VACUUM ANALYZE``;
3. as a regisseur (the widest need-to-know rule: steps 1 to 3, the end states and the casussen
   without a lead), ``related_for_signal`` for ``--lookups`` random signals with an address, after
   a warm-up; wall time per lookup including its log lines (P2). Once with counts only (no approved
   details: the rule today) and once with every group named (as after an approved details request);
4. bare baseline on the same signals in the same run: plain ORM reads of the same rows, names
   included, no policy and no processing log (``bare_related``), for ``<metric>_ratio_vs_bare``.

Progress goes to stderr; the figures end up on stdout as one JSON line each::

    .venv/bin/python bench/related.py                  # size L (generates it first, ~100 s, ~2 GB)
    .venv/bin/python bench/related.py --size M
    .venv/bin/python bench/related.py --data-dir bench/out/related-L   # reuse generated Parquet
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _support import admin_execute, analyse, clean_up, log, percentile, setup_django

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
DB_NAME = os.environ.get("MELDPUNT_BENCH_DB", "meldpunt_bench_related")  # another name: runs side by side
SEED = 479
# Step of a loaded signal by hash bucket (0-99): what a year of work leaves behind.
STATES = [("ontvangen", 10), ("zwaarte", 5), ("bronnenonderzoek", 5), ("niet_in_behandeling", 35),
          ("geen_actie", 15), ("doorgezet_afdeling", 10), ("doorgezet_riec", 10), ("afdeling_regie", 5),
          ("casus", 5)]
KENTEKENS = 200_000  # pool: a plate is shared by a few signals










# ------------------------------------------------------------------------------------ loading


def _state_case(hash_sql: str) -> str:
    parts, upper = [], 0
    for state, share in STATES:
        upper += share
        parts.append(f"WHEN {hash_sql} < {upper} THEN '{state}'")
    return f"CASE {' '.join(parts)} END"


def plan(data: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(model label, DuckDB FROM clause, {column: SQL expression}) for every loaded table."""
    p = {name: f"read_parquet('{data / name}.parquet')" for name in (
        "nummeraanduidingen", "personen", "verblijfplaatsen", "ondernemingen", "vestigingen", "functionarissen",
        "signalen")}
    signal_id = "CAST(split_part(reference, '-', 3) AS BIGINT)"
    bucket = f"(hash({signal_id}, 'state') % 100)"
    signals = f"(SELECT *, {signal_id} AS sid, {bucket} AS bucket FROM {p['signalen']})"
    casus_signals = f"(SELECT sid FROM {signals} WHERE bucket >= 95)"
    resident = (f"(SELECT r.adres, arg_min(ps.bsn, r.pid) AS bsn FROM {p['verblijfplaatsen']} r "
                f"JOIN {p['personen']} ps USING (pid) WHERE r.datum_einde IS NULL GROUP BY r.adres)")
    company = (f"(SELECT v.adres, arg_min(o.kvk_nummer, v.cid) AS kvk FROM {p['vestigingen']} v "
               f"JOIN {p['ondernemingen']} o USING (cid) WHERE v.datum_einde IS NULL GROUP BY v.adres)")
    mentions = f"""(
        SELECT s.sid, 'adres' AS kind, s.adres AS address_id, '' AS bsn, '' AS kvk, '' AS kenteken, s.bucket
          FROM {signals} s WHERE s.adres IS NOT NULL AND hash(s.sid, 'a') % 10 < 3
        UNION ALL
        SELECT s.sid, 'persoon', NULL, r.bsn, '', '', s.bucket FROM {signals} s JOIN {resident} r USING (adres)
         WHERE hash(s.sid, 'p') % 10 < 5
        UNION ALL
        SELECT s.sid, 'onderneming', NULL, '', c.kvk, '', s.bucket FROM {signals} s JOIN {company} c USING (adres)
        UNION ALL
        SELECT s.sid, 'voertuig', NULL, '', '', 'BK' || lpad(CAST(hash(s.sid, 'k') % {KENTEKENS} AS VARCHAR), 6, '0'),
               s.bucket FROM {signals} s WHERE hash(s.sid, 'v') % 10 = 0)"""
    return [
        ("registries.Nummeraanduiding", p["nummeraanduidingen"], {
            "identificatie": "identificatie", "openbare_ruimte": "openbare_ruimte", "huisnummer": "huisnummer",
            "huisletter": "''", "toevoeging": "''", "postcode": "postcode", "woonplaats": "woonplaats"}),
        ("registries.Persoon", p["personen"], {
            "id": "pid + 1", "bsn": "bsn", "voornamen": "voornamen", "voorvoegsel": "coalesce(voorvoegsel, '')",
            "geslachtsnaam": "geslachtsnaam", "geboortedatum": "geboortedatum"}),
        ("registries.Verblijfplaats", p["verblijfplaatsen"], {
            "id": "row_number() OVER ()", "persoon_id": "pid + 1", "adres_id": "adres",
            "datum_aanvang": "datum_aanvang", "datum_einde": "datum_einde"}),
        ("registries.Onderneming", p["ondernemingen"], {
            "id": "cid + 1", "kvk_nummer": "kvk_nummer", "naam": "naam", "rechtsvorm": "rechtsvorm",
            "rsin": "coalesce(rsin, '')", "datum_oprichting": "datum_oprichting",
            "datum_opheffing": "datum_opheffing"}),
        ("registries.Vestiging", p["vestigingen"], {
            "id": "row_number() OVER ()", "vestigingsnummer": "vestigingsnummer", "onderneming_id": "cid + 1",
            "handelsnaam": "handelsnaam", "adres_id": "adres", "sbi_id": "sbi", "datum_aanvang": "datum_aanvang",
            "datum_einde": "datum_einde"}),
        ("registries.Functionaris", p["functionarissen"], {
            "id": "row_number() OVER ()", "onderneming_id": "cid + 1", "persoon_id": "pid + 1",
            "functie": "functie", "datum_aanvang": "datum_aanvang", "datum_einde": "datum_einde"}),
        ("intake.Signal", signals, {
            "id": "sid", "reference": "reference", "received_at": "received_at", "channel": "channel",
            "reporter_kind": "'burger'", "phenomenon": "phenomenon", "description": "description",
            "buurt_id": "buurt", "address_id": "adres", "state": _state_case("bucket"),
            "state_since": "received_at", "deadline": "CAST(received_at AS DATE) + 7"}),
        ("intake.MentionedSubject", mentions, {
            "id": "row_number() OVER ()", "signal_id": "sid", "kind": "kind", "address_id": "address_id",
            "bsn": "bsn", "kvk_nummer": "kvk", "kenteken": "kenteken", "name": "''", "role": "''",
            "address_text": "''"}),
        ("cases.Casus", f"(SELECT DISTINCT sid // 2 AS cid FROM {casus_signals})", {
            "id": "cid + 1", "reference": "'CA-B-' || lpad(CAST(cid + 1 AS VARCHAR), 7, '0')",
            "title": "'Casus ' || CAST(cid + 1 AS VARCHAR)", "state": "'voorbereiding'",
            "opened_at": "TIMESTAMPTZ '2026-06-01 09:00:00+00'", "evaluation": "''"}),
        ("cases.CasusSignal", casus_signals, {
            "id": "row_number() OVER ()", "casus_id": "sid // 2 + 1", "signal_id": "sid",
            "linked_at": "TIMESTAMPTZ '2026-06-01 09:00:00+00'", "outcome": "''"}),
    ]


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | dict):
        return "'" + json.dumps(value).replace("'", "''") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def _select(model, mapping: dict[str, str]) -> tuple[list[str], str, list[str]]:
    """Every concrete column of ``model``: mapped, else NULL or the field's default (Django sets no
    database defaults, so COPY must give every NOT NULL column a value)."""
    columns, expressions, not_null_text = [], [], []
    for f in model._meta.concrete_fields:
        column = f.column
        key = column if column in mapping else (f.attname if f.attname in mapping else f.name)
        if key in mapping:
            expression = mapping[key]
        elif f.null:
            expression = "NULL"
        elif f.has_default() or f.empty_strings_allowed and f.get_internal_type() in ("CharField", "TextField"):
            expression = _literal(f.get_default())
        else:
            raise SystemExit(f"{model.__name__}.{f.name}: no value for a NOT NULL column in the bench plan")
        columns.append(column)
        expressions.append(f"{expression} AS \"{column}\"")
        if not f.null and f.get_internal_type() in ("CharField", "TextField", "EmailField", "JSONField"):
            not_null_text.append(column)
    return columns, ", ".join(expressions), not_null_text


def _constraints_and_indexes(cursor, table: str) -> tuple[list[str], list[str], list[str]]:
    """(drop statements, statements to build again, foreign keys dropped) for ``table``."""
    cursor.execute("""SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')""", [table])
    drops, builds, fks = [], [], []
    for name, kind, definition in cursor.fetchall():
        drops.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}" CASCADE')
        if kind == "f":
            fks.append(name)
        else:
            builds.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", [table])
    for name, definition in cursor.fetchall():
        drops.append(f'DROP INDEX "{name}"')
        builds.append(definition)
    return drops, builds, fks


def load(data: Path, work: Path, tables=None) -> dict[str, int]:
    """Load the tables of ``tables(data)`` (default: this bench's ``plan``) with COPY."""
    import duckdb
    from django.apps import apps
    from django.db import connection

    duck = duckdb.connect()
    duck.execute("SET memory_limit = '3GB'; SET threads = 2; SET preserve_insertion_order = false")
    duck.execute(f"SET temp_directory = '{work / 'duckdb_tmp'}'")
    counts, rebuild = {}, []
    entries = (tables or plan)(data)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        tables = [apps.get_model(label)._meta.db_table for label, _, _ in entries]
        # Drop in a second pass: a CASCADE drop of a primary key also drops the foreign keys on it.
        found = [_constraints_and_indexes(cursor, table) for table in tables]
        log(f"  dropped for the COPY: {sum(len(d) for d, _, _ in found)} indexes and keys, of which "
            f"{sum(len(f) for _, _, f in found)} foreign keys (not built again)")
        for drops, builds, _ in found:
            rebuild += builds
            for statement in drops:
                with contextlib.suppress(Exception):  # already gone with a CASCADE of another table
                    cursor.execute(statement)
        for label, source, mapping in entries:
            model = apps.get_model(label)
            started = time.perf_counter()
            columns, select, not_null_text = _select(model, mapping)
            csv_path = work / f"{model._meta.db_table}.csv"
            duck.execute(f"COPY (SELECT {select} FROM {source}) TO '{csv_path}' (FORMAT csv, HEADER false)")
            force = f", FORCE_NOT_NULL ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in not_null_text)})" \
                if not_null_text else ""
            quoted = ", ".join(f'"{c}"' for c in columns)
            with open(csv_path, "rb") as handle, cursor.cursor.copy(
                    f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN (FORMAT csv{force})') as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
            csv_path.unlink()
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
            counts[model._meta.db_table] = cursor.fetchone()[0]
            log(f"  COPY {model._meta.db_table}: {counts[model._meta.db_table]:,} rows in "
                f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for statement in rebuild:
            cursor.execute(statement)
        log(f"  {len(rebuild)} indexes and keys built again in {time.perf_counter() - started:.1f} s")
        for model in (apps.get_model(label) for label, _, _ in entries):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"COALESCE((SELECT max(id) FROM \"{table}\"), 1))"
                           if model._meta.pk.name == "id" else "SELECT 1")
    duck.close()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")
    return counts


# -------------------------------------------------------------------------------- measuring


def measure(user, signal_ids: list[int], names: bool) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meldpunt import policy
    from meldpunt.intake.models import Signal
    from meldpunt.registries import related

    original = policy.related_identity_groups
    if names:
        policy.related_identity_groups = lambda user, signal: frozenset(policy.RELATED_GROUP_FIELDS)
    try:
        signals = Signal.objects.in_bulk(signal_ids)
        times, queries, slow = [], 0, {}
        for pk in signal_ids:
            signal_row = signals[pk]
            connection.queries_log.clear()  # the log keeps 9,000 queries: past that a capture is empty
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                related.related_for_signal(user, signal_row)
                times.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(captured))
            for query in captured.captured_queries:
                key = query["sql"][:70]
                slow[key] = slow.get(key, 0.0) + float(query["time"]) * 1000
        total = sum(times)
        log(f"    {'names' if names else 'counts'}: {sum(slow.values()) / total:.0%} of the time in SQL; "
            "most time per statement (ms summed over the lookups):")
        for key, spent in sorted(slow.items(), key=lambda item: -item[1])[:6]:
            log(f"      {spent:8.0f}  {key}")
        return times, queries
    finally:
        policy.related_identity_groups = original


def bare_related(signal_row) -> int:
    """The bare baseline: the same rows as ``related_for_signal`` with plain ORM reads — the signal's
    subjects, other signals on its keys, their casussen, the addresses, residents, companies at the
    address or KvK-nummer, their directors and the directors' other companies, names included —
    without the access policy, the need-to-know filter or the processing log. Returns rows read."""
    from django.db.models import Q
    from django.utils import timezone

    from meldpunt.cases.models import Casus, CasusSignal
    from meldpunt.intake.models import MentionedSubject, Signal
    from meldpunt.registries.models import (
        Functionaris,
        Nummeraanduiding,
        Onderneming,
        Persoon,
        Verblijfplaats,
        Vestiging,
    )

    today = timezone.localdate()
    running = Q(datum_aanvang__lte=today) & (Q(datum_einde__isnull=True) | Q(datum_einde__gt=today))
    subjects = list(MentionedSubject.objects.filter(signal_id=signal_row.pk).values(
        "address_id", "bsn", "kvk_nummer", "kenteken"))
    addresses = {s["address_id"] for s in subjects if s["address_id"]} | {signal_row.address_id}
    keys = Q(address_id__in=addresses)
    for name in ("bsn", "kvk_nummer", "kenteken"):
        values = {s[name] for s in subjects if s[name]}
        if values:
            keys |= Q(**{f"{name}__in": values})
    ids = set(MentionedSubject.objects.filter(keys).values_list("signal_id", flat=True)[:500])
    ids |= set(Signal.objects.filter(address_id__in=addresses).values_list("pk", flat=True)[:500])
    ids.discard(signal_row.pk)
    signals = list(Signal.objects.filter(pk__in=ids).select_related("phenomenon").order_by("-received_at")[:10])
    casussen = list(Casus.objects.filter(pk__in=CasusSignal.objects.filter(signal_id__in=[*ids, signal_row.pk])
                                         .values("casus_id")).order_by("-opened_at")[:10])
    found = list(Nummeraanduiding.objects.filter(pk__in=addresses))
    residents = list(Verblijfplaats.objects.filter(running, adres_id__in=addresses)
                     .values_list("persoon_id", flat=True).distinct())
    persons = list(Persoon.objects.filter(pk__in=residents[:10]))
    kvks = {s["kvk_nummer"] for s in subjects if s["kvk_nummer"]}
    first_hop = set(Vestiging.objects.filter(running, adres_id__in=addresses).values_list("onderneming_id", flat=True))
    first_hop |= set(Onderneming.objects.filter(kvk_nummer__in=kvks).values_list("pk", flat=True))
    companies = list(Onderneming.objects.filter(pk__in=first_hop)[:10])
    directors = set(Functionaris.objects.filter(running, onderneming_id__in=first_hop).values_list("persoon_id",
                                                                                                   flat=True))
    people = list(Persoon.objects.filter(pk__in=directors)[:10])
    other = list(Onderneming.objects.filter(pk__in=Functionaris.objects.filter(running, persoon_id__in=directors)
                                            .exclude(onderneming_id__in=first_hop).values("onderneming_id"))[:10])
    return (len(subjects) + len(signals) + len(casussen) + len(found) + len(persons) + len(companies)
            + len(people) + len(other))


def measure_bare(signal_ids: list[int]) -> list[float]:
    from meldpunt.intake.models import Signal

    signals = Signal.objects.in_bulk(signal_ids)
    times = []
    for pk in signal_ids:
        started = time.perf_counter()
        bare_related(signals[pk])
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(size: str, pg_url: str, work: Path, data_dir: Path | None, lookups: int) -> list[dict]:
    admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(pg_url, f"CREATE DATABASE {DB_NAME}")
    setup_django(pg_url, DB_NAME, work)
    from django.core.management import call_command

    from meldpunt import policy
    from meldpunt.accounts import services as account_services
    from meldpunt.intake.models import Signal

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  migrate: {time.perf_counter() - started:.1f} s")
    if data_dir is None:
        from meldpunt.demo.generator.build import build

        data_dir = work / "generated"
        started = time.perf_counter()
        build(size, data_dir, seed=SEED)
        log(f"  generate {size}: {time.perf_counter() - started:.1f} s")
    # The installation's gemeente before the COPY: a signal's gemeente defaults to it (one tenant;
    # L, the whole country, is loaded into Zaanstad's installation).
    from meldpunt.demo.generator.sizes import SIZES
    from meldpunt.tenancy.home import ensure_home_tenant

    ensure_home_tenant((SIZES[size].gemeenten or ("GM0479",))[0])
    started = time.perf_counter()
    counts = load(data_dir, work)
    load_seconds = time.perf_counter() - started
    log(f"  load: {load_seconds:.0f} s")
    user = account_services.create_user("bench_regisseur", secrets.token_urlsafe(16), ["regisseur"])
    analyse()  # after the account too (load's VACUUM ANALYZE ran before it), as load.py does
    rng = random.Random(SEED)
    with_address = list(Signal.objects.filter(address__isnull=False).values_list("pk", flat=True)
                        .order_by("?")[: 4 * lookups]) if counts["intake_signal"] < 50_000 else None
    if with_address is None:
        top = max(counts["intake_signal"], 1)
        picked = set()
        while len(picked) < 4 * lookups:
            picked.add(rng.randrange(1, top + 1))
        with_address = list(Signal.objects.filter(pk__in=picked, address__isnull=False).values_list("pk", flat=True))
    rng.shuffle(with_address)
    readable = list(policy.signals_visible_to(user, Signal.objects.filter(pk__in=with_address))
                    .values_list("pk", flat=True))
    sample = readable[:lookups]
    warm = readable[lookups:lookups + 20] or sample[:20]
    log(f"Measuring {len(sample)} lookups as a regisseur (warm-up {len(warm)}) ...")
    measure(user, warm, names=False)
    measure_bare(warm)
    bare = measure_bare(sample)
    log(f"  bare (plain ORM, same rows, no policy or log): p50 {statistics.median(bare):.1f} ms, "
        f"p95 {percentile(bare, 95):.1f} ms")
    results = []
    for metric, names in (("related_p95_ms", False), ("related_names_p95_ms", True)):
        times, queries = measure(user, sample, names)
        log(f"  {metric}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
            f"max {max(times):.1f} ms, at most {queries} queries per lookup")
        results.append({"metric": metric, "value": round(percentile(times, 95), 1), "unit": "ms", "size": size})
        results.append({"metric": f"{metric}_ratio_vs_bare", "value": round(percentile(times, 95)
                                                                              / percentile(bare, 95), 2),
                        "unit": "ratio", "size": size, "bare_p95_ms": round(percentile(bare, 95), 1),
                        "note": "p95 / p95 of plain ORM reads of the same rows (names included), same run"})
        results.append({"metric": metric.replace("p95", "p50"), "value": round(statistics.median(times), 1),
                        "unit": "ms", "size": size})
    results.append({"metric": "related_queries_per_lookup", "value": queries, "unit": "queries", "size": size})
    results.append({"metric": "related_load_seconds", "value": round(load_seconds), "unit": "s", "size": size})
    log(f"  rows: {counts}; load average {os.getloadavg()[0]:.2f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M", "L"), default="L", help="municipality (default: L)")
    parser.add_argument("--data-dir", type=Path, help="reuse generated Parquet files of this size")
    parser.add_argument("--lookups", type=int, default=300, help="measured lookups per mode (default: 300)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pg_url = args.pg_url.rstrip("/")
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-related-"))
    started = time.perf_counter()
    try:
        metrics = run(args.size, pg_url, work, args.data_dir, args.lookups)
    finally:
        clean_up(pg_url, DB_NAME, work)
    log(f"Done in {time.perf_counter() - started:.0f} s.")
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
