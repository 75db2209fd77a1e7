"""Avro files described the way a Glue crawler describes them.

Athena reads Avro through ``AvroSerDe`` and only from ``avro.schema.literal`` (it refuses
``avro.schema.url``): docs.aws.amazon.com/athena/latest/ug/avro-serde.html. The crawler's
own markers and counts are on the table, its descriptor and each partition.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "avro_crawled"
CRAWLER = "zoo-avro-crawler"
CODEC = "deflate"  # Athena reads DEFLATE-compressed Avro (compression-support-hive.html)

INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"
SERDE = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"

SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "order",
    "namespace": "zoo",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {"name": "status", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "qty", "type": "int"},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}
# The Hive types AvroSerDe derives from SCHEMA (a crawler writes the same).
COLUMNS = [
    ("id", "bigint"),
    ("name", "string"),
    ("status", "string"),
    ("amount", "double"),
    ("qty", "int"),
    ("ts", "timestamp"),
    ("note", "string"),
]
PARTITION_KEYS = [("dt", "string")]
PARTITIONS = 2


def records(seed: int, table_prefix: str, rows: int) -> dict[str, list[dict[str, Any]]]:
    """The rows of each partition (``dt`` value → records), as fastavro writes them."""
    generator = zoo.rng(seed, table_prefix)
    out = {}
    for day, count in zip(zoo.days(PARTITIONS), zoo.split(rows, PARTITIONS), strict=True):
        sample = zoo.sample_rows(generator, count, day)
        start = sum(len(v) for v in out.values())
        out[day.isoformat()] = [
            {
                "id": start + i + 1,
                "name": r["name"],
                "status": r["status"],
                "amount": float(r["amount"]),
                "qty": r["qty"],
                "ts": r["ts"].replace(tzinfo=dt.UTC),
                "note": None if i % 3 else f"note {i}",
            }
            for i, r in enumerate(sample)
        ]
    return out


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    import fastavro

    parsed = fastavro.parse_schema(SCHEMA)
    # fastavro draws the sync marker from os.urandom unless given one: take it from the seed.
    marker = zoo.rng(seed, table_prefix + "#sync").bytes(16)
    files = []
    for day, batch in records(seed, table_prefix, rows).items():
        key = f"{table_prefix}/dt={day}/part-00000.avro"
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            fastavro.writer(out, parsed, batch, codec=CODEC, sync_marker=marker)
        files.append(zoo.file_record(root, key, len(batch), {"dt": day}))
    return zoo.Written(prefix=table_prefix, files=tuple(files))


def _descriptor(location: str, parameters: dict[str, str]) -> dict[str, Any]:
    return zoo.storage_descriptor(
        location,
        COLUMNS,
        INPUT_FORMAT,
        OUTPUT_FORMAT,
        SERDE,
        {"avro.schema.literal": json.dumps(SCHEMA, separators=(",", ":"))},
        parameters=parameters,
    )


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    parameters = zoo.crawler_parameters(written, "avro", "none", CRAWLER)
    descriptor = _descriptor(zoo.table_location(bucket, written), parameters)
    table = zoo.external_table(name, descriptor, parameters, PARTITION_KEYS, by_crawler=True)
    partitions = []
    for part in zoo.hive_partitions(bucket, written, descriptor, {}):
        own = zoo.Written(
            written.prefix,
            tuple(f for f in written.files if list(f.partition.values()) == part["Values"]),
        )
        counts = zoo.crawler_parameters(own, "avro", "none", CRAWLER)
        part["Parameters"] = counts
        part["StorageDescriptor"] = _descriptor(part["StorageDescriptor"]["Location"], counts)
        partitions.append(part)
    return zoo.GlueTable(table, partitions)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="avro_crawler",
        detected_format="AVRO",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "Avro: needs conversion to Parquet or Iceberg",
            "crawler-made table: schema and counts as of the last crawl",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: every partition's records,
    then ``dt``; ``ts`` (timestamp-millis, an instant) as its UTC wall clock."""
    from datagen.kinds import glue_rows

    return glue_rows.from_records(
        (
            {**record, "ts": record["ts"].astimezone(dt.UTC).replace(tzinfo=None), "dt": day}
            for day, batch in records(seed, table_prefix, rows).items()
            for record in batch
        ),
        [*COLUMNS, *PARTITION_KEYS],
    )


KIND = zoo.ZooKind("avro_crawler", write, glue_table, expected, rows)
