"""A Parquet table whose partitions Athena projects from table parameters.

docs.aws.amazon.com/athena/latest/ug/partition-projection.html: with
``projection.enabled=true`` Athena computes partitions from ``projection.<col>.*`` and
``storage.location.template`` and ignores any partition registered in Glue; none is. An
engine that lists Glue partitions (Spark) sees an empty table; Trino's Hive connector
projects them as Athena does when ``hive.partition-projection-enabled`` is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import parquet_nested, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "projected_events"
COLUMNS = [("id", "bigint"), ("name", "string"), ("amount", "double"), ("ts", "timestamp")]
PARTITION_KEYS = [("dt", "string")]
PARTITIONS = 3


def tables(seed: int, table_prefix: str, rows: int) -> dict[str, pa.Table]:
    import pyarrow as pa

    generator = zoo.rng(seed, table_prefix)
    out, start = {}, 0
    for day, count in zip(zoo.days(PARTITIONS), zoo.split(rows, PARTITIONS), strict=True):
        sample = zoo.sample_rows(generator, count, day)
        out[day.isoformat()] = pa.table(
            {
                "id": pa.array(range(start + 1, start + count + 1), pa.int64()),
                "name": pa.array([r["name"] for r in sample], pa.string()),
                "amount": pa.array([float(r["amount"]) for r in sample], pa.float64()),
                "ts": pa.array([r["ts"] for r in sample], pa.timestamp("us")),
            }
        )
        start += count
    return out


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    files = []
    for day, data in tables(seed, table_prefix, rows).items():
        key = f"{table_prefix}/dt={day}/part-00000.zstd.parquet"
        parquet_nested.write_parquet(data, root / key)
        files.append(zoo.file_record(root, key, data.num_rows, {"dt": day}))
    return zoo.Written(table_prefix, tuple(files))


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    location = zoo.table_location(bucket, written)
    values = [p["dt"] for p in written.partitions()]
    parameters = {
        "classification": "parquet",
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.range": f"{values[0]},{values[-1]}",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": location + "dt=${dt}/",
    }
    descriptor = parquet_nested.parquet_descriptor(location, COLUMNS)
    # No PartitionInput on purpose: projection is the only way to the data.
    return zoo.GlueTable(zoo.external_table(name, descriptor, parameters, PARTITION_KEYS))


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="partition_projection",
        detected_format="PARQUET",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "partition projection: no partitions in Glue",
            "engines other than Athena see no partitions unless they are registered "
            "(or apply projection.*, as Trino with hive.partition-projection-enabled does)",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine that projects the partitions (Athena) returns: every projected day's
    rows, then ``dt``. Engines that list Glue's partitions return none of them."""
    from datagen.kinds import glue_rows

    columns = [*COLUMNS, *PARTITION_KEYS]
    pieces = [
        glue_rows.with_partition(glue_rows.as_glue(data, COLUMNS), PARTITION_KEYS, [day])
        for day, data in tables(seed, table_prefix, rows).items()
    ]
    return glue_rows.concat(pieces, columns)


KIND = zoo.ZooKind("partition_projection", write, glue_table, expected, rows)
