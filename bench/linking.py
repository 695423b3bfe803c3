"""Benchmark linking of mentioned subjects to registry records (issue 5, part 3).

What it does, in a throw-away database (SQLite in a temporary directory by default, or a
PostgreSQL database ``meldpunt_bench_linking`` created and dropped on the server given with
``--postgres``):

1. ``migrate``, build and load a generated municipality (``--size``, default M, seed 479);
2. plant mentions with realistic typos and their ground truth (``demo.generator.mentions``,
   mention seed ``--seed``, default 11: not one of the seeds the linker was tuned on);
3. link every mention with one ``Linker`` (blocking + scoring, no processing log: that is the
   selector's job and is measured with the other services), and compare the proposals with the
   ground truth.

Goal: precision >= 0.98 and recall >= 0.95. Details per kind go to stderr; the figures end up
on stdout as one JSON line each::

    .venv/bin/python bench/linking.py                 # size M on SQLite
    .venv/bin/python bench/linking.py --size S
    .venv/bin/python bench/linking.py --postgres postgres://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _support import admin_execute, log

REPO = Path(__file__).resolve().parent.parent
DATA_SEED = 479
DB_NAME = "meldpunt_bench_linking"






def run(size: str, seed: int, work: Path, report: str = "") -> list[dict]:
    import django

    django.setup()
    from django.core.management import call_command

    from meldpunt.demo import loader
    from meldpunt.demo.generator.build import build
    from meldpunt.demo.generator.mentions import plant_mentions
    from meldpunt.registries.linking_quality import measure

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    out = work / "gemeente"
    build(size, out, seed=DATA_SEED)
    counts = loader.load(out)
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh tables: give the planner statistics, as autovacuum would
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"  build + load {size}: {time.perf_counter() - started:.1f} s ({counts['personen']:,} personen, "
        f"{counts['ondernemingen']:,} ondernemingen, {counts['nummeraanduidingen']:,} adressen)")
    planted = plant_mentions(out, size, seed=seed)
    log(f"  mentions: {planted['meta']['mentions']:,} ({planted['meta']['linkable']:,} linkable), seed {seed}")
    quality = measure(planted["mentions"])
    log(f"  linked in {quality.seconds:.1f} s: {quality.proposals} proposals, {quality.correct} correct, "
        f"{len(quality.wrong)} wrong")
    by_kind = Counter(p["kind"] for p in planted["mentions"] if p["truth"])
    missed = Counter(p["kind"] for p in quality.missed)
    for kind, total in sorted(by_kind.items()):
        log(f"    recall {kind}: {1 - missed[kind] / total:.3f} ({total - missed[kind]}/{total})")
    if report:
        Path(report).write_text(json.dumps({"wrong": quality.wrong, "missed": quality.missed}, indent=1,
                                           ensure_ascii=False, default=str))
    for wrong in quality.wrong[:5]:
        log(f"    wrong: {wrong['kind']} {wrong.get('noise')} -> {wrong['reasons']}")
    return [
        {"metric": "link_precision", "value": round(quality.precision, 4), "unit": "ratio", "size": size},
        {"metric": "link_recall", "value": round(quality.recall, 4), "unit": "ratio", "size": size},
        {"metric": "link_per_second", "value": round(quality.per_second, 1), "unit": "mentions/s", "size": size},
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["S", "M"], default="M")
    parser.add_argument("--seed", type=int, default=11, help="seed of the planted mentions")
    parser.add_argument("--postgres", help="PostgreSQL server URL without database, e.g. postgres://u@host:5432")
    parser.add_argument("--report", default="", help="write the wrong and missed mentions to this JSON file")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        for line in run(args.size, args.seed, Path(os.environ["MELDPUNT_VAR_DIR"]).parent, args.report):
            print(json.dumps(line), flush=True)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-linking-") as tmp:
        work = Path(tmp)
        (work / "var").mkdir()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "meldpunt.settings.base", "MELDPUNT_VAR_DIR": str(work / "var"),
               "PYTHONPATH": os.pathsep.join(p for p in [str(REPO / "src"), os.environ.get("PYTHONPATH", "")] if p)}
        if args.postgres:
            admin_execute(args.postgres, f"DROP DATABASE IF EXISTS {DB_NAME}")
            admin_execute(args.postgres, f"CREATE DATABASE {DB_NAME}")
            env["MELDPUNT_DATABASE_URL"] = f"{args.postgres}/{DB_NAME}"
        else:
            env["MELDPUNT_DATABASE_URL"] = f"sqlite:////{work / 'var' / 'bench.sqlite3'}"
        log(f"linking benchmark, size {args.size}, {'PostgreSQL' if args.postgres else 'SQLite'}")
        try:
            command = [sys.executable, __file__, "--inner", "--size", args.size, "--seed", str(args.seed),
                       "--report", str(Path(args.report).resolve()) if args.report else ""]
            return subprocess.run(command, env=env, cwd=REPO, check=False).returncode
        finally:
            if args.postgres:
                admin_execute(args.postgres, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
