"""Benchmark intake and the queue on PostgreSQL, over real HTTP (gunicorn, 2 sync workers).

What it does, all in a throw-away database ``meldpunt_bench`` (dropped and created at the start,
dropped at the end, also after a failure):

1. ``migrate``, build and load a generated municipality (``--size``, default M), create a
   beoordelaar and a regisseur with a known password;
2. fill the signal table to 100,000 signals with COPY (a realistic mix of steps and ages, with
   step deadlines; no history rows, the queue does not read them);
3. serve the app with gunicorn, with one extra bench-only URL (written by this script into a
   temporary settings/urlconf module): ``/bench/bare-signalen``, a plain DRF ModelSerializer
   ``CreateAPIView`` on the same table, session authentication and ``IsAuthenticated`` only —
   no access policy, no processing log, no history;
4. intake: log in over HTTP (login form with CSRF), then alternate runs of N POSTs from a few
   client threads to the bare endpoint and to ``POST /api/v1/signalen`` (policy, processing log,
   history); same payload (description, phenomenon, the BAG id of a real address). The rates
   are medians over the rounds, the ratio is full / bare (goal >= 0.5);
5. queue: GET ``/werkvoorraad/`` one request at a time as regisseur and as beoordelaar, with
   and without filters (fenomeen, wijk, te laat) and page 2; p50 and p95 (goal p95 < 150 ms).
   The API list ``/api/v1/signalen`` the same way, as an extra figure.

Queries per request (in-process test client) and the load average go to stderr, to see where the
time goes. Figures end up on stdout as one JSON line each::

    .venv/bin/python bench/intake.py              # size M
    .venv/bin/python bench/intake.py --size S     # quicker; the queue still holds 100,000 signals

Size L is Parquet-only by design (national scale is not loaded into a database), so S and M only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from _support import admin_execute, log, percentile

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # gunicorn lives next to the interpreter in the virtualenv
DB_NAME = "meldpunt_bench"
SEED = 479
QUEUE_SIGNALS = 100_000
WORKERS = 2
CLIENT_THREADS = 4
ROUNDS = 8
REQUESTS_PER_RUN = 300
WARMUP_REQUESTS = 60
QUEUE_PAGE_REQUESTS = 200
QUEUE_API_REQUESTS = 100
INTAKE_TIME_BUDGET_SECONDS = 150  # stop adding rounds after this (at least 3 rounds are run)
QUEUE_TIME_BUDGET_SECONDS = 90
BARE_PATH = "/bench/bare-signalen"
FULL_PATH = "/api/v1/signalen"
PAGE_PATH = "/werkvoorraad/"
API_LIST_PATH = "/api/v1/signalen"

SETTINGS_MODULE = """\
from meldpunt.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_intake_urls"
"""

URLS_MODULE = '''\
"""Bench-only: the app's URLs plus a bare DRF create endpoint on the signal table."""

import secrets

from django.urls import path
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated

from meldpunt.intake.models import Signal
from meldpunt.urls import handler403, handler404  # noqa: F401
from meldpunt.urls import urlpatterns as app_urlpatterns



class BareSignalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signal
        fields = ["id", "reference", "description", "phenomenon", "address"]
        read_only_fields = ["id", "reference"]


class BareSignalCreate(generics.CreateAPIView):
    """No policy, no processing log, no history: one validated INSERT."""

    queryset = Signal.objects.all()
    serializer_class = BareSignalSerializer
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def perform_create(self, serializer):
        serializer.save(reference=f"BARE-{secrets.token_hex(7)}", received_at=timezone.now(),
                        channel="intern", reporter_kind="medewerker", reported_by=self.request.user)


