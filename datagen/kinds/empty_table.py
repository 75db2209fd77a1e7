"""A Parquet table whose location, inside the stack's bucket, holds no objects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import parquet_nested, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "empty_table"
COLUMNS = [("id", "bigint"), ("name", "string")]


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return zoo.Written(table_prefix, ())


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    return parquet_nested.parquet_table(bucket, name, written, COLUMNS)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="empty_table",
        detected_format="PARQUET",
        is_iceberg=False,
        rows=0,
        notes=("location has no objects",),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: no rows, with the columns."""
    from datagen.kinds import glue_rows

    return glue_rows.from_records([], COLUMNS)


KIND = zoo.ZooKind("empty_table", write, glue_table, expected, rows)
