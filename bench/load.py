"""Benchmark mixed load on PostgreSQL (issue 17, "Measured"): Locust against gunicorn and a Celery
worker, the same role mix at 1 user and at N users, and the same mix against bare views.

What it does, all in a throw-away database ``bench_load`` (dropped and created at the start,
dropped at the end, also after a failure):

1. ``migrate``, build and load a generated municipality with the project's own builders
   (``--size``, default M); one account per role the mix needs (beoordelaar, regisseur, analist)
   with a known password; the regisseur leads the casussen the mix opens; an ondermijningsbeeld
   snapshot is made (``insight.services.regenerate``) so the beeld pages have figures;
2. gunicorn (``--workers`` sync workers, bench settings ``bench_load_settings`` = the product's
   settings plus the bench-only URLconf ``bench_load_urls`` with bare views) and a Celery worker
   (``celery -A meldpunt worker``, Redis broker ``--redis``) on 127.0.0.1;
3. Locust, as a library in its own process (bench/_load_locust.py: gevent patches everything it
   imports), logs in through the login form (CSRF; MELDPUNT_REQUIRE_2FA=false as in every bench)
   and works the mix: werkvoorraad, signal page, weging step 1 posted with CSRF, intake through the
   staff form, casus page and beeld pages. One user without think time (the latency of the mix
   alone), then ``--users`` users with ``--think`` seconds between tasks; each also against the bare
   views (plain ORM reads and writes of the same rows, JSON, login only: no policy, processing log,
   history or templates);
4. when bench/notify.py exists (another part of issue 17), ``notify.measure(size)`` in this
   process, on this database, for ``notify_per_second``.

Figures on stdout, one JSON line each: ``mixed_p95_ms`` (one line per user count, with "users"),
``mixed_p95_ratio`` (N users / 1 user, goal <= 4), ``mixed_error_rate`` (goal 0),
``mixed_p95_ms_ratio_vs_bare`` (full / bare at the same user count) and ``notify_per_second``::

    .venv/bin/python bench/load.py                      # size M, 50 users, 60 s per run
    .venv/bin/python bench/load.py --size S --seconds 30
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _support import admin_execute, analyse, clean_up, log, percentile
from casus import build_casus
from intake import login

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BIN = Path(sys.executable).parent  # gunicorn and celery live next to the interpreter
DB_NAME = os.environ.get("MELDPUNT_BENCH_DB", "bench_load")  # another name lets two runs go side by side
SEED = 479
# The regisseur is the lead of bench/casus.py's casussen (one big, filler around it).
ACCOUNTS = {"beoordelaar": "bench_beoordelaar", "regisseur": "bench_regie", "analist": "bench_analist"}
CASUSSEN = 20


def bench_environment(pg_url: str, work: Path, redis_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    (work / "var" / "static").mkdir(parents=True, exist_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "bench_load_settings",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(REPO / "src")]),
        "MELDPUNT_DATABASE_URL": f"{pg_url}/{DB_NAME}",
        "MELDPUNT_VAR_DIR": str(work / "var"),
        # Explicit keys: the gunicorn workers and the Celery worker must share them.
        "MELDPUNT_SECRET_KEY": secrets.token_urlsafe(50),
        "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "MELDPUNT_PSEUDONYM_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "MELDPUNT_DEBUG": "false",
        "MELDPUNT_REQUIRE_2FA": "false",
        "MELDPUNT_LOG_LEVEL": "WARNING",
        "MELDPUNT_REDIS_URL": redis_url,
        "MELDPUNT_CELERY_BROKER_URL": redis_url,
    }


def prepare_database(size: str, work: Path, password: str) -> dict:
    """Load the municipality and return what the mix visits (see PLAN in _load_locust.py)."""
    from django.core.management import call_command

    from meldpunt import policy
    from meldpunt.accounts import services as account_services
    from meldpunt.cases.models import Casus
    from meldpunt.demo import loader
    from meldpunt.demo.generator.build import build
    from meldpunt.insight import dashboards
    from meldpunt.insight import services as insight_services
    from meldpunt.intake.models import Phenomenon, Signal

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    out = work / "generated"
    build(size, out, seed=SEED)
    counts = loader.load(out)
    shutil.rmtree(out, ignore_errors=True)
    log(f"  migrate, build and load {size}: {time.perf_counter() - started:.1f} s ({counts['signalen']:,} signals)")
    big, lead, _ = build_casus()  # the casus bench's casus of the size, and 500 filler casussen
    lead.set_password(password)
    lead.save(update_fields=["password"])
    users = {role: account_services.create_user(name, password, [role], first_name="Bench")
             for role, name in ACCOUNTS.items() if role != "regisseur"}
    users["regisseur"] = lead
    rng = random.Random(SEED)
    casussen = [big.reference, *Casus.objects.filter(lead=lead).exclude(pk=big.pk).order_by("pk")
                .values_list("reference", flat=True)[:CASUSSEN - 1]]
    candidates = list(Signal.objects.exclude(state="vernietigd").order_by("?")[:3000])
    readable = [s.reference for s in candidates if policy.may_read_signal(users["regisseur"], s)][:500]
    to_weigh = list(Signal.objects.filter(state="ontvangen").values_list("reference", flat=True))
    rng.shuffle(to_weigh)
    started = time.perf_counter()
    insight_services.regenerate()
    log(f"  ondermijningsbeeld snapshot: {time.perf_counter() - started:.1f} s")
    log(f"  mix: {len(casussen)} casussen, {len(readable)} readable signals, {len(to_weigh)} signals to weigh")
    analyse()
    if not casussen or not readable:
        raise RuntimeError("no casussen or no signals the regisseur may read in the generated data")
    return {"signals": readable, "to_weigh": to_weigh, "casussen": casussen,
            "phenomena": list(Phenomenon.objects.filter(active=True).values_list("code", flat=True)),
            "themes": list(dashboards.THEMES)}


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def spawn(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    with open(log_path, "wb") as out:
        return subprocess.Popen(command, cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_until(ready, process: subprocess.Popen, log_path: Path, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {process.returncode}):\n{log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            if ready():
                return
        time.sleep(0.3)
    raise RuntimeError(f"{what} not ready within {seconds:.0f} s:\n{log_path.read_text()[-2000:]}")


def start_gunicorn(env: dict[str, str], port: int, workers: int, work: Path) -> subprocess.Popen:
    log_path = work / "gunicorn.log"
    process = spawn([str(BIN / "gunicorn"), "meldpunt.wsgi:application", "--workers", str(workers),
                     "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"], env, log_path)

    def ready() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/inloggen/", timeout=5) as reply:
            return reply.status == 200

    try:
        wait_until(ready, process, log_path, "gunicorn")
    except BaseException:
        stop(process)
        raise
    return process


def start_celery(env: dict[str, str], work: Path) -> subprocess.Popen:
    log_path = work / "celery.log"
    process = spawn([str(BIN / "celery"), "-A", "meldpunt", "worker", "--concurrency", "1", "--loglevel", "info",
                     "--without-gossip", "--without-mingle", "--hostname", f"bench-load-{os.getpid()}@%h"],
                    env, log_path)
    try:
        wait_until(lambda: " ready." in log_path.read_text(errors="replace"), process, log_path, "celery worker")
    except BaseException:
        stop(process)
        raise
    return process


def run_locust(plan: dict, work: Path, label: str) -> dict:
    plan_path, result_path = work / f"plan-{label}.json", work / f"result-{label}.json"
    plan_path.write_text(json.dumps(plan))
    budget = plan["seconds"] + plan["warmup_seconds"] + 240
    subprocess.run([sys.executable, str(BENCH / "_load_locust.py"), str(plan_path), str(result_path)],
                   cwd=REPO, check=True, timeout=budget)
    return json.loads(result_path.read_text())


def summarise(label: str, result: dict, seconds: int) -> dict:
    samples = result["samples"]
    if not samples:
        raise RuntimeError(f"{label}: no requests recorded")
    times = [ms for _, ms, _ in samples]
    failed = sum(1 for *_, ok in samples if not ok)
    by_name: dict[str, list[float]] = {}
    for name, ms, _ in samples:
        by_name.setdefault(name, []).append(ms)
    log(f"  {label}: {len(samples)} requests, p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 95):.0f}"
        f" ms, {failed} failed (load {os.getloadavg()[0]:.1f})")
    for name, values in sorted(by_name.items()):
        log(f"    {name:<12} p50 {statistics.median(values):6.0f} ms, p95 {percentile(values, 95):6.0f} ms "
            f"({len(values)})")
    for error in result["errors"]:
        log(f"    error: {error}")
    return {"p95": percentile(times, 95), "p50": statistics.median(times), "requests": len(samples),
            "failed": failed, "per_second": len(samples) / seconds}


def notify_per_second(size: str) -> float | None:
    """``notify.measure(size)`` from bench/notify.py (another part of issue 17), in this process on
    this bench's PostgreSQL database (it works on a Django that is already set up)."""
    if not (BENCH / "notify.py").exists():
        log("bench/notify.py is not there: no notify_per_second")
        return None
    try:
        import notify
    except ImportError as error:
        log(f"bench/notify.py cannot be imported ({error}): no notify_per_second")
        return None
    try:
        return notify.measure(size if size in ("S", "M") else "M")
    except Exception as error:  # the mixed-load figures still count
        log(f"notify.measure failed: {error!r}")
        return None


