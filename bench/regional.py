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
   p95 over ``--pages`` page loads each, alternating, after a warm-up. Goal ≤ 1.3. The scope comes
   from the roles per gemeente (ADR 0030 §3): each user holds the regisseur role in their gemeenten;
5. ``regional_hit_ratio_regio`` / ``_alle``: the hit/no-hit index of every gemeente is built
   (``regio.index.rebuild``), then ``regio.services.ask_region`` answers ``--questions`` questions of
   Zaanstad (each a source request, PC1 allowed) over the gemeenten of its regio, and as many over
   every gemeente in the data; p95 of each divided by the p95 of ``related_for_signal`` on the same
   signals in the same run. Goal <= 1.5. "A's part" (until the asking gemeente's answer is committed,
   without the members' requests and log lines) is reported alongside.

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

from _support import admin_execute, analyse, clean_up, log, percentile, setup_django

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
DB_NAME = os.environ.get("MELDPUNT_BENCH_DB", "meldpunt_bench_regional")
SEED = 479
PROVINCIES = ("PV24", "PV27")  # Flevoland, Noord-Holland: the data of S and M
SIGNALS = {"S": 20_000, "M": 200_000, "L": None}  # None: the size's own (L: 1 million)
ONE = "GM0479"  # Zaanstad
FIVE = ("GM0479", "GM0880", "GM0431", "GM0439", "GM0415")  # + Wormerland, Oostzaan, Purmerend, Landsmeer
PAGE_SIZE = 25  # the werkvoorraad's page (web.views)


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


def werkvoorraad(user) -> int:
    """The reads of the werkvoorraad page of ``user`` ("Al mijn gemeenten": every gemeente where the
    user holds the role, scoped by the policy): counts per step (queue_summary) and the first page of
    the queue. Returns the rows on the page."""
    from django.core.paginator import Paginator
    from django.db.models import Count, Q
    from django.utils import timezone

    from meldpunt.intake import selectors

    today = timezone.localdate()
    list(selectors.visible_signals(user).values("state").annotate(
        n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today))))
    page = Paginator(selectors.queue(user), PAGE_SIZE).page(1)
    return len(list(page.object_list))


def measure_queue(users: dict, pages: int) -> dict[str, list[float]]:
    """``users``: a regisseur of one gemeente ("one") and one of the five ("five")."""
    times: dict[str, list[float]] = {"one": [], "five": []}
    for _ in range(10):  # warm-up
        for user in users.values():
            werkvoorraad(user)
    for _ in range(pages):
        for key, user in users.items():
            started = time.perf_counter()
            werkvoorraad(user)
            times[key].append((time.perf_counter() - started) * 1000)
    return times


def ask_region_requests(user, signal_ids: list[int]) -> list[int]:
    """A source request to "Andere gemeenten in de regio" per signal, PC1 allowed on the convenant, as
    ``research.decide_pc1`` leaves it (made directly: the bench measures the answer, not the forms)."""
    from django.utils import timezone

    from meldpunt.intake.models import MentionedSubject, Signal
    from meldpunt.protocol.models import Weging
    from meldpunt.protocol.research.models import RequestState, Source, SourceRequest
    from meldpunt.regio.index import canonicals_of_mention

    now = timezone.now()
    made = []
    for signal_row in Signal.objects.filter(pk__in=signal_ids).select_related("gemeente__regio"):
        mentions = [m for m in MentionedSubject.objects.filter(signal=signal_row).select_related("address")
                    if canonicals_of_mention(m)]
        if not mentions:
            continue
        convenant = signal_row.gemeente.regio.convenant
        weging = Weging.objects.create(
            signal=signal_row, gemeente_id=signal_row.gemeente_id, type="PC1", decision="toegestaan",
            reasoning="Bench.", legal_basis=convenant, primary_basis=convenant, decided_by=user,
            role="privacyfunctionaris", decided_at=now)
        item = SourceRequest.objects.create(
            signal=signal_row, source=Source.objects.get(gemeente_id=signal_row.gemeente_id, code="regio"),
            purpose="Bench: kennen de andere gemeenten deze betrokkenen?", requested_by=user, requested_at=now,
            state=RequestState.TOEGESTAAN, weging=weging, decided_at=now)
        item.subjects.set(mentions)
        made.append(item.pk)
    return made


