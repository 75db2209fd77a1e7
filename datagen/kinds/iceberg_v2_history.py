"""An Iceberg v2 table with history: appends, an added column, a changed partition spec
and an overwrite, each its own snapshot.

Snapshots, oldest first: append (2024-12-29), append (2024-12-30), add column ``email``,
partition spec ``day`` → ``name``, append (2024-12-31, with email), overwrite of
2024-12-29 (a delete and an append snapshot).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import iceberg_tables, zoo

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.partitioning import PartitionSpec
    from pyiceberg.schema import Schema

TABLE = "iceberg_v2_history"
PROPERTIES = {"format-version": "2", "write.parquet.compression-codec": "zstd"}


def schema_and_spec() -> tuple[Schema, PartitionSpec]:
    """The table's first schema and partition spec (a function: pyiceberg is imported
    only to write)."""
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import DateType, DoubleType, LongType, NestedField, StringType

    schema = Schema(
        NestedField(1, "id", LongType(), required=False),
        NestedField(2, "name", StringType(), required=False),
        NestedField(3, "amount", DoubleType(), required=False),
        NestedField(4, "day", DateType(), required=False),
    )
    return schema, PartitionSpec(PartitionField(4, 1000, IdentityTransform(), "day"))


def batches(seed: int, table_prefix: str, rows: int) -> list[pa.Table]:
    """Four batches: three days, then the replacement of the first day."""
    import pyarrow as pa

    generator = zoo.rng(seed, table_prefix)
    days = zoo.days(3)
    counts = zoo.split(rows, 3)
    out, start = [], 0
    for index, (day, count) in enumerate(zip([*days, days[0]], [*counts, counts[0]], strict=True)):
        sample = zoo.sample_rows(generator, count, day)
        columns = {
            "id": pa.array(range(start + 1, start + count + 1), pa.int64()),
            "name": pa.array([r["name"] for r in sample], pa.string()),
            "amount": pa.array([float(r["amount"]) for r in sample], pa.float64()),
            "day": pa.array([day] * count, pa.date32()),
        }
        if index >= 2:
            columns["email"] = pa.array([f"{r['name']}@example.com" for r in sample], pa.string())
        out.append(pa.table(columns))
        start += count
    return out


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    from pyiceberg.expressions import EqualTo
    from pyiceberg.types import StringType

    first, second, third, replacement = batches(seed, table_prefix, rows)
    schema, spec = schema_and_spec()
    with iceberg_tables.new_table(
        root,
        table_prefix,
        seed,
        location,
        schema=schema,
        partition_spec=spec,
        # A copy: pyiceberg pops format-version out of the dict it is given.
        properties=dict(PROPERTIES),
    ) as table:
        table.append(first)
        table.append(second)
        with table.update_schema() as update:
            update.add_column("email", StringType())
        with table.update_spec() as update:
            # Identity only: pyiceberg's other transforms need pyiceberg-core to write.
            update.remove_field("day")
            update.add_identity("name")
        table.append(third)
        table.overwrite(
            replacement, overwrite_filter=EqualTo("day", first["day"][0].as_py().isoformat())
        )
        return iceberg_tables.written_table(root, table_prefix, table)


def final_rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """The rows of the current snapshot: days two and three and the replaced day one."""
    import pyarrow as pa

    _, second, third, replacement = batches(seed, table_prefix, rows)
    null_email = pa.nulls(second.num_rows, pa.string())
    return pa.concat_tables([second.append_column("email", null_email), third, replacement])


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    return iceberg_tables.glue_table(name, written)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="iceberg_v2_history",
        detected_format="ICEBERG",
        is_iceberg=True,
        rows=written.rows,
        iceberg_format_version=2,
        notes=(
            f"{written.facts['snapshots']} snapshots: time travel and snapshot expiry to plan",
            "schema evolved (added column) and partition spec changed: older data files"
            " use the old spec",
        ),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: the current snapshot's rows
    (``final_rows``), in the current schema's column order, which is Glue's; ``email`` is
    NULL in the rows appended before it was added."""
    return final_rows(seed, table_prefix, rows)


KIND = zoo.ZooKind("iceberg_v2_history", write, glue_table, expected, rows)
