"""Benchmark the ondermijningsbeeld pipeline (``meldpunt.insight.pipeline``) on generated data.

Per size (default L: every buurt of the Netherlands, ~10 million addresses, ~18 million persons,
~2.4 million companies, 1 million signals), seed 479, straight from the generator's Parquet
files (L is Parquet-only by design; S and M go the same way here):

- **full regeneration**: ``pipeline.run`` (views, counts per buurt, roll-up to wijk and gemeente,
  primary and secondary suppression, hotspot score, writing the cell file) + sealing the file
  (SHA-256) + the diff with the previous snapshot — everything ``services.regenerate`` does
  apart from exporting the app's own database (which L does not have) and one INSERT;
- **bare DuckDB aggregation**: the same counting queries over the same files
  (``pipeline.create_views`` + ``pipeline.aggregate``, the first step of the full run), nothing else;
- the ratio full / bare (goal ≤ 1.5; printed as ``beeld_ratio_vs_duckdb`` and, like every timing
  bench, as ``beeld_<size>_seconds_ratio_vs_bare``), the peak RSS of the full run (goal < 4 GB) and the wall
  time (goal < 60 s at L);
- hotspot recall on the generator's ground truth: recall@K with K = the number of planted hotspot
  buurten, and recall@2K, over the list as the analist meets it (the set "te bekijken" first,
  then the published-cell score; ADR 0026 part 9), for the seed given (``--seed``; the weights
  were tuned on 479, 2027, 31337 and 7, the threshold of "te bekijken" on 479 only — report the
  others as held out);
- ``suppression_recovered_cells``: the interval attack of ``meldpunt.insight.audit`` on the
  published cell file (goal 0), with the number of hidden cells it narrowed.

Each measurement runs in a fresh subprocess (its own peak memory, no warm DuckDB caches).
Rounds alternate bare and full; the medians are reported. Progress goes to stderr, the figures
to stdout as one JSON line each::

    .venv/bin/python bench/beeld.py                  # size L (generates it first, ~100 s, ~2 GB)
    .venv/bin/python bench/beeld.py --size S --rounds 3
    .venv/bin/python bench/beeld.py --size L --seed 8128          # a held-out seed
    .venv/bin/python bench/beeld.py --data-dir bench/out/beeld-L-479   # reuse generated data
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
SEED = 479
REFERENCE_DATE = date(2026, 10, 1)  # the generator's reference date
DEFAULT_OUT = REPO / "bench" / "out"  # git-ignored


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _source(data_dir: Path):
    from meldpunt.insight.sources import SourceSet

    return SourceSet(data_dir, "parquet", REFERENCE_DATE, "generator")


def measure_bare(data_dir: Path) -> dict:
    from meldpunt.insight import pipeline

    started = time.perf_counter()
    con = pipeline._connect(2, "3GB", data_dir.parent / "duckdb_tmp_bare")
    try:
        source = _source(data_dir)
        pipeline.create_views(con, source)
        pipeline.aggregate(con, REFERENCE_DATE, source.crowded_sql(pipeline.OVERCROWDED_MIN_ADULTS))
    finally:
        con.close()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _django(out_dir: Path) -> None:
    """The seeded indicator matrix lives next to Django models: load the settings (no database
    is touched)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings.test")
    os.environ.setdefault("MELDPUNT_VAR_DIR", str(out_dir / "var"))
    django.setup()


def measure_full(data_dir: Path, out_dir: Path, close_pinned: bool = True) -> dict:
    _django(out_dir)
    from meldpunt.insight import diffing, pipeline, storage
    from meldpunt.insight.matrix import seed_weights

    out_dir.mkdir(parents=True, exist_ok=True)
    # The bench measures the file even when the pipeline's disclosure gate (ADR 0026) would refuse
    # it: the gate's own attack runs below (measure_attack) and is reported, not hidden.
    refused = []
    pipeline._refuse_disclosure = lambda partial, *_args: refused.append(partial)
    previous = out_dir / "previous.parquet"
    current = out_dir / f"beeld-{time.time_ns()}.parquet"
    started = time.perf_counter()
    result = pipeline.run(_source(data_dir), current, seed_weights(), temp_dir=out_dir / "duckdb_tmp",
                          close_pinned=close_pinned)
    storage.seal(current)
    diff = diffing.compare(previous, current, 0) if previous.exists() else {}
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if previous.exists():
        previous.chmod(0o600)
        previous.unlink()
    current.rename(previous)
    return {"seconds": seconds, "peak_mb": peak, "steps": result.steps, "cells": result.cell_count,
            "primary": result.primary, "secondary": result.secondary, "rounds": result.rounds,
            "diffed": bool(diff), "closing": result.closing}