def measure_regional_hit_ratio(user, members: dict[str, list[str]], questions: int, size: str,
                               profile: Path | None = None) -> list[dict]:
    """p95 of ``regio.services.ask_region`` (a digest per member, one lookup query per subject for all
    members, A's answer and every member's part with both logs written) for a question of Zaanstad
    over the gemeenten of its regio, and over all gemeenten in the data (every tenant moved into that
    regio for the run), against ``registries.related.related_for_signal`` on the same signals in the
    same run (ADR 0030 §14, goal <= 1.5). Each question is a new source request (one per signal and
    source), so the two scopes use different Zaanstad signals."""
    from meldpunt.intake.models import Signal
    from meldpunt.protocol.research.models import SourceRequest
    from meldpunt.regio import index, services
    from meldpunt.registries import related
    from meldpunt.tenancy.models import Regio, Tenant

    regio_code = next(code for code, codes in members.items() if ONE in codes)
    Regio.objects.update(daily_question_limit=32_000)  # the bench asks far more than a day's questions
    started = time.perf_counter()
    digests = index.rebuild_all()
    log(f"  hit/no-hit index of {Tenant.objects.count()} gemeenten: {digests} digests in "
        f"{time.perf_counter() - started:.0f} s (regio.index.rebuild_all)")
    analyse()  # the index table was empty at the load's ANALYZE: without statistics a lookup may scan it
    candidates = list(Signal.objects.filter(gemeente_id=ONE, subjects__isnull=False).distinct()
                      .order_by("pk").values_list("pk", flat=True))
    requests = ask_region_requests(user, candidates[: 2 * questions + 70])
    if len(requests) < 2 * questions + 20:
        raise SystemExit(f"only {len(requests)} askable Zaanstad signals: lower --questions")
    signal_of = dict(SourceRequest.objects.filter(pk__in=requests).values_list("pk", "signal_id"))
    signals = Signal.objects.in_bulk(list(signal_of.values()))
    def question(pk: int) -> None:
        """What the job does: A's answer, then (a job of its own) every member's part."""
        asked = services.ask_region(pk, members_too=False)
        began = time.perf_counter()
        services.answer_members(asked.pk)
        member_time.append((time.perf_counter() - began) * 1000)

    member_time: list[float] = []

    def measure(batch: list[int], profiler=None) -> dict[str, list[float]]:
        times: dict[str, list[float]] = {"ask": [], "asking_part": [], "members": [], "related": []}
        for pk in batch:
            member_time.clear()
            began = time.perf_counter()
            if profiler is not None:
                profiler.runcall(question, pk)
            else:
                question(pk)
            total = (time.perf_counter() - began) * 1000
            times["ask"].append(total)
            times["members"].append(sum(member_time))
            times["asking_part"].append(total - sum(member_time))
            began = time.perf_counter()
            related.related_for_signal(user, signals[signal_of[pk]])
            times["related"].append((time.perf_counter() - began) * 1000)
        return times

    results = []
    measure(requests[:10])  # warm-up
    home_regio = dict(Tenant.objects.values_list("code", "regio_id"))
    for scope, batch in (("regio", requests[10:10 + questions]),
                         ("alle", requests[10 + questions:10 + 2 * questions])):
        if scope == "alle":
            Tenant.objects.update(regio_id=regio_code)
            if profile is not None:  # the question to every member, as at L
                import cProfile

                from django.db import connection
                from django.test.utils import CaptureQueriesContext

                with CaptureQueriesContext(connection) as context:
                    question(requests[-1])
                log(f"  one question: {len(context.captured_queries)} queries")
                profiler = cProfile.Profile()
                measure(requests[-21:-1], profiler)
                profiler.dump_stats(profile)
                log(f"  profile of 20 questions in {profile}")
        asked = len(services.members(Tenant.objects.get(pk=ONE)))
        log(f"  {len(batch)} questions of Zaanstad to {asked} gemeenten ({scope}) ...")
        times = measure(batch)
        ask, part, rel, memb = (percentile(times[k], 95) for k in ("ask", "asking_part", "related", "members"))
        log(f"    A's answer p50 {statistics.median(times['asking_part']):.1f} ms, p95 {part:.1f} ms; the members' "
            f"job p95 {memb:.1f} ms; both p95 {ask:.1f} ms; related_for_signal p95 {rel:.1f} ms")
        results.append({"metric": f"regional_hit_ratio_{scope}", "value": round(part / rel, 2), "unit": "ratio",
                        "size": size, "members": asked, "answer_p95_ms": round(part, 1),
                        "members_job_p95_ms": round(memb, 1), "related_p95_ms": round(rel, 1),
                        "note": "p95 of A's answer (regio.services.ask_region as the job runs it: the bits, "
                                "A's hits and A's line) / p95 related_for_signal, same signals, same run; "
                                "goal <= 1.5"})
        results.append({"metric": f"regional_hit_ratio_with_members_{scope}", "value": round(ask / rel, 2),
                        "unit": "ratio", "size": size, "members": asked, "ask_p95_ms": round(ask, 1),
                        "note": "A's answer and the members' job (their lines, requests on a hit) together"})
    for code, regio_id in home_regio.items():
        Tenant.objects.filter(pk=code).update(regio_id=regio_id)
    return results


