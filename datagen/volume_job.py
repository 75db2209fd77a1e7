"""The volume family's AWS Glue job: writes the volume tables where they live.

Glue 5.0 (Spark 3.5, Python 3.11) runs this file as it is; it uses ``pyspark`` only (no
``awsglue``, no project module), so local Spark runs it unchanged. The stack uploads it
(``components/volume_job.py``) and starts one run with these arguments:

    --output s3://<bucket>/volume/data/   the prefix it owns: emptied first, then written
    --seed N --rows N --days N --first-day YYYY-MM-DD --partitions N

It writes, below ``--output``:

- ``events/day=YYYY-MM-DD/``: Hive-style Parquet (snappy, Hive-compatible decimals and
  INT96 timestamps), partitioned by ``day``;
- ``iceberg/events_iceberg/``: an Iceberg v2 table with the same columns (``event_time``
  an Iceberg ``timestamp``, without zone, as Glue's), through an Iceberg Hadoop catalog on
  ``--output`` (metadata ``metadata/v1.metadata.json``, one commit);
- ``_truth.json``: per table the rows and bytes written and the value digest of its rows.

Each value is a pure function of (seed, table, row number), built from Spark SQL
expressions over ``spark.range``: splitmix64 over the row's slot (``datagen/volume.py``
states the rule and holds the numpy twin this file must agree with). The value digest is
the SHA-256 of the rows' canonical text (docs/engines.md, "The value digest"), sorted by
bytes: every line starts with a 13-digit ``event_id``, so that order is the row order,
and the driver hashes the rows range by range as the executors render them, with no sort.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

PARQUET_TABLE = "events"
ICEBERG_TABLE = "events_iceberg"
ICEBERG_NAMESPACE = "iceberg"
EVENT_TYPES = ("page_view", "click", "add_to_cart", "checkout", "purchase", "login", "logout")
GOLDEN = 0x9E3779B97F4A7C15
MUL1 = 0xBF58476D1CE4E5B9
MUL2 = 0x94D049BB133111EB
SLOTS = 16
EVENT_ID_BASE = 1_000_000_000_000
USERS = 5_000_000
NULL_USER_EVERY = 50
CENTS = 10_000_000
QUANTITIES = 20
SCORE_EIGHTHS = 2**20
SECONDS_PER_DAY = 86_400
NULL = "\\N"
DIGEST_ROWS = 250_000
"""Rows of one range of the digest pass (about 25 MB of text in the driver)."""
TRUTH_FORMAT_VERSION = 1

_MASK = (1 << 64) - 1


def signed(value: int) -> int:
    """A 64-bit pattern as Spark's signed ``bigint``."""
    value &= _MASK
    return value - (1 << 64) if value >= 1 << 63 else value


def mix64_int(value: int) -> int:
    z = value & _MASK
    z = ((z ^ (z >> 30)) * MUL1) & _MASK
    z = ((z ^ (z >> 27)) * MUL2) & _MASK
    return z ^ (z >> 31)


