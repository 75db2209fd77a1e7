"""A partitioned JSON table whose partitions carry other columns than the table.

Glue keeps a storage descriptor per partition; engines that read partitions through
their own descriptor (Hive, Spark, Athena for text formats) see each partition's columns.
Here the oldest partition lacks two columns, the middle one has ``amount`` as ``bigint``
and lacks ``email``, and the newest matches the table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "drifted_events"
SERDE = "org.apache.hive.hcatalog.data.JsonSerDe"
COLUMNS = [("id", "bigint"), ("name", "string"), ("amount", "double"), ("email", "string")]
PARTITION_KEYS = [("dt", "string")]
# Each partition's columns, oldest first: what the crawler saw when it added it.
PARTITION_COLUMNS = [
    [("id", "bigint"), ("name", "string")],
    [("id", "bigint"), ("name", "string"), ("amount", "bigint")],
    COLUMNS,
]


def objects(seed: int, table_prefix: str, rows: int) -> dict[str, list[dict[str, Any]]]:
    generator = zoo.rng(seed, table_prefix)
    out, start = {}, 0
    days = zoo.days(len(PARTITION_COLUMNS))
    counts = zoo.split(rows, len(PARTITION_COLUMNS))
    for day, count, columns in zip(days, counts, PARTITION_COLUMNS, strict=True):
        names = [name for name, _ in columns]
        records = []
        for i, r in enumerate(zoo.sample_rows(generator, count, day)):
            full = {
                "id": start + i + 1,
                "name": r["name"],
                "amount": int(r["amount"])
                if dict(columns).get("amount") == "bigint"
                else float(r["amount"]),
                "email": f"{r['name']}{start + i + 1}@example.com",
            }
            records.append({k: full[k] for k in names})
        out[day.isoformat()] = records
        start += count
    return out


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    files = []
    for day, records in objects(seed, table_prefix, rows).items():
        key = f"{table_prefix}/dt={day}/part-00000.json"
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        (root / key).write_text(text)
        files.append(zoo.file_record(root, key, len(records), {"dt": day}))
    return zoo.Written(table_prefix, tuple(files))


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    descriptor = zoo.storage_descriptor(
        zoo.table_location(bucket, written),
        COLUMNS,
        zoo.TEXT_INPUT,
        zoo.TEXT_OUTPUT,
        SERDE,
        {"serialization.format": "1"},
    )
    parameters = {"classification": "json"}
    drift = {
        (p["dt"],): columns
        for p, columns in zip(written.partitions(), PARTITION_COLUMNS, strict=True)
    }
    table = zoo.external_table(name, descriptor, parameters, PARTITION_KEYS)
    return zoo.GlueTable(table, zoo.hive_partitions(bucket, written, descriptor, parameters, drift))


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="schema_drift",
        detected_format="JSON",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "partition schema differs from table",
            "a partition declares amount as bigint where the table says double",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine that converts each partition's schema to the table's (Hive) returns:
    the table's columns, NULL where a partition lacks one, the ``bigint`` partition's
    ``amount`` as a double; then ``dt``."""
    from datagen.kinds import glue_rows

    records = []
    for day, batch in objects(seed, table_prefix, rows).items():
        for record in batch:
            converted = dict(record, dt=day)
            if "amount" in record:
                converted["amount"] = float(record["amount"])
            records.append(converted)
    return glue_rows.from_records(records, [*COLUMNS, *PARTITION_KEYS])


KIND = zoo.ZooKind("schema_drift", write, glue_table, expected, rows)
