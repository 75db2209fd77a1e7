"""A Parquet table whose location names a bucket the stack never creates (the data was
deleted with its bucket, the table was left behind)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import parquet_nested, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "missing_location"
COLUMNS = [("id", "bigint"), ("name", "string")]


def missing_bucket(bucket: str) -> str:
    """A bucket name derived from the stack's, at most 63 characters, never created."""
    return f"{bucket[:55]}-deleted"


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return zoo.Written(table_prefix, ())


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    location = f"s3://{missing_bucket(bucket)}/{written.prefix}/"
    return parquet_nested.parquet_table(bucket, name, written, COLUMNS, location)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="missing_location",
        detected_format="PARQUET",
        is_iceberg=False,
        rows=0,
        notes=("location does not exist: its bucket is gone",),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: no rows, with the columns."""
    from datagen.kinds import glue_rows

    return glue_rows.from_records([], COLUMNS)


KIND = zoo.ZooKind("missing_location", write, glue_table, expected, rows)
