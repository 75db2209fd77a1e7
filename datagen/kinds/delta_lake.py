"""A Delta Lake table (two commits) written by delta-rs, in the form Athena and Trino
recognise from Glue.

Glue shape: docs.aws.amazon.com/athena/latest/ug/delta-lake-tables-syncing-metadata.html
(``spark.sql.sources.provider=delta``, not ``table_type=delta``, and the table's S3 path
as the SerDe parameter ``path``; the descriptor carries the single placeholder column
``col array<string>`` that Spark and Athena write, the schema living in the Delta log).

delta-rs (pinned) writes byte-stable Parquet, but its log carries the wall clock (commit
``timestamp``, ``createdTime``, ``modificationTime``, ``execution_time_ms``), a random
table id, random data file names, and objects (statistics, metrics) in hash-map order.
``normalise`` replaces exactly those with values from the table's seed and a clock at the
reference date, renames the files to match and writes every object with sorted keys;
``DeltaTable`` reads the result back (tests/datagen/kinds/test_delta.py).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datagen.kinds import zoo

if TYPE_CHECKING:
    import pyarrow as pa
    from deltalake import DeltaTable

TABLE = "delta_events"
COLUMNS = [("id", "bigint"), ("name", "string"), ("amount", "double"), ("ts", "timestamp")]
COMMITS = 2
_LOG = "_delta_log"
# The clock the log shows: one second per reading from midnight after the reference date.
_CLOCK_START_MS = int(
    dt.datetime.combine(zoo.REFERENCE_DATE + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp()
    * 1000
)


def batches(seed: int, table_prefix: str, rows: int) -> list[pa.Table]:
    import pyarrow as pa

    generator = zoo.rng(seed, table_prefix)
    out, start = [], 0
    for day, count in zip(zoo.days(COMMITS), zoo.split(rows, COMMITS), strict=True):
        sample = zoo.sample_rows(generator, count, day)
        out.append(
            pa.table(
                {
                    "id": pa.array(range(start + 1, start + count + 1), pa.int64()),
                    "name": pa.array([r["name"] for r in sample], pa.string()),
                    "amount": pa.array([float(r["amount"]) for r in sample], pa.float64()),
                    # UTC-adjusted: Delta's timestamp type is an instant.
                    "ts": pa.array(
                        [r["ts"].replace(tzinfo=dt.UTC) for r in sample],
                        pa.timestamp("us", tz="UTC"),
                    ),
                }
            )
        )
        start += count
    return out


def _normalised_action(
    action: dict[str, Any], clock: list[int], ids: Any, renames: dict[str, str]
) -> dict[str, Any]:
    def tick() -> int:
        clock[0] += 1000
        return clock[0]

    if "commitInfo" in action:
        info = action["commitInfo"]
        info["timestamp"] = tick()
        if "execution_time_ms" in info.get("operationMetrics", {}):
            info["operationMetrics"]["execution_time_ms"] = 0
    if "metaData" in action:
        action["metaData"]["id"] = str(uuid.UUID(bytes=ids.bytes(16), version=4))
        action["metaData"]["createdTime"] = tick()
    if "add" in action:
        add = action["add"]
        old = add["path"]
        new = (
            f"part-{len(renames):05d}-{uuid.UUID(bytes=ids.bytes(16), version=4)}-c000"
            f".snappy.parquet"
        )
        renames[old] = new
        add["path"] = new
        add["modificationTime"] = tick()
        if add.get("stats"):
            add["stats"] = json.dumps(
                json.loads(add["stats"]), sort_keys=True, separators=(",", ":")
            )
    return action


def normalise(table_dir: Path, seed: int, table_prefix: str) -> None:
    """Replace the log's clock readings, table id and file names with seeded values."""
    ids = zoo.rng(seed, table_prefix + "#delta")
    clock = [_CLOCK_START_MS]
    renames: dict[str, str] = {}
    for commit in sorted((table_dir / _LOG).glob("*.json")):
        actions = [json.loads(line) for line in commit.read_text().splitlines() if line]
        actions = [_normalised_action(a, clock, ids, renames) for a in actions]
        # Sorted keys: delta-rs emits some objects in hash-map order.
        commit.write_text(
            "".join(json.dumps(a, sort_keys=True, separators=(",", ":")) + "\n" for a in actions)
        )
    for old, new in renames.items():
        (table_dir / old).rename(table_dir / new)


def write_table(root: Path, table_prefix: str, rows: int, seed: int) -> DeltaTable:
    from deltalake import DeltaTable, write_deltalake

    table_dir = root / table_prefix
    table_dir.mkdir(parents=True, exist_ok=True)
    for index, batch in enumerate(batches(seed, table_prefix, rows)):
        write_deltalake(str(table_dir), batch, mode="append" if index else "error")
    normalise(table_dir, seed, table_prefix)
    return DeltaTable(str(table_dir))


def written_files(root: Path, table_prefix: str, table: DeltaTable) -> zoo.Written:
    import pyarrow as pa

    rows_of = {
        a["path"]: a["num_records"]
        for a in pa.table(table.get_add_actions(flatten=True)).to_pylist()
    }
    files = []
    for path in sorted((root / table_prefix).rglob("*")):
        if path.is_file():
            relative = str(path.relative_to(root / table_prefix))
            files.append(
                zoo.file_record(root, str(path.relative_to(root)), rows_of.get(relative, 0))
            )
    return zoo.Written(table_prefix, tuple(files), {"version": table.version()})


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return written_files(root, table_prefix, write_table(root, table_prefix, rows, seed))


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    location = zoo.table_location(bucket, written)
    descriptor = zoo.storage_descriptor(
        location,
        [("col", "array<string>")],
        # What Athena's CREATE EXTERNAL TABLE without ROW FORMAT stores: the documented
        # way to register a Delta table for Athena's native Delta reader.
        zoo.TEXT_INPUT,
        zoo.TEXT_OUTPUT,
        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        {"serialization.format": "1", "path": location},
    )
    parameters = {"spark.sql.sources.provider": "delta"}
    return zoo.GlueTable(zoo.external_table(name, descriptor, parameters))


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="delta_lake",
        detected_format="DELTA",
        is_iceberg=False,
        rows=written.rows,
        notes=(
            "Delta Lake: the schema is in the Delta log, not in Glue (placeholder column"
            " col array<string>)",
            "Delta Lake: convert to Iceberg (or read through a Delta connector)",
        ),
    )


def value_columns() -> list[tuple[str, str]]:
    """The columns the table's rows have, in the Delta log's schema order: Glue holds only
    the placeholder ``col array<string>``, so the value digest renders these instead."""
    return list(COLUMNS)


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table's current version through its Delta log returns:
    both commits' rows; ``ts`` (a Delta timestamp, an instant) as its UTC wall clock."""
    import pyarrow as pa

    from datagen.kinds import glue_rows

    data = pa.concat_tables(batches(seed, table_prefix, rows))
    return glue_rows.as_glue(data, COLUMNS)


KIND = zoo.ZooKind("delta_lake", write, glue_table, expected, rows, value_columns)
