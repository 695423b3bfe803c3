"""Benchmark the synthetic municipality generator (``meldpunt.demo.generator.build.build``).

Measured per size, seed 479, straight to Parquet (no database):

- wall time of ``build()`` itself (interpreter start-up and imports excluded);
- peak resident memory of the whole process that ran it, DuckDB's native memory included
  (``ru_maxrss``); every run is a fresh subprocess so peaks of different runs never mix;
- the time per build step (printed to stderr, to see where the time goes);
- row counts of the main tables;
- a bare baseline in the same run on the same data: DuckDB reading the generated Parquet files and
  writing the same rows again (``_bare.duckdb_rewrite_seconds``), so the figure also stands as the
  ratio ``generate_<size>_seconds_ratio_vs_bare`` (build / bare rewrite, medians), which carries from
  one machine to another where seconds do not.

S and M run three times and report the median; L (national scale) runs once.
Progress goes to stderr; the figures end up on stdout as one JSON line each::

    .venv/bin/python bench/generate.py                 # size M
    .venv/bin/python bench/generate.py --size S --size M
    .venv/bin/python bench/generate.py --size all      # S, M and L (L takes minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _bare import duckdb_rewrite_seconds

SEED = 479
SIZE_ORDER = ("S", "M", "L")
RUNS_PER_SIZE = {"S": 3, "M": 3, "L": 1}
DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "out"  # git-ignored
# Tables whose row counts are reported (BAG addresses, BRP persons, NHR companies, ...).
COUNTED_TABLES = ("nummeraanduidingen", "panden", "personen", "ondernemingen", "functionarissen", "signalen")


def measure_one_build(size: str, out_dir: Path) -> dict:
    """Build one size in this process and return its wall time, peak RSS, step times and counts."""
    from meldpunt.demo.generator.build import build

    step_starts: list[tuple[str, float]] = []
    started = time.perf_counter()
    result = build(size, out_dir, seed=SEED, progress=lambda label: step_starts.append((label, time.perf_counter())))
    finished = time.perf_counter()
    ends = [start for _, start in step_starts[1:]] + [finished]
    step_seconds = {label: round(end - start, 2) for (label, start), end in zip(step_starts, ends, strict=True)}
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "size": size,
        "seconds": finished - started,
        "peak_mb": peak_kib / 1024,
        "steps": step_seconds,
        "counts": result.counts,
    }


def run_in_subprocess(size: str, out_dir: Path) -> dict:
    """Run :func:`measure_one_build` in a fresh Python process, so its peak memory is its own."""
    shutil.rmtree(out_dir, ignore_errors=True)
    command = [sys.executable, __file__, "--single-run", size, "--out-dir", str(out_dir)]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def benchmark_size(size: str, out_root: Path, keep_output: bool) -> list[dict]:
    runs = RUNS_PER_SIZE[size]
    results = []
    for run in range(1, runs + 1):
        out_dir = out_root / f"{size}-{SEED}-run{run}"
        log(f"Size {size}, run {run}/{runs} (1-minute load average before: {os.getloadavg()[0]:.1f}) …")
        result = run_in_subprocess(size, out_dir)
        result["bare_seconds"], bare_rows = duckdb_rewrite_seconds(out_dir, out_root / f"{size}-bare-run{run}")
        shutil.rmtree(out_root / f"{size}-bare-run{run}", ignore_errors=True)
        log(f"  {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB; bare DuckDB rewrite of the same "
            f"{bare_rows:,} rows {result['bare_seconds']:.1f} s")
        for label, seconds in result["steps"].items():
            log(f"    {seconds:7.1f} s  {label}")
        results.append(result)
        if not keep_output:
            shutil.rmtree(out_dir, ignore_errors=True)
    return results


def metric_lines(size: str, results: list[dict]) -> list[dict]:
    note = "median of 3 runs" if len(results) > 1 else "single run"
    lines = [
        {"metric": f"generate_{size}_seconds", "value": round(statistics.median(r["seconds"] for r in results), 2),
         "unit": "s", "size": size, "runs": len(results), "note": note},
        {"metric": f"generate_{size}_peak_mb", "value": round(statistics.median(r["peak_mb"] for r in results), 1),
         "unit": "MB", "size": size, "runs": len(results), "note": note},
    ]
    seconds, bare = (statistics.median(r[k] for r in results) for k in ("seconds", "bare_seconds"))
    lines += [
        {"metric": f"generate_{size}_bare_duckdb_seconds", "value": round(bare, 2), "unit": "s", "size": size,
         "runs": len(results), "note": "DuckDB reading the generated Parquet and writing the same rows"},
        {"metric": f"generate_{size}_seconds_ratio_vs_bare", "value": round(seconds / bare, 2), "unit": "ratio",
         "size": size, "runs": len(results), "note": "build / bare DuckDB rewrite, medians"},
    ]
    counts = results[0]["counts"]  # the same seed gives the same counts every run
    for table in COUNTED_TABLES:
        lines.append({"metric": f"generate_{size}_rows_{table}", "value": counts[table], "unit": "rows", "size": size})
    return lines


def requested_sizes(values: list[str] | None) -> list[str]:
    wanted = set()
    for value in values or ["M"]:
        wanted.update(SIZE_ORDER if value == "all" else [value])
    return [size for size in SIZE_ORDER if size in wanted]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", choices=[*SIZE_ORDER, "all"],
                        help="S, M, L or all; repeat for several (default: M)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                        help=f"where the generated data goes (default: {DEFAULT_OUT_DIR})")
    parser.add_argument("--keep-output", action="store_true", help="keep the generated Parquet files")
    parser.add_argument("--single-run", choices=SIZE_ORDER, help=argparse.SUPPRESS)  # the measured subprocess
    args = parser.parse_args()

    if args.single_run:
        print(json.dumps(measure_one_build(args.single_run, args.out_dir)))
        return

    metrics = []
    for size in requested_sizes(args.size):
        metrics += metric_lines(size, benchmark_size(size, args.out_dir, args.keep_output))
    for line in metrics:
        print(json.dumps(line))


if __name__ == "__main__":
    main()