urlpatterns = [*app_urlpatterns, path("bench/bare-signalen", BareSignalCreate.as_view())]
'''

# Steps of the extra signals by age: recent ones are still in intake, old ones mostly done.
ACTIVE_STATES = ("ontvangen", "zwaarte", "bronnenonderzoek")
DONE_STATES = [("niet_in_behandeling", 25), ("geen_actie", 20), ("doorgezet_afdeling", 25),
               ("doorgezet_riec", 10), ("afdeling_regie", 8), ("casus", 7), ("vernietigd", 5)]
CHANNELS = [("webformulier", 45), ("intern", 25), ("telefoon", 15), ("partner", 10), ("import", 5)]
REPORTER_KIND = {"webformulier": "anoniem", "partner": "partner", "import": "mma", "telefoon": "burger",
                 "intern": "medewerker"}






# ------------------------------------------------------------------------ database and Django




def recreate_database(pg_url: str) -> None:
    admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(pg_url, f"CREATE DATABASE {DB_NAME}")


def drop_database(pg_url: str) -> None:
    admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def bench_environment(pg_url: str, work: Path) -> dict[str, str]:
    import base64

    from cryptography.fernet import Fernet

    (work / "var" / "static").mkdir(parents=True, exist_ok=True)
    (work / "bench_intake_settings.py").write_text(SETTINGS_MODULE)
    (work / "bench_intake_urls.py").write_text(URLS_MODULE)
    pythonpath = [str(work), os.environ.get("PYTHONPATH", "")]
    return {
        "DJANGO_SETTINGS_MODULE": "bench_intake_settings",
        "PYTHONPATH": os.pathsep.join(p for p in pythonpath if p),
        "MELDPUNT_DATABASE_URL": f"{pg_url}/{DB_NAME}",
        "MELDPUNT_VAR_DIR": str(work / "var"),
        # Explicit keys: two workers must not each create their own key file.
        "MELDPUNT_SECRET_KEY": secrets.token_urlsafe(50),
        "MELDPUNT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "MELDPUNT_PSEUDONYM_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "MELDPUNT_DEBUG": "false",
        "MELDPUNT_REQUIRE_2FA": "false",
        "MELDPUNT_LOG_LEVEL": "WARNING",
    }


def setup_django(env: dict[str, str], work: Path) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(work))
    import django

    django.setup()


def prepare_database(size: str, work: Path, password: str) -> None:
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
    log(f"  build {size}: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    counts = loader.load(out)
    log(f"  load {size}: {time.perf_counter() - started:.1f} s ({counts['signalen']:,} signals, "
        f"{counts['nummeraanduidingen']:,} addresses)")
    shutil.rmtree(out, ignore_errors=True)
    account_services.create_user("bench_beoordelaar", password, ["beoordelaar"], first_name="Bench")
    account_services.create_user("bench_regisseur", password, ["regisseur"], first_name="Bench")


def fill_signals(target: int, rng: random.Random) -> int:
    """COPY extra signals until the table holds ``target``; returns how many were added."""
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from meldpunt.core.workdays import add_working_days
    from meldpunt.intake.models import Phenomenon, Signal
    from meldpunt.protocol.models import StepNorm
    from meldpunt.registries.models import Verblijfsobject

    missing = target - Signal.objects.count()
    if missing <= 0:
        return 0
    next_id = (Signal.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    addresses = list(Verblijfsobject.objects.values_list("hoofdadres_id", "buurt_id"))
    phenomena = list(Phenomenon.objects.filter(active=True).values_list("code", flat=True))
    norms = dict(StepNorm.objects.values_list("state", "working_days"))
    done_states, done_weights = zip(*DONE_STATES, strict=True)
    channels, channel_weights = zip(*CHANNELS, strict=True)
    fields = ["id", "reference", "received_at", "channel", "reporter_kind", "phenomenon", "description",
              "location_text", "occurred_text", "buurt", "address", "state", "state_since", "deadline"]
    columns = ", ".join(connection.ops.quote_name(Signal._meta.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(Signal._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for n in range(missing):
                pk = next_id + n
                age_days = rng.uniform(0, 3 * 365)
                received = now - timedelta(days=age_days)
                draw = rng.random()
                if age_days <= 14:
                    state = "ontvangen" if draw < 0.7 else "zwaarte"
                elif age_days <= 90:
                    state = ("ontvangen" if draw < 0.05 else "zwaarte" if draw < 0.2 else
                             "bronnenonderzoek" if draw < 0.5 else rng.choices(done_states, done_weights)[0])
                else:
                    state = ("ontvangen" if draw < 0.02 else "zwaarte" if draw < 0.04 else
                             "bronnenonderzoek" if draw < 0.07 else rng.choices(done_states, done_weights)[0])
                since = received if state == "ontvangen" else min(now, received + timedelta(days=rng.uniform(1, 30)))
                deadline = (add_working_days(timezone.localdate(since), norms[state])
                            if state in ACTIVE_STATES and state in norms else None)
                channel = rng.choices(channels, channel_weights)[0]
                address, buurt = rng.choice(addresses) if rng.random() < 0.9 else (None, None)
                copy.write_row((
                    pk, f"MO-{received.year}-{pk:07d}", received, channel, REPORTER_KIND[channel],
                    rng.choice(phenomena), f"Synthetisch signaal {pk} voor de benchmark van de werkvoorraad.",
                    "", "", buurt, address, state, since, deadline,
                ))
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Signal._meta.db_table}', 'id'), "
                       f"(SELECT max(id) FROM {table}))")
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by now
    return missing


def sample_payloads(n: int, rng: random.Random) -> list[dict]:
    from meldpunt.intake.models import Phenomenon
    from meldpunt.registries.models import Verblijfsobject

    phenomena = list(Phenomenon.objects.filter(active=True).values_list("code", flat=True))
    addresses = sorted(Verblijfsobject.objects.values_list("hoofdadres_id", flat=True))
    addresses = rng.sample(addresses, min(2000, len(addresses)))
    return [{"description": f"Veel bezoek 's nachts en geblindeerde ramen, waarneming {i} (benchmark).",
             "phenomenon": rng.choice(phenomena), "address": rng.choice(addresses)} for i in range(n)]


def full_body(payload: dict) -> dict:
    return {"description": payload["description"], "phenomenon": payload["phenomenon"],
            "location": {"address": payload["address"]}}


def bare_body(payload: dict) -> dict:
    return dict(payload)


def count_queries(payload: dict) -> dict[str, int]:
    """Queries per request, in process (test client), for the record on stderr."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from meldpunt.accounts.models import User

    result = {}
    client = Client()
    client.force_login(User.objects.get(username="bench_beoordelaar"))
    for name, path, body in (("bare", BARE_PATH, bare_body(payload)), ("full", FULL_PATH, full_body(payload))):
        client.post(path, body, content_type="application/json")  # warm caches (roles, register)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, body, content_type="application/json")
        assert response.status_code == 201, (path, response.status_code, response.content[:300])
        result[f"{name}_create"] = len(queries)
    for username in ("bench_regisseur", "bench_beoordelaar"):
        client.force_login(User.objects.get(username=username))
        client.get(PAGE_PATH)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE_PATH)
        assert response.status_code == 200, (username, response.status_code)
        result[f"page_{username.removeprefix('bench_')}"] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(API_LIST_PATH)
        assert response.status_code == 200, (username, response.status_code)
        result[f"api_list_{username.removeprefix('bench_')}"] = len(queries)
    return result


# ----------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "meldpunt.wsgi:application", "--workers", str(WORKERS),
               "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"]
    with open(log_path, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped (exit {process.returncode}):\n{log_path.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                if request(port, "GET", "/inloggen/").status == 200:
                    return process
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log_path.read_text()[-2000:]}")
    except BaseException:
        stop_server(process)
        raise


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


# ----------------------------------------------------------------------------------- client


class Reply:
    def __init__(self, status: int, body: bytes, cookies: dict[str, str], seconds: float):
        self.status, self.body, self.cookies, self.seconds = status, body, cookies, seconds


def request(port: int, method: str, path: str, *, cookies: dict[str, str] | None = None, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> Reply:
    """One request on a fresh connection (gunicorn's sync workers close after each response)."""
    all_headers = dict(headers or {})
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - started
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return Reply(response.status, data, {k: v.value for k, v in jar.items()}, seconds)
    finally:
        connection.close()


def login(port: int, username: str, password: str) -> dict[str, str]:
    """Log in with the login form (CSRF cookie and token) like a browser; returns the cookies."""
    page = request(port, "GET", "/inloggen/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or token is None or "csrftoken" not in page.cookies:
        raise RuntimeError(f"login page: HTTP {page.status}, no CSRF token")
    cookies = dict(page.cookies)
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()})
    reply = request(port, "POST", "/inloggen/", cookies=cookies, body=form.encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    cookies.update(reply.cookies)
    if reply.status != 302 or "sessionid" not in reply.cookies:
        raise RuntimeError(f"login as {username} failed: HTTP {reply.status}")
    return cookies


def post_json(port: int, path: str, cookies: dict[str, str], body: dict) -> Reply:
    return request(port, "POST", path, cookies=cookies, body=json.dumps(body).encode(),
                   headers={"Content-Type": "application/json", "Accept": "application/json",
                            "X-CSRFToken": cookies["csrftoken"]})


def run_posts(port: int, path: str, sessions: list[dict[str, str]], bodies: list[dict]) -> float:
    """POST every body from len(sessions) threads; returns requests per second. Fails on any non-201."""
    counter = itertools.count()
    failures: list[str] = []

    def worker(cookies: dict[str, str]) -> None:
        while not failures:
            i = next(counter)
            if i >= len(bodies):
                return
            reply = post_json(port, path, cookies, bodies[i])
            if reply.status != 201:
                failures.append(f"{path}: HTTP {reply.status} {reply.body[:300]!r}")

    threads = [threading.Thread(target=worker, args=(cookies,)) for cookies in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(failures[0])
    return len(bodies) / seconds


def measure_intake(port: int, sessions: list[dict[str, str]], payloads: list[dict]) -> dict:
    bodies = itertools.cycle(payloads)
    for _ in range(2):  # warm both workers on both endpoints
        run_posts(port, BARE_PATH, sessions, [bare_body(next(bodies)) for _ in range(WARMUP_REQUESTS // 2)])
        run_posts(port, FULL_PATH, sessions, [full_body(next(bodies)) for _ in range(WARMUP_REQUESTS // 2)])
    bare_rates, full_rates = [], []
    started = time.perf_counter()
    for round_number in range(1, ROUNDS + 1):
        batch = [next(bodies) for _ in range(REQUESTS_PER_RUN)]
        bare = run_posts(port, BARE_PATH, sessions, [bare_body(p) for p in batch])
        full = run_posts(port, FULL_PATH, sessions, [full_body(p) for p in batch])
        bare_rates.append(bare)
        full_rates.append(full)
        log(f"  round {round_number}: bare {bare:6.1f}/s, full {full:6.1f}/s, ratio {full / bare:.2f} "
            f"(load {os.getloadavg()[0]:.1f})")
        if round_number >= 3 and time.perf_counter() - started > INTAKE_TIME_BUDGET_SECONDS:
            log("  time budget reached, fewer rounds")
            break
    bare_median, full_median = statistics.median(bare_rates), statistics.median(full_rates)
    return {"bare": bare_median, "full": full_median, "ratio": full_median / bare_median, "rounds": len(bare_rates),
            "round_ratios": [round(f / b, 2) for f, b in zip(full_rates, bare_rates, strict=True)]}


def queue_paths(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """(label, path) per user: the page without and with filters, and page 2; also the API list."""
    from meldpunt.intake.models import Phenomenon
    from meldpunt.registries.models import Wijk

    phenomena = list(Phenomenon.objects.filter(active=True).values_list("code", flat=True))
    wijken = list(Wijk.objects.values_list("code", flat=True))
    page = [("page", PAGE_PATH), ("page 2", f"{PAGE_PATH}?pagina=2"),
            ("fenomeen", f"{PAGE_PATH}?{urlencode({'phenomenon': rng.choice(phenomena)})}"),
            ("wijk", f"{PAGE_PATH}?{urlencode({'wijk': rng.choice(wijken)})}"),
            ("te laat", f"{PAGE_PATH}?overdue=on"),
            ("te laat, page 2", f"{PAGE_PATH}?overdue=on&pagina=2")]
    api = [("api", API_LIST_PATH), ("api offset 20", f"{API_LIST_PATH}?offset=20"),
           ("api fenomeen", f"{API_LIST_PATH}?{urlencode({'fenomeen': rng.choice(phenomena)})}"),
           ("api wijk", f"{API_LIST_PATH}?{urlencode({'wijk': rng.choice(wijken)})}"),
           ("api teLaat", f"{API_LIST_PATH}?teLaat=true")]
    return {"page": page, "api": api}


def measure_gets(port: int, sessions: dict[str, dict[str, str]], paths: list[tuple[str, str]], total: int,
                 marker: bytes) -> tuple[list[float], dict[str, list[float]]]:
    """GET the paths round-robin over the users, one at a time, ``total`` times; latencies in ms."""
    plan = [(user, label, path) for label, path in paths for user in sessions]
    for user, _, path in plan:  # warm-up, not measured
        request(port, "GET", path, cookies=sessions[user])
    latencies: list[float] = []
    per_label: dict[str, list[float]] = {}
    started = time.perf_counter()
    for user, label, path in itertools.islice(itertools.cycle(plan), total):
        reply = request(port, "GET", path, cookies=sessions[user])
        if reply.status != 200 or marker not in reply.body:
            raise RuntimeError(f"GET {path} as {user}: HTTP {reply.status}")
        latencies.append(reply.seconds * 1000)
        per_label.setdefault(f"{label} ({user})", []).append(reply.seconds * 1000)
        if time.perf_counter() - started > QUEUE_TIME_BUDGET_SECONDS:
            log("  time budget reached, fewer requests")
            break
    return latencies, per_label


def log_latencies(per_label: dict[str, list[float]]) -> None:
    for label, values in per_label.items():
        log(f"    {label:<34} p50 {statistics.median(values):6.1f} ms, max {max(values):6.1f} ms ({len(values)})")


# ------------------------------------------------------------------------------------- main


def run(size: str, pg_url: str, work: Path) -> list[dict]:
    rng = random.Random(SEED)
    password = "-".join(secrets.token_hex(4) for _ in range(4))
    env = bench_environment(pg_url, work)
    log(f"Database {DB_NAME}: create, migrate, load size {size} …")
    recreate_database(pg_url)
    setup_django(env, work)
    prepare_database(size, work, password)
    started = time.perf_counter()
    added = fill_signals(QUEUE_SIGNALS, rng)
    log(f"  {added:,} extra signals by COPY in {time.perf_counter() - started:.1f} s")
    payloads = sample_payloads(500, rng)
    queries = count_queries(payloads[0])
    log("  queries per request: " + ", ".join(f"{k} {v}" for k, v in queries.items()))

    from django.db import connection

    from meldpunt.intake.models import Signal

    connection.close()  # the server's workers get the database to themselves
    port = free_port()
    log(f"gunicorn, {WORKERS} workers, on 127.0.0.1:{port} …")
    server = start_server(env, port, work / "gunicorn.log")
    try:
        intake_sessions = [login(port, "bench_beoordelaar", password) for _ in range(CLIENT_THREADS)]
        log(f"Intake: {CLIENT_THREADS} client threads, {REQUESTS_PER_RUN} requests per run, bare and full "
            "alternating …")
        intake = measure_intake(port, intake_sessions, payloads)
        queue_sessions = {"regisseur": login(port, "bench_regisseur", password),
                          "beoordelaar": login(port, "bench_beoordelaar", password)}
        n_signals = Signal.objects.count()
        connection.close()
        log(f"Queue: {n_signals:,} signals in the database, one request at a time …")
        paths = queue_paths(rng)
        page_ms, page_labels = measure_gets(port, queue_sessions, paths["page"], QUEUE_PAGE_REQUESTS,
                                            b">Werkvoorraad</h1>")
        log_latencies(page_labels)
        api_ms, api_labels = measure_gets(port, queue_sessions, paths["api"], QUEUE_API_REQUESTS, b'"results"')
        log_latencies(api_labels)
    finally:
        stop_server(server)

    note = f"{n_signals:,} signals in the database; load average {os.getloadavg()[0]:.1f} at the end"
    return [
        {"metric": "intake_ratio_vs_bare", "value": round(intake["ratio"], 2), "unit": "ratio", "size": size,
         "goal": ">= 0.5", "rounds": intake["rounds"], "round_ratios": intake["round_ratios"],
         "note": "median full rate / median bare rate"},
        {"metric": "intake_per_second", "value": round(intake["full"], 1), "unit": "signals/s", "size": size,
         "rounds": intake["rounds"], "note": f"POST {FULL_PATH}, {CLIENT_THREADS} client threads, {WORKERS} workers"},
        {"metric": "intake_bare_per_second", "value": round(intake["bare"], 1), "unit": "signals/s", "size": size,
         "rounds": intake["rounds"], "note": "bare DRF CreateAPIView on the same table"},
        {"metric": "queue_p95_ms", "value": round(percentile(page_ms, 95), 1), "unit": "ms", "size": size,
         "goal": "< 150", "requests": len(page_ms), "note": note},
        {"metric": "queue_p50_ms", "value": round(statistics.median(page_ms), 1), "unit": "ms", "size": size,
         "requests": len(page_ms)},
        {"metric": "queue_api_p95_ms", "value": round(percentile(api_ms, 95), 1), "unit": "ms", "size": size,
         "requests": len(api_ms), "note": f"GET {API_LIST_PATH}"},
        {"metric": "queue_api_p50_ms", "value": round(statistics.median(api_ms), 1), "unit": "ms", "size": size,
         "requests": len(api_ms)},
        *({"metric": f"queries_{name}", "value": n, "unit": "queries", "size": size} for name, n in queries.items()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M"), default="M", help="municipality to load (default: M)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary folder (server log)")
    args = parser.parse_args()

    # A SIGTERM must still stop the server and drop the database (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-intake-"))
    started = time.perf_counter()
    try:
        metrics = run(args.size, args.pg_url.rstrip("/"), work)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        try:
            drop_database(args.pg_url.rstrip("/"))
        except Exception as error:  # report, but keep the original error
            log(f"could not drop database {DB_NAME}: {error}")
        if args.keep_temp:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"Done in {time.perf_counter() - started:.0f} s.")
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
