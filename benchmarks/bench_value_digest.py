"""Benchmark the zoo's value digests: every zoo table's ``TableKind.value_digest``.

The zoo is generated once per row count; then the digests of all its tables (each its
module's ``rows`` rendered in canonical text) are timed ``--runs`` times. This is what the
first use of a ``zoo: true`` cache entry adds (``datagen.cache.with_value_digests``); a
cache hit reads the digests back. Prints the median and the range:

    uv run --no-sync python benchmarks/bench_value_digest.py [--rows 100,1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from datagen.catalog import ZOO_TABLES
from datagen.generate import generate
from datagen.kinds import kind_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100,1000", help="comma-separated rows per table")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    specs = ZOO_TABLES
    for rows in (int(r) for r in args.rows.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            manifest = generate(
                Path(scratch) / "out", tables=specs, rows=rows, seed=42, location="s3://bench"
            )
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                digests = [
                    kind_for(spec.kind).value_digest(manifest, manifest.table(spec.key), spec)
                    for spec in specs
                ]
                times.append(time.perf_counter() - started)
        print(
            f"zoo, {rows:>7,} rows: {sum(d is not None for d in digests)} digests, "
            f"median {statistics.median(times):.3f} s (min {min(times):.3f}, "
            f"max {max(times):.3f}, {args.runs} runs)"
        )


if __name__ == "__main__":
    main()
