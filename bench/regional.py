"""Benchmark a regional meldpunt (ADR 0030 §14) on PostgreSQL: gemeenten as tenants, regions per provincie.

What it does, all in a throw-away database ``meldpunt_bench_regional`` (dropped and created at the
start, dropped at the end, also after a failure; ``MELDPUNT_BENCH_DB`` names another):

1. ``migrate``, then generate the data (or reuse ``--data-dir``): size L is the generator's national
   data (all 342 gemeenten, 1 million signals); S and M are the gemeenten of Noord-Holland and
   Flevoland (50), S at demo scale with 20,000 signals, M at full scale with 200,000 signals;
2. one tenant per gemeente in the data (Zaanstad is the home tenant, the others get their own key
   slot and log chain) and one regio per provincie (``provinciecode`` of
   ``data/cbs/kwb2024_gemeenten.csv``, read with the csv module: quoted names hold commas) — a
   stand-in for the RIEC regions, whose membership is not in the shipped data;
3. load the tables the lookups read with COPY (``bench/related.py``'s loader and plan), each signal
   in the gemeente of its buurt;
4. ``regional_queue_ratio``: the werkvoorraad (the page's reads: the counts per step and the first
   page of 25 of ``intake.selectors.queue``) for a regisseur of five gemeenten ("Al mijn
   gemeenten": Zaanstad, Wormerland, Oostzaan, Purmerend, Landsmeer) against one gemeente (Zaanstad),
   p95 over ``--pages`` page loads each, alternating, after a warm-up. Goal ≤ 1.3. Until roles are
   held per gemeente (ADR 0030 §3) the scope is the filter ``gemeente__in`` the list pages add;
5. ``regional_hit_ratio`` needs ``meldpunt.regio.services`` (the hit/no-hit exchange, §8): until it
   is built, ``measure_regional_hit_ratio`` says so ("nog niet gebouwd") and the JSON line has no value.

Progress goes to stderr; the figures end up on stdout as one JSON line each::

    .venv/bin/python bench/regional.py --size S
    .venv/bin/python bench/regional.py                 # size L (generates it first, ~100 s, ~2 GB)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _support import admin_execute, clean_up, log, percentile, setup_django

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
DB_NAME = os.environ.get("MELDPUNT_BENCH_DB", "meldpunt_bench_regional")
SEED = 479
PROVINCIES = ("PV24", "PV27")  # Flevoland, Noord-Holland: the data of S and M
SIGNALS = {"S": 20_000, "M": 200_000, "L": None}  # None: the size's own (L: 1 million)
ONE = "GM0479"  # Zaanstad
FIVE = ("GM0479", "GM0880", "GM0431", "GM0439", "GM0415")  # + Wormerland, Oostzaan, Purmerend, Landsmeer
PAGE_SIZE = 25  # the werkvoorraad's page (web.views)


class NogNietGebouwd(RuntimeError):
    """A measurement whose code in the product does not exist yet."""


def gemeenten_csv() -> dict[str, dict[str, str]]:
    path = REPO / "src" / "meldpunt" / "data" / "cbs" / "kwb2024_gemeenten.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["gemeentecode"]: row for row in csv.DictReader(handle)}


def data_gemeenten(size: str) -> tuple[str, ...] | None:
    if size == "L":
        return None
    return tuple(sorted(code for code, row in gemeenten_csv().items() if row["provinciecode"] in PROVINCIES))


def regional_plan(data: Path):
    """``related.plan`` with each signal (and casus) in the gemeente of its buurt."""
    from related import plan

    entries = []
    for label, source, mapping in plan(data):
        if label == "intake.Signal":
            signals = source
            mapping = {**mapping, "gemeente_id": "gemeente"}
        if label == "cases.Casus":
            source = (f"(SELECT sid // 2 AS cid, arg_min(gemeente, sid) AS gemeente FROM {signals} "
                      "WHERE bucket >= 95 GROUP BY 1)")
            mapping = {**mapping, "gemeente_id": "gemeente"}
        entries.append((label, source, mapping))
    return entries


def make_tenants(codes: list[str]) -> dict[str, list[str]]:
    """A tenant per gemeente, a regio per provincie; returns {regio code: member codes}."""
    from datetime import date

    from django.conf import settings

    from meldpunt.tenancy.home import ensure_home_tenant, reference_prefix
    from meldpunt.tenancy.models import Regio, Tenant

    rows = gemeenten_csv()
    regios = {}
    for code in codes:
        provincie = rows[code]["provinciecode"]
        if provincie not in regios:
            regios[provincie] = Regio.objects.create(
                code=provincie.lower(), naam=rows[code]["provincienaam"], convenant="Bench: regio per provincie",
                convenant_valid_from=date(2026, 1, 1))
    home = ensure_home_tenant(ONE if ONE in codes else codes[0])
    taken = {home.reference_prefix}
    tenants = []
    for code in codes:
        if code == home.code:
            continue
        prefix = reference_prefix(rows[code]["gemeentenaam"], taken)
        taken.add(prefix)
        tenants.append(Tenant(code=code, naam=rows[code]["gemeentenaam"], reference_prefix=prefix, key_slot=code,
                              log_chain=f"verwerking:{code}",
                              register_uri=f"{settings.MELDPUNT_LDV_REGISTER_URI}:{code.lower()}"))
    Tenant.objects.bulk_create(tenants, batch_size=500)
    members: dict[str, list[str]] = {}
    for code in codes:
        regio = regios[rows[code]["provinciecode"]]
        Tenant.objects.filter(code=code).update(regio=regio)
        members.setdefault(regio.code, []).append(code)
    return members


def werkvoorraad(user, codes) -> int:
    """The reads of the werkvoorraad page for ``codes`` ("Al mijn gemeenten" or one): counts per step
    (queue_summary) and the first page of the queue. Returns the rows on the page."""
    from django.core.paginator import Paginator
    from django.db.models import Count, Q
    from django.utils import timezone

    from meldpunt.intake import selectors

    today = timezone.localdate()
    list(selectors.visible_signals(user).filter(gemeente__in=codes).values("state").annotate(
        n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today))))
    page = Paginator(selectors.queue(user).filter(gemeente__in=codes), PAGE_SIZE).page(1)
    return len(list(page.object_list))


def measure_queue(user, pages: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"one": [], "five": []}
    for _ in range(10):  # warm-up
        werkvoorraad(user, [ONE])
        werkvoorraad(user, list(FIVE))
    for _ in range(pages):
        for key, codes in (("one", [ONE]), ("five", list(FIVE))):
            started = time.perf_counter()
            werkvoorraad(user, codes)
            times[key].append((time.perf_counter() - started) * 1000)
    return times


def measure_regional_hit_ratio(members: dict[str, list[str]]) -> dict:
    """p95 of ``regio.services.answer(question)`` over the gemeenten of a region and over all
    gemeenten, against ``registries.related.related_for_signal`` in the same run (goal ≤ 1.5)."""
    import importlib.util

    if importlib.util.find_spec("meldpunt.regio.services") is None:
        raise NogNietGebouwd("regional_hit_ratio: nog niet gebouwd — meldpunt.regio.services (de hit/no-hit-"
                             "uitwisseling tussen gemeenten, ADR 0030 §8) ontbreekt nog.")
    raise NogNietGebouwd("regional_hit_ratio: nog niet gebouwd — meldpunt.regio.services bestaat, maar deze meting "
                         "(een vraag per regio en over alle gemeenten, §14) is nog niet geschreven.")


def run(size: str, pg_url: str, work: Path, data_dir: Path | None, pages: int) -> list[dict]:
    admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(pg_url, f"CREATE DATABASE {DB_NAME}")
    setup_django(pg_url, DB_NAME, work)
    import duckdb
    from django.core.management import call_command

    from meldpunt.accounts import services as account_services
    from related import load

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  migrate: {time.perf_counter() - started:.1f} s")
    if data_dir is None:
        from meldpunt.demo.generator.build import build

        data_dir = work / "generated"
        started = time.perf_counter()
        build(size, data_dir, seed=SEED, gemeenten=data_gemeenten(size), signals=SIGNALS[size])
        log(f"  generate {size}: {time.perf_counter() - started:.1f} s")
    codes = [row[0] for row in duckdb.sql(
        f"SELECT DISTINCT gemeente FROM read_parquet('{data_dir / 'signalen.parquet'}') ORDER BY 1").fetchall()]
    members = make_tenants(codes)
    log(f"  {len(codes)} gemeenten as tenants in {len(members)} regio's (per provincie)")
    started = time.perf_counter()
    counts = load(data_dir, work, regional_plan)
    load_seconds = time.perf_counter() - started
    log(f"  load: {load_seconds:.0f} s; rows: {counts}")
    missing = [code for code in FIVE if code not in codes]
    if missing:
        raise SystemExit(f"the data hold no signals of {', '.join(missing)}: choose another size or data")
    from django.db.models import Count

    from meldpunt.intake.models import Signal

    per = dict(Signal.objects.filter(gemeente__in=FIVE).values_list("gemeente").annotate(n=Count("id")))
    log(f"  signals of the five: {per}")
    user = account_services.create_user("bench_regisseur_regio", "bench-" + os.urandom(8).hex(), ["regisseur"])
    log(f"Measuring {pages} werkvoorraad pages for one and for five gemeenten (alternating) ...")
    times = measure_queue(user, pages)
    one, five = percentile(times["one"], 95), percentile(times["five"], 95)
    for key in ("one", "five"):
        log(f"  {key}: p50 {statistics.median(times[key]):.1f} ms, p95 {percentile(times[key], 95):.1f} ms")
    results = [
        {"metric": "regional_queue_p95_ms_one", "value": round(one, 1), "unit": "ms", "size": size},
        {"metric": "regional_queue_p95_ms_five", "value": round(five, 1), "unit": "ms", "size": size},
        {"metric": "regional_queue_ratio", "value": round(five / one, 2), "unit": "ratio", "size": size,
         "note": "p95 werkvoorraad 'Al mijn gemeenten' (5) / p95 for one gemeente, same run; goal <= 1.3",
         "signals_five": sum(per.values()), "signals_one": per.get(ONE, 0)},
    ]
    try:
        results.append(measure_regional_hit_ratio(members))
    except NogNietGebouwd as error:
        log(f"  {error}")
        results.append({"metric": "regional_hit_ratio", "value": None, "unit": "ratio", "size": size,
                        "note": str(error)})
    results.append({"metric": "regional_load_seconds", "value": round(load_seconds), "unit": "s", "size": size,
                    "tenants": len(codes), "regios": len(members)})
    log(f"  load average {os.getloadavg()[0]:.2f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M", "L"), default="L", help="data size (default: L)")
    parser.add_argument("--data-dir", type=Path, help="reuse generated Parquet files (made by this bench)")
    parser.add_argument("--pages", type=int, default=200, help="measured page loads per scope (default: 200)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pg_url = args.pg_url.rstrip("/")
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-regional-"))
    started = time.perf_counter()
    try:
        metrics = run(args.size, pg_url, work, args.data_dir, args.pages)
    finally:
        clean_up(pg_url, DB_NAME, work)
    log(f"Done in {time.perf_counter() - started:.0f} s.")
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