def ranked_as_shown(cells_path: Path) -> list[str]:
    """The buurten in the order the analist meets them (ADR 0026 part 9): the set "te bekijken"
    first (inside it, and after it, by the published-cell score), then the rest."""
    import duckdb

    return [r[0] for r in duckdb.sql(f"""
        SELECT s.area FROM read_parquet('{cells_path}') s
        LEFT JOIN (SELECT area, value FROM read_parquet('{cells_path}') WHERE measure = 'te_bekijken') t USING (area)
        WHERE s.measure = 'hotspotscore' ORDER BY coalesce(t.value, 0) DESC, s.value DESC, s.area""").fetchall()]


def measure_recall(data_dir: Path, out_dir: Path) -> dict:
    import duckdb

    truth = json.loads((data_dir / "ground_truth.json").read_text())
    planted = {h["buurt"] for h in truth["hotspot_buurten"]}
    path = out_dir / "previous.parquet"
    ranked = ranked_as_shown(path)
    members = {r[0] for r in duckdb.sql(
        f"SELECT area FROM read_parquet('{path}') WHERE measure = 'te_bekijken' AND value > 0").fetchall()}
    k = len(planted)
    return {"k": k, "recall_k": len(planted & set(ranked[:k])) / k, "recall_2k": len(planted & set(ranked[:2 * k])) / k,
            "members": len(members), "planted_members": len(planted & members)}


def measure_attack(out_dir: Path) -> dict:
    _django(out_dir)
    from meldpunt.insight import audit
    from meldpunt.insight.matrix import seed_weights

    started = time.perf_counter()
    result = audit.recoverable_cells(out_dir / "previous.parquet", weights=seed_weights(),
                                     reference_date=REFERENCE_DATE)
    return {**result, "seconds": time.perf_counter() - started}


