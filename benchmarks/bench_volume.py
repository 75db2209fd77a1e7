"""Benchmark the volume job's script on one local core: what the cost estimate is built on.

The Glue job's script (``datagen/volume_job.py``) runs ``--runs`` times in one local
Spark with one core (``local[1]``, one Spark task at a time), ``--rows`` rows per table
in one partition, and each phase is timed by the script itself (the ``seconds`` of its
truth): writing the Parquet table, writing the Iceberg table, and the digest pass of
each table (the executor renders the rows' text, the driver hashes it). Printed per
phase: the median and range of rows per second per core, and the bytes per row each
table's files take; then the canonical text's bytes per row and the driver's SHA-256
speed on that text (hashlib, medians of ``--runs``).

    uv run --no-sync python benchmarks/bench_volume.py [--rows 1000000] [--runs 5]

Needs Java 17 and the Iceberg Spark runtime in the jar cache (``scripts/test``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from datagen import volume
from datagen.digest import row_texts

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHASES = ("write_parquet", "write_iceberg", "digest_events", "digest_events_iceberg")


def _line(name: str, values: list[float], unit: str) -> str:
    return (
        f"{name:<24} median {statistics.median(values):>12,.0f} {unit} "
        f"(min {min(values):,.0f}, max {max(values):,.0f}, {len(values)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    plan = volume.VolumePlan(
        seed=42, rows=args.rows, days=7, first_day=dt.date(2024, 12, 25), partitions=1
    )
    from datagen import volume_job
    from tests.families.volume import local_spark

    spark = local_spark.session(cores=1, driver_memory="2g")
    rates: dict[str, list[float]] = {phase: [] for phase in PHASES}
    sizes: dict[str, list[float]] = {table: [] for table in volume.TABLES}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for run in range(args.runs):
                output = f"{Path(scratch).as_uri()}/bench/run{run}/"
                truth = volume_job.run(spark, volume_job.parse(plan.argv(output)))
                for phase in PHASES:
                    rates[phase].append(args.rows / truth["seconds"][phase])
                for table in volume.TABLES:
                    sizes[table].append(truth["tables"][table]["bytes"] / args.rows)
    finally:
        spark.stop()
    print(f"volume job, {args.rows:,} rows per table, local[1], Spark {spark.version}")
    for phase in PHASES:
        print(_line(phase, rates[phase], "rows/s/core"))
    for table in volume.TABLES:
        print(f"{table + ' bytes/row':<24} median {statistics.median(sizes[table]):>12.2f}")

    sample = volume.rows(plan, volume.PARQUET_TABLE, 0, 100_000)
    text = ("\n".join(row_texts(sample, volume.glue_types())) + "\n").encode()
    print(f"{'text bytes/row':<24} median {len(text) / sample.num_rows:>12.2f}")
    hashing = []
    for _ in range(args.runs):
        started = time.perf_counter()
        hashlib.sha256(text * 10).hexdigest()
        hashing.append(len(text) * 10 / (time.perf_counter() - started) / 1e6)
    print(_line("driver sha256", hashing, "MB/s"))


if __name__ == "__main__":
    main()
