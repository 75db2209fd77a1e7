"""Benchmark the generator: rows per second and peak memory for all five tables.

Each run is a fresh Python process that generates every table of the catalog into a
temporary folder. Generation time is measured inside the process around ``generate()``
(imports excluded); the process's wall time and peak RSS (``wait4`` rusage) are
reported too. Prints the median of the runs for each size:

    uv run --no-sync python benchmarks/bench_datagen.py [--runs 5] [--rows 100000,1000000]

Targets: >= 500,000 rows/s aggregate at 100,000 rows per table, and peak RSS under
1 GiB at 1,000,000 rows per table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RATE_TARGET_ROWS = 100_000
RATE_TARGET = 500_000
MEMORY_TARGET_ROWS = 1_000_000
MEMORY_TARGET = 1 << 30

CHILD = """
import json, sys, time
from datagen.catalog import TABLES
from datagen.generate import generate
import datagen.iceberg  # imported by the first Iceberg write; kept out of the timing
started = time.perf_counter()
manifest = generate(sys.argv[1], tables=TABLES, rows=int(sys.argv[2]), seed=42)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rows": manifest.total_rows, "tables": len(manifest.tables),
                  "files": len(manifest.files), "bytes": manifest.total_bytes}))
"""


@dataclass(frozen=True)
class Run:
    rows_per_table: int
    total_rows: int
    tables: int
    files: int
    bytes: int
    generate_seconds: float
    process_seconds: float
    peak_rss: int

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.generate_seconds


def run_once(rows: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="bench-datagen-") as scratch:
        out = Path(scratch) / "out"
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(out), str(rows)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stdout, stderr = child.stdout.read(), child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        process_seconds = time.perf_counter() - started
        if child.returncode != 0:
            raise RuntimeError(f"generation of {rows:,} rows per table failed:\n{stderr}")
    result = json.loads(stdout)
    return Run(
        rows_per_table=rows,
        total_rows=result["rows"],
        tables=result["tables"],
        files=result["files"],
        bytes=result["bytes"],
        generate_seconds=result["seconds"],
        process_seconds=process_seconds,
        # Linux reports ru_maxrss in KiB.
        peak_rss=usage.ru_maxrss * 1024,
    )


def summary(runs: list[Run]) -> dict[str, float | int]:
    return {
        "rows_per_table": runs[0].rows_per_table,
        "tables": runs[0].tables,
        "total_rows": runs[0].total_rows,
        "files": runs[0].files,
        "bytes": runs[0].bytes,
        "runs": len(runs),
        "median_generate_seconds": statistics.median(r.generate_seconds for r in runs),
        "median_rows_per_second": statistics.median(r.rows_per_second for r in runs),
        "median_process_seconds": statistics.median(r.process_seconds for r in runs),
        "median_peak_rss_bytes": statistics.median(r.peak_rss for r in runs),
        "max_peak_rss_bytes": max(r.peak_rss for r in runs),
    }


def verdicts(results: list[dict[str, float | int]]) -> list[str]:
    lines = []
    for result in results:
        if result["rows_per_table"] == RATE_TARGET_ROWS:
            rate = result["median_rows_per_second"]
            met = "met" if rate >= RATE_TARGET else "MISSED"
            lines.append(
                f"rate target ({RATE_TARGET:,} rows/s at {RATE_TARGET_ROWS:,} rows/table): "
                f"{met} ({rate:,.0f} rows/s)"
            )
        if result["rows_per_table"] == MEMORY_TARGET_ROWS:
            peak = result["max_peak_rss_bytes"]
            met = "met" if peak < MEMORY_TARGET else "MISSED"
            lines.append(
                f"memory target (< 1 GiB at {MEMORY_TARGET_ROWS:,} rows/table): "
                f"{met} ({peak / 2**20:,.0f} MiB, the largest of the runs)"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per size (median reported)")
    parser.add_argument(
        "--rows",
        default=f"{RATE_TARGET_ROWS},{MEMORY_TARGET_ROWS}",
        help="comma-separated rows per table",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args()

    results = []
    for rows in (int(r) for r in args.rows.split(",")):
        runs = []
        for number in range(1, args.runs + 1):
            run = run_once(rows)
            runs.append(run)
            print(
                f"{rows:>9,} rows/table  run {number}: {run.generate_seconds:6.2f} s generate, "
                f"{run.rows_per_second:>11,.0f} rows/s, {run.process_seconds:6.2f} s process, "
                f"peak RSS {run.peak_rss / 2**20:,.0f} MiB",
                flush=True,
            )
        results.append(summary(runs))

    print()
    print(
        f"{'rows/table':>10} {'tables':>6} {'total rows':>11} {'size':>9} {'generate':>9} "
        f"{'rows/s':>11} {'process':>8} {'peak RSS':>9}   (medians of {args.runs} runs)"
    )
    for r in results:
        print(
            f"{r['rows_per_table']:>10,} {r['tables']:>6} {r['total_rows']:>11,} "
            f"{r['bytes'] / 2**20:>6,.1f} MiB {r['median_generate_seconds']:>7.2f} s "
            f"{r['median_rows_per_second']:>11,.0f} {r['median_process_seconds']:>6.2f} s "
            f"{r['median_peak_rss_bytes'] / 2**20:>5,.0f} MiB"
        )
    print()
    for line in verdicts(results):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
