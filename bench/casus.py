"""Benchmark the casus page and the participant view on PostgreSQL (issue: step 4).

What it does, all in a throw-away database ``meldpunt_bench_casus`` (dropped and created at the
start, dropped at the end, also after a failure):

1. ``migrate``, build and load a generated municipality (``--size``, default M);
2. build one big casus through the ORM: 200 signals (state 'casus', each with its W4), 50
   subjects (persons with a BSN, companies, addresses), 30 interventions with progress, a
   casusoverleg with 5 participants, and PC2A releases (one participant gets every field, all 50
   subjects and 100 weging outcomes; the others get less); plus 500 small casussen around it so
   the casus tables are not trivially small;
3. time ``GET /casussen/<kenmerk>/`` as the lead regisseur and ``GET /mijn-casussen/`` as the
   participant with the largest release, one request at a time through Django's test client
   (in-process: the full middleware, access policy, selectors, templates and processing-log
   writes, no network), after warm-up; p50 and p95 (goal p95 < 200 ms);
4. the same through bare views reading the same rows (bench/bench_load_urls.py: ORM and JSON, no
   policy, processing log or template), for ``casus_page_p95_ms_ratio_vs_bare`` and
   ``participant_view_p95_ms_ratio_vs_bare``.

Queries per request and the load average go to stderr. Figures end up on stdout as one JSON line
each::

    .venv/bin/python bench/casus.py              # size M
    .venv/bin/python bench/casus.py --size S     # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _support import admin_execute, analyse, clean_up, log, percentile, setup_django

REPO = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("MELDPUNT_BENCH_DB", "meldpunt_bench_casus")  # another name: runs side by side
SEED = 479
SIGNALS, SUBJECTS, INTERVENTIONS, PARTICIPANTS, FILLER_CASES = 200, 50, 30, 5, 500










def prepare_database(size: str, work: Path) -> None:
    from django.core.management import call_command

    from meldpunt.demo import loader
    from meldpunt.demo.generator.build import build

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    out = work / "generated"
    build(size, out, seed=SEED)
    counts = loader.load(out)
    log(f"  build and load {size}: {time.perf_counter() - started:.1f} s ({counts['signalen']:,} signals, "
        f"{counts['nummeraanduidingen']:,} addresses)")
    shutil.rmtree(out, ignore_errors=True)


def build_casus():
    """One casus of the size the issue names, and filler casussen. Returns (casus, lead, participant)."""
    from django.utils import timezone

    from meldpunt.accounts import services as account_services
    from meldpunt.cases.models import (
        AgendaItem,
        Casus,
        CasusSignal,
        CasusStateChange,
        Instrument,
        Intervention,
        InterventionUpdate,
        Meeting,
        Participant,
        ReleaseRequest,
    )
    from meldpunt.intake.models import MentionedSubject, Phenomenon, Signal
    from meldpunt.protocol.models import StateChange, Weging
    from meldpunt.registries.models import Nummeraanduiding

    started = time.perf_counter()
    now = timezone.now()
    password = secrets.token_urlsafe(16)
    lead = account_services.create_user("bench_regie", password, ["regisseur"])
    pf = account_services.create_user("bench_pf", password, ["privacyfunctionaris"])
    participants = [account_services.create_user(f"bench_deelnemer_{i}", password, ["deelnemer"])
                    for i in range(PARTICIPANTS)]
    owners = [account_services.create_user(f"bench_uitvoerder_{i}", password, ["uitvoerder"]) for i in range(5)]
    phenomenon = Phenomenon.objects.order_by("order").first()
    addresses = list(Nummeraanduiding.objects.order_by("pk").values_list("pk", flat=True)[:SIGNALS])

    casus = Casus.objects.create(reference=f"CA-{now:%Y}-90000", title="Benchcasus", opened_at=now,
                                 state="uitvoering", state_since=now, lead=lead)
    signals = Signal.objects.bulk_create([
        Signal(reference=f"MO-{now:%Y}-9{i:07d}", received_at=now - timedelta(days=400 - i), channel="intern",
               phenomenon=phenomenon, description=f"Waarneming {i}: veel verkeer bij het pand.",
               address_id=addresses[i % len(addresses)], state="casus", state_since=now)
        for i in range(SIGNALS)])
    StateChange.objects.bulk_create([StateChange(signal=s, transition="hits_casus", source="bronnenonderzoek",
                                                 target="casus", at=now, by=lead, role="regisseur")
                                     for s in signals])
    w4s = Weging.objects.bulk_create([
        Weging(signal=s, type="W4", decision="casus", reasoning="De hits bevestigen het signaal.",
               purpose="Bestrijden van ondermijning", legal_basis="AVG art. 6 lid 1 sub e", decided_by=lead,
               role="regisseur", decided_at=now) for s in signals])
    CasusSignal.objects.bulk_create([CasusSignal(casus=casus, signal=s, linked_at=now, linked_by=lead, weging=w)
                                     for s, w in zip(signals, w4s, strict=True)])
    kinds = ["persoon", "onderneming", "adres"]
    subjects = MentionedSubject.objects.bulk_create([
        MentionedSubject(signal=signals[(i * 4) % SIGNALS], kind=kinds[i % 3], name=f"Betrokkene {i}",
                         bsn=f"9999{i:05d}" if i % 3 == 0 else "", kvk_nummer=f"9{i:07d}" if i % 3 == 1 else "",
                         address_id=addresses[i] if i % 3 == 2 else None) for i in range(SUBJECTS)])
    CasusStateChange.objects.bulk_create([
        CasusStateChange(casus=casus, transition=code, source=src, target=dst, at=now, by=lead, role="regisseur")
        for code, src, dst in (("casus_starten", "", "voorbereiding"), ("casus_agenderen", "voorbereiding",
                                                                         "casusoverleg"),
                               ("pva_vaststellen", "casusoverleg", "pva_vastgesteld"),
                               ("uitvoering_starten", "pva_vastgesteld", "uitvoering"))])
    meeting = Meeting.objects.create(title="Benchoverleg", starts_at=now, organiser=lead, created_at=now)
    item = AgendaItem.objects.create(meeting=meeting, casus=casus, minutes="Besproken.", minutes_at=now)
    seats = [Participant.objects.create(meeting=meeting, user=u, organisation=f"Afdeling {i}", invited_at=now)
             for i, u in enumerate(participants)]
    everything = (["veld:werktitel", "veld:fenomeen", "veld:omschrijving", "veld:locatie", "veld:waarneming"]
                  + [f"betrokkene:{s.pk}" for s in subjects] + [f"weging:{w.pk}" for w in w4s[:100]])
    for n, seat in enumerate(seats):
        keys = everything if n == 0 else everything[: 2 + n * 5]
        weging = Weging.objects.create(casus=casus, type="PC2A", decision="vrijgeven", reasoning="Nodig.",
                                       purpose="Casusoverleg", legal_basis="AVG art. 6 lid 1 sub e", necessity="x",
                                       decided_by=pf, role="privacyfunctionaris", decided_at=now)
        ReleaseRequest.objects.create(casus=casus, kind="PC2A", agenda_item=item, participant=seat,
                                      recipient=seat.user, items=keys, approved_items=keys, purpose="Overleg",
                                      requested_by=lead, requested_at=now, state="vrijgegeven", weging=weging,
                                      decided_at=now)
    instruments = list(Instrument.objects.all())
    interventions = Intervention.objects.bulk_create([
        Intervention(casus=casus, instrument=instruments[i % len(instruments)], description=f"Interventie {i}",
                     owner=owners[i % len(owners)], department="Handhaving", deadline=(now + timedelta(days=i)).date(),
                     status="in_uitvoering", created_at=now, created_by=lead, started_at=now)
        for i in range(INTERVENTIONS)])
    InterventionUpdate.objects.bulk_create([InterventionUpdate(intervention=i, at=now, by=i.owner,
                                                               status="in_uitvoering", note="Gestart.")
                                            for i in interventions])
    filler = Casus.objects.bulk_create([
        Casus(reference=f"CA-{now:%Y}-{i + 1:05d}", title=f"Casus {i}", opened_at=now - timedelta(days=i),
              state="voorbereiding", state_since=now, lead=lead if i % 10 == 0 else None)
        for i in range(FILLER_CASES)])
    log(f"  casus: {SIGNALS} signals, {SUBJECTS} subjects, {INTERVENTIONS} interventions, "
        f"{PARTICIPANTS} participants, {len(filler)} filler casussen in {time.perf_counter() - started:.1f} s")
    return casus, lead, participants[0]


def timed(client, url: str, runs: int, label: str) -> list[float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm-up: template cache, connection, register cache
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    log(f"  {label}: {len(queries)} queries per request, {len(response.content) // 1024} kB")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def run(size: str, pg_url: str, work: Path, runs: int, profile: bool = False) -> list[dict]:
    admin_execute(pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(pg_url, f"CREATE DATABASE {DB_NAME}")
    setup_django(pg_url, DB_NAME, work)
    log(f"Preparing {DB_NAME} (size {size}) …")
    prepare_database(size, work)
    casus, lead, participant = build_casus()
    analyse()  # the planner's statistics of the loaded data and the big casus, as autovacuum keeps them
    from django.test import Client

    log(f"load average before timing: {os.getloadavg()[0]:.2f}")
    from django.test.utils import override_settings

    results = []
    for metric, user, url, bare_url in (
            ("casus_page_p95_ms", lead, f"/casussen/{casus.reference}/", f"/bench/bare/casussen/{casus.reference}"),
            ("participant_view_p95_ms", participant, "/mijn-casussen/", "/bench/bare/mijn-casussen")):
        client = Client()
        client.force_login(user)
        times = timed(client, url, runs, metric)
        # Bare baseline, same run, same rows: a plain view in the bench URLconf (bench/bench_load_urls.py)
        # that reads them with the ORM and answers JSON — no policy, processing log or template.
        with override_settings(ROOT_URLCONF="bench_load_urls"):
            bare = timed(client, bare_url, runs, f"{metric} (bare)")
        log(f"  {metric}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms; bare p50 "
            f"{statistics.median(bare):.1f} ms, p95 {percentile(bare, 95):.1f} ms ({runs} requests each)")
        results.append({"metric": metric, "value": round(percentile(times, 95), 1), "unit": "ms", "size": size,
                        "p50_ms": round(statistics.median(times), 1), "runs": runs})
        ratio = percentile(times, 95) / percentile(bare, 95)
        results.append({"metric": f"{metric}_ratio_vs_bare", "value": round(ratio, 2),
                        "unit": "ratio", "size": size, "bare_p95_ms": round(percentile(bare, 95), 1), "runs": runs,
                        "note": "full page p95 / bare ORM view p95 on the same rows, same run"})
    log(f"load average after timing: {os.getloadavg()[0]:.2f}")
    if profile:
        import cProfile
        import pstats

        for user, url in ((lead, f"/casussen/{casus.reference}/"), (participant, "/mijn-casussen/")):
            client = Client()
            client.force_login(user)
            profiler = cProfile.Profile()
            profiler.runcall(lambda c=client, u=url: [c.get(u) for _ in range(10)])
            log(f"profile of 10 × {url}:")
            stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
            stats.print_stats("meldpunt", 30)
            stats.print_callers("batch_process_rhs|_dump_list|connection.py.*wait")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("S", "M"), default="M", help="municipality to load (default: M)")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server, without database name (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per page (default: %(default)s)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of each page to stderr")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="meldpunt-bench-casus-"))
    pg_url = args.pg_url.rstrip("/")
    started = time.perf_counter()
    try:
        metrics = run(args.size, pg_url, work, args.runs, args.profile)
    finally:
        clean_up(pg_url, DB_NAME, work)
    log(f"Done in {time.perf_counter() - started:.0f} s.")
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
