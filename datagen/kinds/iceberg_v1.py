"""An Iceberg format v1 table (one append), unpartitioned."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import iceberg_tables, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "iceberg_v1"
PROPERTIES = {"format-version": "1", "write.parquet.compression-codec": "zstd"}


def data(seed: int, table_prefix: str, rows: int) -> pa.Table:
    import pyarrow as pa

    sample = zoo.sample_rows(zoo.rng(seed, table_prefix), rows, zoo.REFERENCE_DATE)
    return pa.table(
        {
            "id": pa.array(range(1, rows + 1), pa.int64()),
            "name": [r["name"] for r in sample],
            "amount": [float(r["amount"]) for r in sample],
        }
    )


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    batch = data(seed, table_prefix, rows)
    with iceberg_tables.new_table(
        root, table_prefix, seed, location, schema=batch.schema, properties=dict(PROPERTIES)
    ) as table:
        table.append(batch)
        return iceberg_tables.written_table(root, table_prefix, table)


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    return iceberg_tables.glue_table(name, written)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="iceberg_v1",
        detected_format="ICEBERG",
        is_iceberg=True,
        rows=written.rows,
        iceberg_format_version=1,
        notes=("Iceberg v1: upgrade to v2 for row-level deletes",),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: the current (only) snapshot's
    rows, in the Iceberg schema's column order, which is Glue's."""
    return data(seed, table_prefix, rows)


KIND = zoo.ZooKind("iceberg_v1", write, glue_table, expected, rows)