# ----------------------------------------------------------------------------------- main


def run(args, pg_url: str, work: Path) -> list[dict]:
    size, users = args.size, args.users
    password = "-".join(secrets.token_hex(4) for _ in range(4))
    env = bench_environment(pg_url, work, args.redis)
    admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(pg_url, f"CREATE DATABASE {DB_NAME}")
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(REPO / "src")]
    import django

    django.setup()
    log(f"Database {DB_NAME}: create, migrate, load size {size} …")
    mix = prepare_database(size, work, password)
    from django.db import connections

    connections.close_all()  # the server's workers get the database to themselves

    port = free_port()
    log(f"gunicorn ({args.workers} workers) on 127.0.0.1:{port} and a Celery worker ({args.redis}) …")
    celery = start_celery(env, work)
    server = None
    try:
        server = start_gunicorn(env, port, args.workers, work)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.workers) as pool:  # the real login form, CSRF and all
            desks = list(pool.map(lambda _: {role: login(port, name, password) for role, name in ACCOUNTS.items()},
                                  range(users)))
        log(f"  {users * len(ACCOUNTS)} logins through the login form in {time.perf_counter() - started:.1f} s")
        to_weigh = mix.pop("to_weigh")
        runs = [("full", 1), ("bare", 1), ("full", users), ("bare", users)]
        share = len(to_weigh) // len(runs)
        figures = {}
        for n, (mode, count) in enumerate(runs):
            plan = {**mix, "host": f"http://127.0.0.1:{port}", "mode": mode, "users": count, "desks": desks[:count],
                    "seconds": args.seconds, "warmup_seconds": 5, "seed": SEED + n,
                    "think_seconds": [0, 0] if count == 1 else list(args.think),
                    "to_weigh": to_weigh[n * share:(n + 1) * share]}
            log(f"Locust: {mode}, {count} user(s), {args.seconds} s …")
            figures[mode, count] = summarise(f"{mode} {count}", run_locust(plan, work, f"{mode}-{count}"),
                                              args.seconds)
        if celery.poll() is not None:
            raise RuntimeError("the Celery worker stopped during the runs")
    finally:
        stop(server)
        stop(celery)
    notify = notify_per_second(size)

    full_1, full_n, bare_1, bare_n = (figures["full", 1], figures["full", users], figures["bare", 1],
                                      figures["bare", users])
    requests = full_1["requests"] + full_n["requests"]
    common = {"size": size, "workers": args.workers}
    think = f"{args.think[0]:g}-{args.think[1]:g} s think time"
    lines = [
        {"metric": "mixed_p95_ms", "value": round(full_1["p95"], 1), "unit": "ms", "users": 1, **common,
         "p50_ms": round(full_1["p50"], 1), "requests": full_1["requests"],
         "requests_per_second": round(full_1["per_second"], 1), "note": "one user, no think time"},
        {"metric": "mixed_p95_ms", "value": round(full_n["p95"], 1), "unit": "ms", "users": users, **common,
         "p50_ms": round(full_n["p50"], 1), "requests": full_n["requests"],
         "requests_per_second": round(full_n["per_second"], 1), "note": think},
        {"metric": "mixed_p95_ratio", "value": round(full_n["p95"] / full_1["p95"], 2), "unit": "ratio", **common,
         "goal": "<= 4", "note": f"p95 at {users} users / p95 at 1 user"},
        {"metric": "mixed_error_rate", "value": round((full_1["failed"] + full_n["failed"]) / requests, 4),
         "unit": "share", **common, "goal": "0", "requests": requests},
        {"metric": "mixed_p95_ms_ratio_vs_bare", "value": round(full_n["p95"] / bare_n["p95"], 2), "unit": "ratio",
         "users": users, **common, "bare_p95_ms": round(bare_n["p95"], 1), "bare_failed": bare_n["failed"]},
        {"metric": "mixed_p95_ms_ratio_vs_bare", "value": round(full_1["p95"] / bare_1["p95"], 2), "unit": "ratio",
         "users": 1, **common, "bare_p95_ms": round(bare_1["p95"], 1), "bare_failed": bare_1["failed"]},
    ]
    if notify is not None:
        lines.append({"metric": "notify_per_second", "value": round(notify, 1), "unit": "mails/s", "size": size,
                      "note": f"{'1,000' if size == 'S' else '10,000'} queued notifications delivered to an SMTP "
                              "server (bench/notify.py)"})
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M", "L"), default="M", help="municipality to load (default: M)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users of the second run (default: 50)")
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per run (default: 60)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 8.0), metavar=("MIN", "MAX"),
                        help="seconds between a user's tasks at --users (default: 2 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default: 4)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3",
                        help="Redis for the cache and the Celery broker (default: %(default)s)")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary folder (logs, samples)")
    args = parser.parse_args()
    if args.size == "L":
        parser.error("size L is Parquet-only by design (national scale is not loaded into a database): use S or M")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-load-"))
    pg_url = args.pg_url.rstrip("/")
    started = time.perf_counter()
    try:
        metrics = run(args, pg_url, work)
    finally:
        clean_up(pg_url, DB_NAME, work, keep=args.keep_temp)
    log(f"Done in {time.perf_counter() - started:.0f} s.")
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