def stream(seed: int, table: str) -> int:
    key = int.from_bytes(hashlib.sha256(table.encode()).digest()[:8], "big")
    return mix64_int(seed ^ key)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    # No abbreviations: one of Glue's own arguments must never pass for one of ours.
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--output", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--days", type=int, required=True)
    parser.add_argument("--first-day", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--partitions", type=int, required=True)
    # Glue adds its own (--JOB_NAME, --JOB_RUN_ID, --TempDir, ...): they are not ours.
    options, _glue = parser.parse_known_args(argv)
    if not options.output.endswith("/") or options.output.count("/") < 4:
        parser.error(f"--output must be a folder below a bucket, ending in /: {options.output}")
    if options.rows < 1 or options.days < 1 or options.partitions < 1:
        parser.error("--rows, --days and --partitions must be at least 1")
    return options


# --- the rows as Spark SQL expressions ------------------------------------------------------


def _mix64(z: Any) -> Any:
    from pyspark.sql import functions as F

    z = z.bitwiseXOR(F.shiftrightunsigned(z, 30)) * F.lit(signed(MUL1))
    z = z.bitwiseXOR(F.shiftrightunsigned(z, 27)) * F.lit(signed(MUL2))
    return z.bitwiseXOR(F.shiftrightunsigned(z, 31))


def _slot(table_stream: int, slot: int) -> Any:
    from pyspark.sql import functions as F

    position = F.col("id") * F.lit(SLOTS) + F.lit(slot + 1)
    return _mix64(F.lit(signed(table_stream)) + F.lit(signed(GOLDEN)) * position)


def _bounded(table_stream: int, slot: int, modulus: int) -> Any:
    from pyspark.sql import functions as F

    return F.shiftrightunsigned(_slot(table_stream, slot), 11) % F.lit(modulus)


def rows(spark: Any, options: argparse.Namespace, table: str, partitions: int) -> Any:
    """The table's rows ``0 .. rows-1`` in ``partitions`` ranges, in Glue's column order."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DecimalType

    table_stream = stream(options.seed, table)
    day_index = F.expr(f"CAST((id * {options.days}) DIV {options.rows} AS INT)")
    day = F.date_add(F.lit(options.first_day), day_index)
    midnight = F.unix_timestamp(day.cast("timestamp"))
    user = F.lit(1) + _bounded(table_stream, 1, USERS)
    types = F.array(*[F.lit(name) for name in EVENT_TYPES])
    return spark.range(0, options.rows, 1, partitions).select(
        (F.lit(EVENT_ID_BASE) + F.col("id")).alias("event_id"),
        F.when(_bounded(table_stream, 8, NULL_USER_EVERY) != 0, user).alias("user_id"),
        F.element_at(types, (_bounded(table_stream, 2, len(EVENT_TYPES)) + 1).cast("int")).alias(
            "event_type"
        ),
        (_bounded(table_stream, 3, CENTS).cast(DecimalType(20, 0)) / F.lit(100))
        .cast(DecimalType(12, 2))
        .alias("amount"),
        (F.lit(1) + _bounded(table_stream, 4, QUANTITIES)).cast("int").alias("quantity"),
        (_bounded(table_stream, 5, SCORE_EIGHTHS).cast("double") / F.lit(8.0)).alias("score"),
        F.timestamp_seconds(midnight + _bounded(table_stream, 6, SECONDS_PER_DAY)).alias(
            "event_time"
        ),
        F.lpad(F.lower(F.hex(_slot(table_stream, 7))), 16, "0").alias("session_id"),
        F.date_format(day, "yyyy-MM-dd").alias("day"),
    )


def canonical_lines(frame: Any) -> Any:
    """Each row's canonical text (docs/engines.md): values tab-separated in column order,
    NULL as ``\\N``; the generated strings hold no character the text form escapes."""
    from pyspark.sql import functions as F

    texts = {
        "event_time": F.date_format("event_time", "yyyy-MM-dd HH:mm:ss"),
    }
    parts = [
        F.coalesce(texts.get(name, F.col(name).cast("string")), F.lit(NULL))
        for name in frame.columns
    ]
    return frame.select(F.concat_ws("\t", *parts).alias("line"))


# --- the value digest ------------------------------------------------------------------------


def _ranges_text(lines: Iterator[Any]) -> Iterator[bytes]:
    chunk: list[str] = []
    for row in lines:
        chunk.append(row[0])
        if len(chunk) == 65_536:
            yield ("\n".join(chunk) + "\n").encode()
            chunk = []
    if chunk:
        yield ("\n".join(chunk) + "\n").encode()


def _in_order(spark: Any, text: Any, window: int) -> Iterator[bytes]:
    """The text of every partition of ``text`` in partition order, ``window`` partitions
    rendered at a time by the executors while the driver hashes the window before."""
    context = spark.sparkContext
    count = text.getNumPartitions()
    windows = [list(range(start, min(count, start + window))) for start in range(0, count, window)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(context.runJob, text, lambda part: part, windows[0])
        for following in [*windows[1:], None]:
            blobs = pending.result()
            if following is not None:
                pending = pool.submit(context.runJob, text, lambda part: part, following)
            yield from blobs


def value_digest(spark: Any, options: argparse.Namespace, table: str) -> tuple[str, int]:
    """(SHA-256 of the table's sorted canonical text, rows hashed)."""
    ranges = max(options.partitions, -(-options.rows // DIGEST_ROWS))
    lines = canonical_lines(rows(spark, options, table, ranges))
    text = lines.rdd.mapPartitions(_ranges_text)
    digest = hashlib.sha256()
    count = 0
    window = max(2, spark.sparkContext.defaultParallelism)
    for blob in _in_order(spark, text, window):
        digest.update(blob)
        count += blob.count(b"\n")
    return digest.hexdigest(), count


# --- writing ---------------------------------------------------------------------------------


def _path(spark: Any, location: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(location)
    return path, path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def empty(spark: Any, location: str) -> None:
    """Remove everything below ``location`` (an earlier run's output)."""
    path, fs = _path(spark, location)
    if fs.exists(path):
        fs.delete(path, True)


def file_sizes(spark: Any, location: str) -> tuple[int, int]:
    """(files, bytes) below ``location``, Hadoop's hidden files (``_SUCCESS``, ``.crc``)
    left out as every engine leaves them out."""
    path, fs = _path(spark, location)
    files = total = 0
    listing = fs.listFiles(path, True)
    while listing.hasNext():
        status = listing.next()
        name = status.getPath().getName()
        if not name.startswith(("_", ".")):
            files += 1
            total += status.getLen()
    return files, total


def write_text(spark: Any, location: str, text: str) -> None:
    path, fs = _path(spark, location)
    stream_out = fs.create(path, True)
    try:
        stream_out.write(bytearray(text.encode()))
    finally:
        stream_out.close()


def iceberg_catalog(options: argparse.Namespace) -> str:
    """The Iceberg catalog's name in the session: one per output, since Spark keeps a
    catalog it has loaded (two runs in one session write to two outputs)."""
    return "volume_" + hashlib.sha256(options.output.encode()).hexdigest()[:12]


def configure(spark: Any, options: argparse.Namespace) -> None:
    conf = spark.conf
    # Wrapping bigint arithmetic is how splitmix64 is written (Spark 4 turns ANSI on).
    conf.set("spark.sql.ansi.enabled", "false")
    conf.set("spark.sql.session.timeZone", "UTC")
    # What Hive's ParquetHiveSerDe (Athena's Hive reader, Spark's Hive mode) reads:
    # INT96 timestamps and fixed-length decimals (docs/engines.md).
    conf.set("spark.sql.parquet.outputTimestampType", "INT96")
    conf.set("spark.sql.parquet.writeLegacyFormat", "true")
    conf.set("spark.sql.parquet.compression.codec", "snappy")
    conf.set("spark.sql.sources.partitionOverwriteMode", "static")
    catalog = f"spark.sql.catalog.{iceberg_catalog(options)}"
    conf.set(catalog, "org.apache.iceberg.spark.SparkCatalog")
    conf.set(f"{catalog}.type", "hadoop")
    conf.set(f"{catalog}.warehouse", options.output.rstrip("/"))


def run(spark: Any, options: argparse.Namespace) -> dict[str, Any]:
    """Write both tables and the truth object; return the truth."""
    configure(spark, options)
    empty(spark, options.output)
    timings: dict[str, float] = {}
    tables: dict[str, dict[str, Any]] = {}

    started = time.monotonic()
    parquet_location = f"{options.output}{PARQUET_TABLE}/"
    rows(spark, options, PARQUET_TABLE, options.partitions).write.mode("overwrite").partitionBy(
        "day"
    ).parquet(parquet_location)
    timings["write_parquet"] = time.monotonic() - started

    started = time.monotonic()
    identifier = f"{iceberg_catalog(options)}.{ICEBERG_NAMESPACE}.{ICEBERG_TABLE}"
    iceberg_rows = rows(spark, options, ICEBERG_TABLE, options.partitions)
    # Glue's `timestamp` has no zone: Iceberg's `timestamp` (not timestamptz) is that type,
    # the same wall clock in the session's UTC.
    iceberg_rows = iceberg_rows.withColumn(
        "event_time", iceberg_rows.event_time.cast("timestamp_ntz")
    )
    iceberg_rows.writeTo(identifier).tableProperty("format-version", "2").create()
    timings["write_iceberg"] = time.monotonic() - started
    iceberg_location = f"{options.output}{ICEBERG_NAMESPACE}/{ICEBERG_TABLE}"

    written = {
        PARQUET_TABLE: (parquet_location, spark.read.parquet(parquet_location).count()),
        ICEBERG_TABLE: (iceberg_location, spark.table(identifier).count()),
    }
    for table, (location, count) in written.items():
        started = time.monotonic()
        digest, hashed = value_digest(spark, options, table)
        timings[f"digest_{table}"] = time.monotonic() - started
        files, size = file_sizes(spark, location)
        tables[table] = {
            "location": location,
            "rows": count,
            "rows_hashed": hashed,
            "files": files,
            "bytes": size,
            "value_digest": digest,
        }
    tables[ICEBERG_TABLE]["metadata_location"] = f"{iceberg_location}/metadata/v1.metadata.json"
    truth = {
        "format_version": TRUTH_FORMAT_VERSION,
        "seed": options.seed,
        "rows": options.rows,
        "days": options.days,
        "first_day": options.first_day.isoformat(),
        "partitions": options.partitions,
        "spark_version": spark.version,
        "tables": tables,
        "seconds": {key: round(value, 3) for key, value in timings.items()},
    }
    write_text(spark, f"{options.output}_truth.json", json.dumps(truth, indent=2, sort_keys=True))
    return truth


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    from pyspark.sql import SparkSession

    options = parse(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.appName("aws2openstack-testenv-volume").getOrCreate()
    return run(spark, options)


if __name__ == "__main__":
    main()
