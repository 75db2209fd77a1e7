"""Benchmark the cache hit check: every file's SHA-256 against the manifest.

For each case a cache entry is generated once; then ``datagen.cache.complete`` is timed
``--runs`` times cold (the verified stamps removed, so every file is hashed) and warm
(stamps present, as on every `pulumi preview` after the first), next to a size-only check
(what the cache did before digests were verified). Prints medians:

    uv run --no-sync python benchmarks/bench_cache_verify.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable

from components.config import PROFILES
from datagen import cache
from datagen.catalog import scale_catalog, select_tables
from datagen.manifest import Manifest

CASES = (
    ("small", None),
    ("medium", None),
    ("large", None),
    ("5 tables x 1,000,000 rows", 1_000_000),
)


def _median_ms(runs: int, before: Callable[[], None], check: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        assert check() is not None
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _measure(name: str, rows: int | None, runs: int) -> str:
    profile = PROFILES["small" if rows else name]
    tables = scale_catalog(
        select_tables(None),
        monthly_partitions=profile.monthly_partitions,
        daily_partitions=profile.daily_partitions,
        scale_databases=profile.scale_databases,
        tables_per_database=profile.tables_per_database,
    )
    with tempfile.TemporaryDirectory() as root:
        entry, manifest = cache.generate_cached(
            root, tables=tables, rows=rows or profile.rows, seed=42, location="s3://bench"
        )
        stamp = entry / cache.VERIFIED_NAME

        def sizes() -> Manifest:
            loaded = Manifest.load(entry)
            for file in loaded.files:
                assert (entry / file.key).stat().st_size == file.bytes
            return loaded

        size_only = _median_ms(runs, lambda: None, sizes)
        cold = _median_ms(
            runs, lambda: stamp.unlink(missing_ok=True), lambda: cache.complete(entry)
        )
        # Files younger than cache.RACY_NS are never stamped: let them settle once.
        time.sleep(cache.RACY_NS / 1e9)
        cache.complete(entry)
        warm = _median_ms(runs, lambda: None, lambda: cache.complete(entry))
    return (
        f"| {name} | {len(manifest.files):,} | {manifest.total_bytes / 1e6:,.1f} | "
        f"{size_only:,.0f} ms | {cold:,.0f} ms | {warm:,.0f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print("| case | files | MB | size only | verify cold | verify warm |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, rows in CASES:
        print(_measure(name, rows, runs))


if __name__ == "__main__":
    main()