def run(size: str, pg_url: str, work: Path, data_dir: Path | None, pages: int, questions: int,
        profile: Path | None = None, all_tenants: bool = False) -> list[dict]:
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
    # --all-tenants: every gemeente of the country a tenant (those outside the data without signals), so
    # a question at S or M meets L's number of members (the per-member work does not depend on their data).
    members = make_tenants(sorted(gemeenten_csv()) if all_tenants else codes)
    from meldpunt.regio.source import seed_regio_sources
    from meldpunt.tenancy.keys import ensure_tenant_keys

    ensure_tenant_keys()  # bulk-created tenants got no tenant_created: their key rings and regio source here
    seed_regio_sources()
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
    # Roles per gemeente (ADR 0030 §3): the policy scopes the werkvoorraad, no filter of the bench's own.
    users = {"one": account_services.create_user("bench_regisseur_zaanstad", "bench-" + os.urandom(8).hex(),
                                                 ["regisseur"], gemeente=ONE),
             "five": account_services.create_user("bench_regisseur_regio", "bench-" + os.urandom(8).hex(),
                                                  ["regisseur"], gemeente=FIVE[0])}
    for code in FIVE[1:]:
        account_services.grant_role(users["five"], "regisseur", gemeente=code)
    log(f"Measuring {pages} werkvoorraad pages for one and for five gemeenten (alternating) ...")
    times = measure_queue(users, pages)
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
    if questions:
        results += measure_regional_hit_ratio(users["one"], members, questions, size, profile)
    results.append({"metric": "regional_load_seconds", "value": round(load_seconds), "unit": "s", "size": size,
                    "tenants": len(codes), "regios": len(members)})
    log(f"  load average {os.getloadavg()[0]:.2f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M", "L"), default="L", help="data size (default: L)")
    parser.add_argument("--data-dir", type=Path, help="reuse generated Parquet files (made by this bench)")
    parser.add_argument("--pages", type=int, default=200, help="measured page loads per scope (default: 200)")
    parser.add_argument("--questions", type=int, default=100,
                        help="measured regional questions per scope (regio, all gemeenten; default: 100; 0: skip)")
    parser.add_argument("--all-tenants", action="store_true",
                        help="at S or M: every gemeente a tenant (341 members in 'alle', as at L)")
    parser.add_argument("--profile", type=Path, help="also write a cProfile of 20 questions to this file")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pg_url = args.pg_url.rstrip("/")
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-regional-"))
    started = time.perf_counter()
    try:
        metrics = run(args.size, pg_url, work, args.data_dir, args.pages, args.questions, args.profile,
                      args.all_tenants)
    finally:
        clean_up(pg_url, DB_NAME, work)
    log(f"Done in {time.perf_counter() - started:.0f} s.")
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
