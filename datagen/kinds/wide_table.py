"""A Parquet table of 300 columns (bigint, double and string in turn)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datagen.kinds import parquet_nested, zoo

if TYPE_CHECKING:
    import pyarrow as pa

TABLE = "wide_300"
WIDTH = 300
_TYPES = ("bigint", "double", "string")
COLUMNS = [(f"c{i:03d}", _TYPES[i % 3]) for i in range(WIDTH)]


def table(seed: int, table_prefix: str, rows: int) -> pa.Table:
    import pyarrow as pa

    generator = zoo.rng(seed, table_prefix)
    arrays = []
    for i in range(WIDTH):
        values = generator.integers(0, 1_000_000, rows)
        kind = _TYPES[i % 3]
        if kind == "string":
            arrays.append(pa.array([f"v{v}" for v in values], pa.string()))
        elif kind == "double":
            arrays.append(pa.array(values / 100, pa.float64()))
        else:
            arrays.append(pa.array(values, pa.int64()))
    return pa.Table.from_arrays(arrays, names=[name for name, _ in COLUMNS])


def write(root: Path, table_prefix: str, rows: int, seed: int, location: str) -> zoo.Written:
    return parquet_nested.write_one_file(root, table_prefix, table(seed, table_prefix, rows))


def glue_table(bucket: str, database: str, name: str, written: zoo.Written) -> zoo.GlueTable:
    return parquet_nested.parquet_table(bucket, name, written, COLUMNS)


def expected(written: zoo.Written) -> zoo.Expected:
    return zoo.Expected(
        kind="wide_table",
        detected_format="PARQUET",
        is_iceberg=False,
        rows=written.rows,
        notes=(f"{WIDTH} columns",),
    )


def rows(seed: int, table_prefix: str, rows: int) -> pa.Table:
    """What an engine reading the table through Glue returns: all 300 columns."""
    from datagen.kinds import glue_rows

    return glue_rows.as_glue(table(seed, table_prefix, rows), COLUMNS)


KIND = zoo.ZooKind("wide_table", write, glue_table, expected, rows)