def in_subprocess(kind: str, data_dir: Path, out_dir: Path, close_pinned: bool = True) -> dict:
    command = [sys.executable, __file__, "--single", kind, "--data-dir", str(data_dir), "--out-dir", str(out_dir),
               *([] if close_pinned else ["--keep-pins"])]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def ensure_data(size: str, data_dir: Path, seed: int = SEED) -> None:
    if (data_dir / "manifest.json").exists():
        log(f"Reusing generated data in {data_dir}")
        return
    from meldpunt.demo.generator.build import build

    log(f"Generating size {size} (seed {seed}) into {data_dir} …")
    result = build(size, data_dir, seed=seed, progress=lambda label: log(f"  {label}"))
    log(f"  generated in {result.seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["S", "M", "L"], default="L")
    parser.add_argument("--rounds", type=int, default=2, help="bare/full pairs (default 2)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default {SEED})")
    parser.add_argument("--data-dir", type=Path, default=None, help="generated Parquet files (made if missing)")
    parser.add_argument("--out-dir", type=Path, default=None, help="where the cell files go")
    parser.add_argument("--keep-pins", action="store_true",
                        help="do not close what the interval attack pins (insight/pinning.py, on by default): "
                             "measures what the suppression alone leaves")
    parser.add_argument("--single", choices=["bare", "full", "recall", "attack"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = args.data_dir or DEFAULT_OUT / f"beeld-{args.size}-{args.seed}"
    out_dir = args.out_dir or DEFAULT_OUT / f"beeld-{args.size}-{args.seed}-cells"

    if args.single:
        work = {"bare": lambda: measure_bare(data_dir),
                "full": lambda: measure_full(data_dir, out_dir, not args.keep_pins),
                "recall": lambda: measure_recall(data_dir, out_dir),
                "attack": lambda: measure_attack(out_dir)}[args.single]
        print(json.dumps(work()))
        return

    ensure_data(args.size, data_dir, args.seed)
    size = json.loads((data_dir / "manifest.json").read_text())["size"]
    seed = json.loads((data_dir / "manifest.json").read_text())["seed"]
    counts = json.loads((data_dir / "manifest.json").read_text())["counts"]
    log(f"Size {size}: {counts['nummeraanduidingen']:,} addresses, {counts['personen']:,} persons, "
        f"{counts['ondernemingen']:,} companies, {counts['signalen']:,} signals")
    bare, full = [], []
    for round_no in range(1, args.rounds + 1):
        log(f"Round {round_no}/{args.rounds} (1-minute load average before: {os.getloadavg()[0]:.1f})")
        b = in_subprocess("bare", data_dir, out_dir)
        log(f"  bare aggregation {b['seconds']:.1f} s, peak {b['peak_mb']:.0f} MB")
        f = in_subprocess("full", data_dir, out_dir, not args.keep_pins)
        log(f"  full regeneration {f['seconds']:.1f} s, peak {f['peak_mb']:.0f} MB, {f['cells']:,} cells, "
            f"{f['primary']:,} primary + {f['secondary']:,} secondary suppressed in {f['rounds']} rounds"
            f"{', diffed' if f['diffed'] else ''}")
        for label, seconds in f["steps"].items():
            log(f"    {seconds:7.2f} s  {label}")
        log(f"    closing of pins: {f['closing']}")
        bare.append(b)
        full.append(f)
    recall = in_subprocess("recall", data_dir, out_dir)
    attack = in_subprocess("attack", data_dir, out_dir)
    log(f"  attack: {attack['recovered']:,} of {attack['hidden']:,} hidden cells recovered, "
        f"{attack['narrowed']:,} narrowed, {attack['seconds']:.1f} s")
    full_s = statistics.median(r["seconds"] for r in full)
    bare_s = statistics.median(r["seconds"] for r in bare)
    note = f"median of {len(full)} runs" if len(full) > 1 else "single run"
    lines = [
        {"metric": f"beeld_{size}_seconds", "value": round(full_s, 2), "unit": "s", "size": size, "note": note},
        {"metric": f"beeld_{size}_peak_mb", "value": round(statistics.median(r["peak_mb"] for r in full), 1),
         "unit": "MB", "size": size, "note": note},
        {"metric": f"beeld_{size}_bare_duckdb_seconds", "value": round(bare_s, 2), "unit": "s", "size": size,
         "note": note},
        {"metric": "beeld_ratio_vs_duckdb", "value": round(full_s / bare_s, 2), "unit": "ratio", "size": size,
         "note": "full regeneration / bare aggregation, medians"},
        # The same figure under the name every timing bench uses (issue 17): full / bare, same run.
        {"metric": f"beeld_{size}_seconds_ratio_vs_bare", "value": round(full_s / bare_s, 2), "unit": "ratio",
         "size": size, "note": "full regeneration / bare DuckDB aggregation of the same files, medians"},
        {"metric": "beeld_ratio_vs_own_count_step",
         "value": round(statistics.median(r["seconds"] / r["steps"]["tellen per buurt (DuckDB)"] for r in full), 2),
         "unit": "ratio", "size": size,
         "note": "full regeneration / its own counting step (same process: less sensitive to machine load)"},
        {"metric": "hotspot_recall", "value": round(recall["recall_k"], 3), "unit": "share", "size": size,
         "note": f"recall@K, K = {recall['k']} planted hotspot buurten, seed {seed}; the set 'te bekijken' first "
                 f"({recall['members']} buurten, {recall['planted_members']} planted), then the published-cell score"},
        {"metric": "hotspot_recall_2k", "value": round(recall["recall_2k"], 3), "unit": "share", "size": size,
         "note": f"recall@2K, K = {recall['k']}, seed {seed}"},
        {"metric": "suppression_recovered_cells", "value": attack["recovered"], "unit": "cells", "size": size,
         "note": f"interval attack on the published cells: {attack['recovered']} of {attack['hidden']} hidden cells "
                 f"recovered exactly, {attack['narrowed']} narrowed; goal 0"},
    ]
    for line in lines:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
