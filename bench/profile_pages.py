"""CPU time and queries per page of bench/load.py's mix, in one process on PostgreSQL (issue 17).

Wall-clock latency on a shared machine measures the neighbours; the CPU time of the Django process
(``time.process_time()``) and the number of queries per request measure the page. This script
builds the data bench/load.py builds (its ``prepare_database``: size M by default, the casus bench's
big casus, a beeld snapshot) in a throw-away database, then requests each page of the mix through
Django's test client (the full middleware, policy, selectors, processing-log writes and templates;
no network) as the role the mix uses, and reports per page, one JSON line each on stdout:

- ``cpu_ms``: median ``process_time`` per request over ``--runs`` requests (after warm-up);
- ``wall_ms``: median wall time (noisy on a shared machine; for reference only);
- ``queries``: median queries per request, ``sql_ms`` their median summed duration;
- ``top``: the functions with the most own time over those requests (cProfile; stderr has more).

Pages rotate through the same rows in the same order every run (seeded), so two runs compare like
with like. ``--keep-db`` keeps the database and its keys (in the temp folder) for the next run,
which then skips the build; ``--drop`` drops a kept database::

    .venv/bin/python bench/profile_pages.py                       # size M, 30 requests per page
    .venv/bin/python bench/profile_pages.py --keep-db --page casus --runs 50
    .venv/bin/python bench/profile_pages.py --drop
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _support import admin_execute, clean_up, log

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DB_NAME = os.environ.get("MELDPUNT_BENCH_DB", "bench_profile")
SEED = 479
PAGES = ("queue", "signal", "weging_form", "weging_post", "intake_form", "intake_post", "casus", "beeld")


def database_exists(pg_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True, connect_timeout=5) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def set_up(args, pg_url: str, work: Path) -> dict:
    """Django on the database, built (or reused with ``--keep-db``); returns the mix to request."""
    import load

    kept = work / "environment.json"
    reuse = args.keep_db and kept.exists() and database_exists(pg_url, DB_NAME)
    if reuse:
        env = json.loads(kept.read_text())
    else:
        env = load.bench_environment(pg_url, work, args.redis)
        env["DJANGO_SETTINGS_MODULE"] = "meldpunt.settings.base"
        admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin_execute(pg_url, f"CREATE DATABASE {DB_NAME}")
    env["MELDPUNT_DATABASE_URL"] = f"{pg_url}/{DB_NAME}"
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(REPO / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    if reuse:
        log(f"Database {DB_NAME} kept from an earlier run: migrate only")
        call_command("migrate", verbosity=0)
        load.analyse()
        mix = mix_from_database()
    else:
        log(f"Database {DB_NAME}: create, migrate, load size {args.size} …")
        mix = load.prepare_database(args.size, work, secrets.token_urlsafe(16))
        if args.keep_db:
            kept.write_text(json.dumps(env))
    from django.contrib.auth import get_user_model

    mix["users"] = {role: get_user_model().objects.get(username=name) for role, name in load.ACCOUNTS.items()}
    return mix


def mix_from_database() -> dict:
    """The rows load.prepare_database picks, found again in a kept database."""
    import load
    from meldpunt import policy
    from meldpunt.accounts.models import User
    from meldpunt.cases.models import Casus
    from meldpunt.insight import dashboards
    from meldpunt.intake.models import Phenomenon, Signal

    lead = User.objects.get(username=load.ACCOUNTS["regisseur"])
    big = Casus.objects.get(title="Benchcasus")
    casussen = [big.reference, *Casus.objects.filter(lead=lead).exclude(pk=big.pk).order_by("pk")
                .values_list("reference", flat=True)[:load.CASUSSEN - 1]]
    candidates = Signal.objects.exclude(state="vernietigd").order_by("pk")[:3000]
    readable = [s.reference for s in candidates if policy.may_read_signal(lead, s)][:500]
    to_weigh = list(Signal.objects.filter(state="ontvangen").values_list("reference", flat=True))
    return {"signals": readable, "to_weigh": to_weigh, "casussen": casussen,
            "phenomena": list(Phenomenon.objects.filter(active=True).values_list("code", flat=True)),
            "themes": list(dashboards.THEMES)}


def requests_for(page: str, mix: dict, rng: random.Random):
    """(role, method, path, data, expected status) for one request of ``page``, as the mix does it."""
    if page == "queue":
        return "beoordelaar", "get", "/werkvoorraad/", None, 200
    if page == "signal":
        return "regisseur", "get", f"/signalen/{rng.choice(mix['signals'])}/", None, 200
    if page == "weging_form":
        return "beoordelaar", "get", f"/signalen/{mix['to_weigh'][-1]}/stap-1/", None, 200
    if page == "weging_post":
        data = {"purpose": "Bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e",
                "w1_kenmerken": ["openbare_orde"], "w1_verankering": ["gelegenheid_zakelijk"]}
        for prefix in ("w1", "w2a", "w2b"):
            data.update({f"{prefix}_decision": "ja", f"{prefix}_reasoning": "Zo gewogen (benchmark)."})
        return "beoordelaar", "post", f"/signalen/{mix['to_weigh'].pop()}/stap-1/", data, 302
    if page == "intake_form":
        return "beoordelaar", "get", "/signalen/nieuw/", None, 200
    if page == "intake_post":
        data = {"channel": "intern", "reporter_kind": "medewerker", "phenomenon": rng.choice(mix["phenomena"]),
                "description": "Afgeplakte ramen en veel bezoek 's nachts (benchmark).",
                "location_text": "de loods achter het tankstation",
                "betrokkene-TOTAL_FORMS": "1", "betrokkene-INITIAL_FORMS": "0",
                "betrokkene-MIN_NUM_FORMS": "0", "betrokkene-MAX_NUM_FORMS": "10"}
        return "beoordelaar", "post", "/signalen/nieuw/", data, 302
    if page == "casus":
        return "regisseur", "get", f"/casussen/{rng.choice(mix['casussen'])}/", None, 200
    if page == "beeld":
        path = rng.choice(["/ondermijningsbeeld/"] + [f"/ondermijningsbeeld/thema/{t}/" for t in mix["themes"]])
        return "analist", "get", path, None, 200
    raise ValueError(page)


def measure(page: str, mix: dict, clients: dict, runs: int, top: int, show_queries: int = 0) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(f"{SEED}-{page}")

    def one():
        role, method, path, data, status = requests_for(page, mix, rng)
        response = getattr(clients[role], method)(path, data) if data else getattr(clients[role], method)(path)
        if response.status_code != status:
            raise RuntimeError(f"{page}: {method.upper()} {path} gave HTTP {response.status_code}")
        return response

    for _ in range(3):  # warm-up: templates, connection, caches
        one()
    if show_queries:
        with CaptureQueriesContext(connection) as captured:
            one()
        log(f"--- {page}: the {len(captured)} queries of one request")
        for n, query in enumerate(captured.captured_queries, 1):
            log(f"{n:3}. [{float(query['time']) * 1000:.1f} ms] {query['sql'][:show_queries]}")
    cpu, wall, queries, sql = [], [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            one()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started_wall) * 1000)
        queries.append(len(captured))
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    # Then where the time goes, in requests of their own: the profiler's overhead stays out of cpu_ms.
    profiled = max(5, runs // 2)
    profiler = cProfile.Profile(time.process_time)  # CPU time, like cpu_ms: waiting on the database is no cost here
    for _ in range(profiled):
        profiler.runcall(one)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    log(f"--- {page}: own CPU time, {profiled} requests of their own")
    log("\n".join(stream.getvalue().splitlines()[-top - 2:]))
    stream = io.StringIO()
    stats.stream = stream
    # The project's own functions below the middleware: where a page spends its CPU time.
    stats.sort_stats("cumulative").print_stats(r"meldpunt/(?!.*(middleware|trace|refusals|memo|access)\.py)", 2 * top)
    log(f"--- {page}: cumulative CPU time, meldpunt's functions (middleware left out)")
    log("\n".join(stream.getvalue().splitlines()[-2 * top - 2:]))
    own = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return {"page": page, "cpu_ms": round(statistics.median(cpu), 1), "wall_ms": round(statistics.median(wall), 1),
            "queries": statistics.median(queries), "queries_max": max(queries),
            "sql_ms": round(statistics.median(sql), 1), "runs": runs,
            "top": [f"{Path(file).name}:{line} {name} {tt / profiled * 1000:.2f} ms"
                    for (file, line, name), (_, _, tt, _, _) in own]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M"), default="M", help="municipality to load (default: M)")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default: 30)")
    parser.add_argument("--page", choices=PAGES, action="append", help="only this page (repeatable)")
    parser.add_argument("--top", type=int, default=12, help="functions listed per page (default: 12)")
    parser.add_argument("--queries", type=int, default=0, metavar="CHARS",
                        help="also list the queries of one request per page, CHARS of each (default: none)")
    parser.add_argument("--keep-db", action="store_true", help="keep (or reuse) the database for the next run")
    parser.add_argument("--drop", action="store_true", help="drop a kept database and its folder, then stop")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3",
                        help="Redis for the cache, as the product under load.py (default: %(default)s)")
    args = parser.parse_args()
    pg_url = args.pg_url.rstrip("/")
    work = Path(tempfile.gettempdir()) / f"meldpunt-profile-{DB_NAME}"
    if args.drop:
        clean_up(pg_url, DB_NAME, work)
        return
    work.mkdir(exist_ok=True)
    try:
        mix = set_up(args, pg_url, work)
        from django.test import Client

        clients = {}
        for role, user in mix["users"].items():
            clients[role] = Client()
            clients[role].force_login(user)
        log(f"load average: {os.getloadavg()[0]:.2f}")
        for page in args.page or PAGES:
            figures = measure(page, mix, clients, args.runs, args.top, args.queries)
            print(json.dumps({**figures, "size": args.size}), flush=True)
        log(f"load average: {os.getloadavg()[0]:.2f}")
    finally:
        if not args.keep_db:
            clean_up(pg_url, DB_NAME, work)
        else:
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    main()
